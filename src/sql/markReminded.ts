import type { EntityManager } from "typeorm";
import { Invitation } from "../entities/index.js";

/**
 * The SMTP server accepted the reminder of `claimId`'s claim (R10): the link's hash becomes the
 * reminder's (the first link now answers LINK_INVALID; its hash is kept as `previousTokenHash` for
 * the page's hint), `remindedAt` is set, the expiry stays. Only while that claim still holds the
 * still-SENT, unreminded, unexpired link with the hash it claimed: a link used, cancelled, replaced or
 * re-claimed meanwhile is left alone. Returns whether it changed.
 */
export async function markReminded(
  manager: EntityManager,
  p: { invitationId: string; claimId: string; previousTokenHash: string; tokenHash: string; now: Date },
): Promise<boolean> {
  const result = await manager
    .createQueryBuilder()
    .update(Invitation)
    .set({ tokenHash: p.tokenHash, previousTokenHash: p.previousTokenHash, remindedAt: p.now, reminderRetryAt: null, leasedBy: null, leaseUntil: null, lastError: null })
    .where("id = :invitationId AND status = 'SENT' AND leasedBy = :claimId AND tokenHash = :previousTokenHash", p)
    .andWhere("remindedAt IS NULL AND expiresAt > :now", { now: p.now })
    .execute();
  return result.affected === 1;
}
