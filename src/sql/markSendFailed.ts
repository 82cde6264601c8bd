import type { EntityManager } from "typeorm";
import { Invitation } from "../entities/index.js";

/**
 * The SMTP server refused the mail of `claimId`'s claim: the invitation is SCHEDULED again, due at
 * `retryAt`, with the error shown. Only while that claim still holds it. Returns whether it changed.
 */
export async function markSendFailed(manager: EntityManager, p: { invitationId: string; claimId: string; retryAt: Date; error: string }): Promise<boolean> {
  const result = await manager.update(
    Invitation,
    { id: p.invitationId, status: "SENDING", leasedBy: p.claimId },
    { status: "SCHEDULED", dueAt: p.retryAt, leaseUntil: null, leasedBy: null, tokenHash: null, lastError: p.error.slice(0, 500) },
  );
  return result.affected === 1;
}
