import { Length } from "class-validator";
import { Field, ID, InputType, ObjectType } from "type-graphql";
import { NotBlank } from "./validation.js";

@ObjectType("UserTemplate")
export class UserTemplateType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;
}

@ObjectType("EmploymentTemplate")
export class EmploymentTemplateType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => UserTemplateType, { nullable: true })
  userTemplate?: UserTemplateType | null;
}

@InputType("CreateUserTemplateInput")
export class CreateUserTemplateInput {
  @Field(() => String)
  @NotBlank()
  @Length(1, 100)
  name!: string;
}

@InputType("CreateEmploymentTemplateInput")
export class CreateEmploymentTemplateInput {
  @Field(() => String)
  @NotBlank()
  @Length(1, 100)
  name!: string;

  // No format check on ids: an unknown id of any shape is NOT_FOUND, like another tenant's.
  @Field(() => ID, { nullable: true })
  userTemplateId?: string | null;
}
