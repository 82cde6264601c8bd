import { Column, Entity, Index } from "typeorm";
import { IdColumn, InstantColumn, RefColumn } from "./columns.js";

/** How a user is created (roles, language); an employment template may link one. */
@Entity({ name: "user_template" })
@Index(["tenantId", "name"], { unique: true })
export class UserTemplate {
  @IdColumn()
  id!: string;

  @RefColumn()
  tenantId!: string;

  @Column({ type: "varchar", length: 100 })
  name!: string;

  /** R9: overrides the tenant's disconnectAfterDays for users made from this template, when set. */
  @Column({ type: "int", nullable: true })
  disconnectAfterDays!: number | null;

  @InstantColumn()
  createdAt!: Date;
}

/** A preset for new employments. Only one that links a user template gets its hires a user (R1). */
@Entity({ name: "employment_template" })
@Index(["tenantId", "name"], { unique: true })
export class EmploymentTemplate {
  @IdColumn()
  id!: string;

  @RefColumn()
  tenantId!: string;

  @Column({ type: "varchar", length: 100 })
  name!: string;

  @RefColumn({ nullable: true })
  userTemplateId!: string | null;

  @InstantColumn()
  createdAt!: Date;
}

/** An e-mail domain the tenant has proven it owns: its addresses are connected without an e-mail (R7). */
@Entity({ name: "verified_domain" })
@Index(["tenantId", "domain"], { unique: true })
@Index(["liveDomain"], { unique: true })
export class VerifiedDomain {
  @IdColumn()
  id!: string;

  @RefColumn()
  tenantId!: string;

  @Column({ type: "varchar", length: 253 })
  domain!: string;

  /**
   * The domain again on a live tenant's row, null on a sandbox's: its unique key lets at most one live
   * tenant hold a domain, also when two prove it at the same moment (R12), while sandboxes may share
   * one. Null too on a live tenant's duplicate from before R12 was enforced (it stays verified).
   */
  @Column({ type: "varchar", length: 253, nullable: true })
  liveDomain!: string | null;

  @InstantColumn()
  createdAt!: Date;
}
