import type { EntityManager } from "typeorm";
import { Employment } from "../entities/index.js";

/**
 * R9: the employment's end date and its planned removal (both null: withdrawn). Only a removal not
 * yet done is re-planned; the caller holds the employment's lock and has checked that it may.
 */
export async function setEndDate(manager: EntityManager, p: { employmentId: string; tenantId: string; endDate: string | null; disconnectAt: Date | null }): Promise<boolean> {
  const result = await manager
    .createQueryBuilder()
    .update(Employment)
    .set({ endDate: p.endDate, disconnectAt: p.disconnectAt })
    .where("id = :employmentId AND tenantId = :tenantId AND disconnectDoneAt IS NULL", p)
    .execute();
  return result.affected === 1;
}
