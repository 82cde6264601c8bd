import type { EntityManager } from "typeorm";
import { Employment, Invitation } from "../entities/index.js";

/**
 * The earliest instant, up to `to`, at which something of the tenant falls due: a send (SCHEDULED by
 * its dueAt; SENDING — a send in flight — counts as due now), a link's expiry or a leaver's planned
 * removal (R9: disconnectAt, not yet done). null: nothing.
 */
export async function nextDueInstant(manager: EntityManager, p: { tenantId: string; to: Date }): Promise<Date | null> {
  const [send, expiry, removal] = await Promise.all([
    manager
      .createQueryBuilder(Invitation, "i")
      .select("MIN(i.dueAt)", "at")
      .where("i.tenantId = :tenantId AND i.status IN ('SCHEDULED', 'SENDING') AND i.dueAt <= :to", p)
      .getRawOne<{ at: Date | string | null }>(),
    manager
      .createQueryBuilder(Invitation, "i")
      .select("MIN(i.expiresAt)", "at")
      .where("i.tenantId = :tenantId AND i.status = 'SENT' AND i.expiresAt <= :to", p)
      .getRawOne<{ at: Date | string | null }>(),
    manager
      .createQueryBuilder(Employment, "m")
      .select("MIN(m.disconnectAt)", "at")
      .where("m.tenantId = :tenantId AND m.disconnectDoneAt IS NULL AND m.disconnectAt <= :to", p)
      .getRawOne<{ at: Date | string | null }>(),
  ]);
  const instants = [send?.at, expiry?.at, removal?.at].filter((at) => at !== null && at !== undefined).map((at) => asInstant(at!));
  return instants.length ? new Date(Math.min(...instants.map((at) => at.getTime()))) : null;
}

/** A raw MIN() comes back as a Date (mysql2, pg) or, on some drivers, as text in UTC. */
function asInstant(value: Date | string): Date {
  return value instanceof Date ? value : new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(" ", "T")}Z`);
}
