import type { EntityManager } from "typeorm";
import { Invitation } from "../entities/index.js";

/**
 * The SMTP server refused the mail of `claimId`'s claim for good, or its retries ran out (R10): the
 * invitation is FAILED with `reason` (addresses masked) and is never tried again. Only while that
 * claim still holds it. Returns whether it changed.
 */
export async function markSendFailedForGood(manager: EntityManager, p: { invitationId: string; claimId: string; reason: string }): Promise<boolean> {
  const result = await manager.update(
    Invitation,
    { id: p.invitationId, status: "SENDING", leasedBy: p.claimId },
    { status: "FAILED", leaseUntil: null, leasedBy: null, tokenHash: null, lastError: p.reason.slice(0, 500) },
  );
  return result.affected === 1;
}
