import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsEnum, Length } from "class-validator";
import { Field, InputType, ObjectType } from "type-graphql";
import { RoleEnum } from "./enums.js";
import { NotBlank } from "./validation.js";

@InputType("CreateApiKeyInput")
export class CreateApiKeyInput {
  @Field(() => String)
  @NotBlank()
  @Length(1, 100)
  name!: string;

  @Field(() => [RoleEnum])
  @ArrayNotEmpty()
  @ArrayUnique()
  @ArrayMaxSize(Object.keys(RoleEnum).length)
  @IsEnum(RoleEnum, { each: true })
  roles!: RoleEnum[];
}

@ObjectType("CreateApiKeyPayload")
export class CreateApiKeyPayloadType {
  @Field(() => String)
  apiKey!: string;

  @Field(() => [RoleEnum])
  roles!: RoleEnum[];
}
