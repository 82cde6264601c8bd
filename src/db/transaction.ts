import { setTimeout as sleep } from "node:timers/promises";
import type { EntityManager } from "typeorm";

const ATTEMPTS = 4;

/**
 * Runs `work` in one transaction. Two transactions that lock the same rows in a different order can
 * deadlock; the database then rolls one back, and that one runs again from the start (`work` must
 * decide on what it reads inside, as every use case here does). Any other error is the caller's.
 */
export async function inTransaction<R>(manager: EntityManager, work: (manager: EntityManager) => Promise<R>, isolation?: "READ COMMITTED"): Promise<R> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await (isolation ? manager.transaction(isolation, work) : manager.transaction(work));
    } catch (error) {
      if (attempt >= ATTEMPTS || !isDeadlock(error)) throw error;
      await sleep(Math.random() * 20 * attempt);
    }
  }
}

/** MySQL/MariaDB ER_LOCK_DEADLOCK; PostgreSQL deadlock_detected or serialization_failure. */
export function isDeadlock(error: unknown): boolean {
  const e = error as { code?: string; errno?: number; driverError?: { code?: string; errno?: number } };
  const code = e.driverError?.code ?? e.code;
  const errno = e.driverError?.errno ?? e.errno;
  return errno === 1213 || code === "ER_LOCK_DEADLOCK" || code === "40P01" || code === "40001";
}
