import { Field, ObjectType, registerEnumType } from "type-graphql";
import type { EmploymentEventKind as StoredKind } from "../../entities/employment-event.js";
import { DateTimeScalar } from "../../schema/scalars.js";

export enum EmploymentEventKind {
  REGISTERED = "REGISTERED",
  PLANNED = "PLANNED",
  SENT = "SENT",
  SEND_FAILED = "SEND_FAILED",
  EXPIRED = "EXPIRED",
  RESENT = "RESENT",
  VERIFIED = "VERIFIED",
  CONNECTED = "CONNECTED",
  APPROVED = "APPROVED",
  REJECTED = "REJECTED",
  CANCELLED = "CANCELLED",
  START_DATE_CHANGED = "START_DATE_CHANGED",
  EMAIL_CHANGED = "EMAIL_CHANGED",
  ENDED = "ENDED",
  DISCONNECTED = "DISCONNECTED",
  REMINDED = "REMINDED",
}
// Fails to compile if the stored kinds and this enum part ways.
type SameUnion<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const kindsMatch: SameUnion<`${EmploymentEventKind}`, StoredKind> = true;
void kindsMatch;

registerEnumType(EmploymentEventKind, {
  name: "EmploymentEventKind",
  valuesConfig: {
    REGISTERED: { description: "The hire was registered (by registerHire or an import)." },
    PLANNED: { description: "The invitation was planned: when it goes out, and to which (masked) address." },
    SENT: { description: "The invitation e-mail was delivered." },
    SEND_FAILED: { description: "A delivery attempt failed: it is retried later, or (refused for good, or retried for too long) the invitation FAILED." },
    EXPIRED: { description: "The link expired unused." },
    RESENT: { description: "HR sent a new link; every earlier link stopped working." },
    VERIFIED: { description: "The hire confirmed the link." },
    CONNECTED: { description: "The Connect account was created." },
    APPROVED: { description: "A review step was approved." },
    REJECTED: { description: "The review rejected the employment." },
    CANCELLED: { description: "The employment was cancelled." },
    START_DATE_CHANGED: { description: "The start date changed (old → new)." },
    EMAIL_CHANGED: { description: "The hire's address changed (masked old → masked new)." },
    ENDED: { description: "The employment's end date was set, changed or withdrawn (the detail says which)." },
    DISCONNECTED: { description: "The employment ended and its Connect link was removed." },
    REMINDED: { description: "A reminder of the unused link went out." },
  },
});

// "EmploymentEvent" is the contract's partner-visible event (event.type.ts); a history entry is every row, with who and a detail.
@ObjectType("EmploymentHistoryEntry", { description: "Something that happened to an employment: what, when and who." })
export class EmploymentHistoryEntryType {
  @Field(() => EmploymentEventKind)
  kind!: EmploymentEventKind;

  @Field(() => DateTimeScalar, { description: "The tenant's clock when it happened (a sandbox's test clock)." })
  at!: Date;

  @Field(() => String, { description: 'The name of the API key that did it; "system" for sends and expiries; "hire" for the hire confirming the link.' })
  actor!: string;

  @Field(() => String, { nullable: true, description: "A short human text; addresses are masked." })
  detail?: string | null;
}
