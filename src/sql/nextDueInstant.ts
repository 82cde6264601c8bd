import type { EntityManager, ObjectLiteral, SelectQueryBuilder } from "typeorm";
import { reminderDueAt } from "../domain/reminder-policy.js";
import { Employment, Invitation, Tenant } from "../entities/index.js";

/** What a tenant's reminders need to say when the next one is due (R10); null: the tenant sends none. */
export interface ReminderTerms {
  daysBefore: number;
  timeZone: string;
  /** The tenant's clock now: links expired by then get no reminder. */
  now: Date;
}

/** The earliest instant something of the tenant falls due, and which kinds of work are due by then. */
export interface DueInstant {
  at: Date;
  sends: boolean;
  expiries: boolean;
  removals: boolean;
  reminders: boolean;
}

/**
 * The earliest instant, up to `to`, at which something of the tenant falls due: a send (SCHEDULED by
 * its dueAt; SENDING — a send in flight — counts as due now), a link's expiry, a leaver's planned
 * removal (R9: disconnectAt, not yet done), or (with `reminders`) a reminder: 09:00 local N days
 * before the earliest expiry of an unreminded link (its retry time, once refused for now). A
 * reminder whose time has passed counts as due now. null: nothing. With it, which kinds are due by
 * then (or by `now`, the tenant's clock, if that is later), so that a test clock's advance runs only
 * those; one statement, as the advance asks before every instant.
 */
export async function nextDueInstant(manager: EntityManager, p: { tenantId: string; now: Date; to: Date; reminders?: ReminderTerms | null }): Promise<DueInstant | null> {
  const q = (name: string) => manager.connection.driver.escape(name);
  const unreminded = (qb: SelectQueryBuilder<ObjectLiteral>, at: string) =>
    qb
      .select(`MIN(${at})`)
      .from(Invitation, "i")
      .where("i.tenantId = :tenantId AND i.status = 'SENT' AND i.remindedAt IS NULL AND i.tokenHash IS NOT NULL AND i.expiresAt > :reminderNow")
      .andWhere(`EXISTS (SELECT 1 FROM employment m WHERE m.id = i.${q("employmentId")} AND m.${q("currentInvitationId")} = i.id AND m.status = 'ACTIVE')`);
  const query = manager
    .createQueryBuilder()
    .select((qb) => qb.select("MIN(i.dueAt)").from(Invitation, "i").where("i.tenantId = :tenantId AND i.status IN ('SCHEDULED', 'SENDING') AND i.dueAt <= :to"), "send")
    .addSelect((qb) => qb.select("MIN(i.expiresAt)").from(Invitation, "i").where("i.tenantId = :tenantId AND i.status = 'SENT' AND i.expiresAt <= :to"), "expiry")
    .addSelect((qb) => qb.select("MIN(m.disconnectAt)").from(Employment, "m").where("m.tenantId = :tenantId AND m.disconnectDoneAt IS NULL AND m.disconnectAt <= :to"), "removal")
    .from(Tenant, "t") // the tenant's row: one row, whatever the subqueries find
    .where("t.id = :tenantId")
    .setParameters({ tenantId: p.tenantId, to: p.to });
  if (p.reminders) {
    // the rows claimDueReminders would claim, leases aside: the first reminder by the link's expiry, a retry by its own time
    query
      .addSelect((qb) => unreminded(qb, "i.expiresAt").andWhere("i.reminderRetryAt IS NULL"), "firstReminder")
      .addSelect((qb) => unreminded(qb, "i.reminderRetryAt").andWhere("i.reminderRetryAt < i.expiresAt"), "reminderRetry")
      .setParameter("reminderNow", p.reminders.now);
  }
  type At = Date | string | null;
  const row = await query.getRawOne<{ send: At; expiry: At; removal: At; firstReminder?: At; reminderRetry?: At }>();
  if (!row) return null;
  const kinds = { sends: instant(row.send), expiries: instant(row.expiry), removals: instant(row.removal), reminders: null as Date | null };
  if (p.reminders) {
    const first = instant(row.firstReminder ?? null);
    const reminders = [first && reminderDueAt(first, p.reminders.daysBefore, p.reminders.timeZone), instant(row.reminderRetry ?? null)].filter((at): at is Date => at !== null);
    const earliest = Math.min(...reminders.map((at) => at.getTime()));
    if (reminders.length && earliest <= p.to.getTime()) kinds.reminders = new Date(earliest);
  }
  const instants = Object.values(kinds).filter((at): at is Date => at !== null);
  if (!instants.length) return null;
  const at = Math.min(...instants.map((d) => d.getTime()));
  // due then: what falls due at that instant, and all that the clock has passed already (a reminder late, a send in flight)
  const by = Math.max(at, p.now.getTime());
  const due = (d: Date | null) => d !== null && d.getTime() <= by;
  return { at: new Date(at), sends: due(kinds.sends), expiries: due(kinds.expiries), removals: due(kinds.removals), reminders: due(kinds.reminders) };
}

/** A raw MIN() comes back as a Date (mysql2, pg) or, on some drivers, as text in UTC; null when there is no row. */
function instant(value: Date | string | null): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(" ", "T")}Z`);
}
