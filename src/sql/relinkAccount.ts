import type { EntityManager } from "typeorm";
import { ConnectAccount } from "../entities/index.js";

/**
 * R9: a rehire is linked again to the Connect account the employee has — also one whose link a
 * leaver's removal took (disconnectedAt set): the link is back (disconnectedAt null) and its method
 * says how it came back (EXISTING_ACCOUNT). Touches that one account row.
 */
export async function relinkAccount(manager: EntityManager, p: { accountId: string; tenantId: string }): Promise<void> {
  await manager.update(ConnectAccount, { id: p.accountId, tenantId: p.tenantId }, { method: "EXISTING_ACCOUNT", disconnectedAt: null });
}
