import type { EntityManager } from "typeorm";
import { Invitation } from "../entities/index.js";

/**
 * The SMTP server accepted the mail of `claimId`'s claim: the invitation becomes SENT with its link's
 * hash. Only while that claim still holds it: a cancelled, replaced or re-claimed invitation (the
 * lease ran out and another worker took it) is left alone. Returns whether it changed.
 */
export async function markSent(
  manager: EntityManager,
  p: { invitationId: string; claimId: string; sentAt: Date; expiresAt: Date; tokenHash: string },
): Promise<boolean> {
  const result = await manager.update(
    Invitation,
    { id: p.invitationId, status: "SENDING", leasedBy: p.claimId },
    { status: "SENT", sentAt: p.sentAt, expiresAt: p.expiresAt, tokenHash: p.tokenHash, leaseUntil: null, leasedBy: null, lastError: null },
  );
  return result.affected === 1;
}
