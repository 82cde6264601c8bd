import type { EntityManager } from "typeorm";
import { Invitation } from "../entities/index.js";

/**
 * The SMTP server refused the reminder of `claimId`'s claim (R10): the claim lets go and the reminder
 * is tried again not before `retryAt` (at or after the link's expiry: never). The invitation stays
 * SENT with its first link working: that mail went through. Only while that claim still holds it.
 */
export async function markRemindFailed(manager: EntityManager, p: { invitationId: string; claimId: string; retryAt: Date; error: string }): Promise<boolean> {
  const result = await manager.update(
    Invitation,
    { id: p.invitationId, status: "SENT", leasedBy: p.claimId },
    { reminderRetryAt: p.retryAt, leasedBy: null, leaseUntil: null, lastError: p.error.slice(0, 500) },
  );
  return result.affected === 1;
}
