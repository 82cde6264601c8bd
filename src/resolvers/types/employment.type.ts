import { Field, ID, Int, ObjectType } from "type-graphql";
import { DateTimeScalar, LocalDateScalar } from "../../schema/scalars.js";
import { EmployeeType } from "./employee.type.js";
import { ConnectStatus, EmploymentStatus, ReviewStatus } from "./enums.js";
import { InvitationType } from "./invitation.type.js";
import type { Relation } from "./relation.js";
import { EmploymentTemplateType } from "./template.type.js";

@ObjectType("Employment")
export class EmploymentType {
  @Field(() => ID)
  id!: string;

  @Field(() => EmployeeType)
  employee!: Relation<EmployeeType>;

  @Field(() => LocalDateScalar)
  startDate!: string;

  @Field(() => EmploymentTemplateType)
  template!: EmploymentTemplateType;

  @Field(() => EmploymentStatus)
  status!: EmploymentStatus;

  @Field(() => ReviewStatus)
  reviewStatus!: ReviewStatus;

  @Field(() => Int, { description: "How many review steps are approved so far." })
  approvedSteps!: number;

  @Field(() => ConnectStatus)
  connectStatus!: ConnectStatus;

  @Field(() => LocalDateScalar, { nullable: true, description: "The last day of the employment, when HR has set one (R9)." })
  endDate?: string | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: "When the Connect link is (or was) removed: 00:00 tenant-local on endDate + 1 + disconnectAfterDays (R9).",
  })
  disconnectAt?: Date | null;

  @Field(() => InvitationType, { nullable: true, description: "The current invitation, if any." })
  invitation?: InvitationType | null;
}
