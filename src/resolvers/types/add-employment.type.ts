import { Field, ID, InputType } from "type-graphql";
import { LocalDateScalar } from "../../schema/scalars.js";

/** Another employment of an existing employee (R9: a rehire, or a second job). Checked by the row rules of src/domain/hire-row.ts, as a registration is. */
@InputType("AddEmploymentInput", { description: "Another employment of an existing employee: a rehire or a new employment." })
export class AddEmploymentInput {
  @Field(() => LocalDateScalar)
  startDate!: string;

  @Field(() => ID)
  employmentTemplateId!: string;
}
