import type { EntityManager } from "typeorm";
import { isUniqueViolation } from "../db/errors.js";
import { IdempotencyKey } from "../entities/index.js";

export interface IdempotencyClaim {
  id: string;
  fingerprint: string;
  claimId: string;
  now: Date;
  expiresAt: Date;
}

/** A new key: the INSERT claims it, or the primary key says another request has it. Returns whether this request holds it now. */
export async function claimIdempotencyKey(manager: EntityManager, p: IdempotencyClaim): Promise<boolean> {
  try {
    await manager.insert(IdempotencyKey, { id: p.id, fingerprint: p.fingerprint, claimId: p.claimId, claimedAt: p.now, expiresAt: p.expiresAt, status: null, body: null });
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

/**
 * Takes over a key whose first use is over: expired by `now` (any body), or with the same body but
 * no answer and a claim not renewed since `staleBefore` (its request failed or its process died).
 * Starts its 24 hours again. Returns whether this request holds it now.
 */
export async function reclaimIdempotencyKey(manager: EntityManager, p: IdempotencyClaim & { staleBefore: Date }): Promise<boolean> {
  const result = await manager
    .createQueryBuilder()
    .update(IdempotencyKey)
    .set({ fingerprint: p.fingerprint, claimId: p.claimId, claimedAt: p.now, expiresAt: p.expiresAt, status: null, body: null })
    .where("id = :id", { id: p.id })
    .andWhere("(expiresAt <= :now OR (status IS NULL AND fingerprint = :fingerprint AND claimedAt <= :staleBefore))", p)
    .execute();
  return result.affected === 1;
}

/** The claimant's request still runs: its claim stays fresh, so no retry takes it over meanwhile. */
export async function renewIdempotencyKey(manager: EntityManager, p: { id: string; claimId: string; now: Date }): Promise<void> {
  await manager
    .createQueryBuilder()
    .update(IdempotencyKey)
    .set({ claimedAt: p.now })
    .where("id = :id AND claimId = :claimId AND status IS NULL", p)
    .execute();
}

/** The claimant's request failed (5xx, rate limited) or was cut off: the key is free for a retry at once. */
export async function releaseIdempotencyKey(manager: EntityManager, p: { id: string; claimId: string }): Promise<void> {
  await manager
    .createQueryBuilder()
    .delete()
    .from(IdempotencyKey)
    .where("id = :id AND claimId = :claimId AND status IS NULL", p)
    .execute();
}
