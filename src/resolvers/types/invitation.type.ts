import { Field, ID, Int, ObjectType } from "type-graphql";
import { DateTimeScalar, EmailAddressScalar } from "../../schema/scalars.js";
import { InvitationStatus, PlannedAction } from "./enums.js";

@ObjectType("Invitation")
export class InvitationType {
  @Field(() => ID)
  id!: string;

  @Field(() => EmailAddressScalar)
  email!: string;

  @Field(() => InvitationStatus)
  status!: InvitationStatus;

  @Field(() => DateTimeScalar, { description: "Planned send time." })
  sendAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  sentAt?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "Set when sent." })
  expiresAt?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  verifiedAt?: Date | null;

  @Field(() => Int, { description: "Delivery attempts so far (a failed one is retried with back-off)." })
  attempts!: number;

  @Field(() => String, { nullable: true, description: "Why the last delivery attempt failed (while SENT: of its reminder, R10); null once delivered." })
  lastError?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "When a reminder went out, if one did (R10)." })
  remindedAt?: Date | null;
}

@ObjectType("InvitationPlan", { description: "What registering a hire now would do." })
export class InvitationPlanType {
  @Field(() => PlannedAction)
  action!: PlannedAction;

  @Field(() => DateTimeScalar, { nullable: true, description: "For SEND_NOW and SEND_LATER." })
  sendAt?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "When a link sent at sendAt would expire." })
  expiresAt?: Date | null;
}

@ObjectType("InvitationEdge")
export class InvitationEdgeType {
  @Field(() => String)
  cursor!: string;

  @Field(() => InvitationType)
  node!: InvitationType;
}

@ObjectType("PageInfo")
export class PageInfoType {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor?: string | null;
}

@ObjectType("InvitationConnection")
export class InvitationConnectionType {
  @Field(() => [InvitationEdgeType])
  edges!: InvitationEdgeType[];

  @Field(() => PageInfoType)
  pageInfo!: PageInfoType;

  @Field(() => Int)
  totalCount!: number;
}
