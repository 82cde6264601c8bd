import { ArrayMaxSize, IsOptional, MaxLength } from "class-validator";
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import type { WebhookDeliveryStatus as StoredStatus } from "../../entities/webhook.js";
import { DateTimeScalar } from "../../schema/scalars.js";
import { PageInfoType } from "./invitation.type.js";
import { NotBlank } from "./validation.js";

export enum WebhookDeliveryStatus {
  PENDING = "PENDING",
  SUCCEEDED = "SUCCEEDED",
  FAILED = "FAILED",
}
// Fails to compile if the stored statuses and this enum part ways.
type SameUnion<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const statusesMatch: SameUnion<`${WebhookDeliveryStatus}`, StoredStatus> = true;
void statusesMatch;

registerEnumType(WebhookDeliveryStatus, {
  name: "WebhookDeliveryStatus",
  valuesConfig: {
    PENDING: { description: "Not delivered yet: due at nextAttemptAt, or waiting for an earlier event of the employment, or for its endpoint to be enabled." },
    SUCCEEDED: { description: "The receiver answered 2xx." },
    FAILED: { description: "Retried for three days without success; not tried again (replayWebhookEvent sends it anew)." },
  },
});

@ObjectType("WebhookEndpoint", { description: "A receiver of the tenant's events, signed after Standard Webhooks 1.0 (R11)." })
export class WebhookEndpointType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  url!: string;

  @Field(() => [String], { description: "The event types it receives; empty: every type." })
  eventTypes!: string[];

  @Field(() => Boolean)
  enabled!: boolean;

  @Field(() => String, { nullable: true, description: "Why it was disabled (the receiver answered 410 Gone)." })
  disabledReason?: string | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;
}

@InputType("CreateWebhookEndpointInput")
export class CreateWebhookEndpointInput {
  @Field(() => String, { description: "https://… (http too outside production); a public address." })
  @NotBlank()
  @MaxLength(2048)
  url!: string;

  @Field(() => [String], { nullable: true, description: "None or empty: every type." })
  @IsOptional()
  @ArrayMaxSize(20)
  eventTypes?: string[] | null;
}

@ObjectType("CreateWebhookEndpointPayload")
export class CreateWebhookEndpointPayload {
  @Field(() => WebhookEndpointType)
  endpoint!: WebhookEndpointType;

  @Field(() => String, { description: '"whsec_…": shown only now; keep it to verify signatures.' })
  secret!: string;
}

@ObjectType("WebhookDelivery", { description: "One event to one endpoint, and how its delivery went." })
export class WebhookDeliveryType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { description: 'The event\'s id: the "webhook-id" of every attempt.' })
  eventId!: string;

  @Field(() => String)
  eventType!: string;

  @Field(() => WebhookDeliveryStatus)
  status!: WebhookDeliveryStatus;

  @Field(() => Int)
  attempts!: number;

  @Field(() => Int, { nullable: true, description: "The HTTP status of the last answer; null if none came (a timeout, a refused address)." })
  lastResponseStatus?: number | null;

  @Field(() => DateTimeScalar, { nullable: true })
  lastAttemptAt?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "When it is tried next (PENDING)." })
  nextAttemptAt?: Date | null;
}

@ObjectType("WebhookDeliveryEdge")
export class WebhookDeliveryEdgeType {
  @Field(() => String)
  cursor!: string;

  @Field(() => WebhookDeliveryType)
  node!: WebhookDeliveryType;
}

@ObjectType("WebhookDeliveryConnection")
export class WebhookDeliveryConnectionType {
  @Field(() => [WebhookDeliveryEdgeType])
  edges!: WebhookDeliveryEdgeType[];

  @Field(() => PageInfoType)
  pageInfo!: PageInfoType;

  @Field(() => Int)
  totalCount!: number;
}
