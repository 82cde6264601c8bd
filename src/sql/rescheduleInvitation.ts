import type { EntityManager } from "typeorm";
import { Invitation } from "../entities/index.js";

/** A still-SCHEDULED invitation (nothing was sent for it) gets a new send time and address. Returns whether it was still scheduled. */
export async function rescheduleInvitation(manager: EntityManager, p: { invitationId: string; email: string; sendAt: Date }): Promise<boolean> {
  const result = await manager.update(
    Invitation,
    { id: p.invitationId, status: "SCHEDULED" },
    { email: p.email, sendAt: p.sendAt, dueAt: p.sendAt, attempts: 0, firstAttemptAt: null, lastError: null },
  );
  return result.affected === 1;
}
