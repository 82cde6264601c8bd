import { In, type EntityManager } from "typeorm";
import { REPLACEABLE } from "../domain/invitation-states.js";
import type { StoredInvitationStatus } from "../domain/hire-status.js";
import { Invitation } from "../entities/index.js";

/**
 * The invitation becomes CANCELLED if it is in one of `states` (by default any unfinished one): a
 * scheduled one is never sent, a sent link stops working, a send in flight is never marked SENT (its
 * worker's markSent finds no SENDING row). Returns whether it changed.
 */
export async function cancelInvitation(
  manager: EntityManager,
  p: { invitationId: string; now: Date; states?: readonly StoredInvitationStatus[] },
): Promise<boolean> {
  const result = await manager.update(
    Invitation,
    { id: p.invitationId, status: In([...(p.states ?? REPLACEABLE)]) },
    { status: "CANCELLED", cancelledAt: p.now, leaseUntil: null, leasedBy: null },
  );
  return result.affected === 1;
}
