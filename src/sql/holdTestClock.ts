import type { EntityManager } from "typeorm";
import { Tenant } from "../entities/index.js";

/**
 * `holder` takes (or renews) the sandbox tenant's test clock until `until` (real time): one advance
 * per tenant at a time. Free, or held by an advance whose hold ran out by `now` (it died), or
 * already `holder`'s. Returns whether `holder` holds it now.
 */
export async function holdTestClock(manager: EntityManager, p: { tenantId: string; holder: string; now: Date; until: Date }): Promise<boolean> {
  const result = await manager
    .createQueryBuilder()
    .update(Tenant)
    .set({ clockHeldBy: p.holder, clockHeldUntil: p.until })
    .where("id = :tenantId AND sandbox = :sandbox", { tenantId: p.tenantId, sandbox: true })
    .andWhere("(clockHeldBy IS NULL OR clockHeldBy = :holder OR clockHeldUntil <= :now)", { holder: p.holder, now: p.now })
    .execute();
  return result.affected === 1;
}

/** `holder` lets the test clock go. */
export async function releaseTestClock(manager: EntityManager, p: { tenantId: string; holder: string }): Promise<void> {
  await manager.update(Tenant, { id: p.tenantId, clockHeldBy: p.holder }, { clockHeldBy: null, clockHeldUntil: null });
}
