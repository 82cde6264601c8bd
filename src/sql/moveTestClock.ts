import type { EntityManager } from "typeorm";
import { Tenant } from "../entities/index.js";

/** The test clock shows `to`: only forward, and only by the advance that holds it. Returns whether it moved. */
export async function moveTestClock(manager: EntityManager, p: { tenantId: string; holder: string; to: Date }): Promise<boolean> {
  const result = await manager
    .createQueryBuilder()
    .update(Tenant)
    .set({ testClockNow: p.to })
    .where("id = :tenantId AND sandbox = :sandbox AND clockHeldBy = :holder AND testClockNow <= :to", { ...p, sandbox: true })
    .execute();
  return result.affected === 1;
}
