import { Column, Entity, Index } from "typeorm";
import type { StoredInvitationStatus } from "../domain/hire-status.js";
import { IdColumn, InstantColumn, RefColumn } from "./columns.js";

/**
 * The verification e-mail and its one-time link. Every state change is a conditional UPDATE on
 * `status`, so a job that runs twice, or two workers, change it once.
 * SCHEDULED → SENDING (a worker's claim `leasedBy` holds it until `leaseUntil`) → SENT → VERIFIED | EXPIRED,
 * (while SENT, a reminder's claim holds it the same way: `leasedBy` on a SENT row is a reminder in flight),
 * or SENDING → FAILED (refused for good, or retries ran out);
 * any unfinished one may become CANCELLED (superseded, cancelled, address changed). The transitions
 * are listed in src/domain/invitation-states.ts, the statements that make them in src/sql/.
 */
@Entity({ name: "invitation" })
@Index(["status", "dueAt"])
// a tenant's due sends, claimed in a burst (InvitationService.deliverDue)
@Index(["tenantId", "status", "dueAt"])
@Index(["status", "expiresAt"])
// a tenant's links whose reminder is due (R10: InvitationDispatch.remindDue), and their expiries
@Index(["tenantId", "status", "expiresAt"])
@Index(["tenantId", "createdAt", "id"])
export class Invitation {
  @IdColumn()
  id!: string;

  @RefColumn()
  tenantId!: string;

  @RefColumn()
  @Index()
  employmentId!: string;

  @RefColumn()
  userId!: string;

  @Column({ type: "varchar", length: 254 })
  email!: string;

  @Column({ type: "varchar", length: 16 })
  status!: StoredInvitationStatus;

  /** When the plan says it goes out. */
  @InstantColumn()
  sendAt!: Date;

  /** When the next delivery attempt is due: sendAt, later after a failed attempt. */
  @InstantColumn()
  dueAt!: Date;

  /** While SENDING: the worker's claim runs out then, and the sweep may retry it. */
  @InstantColumn({ nullable: true })
  leaseUntil!: Date | null;

  /** While SENDING: which claim holds it. A worker's later change names its claim, so one whose lease ran out changes nothing. */
  @Column({ type: "varchar", length: 36, nullable: true })
  leasedBy!: string | null;

  @InstantColumn({ nullable: true })
  sentAt!: Date | null;

  @InstantColumn({ nullable: true })
  expiresAt!: Date | null;

  @InstantColumn({ nullable: true })
  verifiedAt!: Date | null;

  @InstantColumn({ nullable: true })
  cancelledAt!: Date | null;

  /** SHA-256 of the link's token; the token itself exists only in the e-mail. */
  @Column({ type: "char", length: 64, nullable: true })
  @Index({ unique: true })
  tokenHash!: string | null;

  /**
   * R10: the hash of the link a reminder replaced (the first mail's), so that the page can tell the
   * hire to use the newest mail. That link answers LINK_INVALID all the same; never a token.
   */
  @Column({ type: "char", length: 64, nullable: true })
  @Index()
  previousTokenHash!: string | null;

  /** R10: a refused reminder is tried again not before this (tenant clock); at or after expiresAt: not again. */
  @InstantColumn({ nullable: true })
  reminderRetryAt!: Date | null;

  @Column({ type: "int", default: 0 })
  attempts!: number;

  /** When the first delivery attempt was claimed: temporary refusals are retried for SEND_RETRY_HOURS from then (R10). */
  @InstantColumn({ nullable: true })
  firstAttemptAt!: Date | null;

  /** R10: when the one reminder (a new link with the same expiry) went out, if one did. */
  @InstantColumn({ nullable: true })
  remindedAt!: Date | null;

  /** Why the last delivery attempt failed; when FAILED, the mail server's reason with addresses masked (failureReason). */
  @Column({ type: "varchar", length: 500, nullable: true })
  lastError!: string | null;

  @InstantColumn()
  createdAt!: Date;
}
