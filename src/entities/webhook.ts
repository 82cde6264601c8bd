import { Column, Entity, Index } from "typeorm";
import { IdColumn, InstantColumn, RefColumn } from "./columns.js";

/**
 * A tenant's webhook receiver (R11). The secret is kept to sign with (Standard Webhooks' symmetric
 * `whsec_…` secret): shown to HR once, never read back through the API. After a rotation the previous
 * secret signs beside the new one until `previousSecretUntil`.
 */
@Entity({ name: "webhook_endpoint" })
@Index(["tenantId", "createdAt"])
export class WebhookEndpoint {
  @IdColumn()
  id!: string;

  @RefColumn()
  tenantId!: string;

  @Column({ type: "varchar", length: 2048 })
  url!: string;

  /** The event types it receives, comma-separated; "" for every type. */
  @Column({ type: "varchar", length: 1000, default: "" })
  eventTypes!: string;

  @Column({ type: Boolean, default: true })
  enabled!: boolean;

  /** Why it was disabled (a 410 from the receiver); null while enabled. */
  @Column({ type: "varchar", length: 500, nullable: true })
  disabledReason!: string | null;

  @Column({ type: "varchar", length: 100 })
  secret!: string;

  @Column({ type: "varchar", length: 100, nullable: true })
  previousSecret!: string | null;

  @InstantColumn({ nullable: true })
  previousSecretUntil!: Date | null;

  @InstantColumn()
  createdAt!: Date;
}

export type WebhookDeliveryStatus = "PENDING" | "SUCCEEDED" | "FAILED";

/**
 * One event to one endpoint: the database's record of whether it arrived. A worker claims a due
 * delivery (leasedBy, leaseUntil) before it sends, so two workers never send it at once; a later
 * event of the same employment waits while an earlier one is PENDING (in order per employment).
 */
@Entity({ name: "webhook_delivery" })
@Index(["status", "nextAttemptAt"])
@Index(["endpointId", "employmentId", "status"])
@Index(["endpointId", "createdAt"])
export class WebhookDelivery {
  /** From (endpoint, event) for the first delivery of an event, so that fanning out twice inserts nothing; random for a replay. */
  @IdColumn()
  id!: string;

  @RefColumn()
  tenantId!: string;

  @RefColumn()
  endpointId!: string;

  /** The event (employment_event.id): the webhook-id of every attempt. */
  @RefColumn()
  eventId!: string;

  @Column({ type: "varchar", length: 40 })
  eventType!: string;

  @RefColumn()
  employmentId!: string;

  /** The event's instant (its order within the employment, with eventId). */
  @InstantColumn()
  eventAt!: Date;

  @Column({ type: "varchar", length: 16 })
  status!: WebhookDeliveryStatus;

  @Column({ type: "int", default: 0 })
  attempts!: number;

  /** When it is due next (real time); null once SUCCEEDED or FAILED. */
  @InstantColumn({ nullable: true })
  nextAttemptAt!: Date | null;

  @InstantColumn({ nullable: true })
  firstAttemptAt!: Date | null;

  @InstantColumn({ nullable: true })
  lastAttemptAt!: Date | null;

  @Column({ type: "int", nullable: true })
  lastResponseStatus!: number | null;

  /** The last failure in words (a timeout, a refused address, the HTTP status). */
  @Column({ type: "varchar", length: 500, nullable: true })
  lastError!: string | null;

  /** The claim of the worker sending it now, until leaseUntil. */
  @RefColumn({ nullable: true })
  leasedBy!: string | null;

  @InstantColumn({ nullable: true })
  leaseUntil!: Date | null;

  @InstantColumn()
  createdAt!: Date;
}
