import { In, type EntityManager } from "typeorm";
import { REPLACEABLE } from "../domain/invitation-states.js";
import { Invitation } from "../entities/index.js";

/**
 * Many invitations become CANCELLED at once (a bulk resend replaces them), each only if unfinished:
 * as cancelInvitation, one statement for a batch. Returns how many changed.
 */
export async function cancelInvitations(manager: EntityManager, p: { invitationIds: readonly string[]; now: Date }): Promise<number> {
  if (p.invitationIds.length === 0) return 0;
  const result = await manager.update(
    Invitation,
    { id: In([...p.invitationIds]), status: In([...REPLACEABLE]) },
    { status: "CANCELLED", cancelledAt: p.now, leaseUntil: null, leasedBy: null },
  );
  return result.affected ?? 0;
}
