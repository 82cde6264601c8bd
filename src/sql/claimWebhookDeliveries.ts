import type { EntityManager } from "typeorm";
import { WebhookDelivery, WebhookEndpoint } from "../entities/index.js";

/**
 * Up to `limit` deliveries that are due — PENDING, nextAttemptAt passed, to an enabled endpoint, not
 * held by a live claim, and the earliest PENDING event of their employment for their endpoint (in
 * order per employment: a later event waits while an earlier one is retried) — come under `claimId`
 * until `leaseUntil`, their attempt counted. Rows another worker holds are skipped, never waited for;
 * run it in a transaction.
 */
export async function claimWebhookDeliveries(
  manager: EntityManager,
  p: { now: Date; limit: number; claimId: string; leaseUntil: Date },
): Promise<WebhookDelivery[]> {
  const query = manager.createQueryBuilder(WebhookDelivery, "d");
  const enabled = query.subQuery().select("w.id").from(WebhookEndpoint, "w").where("w.enabled = :yes").getQuery();
  const earlier = query
    .subQuery()
    .select("1")
    .from(WebhookDelivery, "p")
    .where("p.endpointId = d.endpointId AND p.employmentId = d.employmentId AND p.status = 'PENDING'")
    .andWhere("(p.eventAt < d.eventAt OR (p.eventAt = d.eventAt AND p.eventId < d.eventId))")
    .getQuery();
  const rows = await query
    .where("d.status = 'PENDING' AND d.nextAttemptAt <= :now", { now: p.now, yes: true })
    .andWhere("(d.leaseUntil IS NULL OR d.leaseUntil <= :now)")
    .andWhere(`d.endpointId IN ${enabled}`)
    .andWhere(`NOT EXISTS ${earlier}`)
    .orderBy("d.nextAttemptAt", "ASC")
    .limit(p.limit)
    .setLock("pessimistic_write")
    .setOnLocked("skip_locked")
    .getMany();
  if (rows.length === 0) return [];
  const firstAttemptAt = manager.connection.driver.escape("firstAttemptAt"); // quoted: PostgreSQL folds a bare name to lower case
  await manager
    .createQueryBuilder()
    .update(WebhookDelivery)
    .set({ leasedBy: p.claimId, leaseUntil: p.leaseUntil, attempts: () => "attempts + 1", lastAttemptAt: p.now, firstAttemptAt: () => `COALESCE(${firstAttemptAt}, :now)` })
    .setParameter("now", p.now)
    .whereInIds(rows.map((r) => r.id))
    .execute();
  return rows.map((r) => Object.assign(r, { leasedBy: p.claimId, leaseUntil: p.leaseUntil, attempts: r.attempts + 1, lastAttemptAt: p.now, firstAttemptAt: r.firstAttemptAt ?? p.now }));
}

/** Whether any delivery may be due (PENDING, its time come): a read without locks, to skip the claim's transaction when none is. */
export async function anyDeliveryDue(manager: EntityManager, now: Date): Promise<boolean> {
  const row = await manager.createQueryBuilder(WebhookDelivery, "d").select("d.id").where("d.status = 'PENDING' AND d.nextAttemptAt <= :now", { now }).limit(1).getRawOne();
  return row !== undefined;
}
