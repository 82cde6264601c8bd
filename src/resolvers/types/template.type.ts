import { IsInt, IsOptional, Length, Max, Min } from "class-validator";
import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { DISCONNECT_AFTER_DAYS_MAX } from "../../domain/tenant-settings.js";
import { NotBlank } from "./validation.js";

@ObjectType("UserTemplate")
export class UserTemplateType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Int, { nullable: true, description: "R9: overrides the tenant's disconnectAfterDays for users made from this template, when set." })
  disconnectAfterDays?: number | null;
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

  @Field(() => Int, { nullable: true, description: "R9: days after an end date until the Connect link is removed (0–365); default: the tenant's." })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(DISCONNECT_AFTER_DAYS_MAX)
  disconnectAfterDays?: number | null;
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
