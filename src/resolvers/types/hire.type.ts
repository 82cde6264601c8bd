import { IsOptional, Length, MaxLength } from "class-validator";
import { Field, ID, InputType, ObjectType } from "type-graphql";
import { EmailAddressScalar, LocalDateScalar } from "../../schema/scalars.js";
import { EmployeeType } from "./employee.type.js";
import { EmploymentType } from "./employment.type.js";
import { NotBlank } from "./validation.js";

@InputType("RegisterHireInput", { description: "A new hire as HR or a partner system knows it." })
export class RegisterHireInput {
  @Field(() => String)
  @NotBlank()
  @Length(1, 100)
  firstName!: string;

  @Field(() => String)
  @NotBlank()
  @Length(1, 100)
  lastName!: string;

  @Field(() => EmailAddressScalar, { nullable: true })
  @IsOptional()
  @MaxLength(254)
  email?: string | null;

  @Field(() => LocalDateScalar)
  startDate!: string;

  @Field(() => ID)
  employmentTemplateId!: string;

  @Field(() => String, {
    nullable: true,
    description: "The caller's own id; registering the same externalId again returns the first hire.",
  })
  @IsOptional()
  @NotBlank()
  @Length(1, 100)
  externalId?: string | null;
}

@ObjectType("RegisterHirePayload")
export class RegisterHirePayloadType {
  @Field(() => EmployeeType)
  employee!: EmployeeType;

  @Field(() => EmploymentType)
  employment!: EmploymentType;
}
