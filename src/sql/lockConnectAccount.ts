import type { EntityManager } from "typeorm";
import { ConnectAccount } from "../entities/index.js";

/**
 * The employee's Connect account (by its user), locked until the transaction ends: a removal of its
 * link and a re-link (a rehire) of the same account run one after the other. null: no account.
 */
export function lockConnectAccount(manager: EntityManager, p: { tenantId: string; userId: string }): Promise<ConnectAccount | null> {
  return manager.createQueryBuilder(ConnectAccount, "a").setLock("pessimistic_write").where("a.userId = :userId AND a.tenantId = :tenantId", p).getOne();
}
