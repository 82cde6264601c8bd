import { Column, Entity, Index } from "typeorm";
import type { ReviewStatus } from "../domain/hire-status.js";
import { IdColumn, InstantColumn, RefColumn } from "./columns.js";

/**
 * The person. `externalId` is the registrant's own id: unique per tenant and registrant (HR, or one
 * partner), so that a retried registration finds the first, and one partner's ids never meet HR's or
 * another partner's (R12: to a partner those hires do not exist).
 */
@Entity({ name: "employee" })
@Index(["tenantId", "registeredByPartner", "externalId"], { unique: true })
export class Employee {
  @IdColumn()
  id!: string;

  @RefColumn()
  tenantId!: string;

  @Column({ type: "varchar", length: 100 })
  firstName!: string;

  @Column({ type: "varchar", length: 100 })
  lastName!: string;

  @Column({ type: "varchar", length: 254, nullable: true })
  email!: string | null;

  @Column({ type: "varchar", length: 100, nullable: true })
  externalId!: string | null;

  /**
   * The partner (the PARTNER key's name) that registered the hire; "" when HR did. A partner's keys
   * read and change only its own hires (R12, TenantScope). Not null, so that the unique key above
   * holds among HR's hires too (NULLs never collide in a unique index). Never changes.
   */
  @Column({ type: "varchar", length: 100, default: "" })
  registeredByPartner!: string;

  @InstantColumn()
  createdAt!: Date;
}

export type EmploymentStatus = "ACTIVE" | "CANCELLED";

/** One employment of an employee, with its start date (a calendar date) and its current invitation. */
@Entity({ name: "employment" })
@Index(["tenantId", "createdAt"])
@Index(["disconnectDoneAt", "disconnectAt"]) // the sweep: removals due, of every tenant
@Index(["tenantId", "disconnectDoneAt", "disconnectAt"]) // a tenant's removals due (its job, its test clock)
export class Employment {
  @IdColumn()
  id!: string;

  @RefColumn()
  tenantId!: string;

  @RefColumn()
  @Index()
  employeeId!: string;

  @RefColumn()
  templateId!: string;

  /** "YYYY-MM-DD" */
  @Column({ type: "date" })
  startDate!: string;

  @Column({ type: "varchar", length: 16 })
  status!: EmploymentStatus;

  @Column({ type: "varchar", length: 16 })
  reviewStatus!: ReviewStatus;

  @Column({ type: "int", default: 0 })
  approvedSteps!: number;

  /** How many approvals this employment needs: the tenant's flow when it was registered (0: none). */
  @Column({ type: "int", default: 0 })
  reviewSteps!: number;

  /** The one current invitation; earlier ones are CANCELLED (superseded). */
  @RefColumn({ nullable: true })
  @Index({ unique: true })
  currentInvitationId!: string | null;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn({ nullable: true })
  cancelledAt!: Date | null;

  /** R9: the last day of the employment ("YYYY-MM-DD"), when HR has set one. */
  @Column({ type: "date", nullable: true })
  endDate!: string | null;

  /** R9: when the Connect link is (or was) removed: 00:00 tenant-local on endDate + 1 + disconnectAfterDays. */
  @InstantColumn({ nullable: true })
  disconnectAt!: Date | null;

  /**
   * R9: when the removal due at disconnectAt was carried out — the link removed, or kept because
   * another active employment of the employee still needs it. null while it is planned (or none is).
   */
  @InstantColumn({ nullable: true })
  disconnectDoneAt!: Date | null;
}

/** The login identity inside the HR system, created from the user template (R1). One per employee. */
@Entity({ name: "hr_user" })
export class User {
  @IdColumn()
  id!: string;

  @RefColumn()
  tenantId!: string;

  @RefColumn()
  @Index({ unique: true })
  employeeId!: string;

  @RefColumn()
  userTemplateId!: string;

  @Column({ type: "varchar", length: 254, nullable: true })
  email!: string | null;

  @InstantColumn()
  createdAt!: Date;
}

export type ConnectMethod = "EMAIL_VERIFICATION" | "VERIFIED_DOMAIN" | "EXISTING_ACCOUNT";

/** The identity account the user logs in with. Its existence is what "connected" means. */
@Entity({ name: "connect_account" })
export class ConnectAccount {
  @IdColumn()
  id!: string;

  @RefColumn()
  tenantId!: string;

  @RefColumn()
  @Index({ unique: true })
  userId!: string;

  @Column({ type: "varchar", length: 254 })
  email!: string;

  @Column({ type: "varchar", length: 32 })
  method!: ConnectMethod;

  @InstantColumn()
  createdAt!: Date;

  /**
   * R9: when a leaver's Connect link was removed (null: linked). The account itself stays, so a
   * rehire is re-linked to it (method EXISTING_ACCOUNT) instead of being invited again.
   */
  @InstantColumn({ nullable: true })
  disconnectedAt!: Date | null;
}
