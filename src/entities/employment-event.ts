import { Column, Entity, Index } from "typeorm";
import { IdColumn, InstantColumn, RefColumn } from "./columns.js";

export const employmentEventKinds = [
  "REGISTERED",
  "PLANNED",
  "SENT",
  "SEND_FAILED",
  "EXPIRED",
  "RESENT",
  "VERIFIED",
  "CONNECTED",
  "APPROVED",
  "REJECTED",
  "CANCELLED",
  "START_DATE_CHANGED",
  "EMAIL_CHANGED",
  "REMINDED",
] as const;
export type EmploymentEventKind = (typeof employmentEventKinds)[number];

/**
 * One thing that happened to an employment, when (the tenant's clock) and who did it. Written in
 * the transaction of the change it describes, so a change that rolled back leaves no event.
 * The id is time-ordered: events of the same instant read back in the order they were written.
 */
@Entity({ name: "employment_event" })
@Index(["employmentId", "at"])
export class EmploymentEvent {
  @IdColumn()
  id!: string;

  @RefColumn()
  tenantId!: string;

  @RefColumn()
  employmentId!: string;

  @Column({ type: "varchar", length: 32 })
  kind!: EmploymentEventKind;

  /** The tenant's clock when it happened: a sandbox's test clock, real time otherwise. */
  @InstantColumn()
  at!: Date;

  /** The API key that did it; null for the system and for the hire. */
  @RefColumn({ nullable: true })
  actorKeyId!: string | null;

  /** The key's name when it acted, "system" (jobs, sweeps) or "hire" (the hire confirming the link). */
  @Column({ type: "varchar", length: 100 })
  actor!: string;

  /** A short human text. Never a token; addresses masked. */
  @Column({ type: "varchar", length: 500, nullable: true })
  detail!: string | null;
}
