import { Field, ID, InputType, ObjectType } from "type-graphql";
import { EmailAddressScalar, LocalDateScalar } from "../../schema/scalars.js";
import { EmployeeType } from "./employee.type.js";
import { EmploymentType } from "./employment.type.js";

/**
 * A new hire as HR or a partner system knows it. Its rules (lengths, blanks, the address) are not
 * decorators here: every door a hire comes in by — registerHire, importHires, the CSV file — checks
 * its rows with the one rule set of src/domain/hire-row.ts.
 */
@InputType("RegisterHireInput", { description: "A new hire as HR or a partner system knows it." })
export class RegisterHireInput {
  @Field(() => String)
  firstName!: string;

  @Field(() => String)
  lastName!: string;

  @Field(() => EmailAddressScalar, { nullable: true })
  email?: string | null;

  @Field(() => LocalDateScalar)
  startDate!: string;

  @Field(() => ID)
  employmentTemplateId!: string;

  @Field(() => String, {
    nullable: true,
    description: "The caller's own id; registering the same externalId again returns the first hire.",
  })
  externalId?: string | null;

  @Field(() => LocalDateScalar, {
    nullable: true,
    description: "R9: the last day, when already known: as endEmployment right after the registration (not before the start date).",
  })
  endDate?: string | null;
}

@ObjectType("RegisterHirePayload")
export class RegisterHirePayloadType {
  @Field(() => EmployeeType)
  employee!: EmployeeType;

  @Field(() => EmploymentType)
  employment!: EmploymentType;
}
