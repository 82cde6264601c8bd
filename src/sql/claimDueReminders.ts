import type { EntityManager } from "typeorm";
import { Invitation } from "../entities/index.js";

/** A sent link a worker holds (still SENT) under its claim, to mail its reminder. */
export interface ClaimedReminder {
  id: string;
  employmentId: string;
  email: string;
  expiresAt: Date;
  /** The hash of the link the reminder replaces: markReminded changes the row only if it is still this one. */
  tokenHash: string;
  claimId: string;
}

/**
 * Up to `limit` SENT links of the tenant whose reminder is due (R10) — unused, unexpired at `now`,
 * expiring before `expiringBefore` (src/domain/reminder-policy.ts), never reminded, not waiting for
 * a retry, the current invitation of an active employment, and held by no live claim — are claimed
 * under `claimId` until `leaseUntil`. They stay SENT: the first link works until the reminder's
 * replaces it. One locking read (rows another transaction holds are skipped) and one UPDATE of
 * exactly those rows; run it in a transaction. `leaseNow` is real time (leases are), `now` the
 * tenant's clock.
 */
export async function claimDueReminders(
  manager: EntityManager,
  p: { tenantId: string; now: Date; expiringBefore: Date; leaseNow: Date; limit: number; claimId: string; leaseUntil: Date },
): Promise<ClaimedReminder[]> {
  const q = (name: string) => manager.connection.driver.escape(name); // quoted: PostgreSQL folds a bare name to lower case
  const rows = await manager
    .createQueryBuilder(Invitation, "i")
    .select(["i.id", "i.employmentId", "i.email", "i.expiresAt", "i.tokenHash"])
    .where("i.tenantId = :tenantId AND i.status = 'SENT' AND i.expiresAt > :now AND i.expiresAt < :expiringBefore", p)
    .andWhere("i.remindedAt IS NULL AND i.tokenHash IS NOT NULL")
    .andWhere("(i.reminderRetryAt IS NULL OR i.reminderRetryAt <= :now)")
    .andWhere("(i.leasedBy IS NULL OR i.leaseUntil <= :leaseNow)", { leaseNow: p.leaseNow })
    .andWhere(`EXISTS (SELECT 1 FROM employment m WHERE m.id = i.${q("employmentId")} AND m.${q("currentInvitationId")} = i.id AND m.status = 'ACTIVE')`)
    .orderBy("i.expiresAt", "ASC")
    .limit(p.limit)
    .setLock("pessimistic_write")
    .setOnLocked("skip_locked")
    .getMany();
  if (rows.length === 0) return [];
  await manager
    .createQueryBuilder()
    .update(Invitation)
    .set({ leasedBy: p.claimId, leaseUntil: p.leaseUntil })
    .whereInIds(rows.map((r) => r.id))
    .execute();
  return rows.map((r) => ({ id: r.id, employmentId: r.employmentId, email: r.email, expiresAt: r.expiresAt!, tokenHash: r.tokenHash!, claimId: p.claimId }));
}
