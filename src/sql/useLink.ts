import type { EntityManager } from "typeorm";
import { Invitation } from "../entities/index.js";

/** The hire confirmed the link: a SENT, unexpired invitation becomes VERIFIED. Returns whether it changed (a link works once). */
export async function useLink(manager: EntityManager, p: { invitationId: string; now: Date }): Promise<boolean> {
  const result = await manager
    .createQueryBuilder()
    .update(Invitation)
    .set({ status: "VERIFIED", verifiedAt: p.now })
    .where("id = :invitationId AND status = 'SENT' AND expiresAt > :now", p)
    .execute();
  return result.affected === 1;
}
