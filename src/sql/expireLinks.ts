import type { EntityManager } from "typeorm";
import { Invitation } from "../entities/index.js";
import { whereInvitationsOf, type InvitationsOf } from "./invitationsOf.js";

/** A link that stopped working: its invitation, and the instant it did. */
export type ExpiredLink = Pick<Invitation, "id" | "tenantId" | "employmentId" | "email"> & { expiresAt: Date };

/**
 * Up to `limit` SENT invitations of `of` (or the one invitation) whose link expired by `now` become
 * EXPIRED. Rows another transaction holds (a hire confirming right now) are skipped, not waited for;
 * run it in a transaction.
 */
export async function expireLinks(
  manager: EntityManager,
  p: { of: InvitationsOf; invitationId?: string; now: Date; limit: number },
): Promise<ExpiredLink[]> {
  const query = manager
    .createQueryBuilder(Invitation, "i")
    .select(["i.id", "i.tenantId", "i.employmentId", "i.email", "i.expiresAt"])
    .where("i.status = 'SENT' AND i.expiresAt <= :now", { now: p.now });
  whereInvitationsOf(query, "i.tenantId", p.of);
  if (p.invitationId) query.andWhere("i.id = :invitationId", { invitationId: p.invitationId });
  const rows = await query.orderBy("i.expiresAt", "ASC").limit(p.limit).setLock("pessimistic_write").setOnLocked("skip_locked").getMany();
  if (rows.length === 0) return [];
  await manager.createQueryBuilder().update(Invitation).set({ status: "EXPIRED" }).whereInIds(rows.map((r) => r.id)).andWhere("status = 'SENT'").execute();
  return rows as ExpiredLink[];
}
