import type { EntityManager } from "typeorm";
import { Tenant, VerifiedDomain } from "../entities/index.js";

/**
 * Whether a live tenant other than `tenantId` has `domain` verified (R12: then no other live tenant
 * may). Reads every such row, also a duplicate from before the rule, whose `liveDomain` is null.
 */
export async function otherLiveTenantHoldsDomain(manager: EntityManager, p: { domain: string; tenantId: string }): Promise<boolean> {
  const held = await manager
    .createQueryBuilder(VerifiedDomain, "d")
    .innerJoin(Tenant, "t", "t.id = d.tenantId")
    .where("d.domain = :domain AND d.tenantId <> :tenantId AND t.sandbox = :sandbox", { ...p, sandbox: false })
    .getExists();
  return held;
}
