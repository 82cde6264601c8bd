import type { EntityManager } from "typeorm";
import { Employment } from "../entities/index.js";

/** A removal whose time has come (R9): the employment, its employee, and the disconnectAt it is due at. */
export interface DueRemoval {
  id: string;
  tenantId: string;
  employeeId: string;
  disconnectAt: Date;
}

/**
 * Up to `limit` employments — of one tenant, or of every live tenant — whose planned removal is due
 * by `now` and not yet done, earliest first. A plain read: each is then carried out in its own
 * transaction under the employee's locks (src/services/leaver.service.ts), which re-checks it.
 */
export function dueRemovals(manager: EntityManager, p: { of: { tenantId: string } | { liveTenants: true }; now: Date; limit: number }): Promise<DueRemoval[]> {
  const query = manager
    .createQueryBuilder(Employment, "m")
    .select(["m.id", "m.tenantId", "m.employeeId", "m.disconnectAt"])
    .where("m.disconnectDoneAt IS NULL AND m.disconnectAt <= :now", { now: p.now });
  if ("tenantId" in p.of) query.andWhere("m.tenantId = :tenantId", { tenantId: p.of.tenantId });
  else query.andWhere("m.tenantId IN (SELECT t.id FROM tenant t WHERE t.sandbox = :no)", { no: false });
  return query.orderBy("m.disconnectAt", "ASC").addOrderBy("m.id", "ASC").limit(p.limit).getMany() as Promise<DueRemoval[]>;
}
