import type { EntityManager } from "typeorm";
import { Employment } from "../entities/index.js";

/**
 * Each employment's current invitation becomes the one given for it (a bulk resend's new ones): one
 * UPDATE for the batch, touching exactly those employments. The caller holds their locks.
 */
export async function pointEmploymentsAt(manager: EntityManager, p: { tenantId: string; current: readonly { employmentId: string; invitationId: string }[] }): Promise<void> {
  if (p.current.length === 0) return;
  const parameters: Record<string, string> = {};
  const cases = p.current.map(({ employmentId, invitationId }, i) => {
    parameters[`m${i}`] = employmentId;
    parameters[`i${i}`] = invitationId;
    return `WHEN :m${i} THEN :i${i}`;
  });
  const id = manager.connection.driver.escape("id");
  await manager
    .createQueryBuilder()
    .update(Employment)
    .set({ currentInvitationId: () => `CASE ${id} ${cases.join(" ")} END` })
    .where(`${id} IN (:...ids) AND tenantId = :tenantId`, { ids: p.current.map((c) => c.employmentId), tenantId: p.tenantId })
    .setParameters(parameters)
    .execute();
}
