import type { EntityManager } from "typeorm";
import { IdempotencyKey } from "../entities/index.js";

/** The claimant's request is done: its answer is kept for the key's retries (null: too large to keep). Returns whether the claim was still its own. */
export async function answerIdempotencyKey(manager: EntityManager, p: { id: string; claimId: string; status: number; body: string | null }): Promise<boolean> {
  const result = await manager
    .createQueryBuilder()
    .update(IdempotencyKey)
    .set({ status: p.status, body: p.body })
    .where("id = :id AND claimId = :claimId AND status IS NULL", p)
    .execute();
  return result.affected === 1;
}

/** The key as stored, to answer a request that could not claim it. */
export async function findIdempotencyKey(manager: EntityManager, id: string): Promise<IdempotencyKey | null> {
  return manager.findOneBy(IdempotencyKey, { id });
}
