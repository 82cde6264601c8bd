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
  "ENDED",
  "DISCONNECTED",
  "REMINDED",
] as const;
export type EmploymentEventKind = (typeof employmentEventKinds)[number];

/**
 * One thing that happened to an employment, when (the tenant's clock) and who did it. Written in
 * the transaction of the change it describes, so a change that rolled back leaves no event.
 * The id is time-ordered: events of the same instant read back in the order they were written.
 *
 * It is also the outbox of R11: a row that is a partner-visible event carries its `type`
 * (src/domain/events.ts) with the hire's ids and status after the change, snapshotted when written,
 * and `webhooksPending` until the worker has made its webhook deliveries (src/services/webhook-delivery.ts).
 */
@Entity({ name: "employment_event" })
@Index(["employmentId", "at"])
@Index(["webhooksPending", "id"])
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

  /** The contract's event type (employment.registered, …); null: no partner-visible event (src/domain/events.ts). */
  @Column({ type: "varchar", length: 40, nullable: true })
  type!: string | null;

  /** The employment's employee. Null only on rows written before events existed. */
  @RefColumn({ nullable: true })
  employeeId!: string | null;

  /** The registrant's id of the employee when it happened. */
  @Column({ type: "varchar", length: 100, nullable: true })
  externalId!: string | null;

  /** The hire's ConnectStatus right after the change. Null only on rows written before events existed. */
  @Column({ type: "varchar", length: 32, nullable: true })
  connectStatus!: string | null;

  /** A typed event whose webhook deliveries are not made yet (the fan-out clears it). */
  @Column({ type: Boolean, default: false })
  webhooksPending!: boolean;
}
