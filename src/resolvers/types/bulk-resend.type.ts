import { Field, InputType, Int, ObjectType } from "type-graphql";
import { LocalDateScalar } from "../../schema/scalars.js";
import { EmploymentType } from "./employment.type.js";
import { InvitationStatus } from "./enums.js";

@InputType("ResendFilter", { description: "Which invitations resendInvitations resends: an employment's current invitation with one of the statuses, starting within the range." })
export class ResendFilterInput {
  @Field(() => [InvitationStatus], { description: "As clients see them (a sent link past its time is EXPIRED)." })
  statuses!: InvitationStatus[];

  @Field(() => LocalDateScalar, { nullable: true, description: "The first start date included; none: no lower bound." })
  startDateFrom?: string | null;

  @Field(() => LocalDateScalar, { nullable: true, description: "The last start date included; none: no upper bound." })
  startDateTo?: string | null;
}

@ObjectType("BulkResendPayload")
export class BulkResendPayloadType {
  @Field(() => Int, { description: "How many were resent (dryRun: would be): the employments below." })
  count!: number;

  @Field(() => Int, { description: "Matched the filter but may not be resent, as resendInvitation would refuse them (cancelled, rejected, in review, connected, no address)." })
  skipped!: number;

  @Field(() => Boolean)
  dryRun!: boolean;

  @Field(() => [EmploymentType])
  employments!: EmploymentType[];
}
