import type { EntityManager } from "typeorm";
import { Employment } from "../entities/index.js";

/**
 * The employment's removal, planned for `disconnectAt` and due by `now`, is done: only if it still is
 * that plan and nobody has done it. Of two workers (or a doubled job) exactly one gets true.
 */
export async function markRemovalDone(manager: EntityManager, p: { employmentId: string; disconnectAt: Date; now: Date }): Promise<boolean> {
  const result = await manager
    .createQueryBuilder()
    .update(Employment)
    .set({ disconnectDoneAt: p.now })
    .where("id = :employmentId AND disconnectDoneAt IS NULL AND disconnectAt = :disconnectAt AND disconnectAt <= :now", p)
    .execute();
  return result.affected === 1;
}
