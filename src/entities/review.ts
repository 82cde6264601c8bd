import { Column, Entity, Index } from "typeorm";
import { IdColumn, InstantColumn, RefColumn } from "./columns.js";

/** One step of a tenant's review flow (granskningsflöde), in order. */
@Entity({ name: "review_step" })
@Index(["tenantId", "position"], { unique: true })
export class ReviewStep {
  @IdColumn()
  id!: string;

  @RefColumn()
  tenantId!: string;

  /** 1-based */
  @Column({ type: "int" })
  position!: number;

  @Column({ type: "varchar", length: 100 })
  name!: string;
}

export type ReviewDecisionKind = "APPROVED" | "REJECTED";

/**
 * Who approved or rejected which step of an employment, when and why. One decision per step: the
 * unique key is the database's own guard against two reviewers deciding the same step.
 */
@Entity({ name: "review_decision" })
@Index(["employmentId", "position"], { unique: true })
export class ReviewDecision {
  @IdColumn()
  id!: string;

  @RefColumn()
  tenantId!: string;

  @RefColumn()
  employmentId!: string;

  @Column({ type: "int" })
  position!: number;

  /** The step's name when it was decided (a later change of the flow does not rewrite history). */
  @Column({ type: "varchar", length: 100 })
  stepName!: string;

  @Column({ type: "varchar", length: 16 })
  decision!: ReviewDecisionKind;

  @RefColumn({ nullable: true })
  decidedByKeyId!: string | null;

  /** The deciding API key's name, kept even if the key is revoked later. */
  @Column({ type: "varchar", length: 100 })
  decidedBy!: string;

  @Column({ type: "varchar", length: 1000, nullable: true })
  reason!: string | null;

  @InstantColumn()
  decidedAt!: Date;
}
