import type { EntityManager } from "typeorm";
import { Invitation } from "../entities/index.js";

/** A mail the SMTP server accepted: the invitation, the claim it was sent under and its new link's hash. */
export interface AcceptedMail {
  invitationId: string;
  claimId: string;
  tokenHash: string;
}

/**
 * The SMTP server accepted these mails, all sent at `sentAt` with links valid until `expiresAt`: each
 * invitation becomes SENT with its own link's hash, in one UPDATE. Only while the claim it was sent
 * under still holds it: a cancelled, replaced or re-claimed invitation (the lease ran out and another
 * claim took it) is left alone. Run it in a transaction; returns the mails whose invitation it changed.
 */
export async function markAllSent<M extends AcceptedMail>(manager: EntityManager, p: { mails: M[]; sentAt: Date; expiresAt: Date }): Promise<M[]> {
  if (p.mails.length === 0) return [];
  const q = (column: string) => manager.connection.driver.escape(column); // quoted: PostgreSQL folds a bare name to lower case
  const parameters: Record<string, string> = {};
  // per row: CASE id WHEN :id0 THEN :x0 … END (one statement for rows with different values)
  const byId = (name: string, valueOf: (mail: AcceptedMail) => string) =>
    `CASE ${q("id")} ${p.mails
      .map((mail, i) => {
        parameters[`id${i}`] = mail.invitationId;
        parameters[`${name}${i}`] = valueOf(mail);
        return `WHEN :id${i} THEN :${name}${i}`;
      })
      .join(" ")} END`;
  const tokenHash = byId("tokenHash", (mail) => mail.tokenHash);
  const claimOf = byId("claimId", (mail) => mail.claimId);
  const ids = p.mails.map((mail) => mail.invitationId);
  const result = await manager
    .createQueryBuilder()
    .update(Invitation)
    .set({ status: "SENT", sentAt: p.sentAt, expiresAt: p.expiresAt, tokenHash: () => tokenHash, leaseUntil: null, leasedBy: null, lastError: null })
    .where(`${q("id")} IN (:...ids) AND ${q("status")} = 'SENDING' AND ${q("leasedBy")} = ${claimOf}`, { ids })
    .setParameters(parameters)
    .execute();
  if (result.affected === ids.length) return p.mails;
  // some claims no longer held: the rows that now carry this call's link hashes are the ones it changed
  const changed = await manager
    .createQueryBuilder(Invitation, "i")
    .select("i.tokenHash", "tokenHash")
    .where("i.id IN (:...ids) AND i.status = 'SENT' AND i.tokenHash IN (:...hashes)", { ids, hashes: p.mails.map((mail) => mail.tokenHash) })
    .getRawMany<{ tokenHash: string }>();
  const hashes = new Set(changed.map((row) => row.tokenHash));
  return p.mails.filter((mail) => hashes.has(mail.tokenHash));
}
