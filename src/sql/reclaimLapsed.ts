import type { EntityManager } from "typeorm";
import { Invitation } from "../entities/index.js";
import { whereInvitationsOf, type InvitationsOf } from "./invitationsOf.js";

/**
 * Sends of `of` whose claim's lease ran out by `now` (real time: the worker died or stalled) are
 * SCHEDULED again, to be claimed anew; a late markSent of the old claim then changes nothing.
 */
export async function reclaimLapsed(manager: EntityManager, p: { of: InvitationsOf; now: Date }): Promise<number> {
  const query = manager
    .createQueryBuilder()
    .update(Invitation)
    .set({ status: "SCHEDULED", leaseUntil: null, leasedBy: null, tokenHash: null, lastError: "the worker stopped while sending; retried" })
    .where("status = 'SENDING' AND leaseUntil <= :leaseNow", { leaseNow: p.now });
  const result = await whereInvitationsOf(query, "tenantId", p.of).execute();
  return result.affected ?? 0;
}
