import type { EntityManager } from "typeorm";
import { Tenant } from "../entities/index.js";

/**
 * The test clock shows `to`: only forward, and only by the advance that holds it, whose hold it
 * renews until `heldUntil` (real time) in the same statement. Returns whether it moved.
 */
export async function moveTestClock(manager: EntityManager, p: { tenantId: string; holder: string; to: Date; heldUntil: Date }): Promise<boolean> {
  const result = await manager
    .createQueryBuilder()
    .update(Tenant)
    .set({ testClockNow: p.to, clockHeldUntil: p.heldUntil })
    .where("id = :tenantId AND sandbox = :sandbox AND clockHeldBy = :holder AND testClockNow <= :to", { tenantId: p.tenantId, holder: p.holder, to: p.to, sandbox: true })
    .execute();
  return result.affected === 1;
}
