import type { EntityManager } from "typeorm";
import { Invitation } from "../entities/index.js";

/** An invitation a worker holds (SENDING) under its claim; `attempts` counts this one. */
export interface Claimed {
  id: string;
  employmentId: string;
  email: string;
  attempts: number;
  /** When the first attempt was claimed (this one's `now` if it is the first). */
  firstAttemptAt: Date;
  claimId: string;
}

/**
 * Up to `limit` SCHEDULED invitations due by `now` — of one tenant, or the one invitation — become
 * SENDING under `claimId` until `leaseUntil`. One locking read (rows another transaction holds are
 * skipped, never waited for) and one UPDATE of exactly the rows read; run it in a transaction.
 */
export async function claimDue(
  manager: EntityManager,
  p: ({ tenantId: string } | { invitationId: string }) & { now: Date; limit: number; claimId: string; leaseUntil: Date },
): Promise<Claimed[]> {
  const query = manager
    .createQueryBuilder(Invitation, "i")
    .select(["i.id", "i.employmentId", "i.email", "i.attempts", "i.firstAttemptAt"])
    .where("i.status = 'SCHEDULED' AND i.dueAt <= :now", { now: p.now });
  if ("tenantId" in p) query.andWhere("i.tenantId = :tenantId", { tenantId: p.tenantId });
  else query.andWhere("i.id = :invitationId", { invitationId: p.invitationId });
  const rows = await query.orderBy("i.dueAt", "ASC").limit(p.limit).setLock("pessimistic_write").setOnLocked("skip_locked").getMany();
  if (rows.length === 0) return [];
  const firstAttemptAt = manager.connection.driver.escape("firstAttemptAt"); // quoted: PostgreSQL folds a bare name to lower case
  await manager
    .createQueryBuilder()
    .update(Invitation)
    .set({ status: "SENDING", leaseUntil: p.leaseUntil, leasedBy: p.claimId, attempts: () => "attempts + 1", firstAttemptAt: () => `COALESCE(${firstAttemptAt}, :now)` })
    .setParameter("now", p.now)
    .whereInIds(rows.map((r) => r.id))
    .execute();
  return rows.map((r) => ({ id: r.id, employmentId: r.employmentId, email: r.email, attempts: r.attempts + 1, firstAttemptAt: r.firstAttemptAt ?? p.now, claimId: p.claimId }));
}
