import type { EntityManager } from "typeorm";
import { Tenant } from "../entities/index.js";

/**
 * The tenant row as it is now, under a shared lock until the transaction ends (FOR SHARE / LOCK IN
 * SHARE MODE): a change of its settings (setTenantSettings, which updates the row first) then comes
 * wholly before this transaction or wholly after it — an end date is never planned with an N that
 * a settings change in flight is replacing.
 */
export function readTenantForShare(manager: EntityManager, tenantId: string): Promise<Tenant | null> {
  return manager.createQueryBuilder(Tenant, "t").setLock("pessimistic_read").where("t.id = :tenantId", { tenantId }).getOne();
}
