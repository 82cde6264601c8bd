import type { EntityManager, SelectQueryBuilder } from "typeorm";
import { Employee, Employment } from "../entities/index.js";

/** Whose employments a change may lock: its tenant's, and of a partner's key (R12) only the partner's hires (TenantScope.partner). */
export interface LockScope {
  tenantId: string;
  partner: string | null;
}

/**
 * Locks one employment of the tenant (SELECT … FOR UPDATE) and reads it as it is now. Every change
 * of an employment or its invitation starts here, inside its transaction: a second change of the
 * same employment waits until the first has committed, then decides on what the first left.
 * null: no such employment in this tenant, or, for a partner, none of a hire it registered (the
 * employee's `registeredByPartner` never changes, so it holds as long as the lock).
 */
export function lockEmployment(manager: EntityManager, p: LockScope & { employmentId: string }): Promise<Employment | null> {
  const query = manager.createQueryBuilder(Employment, "m").setLock("pessimistic_write").where("m.id = :employmentId AND m.tenantId = :tenantId", p);
  return partnersOnly(query, p).getOne();
}

/** Every employment of one employee, locked in id order (the same order for every caller: no deadlock between two). */
export function lockEmploymentsOfEmployee(manager: EntityManager, p: LockScope & { employeeId: string }): Promise<Employment[]> {
  const query = manager.createQueryBuilder(Employment, "m").setLock("pessimistic_write").where("m.employeeId = :employeeId AND m.tenantId = :tenantId", p);
  return partnersOnly(query, p).orderBy("m.id", "ASC").getMany();
}

/** The employments with these ids, locked in id order (as every multi-lock: no deadlock between two); those not in scope are left out. */
export function lockEmployments(manager: EntityManager, p: LockScope & { employmentIds: readonly string[] }): Promise<Employment[]> {
  if (p.employmentIds.length === 0) return Promise.resolve([]);
  const query = manager
    .createQueryBuilder(Employment, "m")
    .setLock("pessimistic_write")
    .where("m.id IN (:...employmentIds) AND m.tenantId = :tenantId", { tenantId: p.tenantId, employmentIds: [...p.employmentIds] });
  return partnersOnly(query, p).orderBy("m.id", "ASC").getMany();
}

/** For a partner: only employments of employees it registered (a subquery, so that only employment rows are locked). */
function partnersOnly(query: SelectQueryBuilder<Employment>, p: LockScope): SelectQueryBuilder<Employment> {
  if (p.partner === null) return query;
  const employees = query.subQuery().select("e.id").from(Employee, "e").where("e.tenantId = :tenantId AND e.registeredByPartner = :partner").getQuery();
  return query.andWhere(`m.employeeId IN ${employees}`, { partner: p.partner });
}
