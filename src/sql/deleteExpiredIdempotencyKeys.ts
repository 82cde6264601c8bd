import type { EntityManager } from "typeorm";
import { IdempotencyKey } from "../entities/index.js";

/** Removes up to `limit` keys expired by `now` (bounded: the oldest first); returns how many. */
export async function deleteExpiredIdempotencyKeys(manager: EntityManager, p: { now: Date; limit: number }): Promise<number> {
  const expired = await manager
    .createQueryBuilder(IdempotencyKey, "k")
    .select("k.id", "id")
    .where("k.expiresAt <= :now", p)
    .orderBy("k.expiresAt")
    .limit(p.limit)
    .getRawMany<{ id: string }>();
  if (!expired.length) return 0;
  const result = await manager
    .createQueryBuilder()
    .delete()
    .from(IdempotencyKey)
    .where("id IN (:...ids) AND expiresAt <= :now", { ids: expired.map((k) => k.id), now: p.now })
    .execute();
  return result.affected ?? expired.length;
}
