import type { EntityManager } from "typeorm";
import { ConnectAccount } from "../entities/index.js";

/** R9: the account's Connect link is removed at `now`, if it is still linked. Returns whether this call removed it. */
export async function removeConnectLink(manager: EntityManager, p: { accountId: string; now: Date }): Promise<boolean> {
  const result = await manager
    .createQueryBuilder()
    .update(ConnectAccount)
    .set({ disconnectedAt: p.now })
    .where("id = :accountId AND disconnectedAt IS NULL", p)
    .execute();
  return result.affected === 1;
}
