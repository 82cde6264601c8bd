import type { EntityManager } from "typeorm";
import { Employment } from "../entities/index.js";

/** The end dates of a tenant's removals planned after `now` and not yet done (a settings change re-plans them). */
export async function pendingRemovalEndDates(manager: EntityManager, p: { tenantId: string; now: Date }): Promise<string[]> {
  const rows = await manager
    .createQueryBuilder(Employment, "m")
    .select("DISTINCT m.endDate", "endDate")
    .where("m.tenantId = :tenantId AND m.disconnectDoneAt IS NULL AND m.disconnectAt > :now AND m.endDate IS NOT NULL", p)
    .getRawMany<{ endDate: string }>();
  return rows.map((r) => String(r.endDate));
}
