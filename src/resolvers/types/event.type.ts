import { Field, ID, ObjectType } from "type-graphql";
import type { EmploymentEventView } from "../../domain/events.js";
import { DateTimeScalar } from "../../schema/scalars.js";
import { ConnectStatus } from "./enums.js";

/** R11's event (contract/next/events.graphql): what webhooks deliver as `data` and subscriptions push. */
@ObjectType("EmploymentEvent", { description: "A change of an employment or its invitation, as partners and apps hear of it (R11)." })
export class EmploymentEventType {
  @Field(() => ID, { description: 'The same id as the webhook\'s "webhook-id" header.' })
  id!: string;

  @Field(() => String, { description: "employment.registered, invitation.sent, account.connected, …" })
  type!: string;

  @Field(() => DateTimeScalar, { description: "The tenant's clock when it happened (a sandbox's test clock)." })
  at!: Date;

  @Field(() => ID)
  employmentId!: string;

  @Field(() => ID)
  employeeId!: string;

  @Field(() => String, { nullable: true, description: "The registrant's own id of the employee." })
  externalId?: string | null;

  @Field(() => ConnectStatus, { description: "The hire's status right after the change." })
  connectStatus!: ConnectStatus;

  static of(event: EmploymentEventView): EmploymentEventType {
    return Object.assign(new EmploymentEventType(), event);
  }
}
