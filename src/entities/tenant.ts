import { Column, Entity } from "typeorm";
import { IdColumn, InstantColumn } from "./columns.js";

/** One customer company. */
@Entity({ name: "tenant" })
export class Tenant {
  @IdColumn()
  id!: string;

  @Column({ type: "varchar", length: 200 })
  name!: string;

  /** IANA zone: every "today", "tomorrow" and "09:00" of this tenant is computed in it. */
  @Column({ type: "varchar", length: 64 })
  timeZone!: string;

  /** The HRM Employee license, which the review flow needs. */
  @Column({ type: Boolean, default: false })
  hasEmployeeLicense!: boolean;

  /** A sandbox tenant lives on its own test clock instead of real time. */
  @Column({ type: Boolean, default: false })
  sandbox!: boolean;

  /** The sandbox's test clock; null for live tenants. */
  @InstantColumn({ nullable: true })
  testClockNow!: Date | null;

  /** The advance of the test clock that runs now (one at a time per tenant), and until when (real time) it holds it. */
  @Column({ type: "varchar", length: 36, nullable: true })
  clockHeldBy!: string | null;

  @InstantColumn({ nullable: true })
  clockHeldUntil!: Date | null;

  /**
   * What the tenant publishes to prove a domain (R12): the TXT record `_onboarding.<domain>` =
   * `onboarding-verification=<this>`. Random, made with the tenant (the migration gave existing ones theirs).
   */
  @Column({ type: "varchar", length: 64 })
  domainVerificationToken!: string;

  /** R9: days after a leaver's end date until the Connect link is removed (a user template may override it). */
  @Column({ type: "int", default: 5 })
  disconnectAfterDays!: number;

  /** R10: a reminder this many days before an unused link expires; null: no reminders. */
  @Column({ type: "int", nullable: true })
  reminderDaysBeforeExpiry!: number | null;

  @InstantColumn()
  createdAt!: Date;
}
