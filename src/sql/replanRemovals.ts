import type { EntityManager } from "typeorm";
import { Employment, EmploymentTemplate, UserTemplate } from "../entities/index.js";

/**
 * R9, a tenant's new disconnectAfterDays: the planned removals of its employments that end on
 * `endDate` and whose user template sets no N of its own, not yet due at `now`, move to
 * `disconnectAt`. Returns how many moved.
 */
export async function replanRemovals(manager: EntityManager, p: { tenantId: string; endDate: string; disconnectAt: Date; now: Date }): Promise<number> {
  const overridden = manager
    .createQueryBuilder()
    .subQuery()
    .select("et.id")
    .from(EmploymentTemplate, "et")
    .innerJoin(UserTemplate, "ut", "ut.id = et.userTemplateId")
    .where("et.tenantId = :tenantId AND ut.disconnectAfterDays IS NOT NULL")
    .getQuery();
  const result = await manager
    .createQueryBuilder()
    .update(Employment)
    .set({ disconnectAt: p.disconnectAt })
    .where(`tenantId = :tenantId AND endDate = :endDate AND disconnectDoneAt IS NULL AND disconnectAt > :now AND templateId NOT IN ${overridden}`, p)
    .execute();
  return result.affected ?? 0;
}
