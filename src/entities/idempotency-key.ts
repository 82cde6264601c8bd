import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { InstantColumn, RefColumn } from "./columns.js";

/**
 * One `Idempotency-Key` a caller sent with a mutation (src/http/idempotency.ts): claimed by an INSERT
 * before the request runs, its answer stored after, shared by every api process.
 */
@Entity({ name: "idempotency_key" })
@Index("IDX_idempotency_key_expiresAt", ["expiresAt"])
export class IdempotencyKey {
  /** SHA-256 (hex) of the caller's API key id and the header's value: case-exact on every database, any length ≤ 255 */
  @PrimaryColumn({ type: "char", length: 64 })
  id!: string;

  /** SHA-256 (hex) of the request body: the same key with another body is refused */
  @Column({ type: "char", length: 64 })
  fingerprint!: string;

  /** who runs the request now: a new id per claim, so that only its claimant stores the answer */
  @RefColumn()
  claimId!: string;

  @InstantColumn()
  claimedAt!: Date;

  /** 24 hours after the first claim: from then on the key is free again */
  @InstantColumn()
  expiresAt!: Date;

  /** the answer's HTTP status, null while the request runs */
  @Column({ type: "int", nullable: true })
  status!: number | null;

  /** the answer's JSON body as sent */
  @Column({ type: "text", nullable: true })
  body!: string | null;
}
