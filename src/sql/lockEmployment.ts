import type { EntityManager } from "typeorm";
import { Employment } from "../entities/index.js";

/**
 * Locks one employment of the tenant (SELECT … FOR UPDATE) and reads it as it is now. Every change
 * of an employment or its invitation starts here, inside its transaction: a second change of the
 * same employment waits until the first has committed, then decides on what the first left.
 * null: no such employment in this tenant.
 */
export function lockEmployment(manager: EntityManager, p: { tenantId: string; employmentId: string }): Promise<Employment | null> {
  return manager
    .createQueryBuilder(Employment, "m")
    .setLock("pessimistic_write")
    .where("m.id = :employmentId AND m.tenantId = :tenantId", p)
    .getOne();
}

/** Every employment of one employee, locked in id order (the same order for every caller: no deadlock between two). */
export function lockEmploymentsOfEmployee(manager: EntityManager, p: { tenantId: string; employeeId: string }): Promise<Employment[]> {
  return manager
    .createQueryBuilder(Employment, "m")
    .setLock("pessimistic_write")
    .where("m.employeeId = :employeeId AND m.tenantId = :tenantId", p)
    .orderBy("m.id", "ASC")
    .getMany();
}
