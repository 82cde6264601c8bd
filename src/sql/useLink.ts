import type { EntityManager } from "typeorm";
import { Invitation } from "../entities/index.js";

/**
 * The hire confirmed the link: a SENT, unexpired invitation becomes VERIFIED — only while `tokenHash`
 * is still its link (a reminder that replaced it a moment ago wins: R10). Returns whether it changed
 * (a link works once).
 */
export async function useLink(manager: EntityManager, p: { invitationId: string; tokenHash: string; now: Date }): Promise<boolean> {
  const result = await manager
    .createQueryBuilder()
    .update(Invitation)
    .set({ status: "VERIFIED", verifiedAt: p.now })
    .where("id = :invitationId AND status = 'SENT' AND expiresAt > :now AND tokenHash = :tokenHash", p)
    .execute();
  return result.affected === 1;
}
