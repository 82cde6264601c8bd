import type { EntityManager } from "typeorm";
import { reminderDueAt } from "../domain/reminder-policy.js";
import { Employment, Invitation } from "../entities/index.js";

/** What a tenant's reminders need to say when the next one is due (R10); null: the tenant sends none. */
export interface ReminderTerms {
  daysBefore: number;
  timeZone: string;
  /** The tenant's clock now: links expired by then get no reminder. */
  now: Date;
}

/**
 * The earliest instant, up to `to`, at which something of the tenant falls due: a send (SCHEDULED by
 * its dueAt; SENDING — a send in flight — counts as due now), a link's expiry, a leaver's planned
 * removal (R9: disconnectAt, not yet done), or (with `reminders`) a reminder: 09:00 local N days
 * before the earliest expiry of an unreminded link (its retry time, once refused for now). A
 * reminder whose time has passed counts as due now. null: nothing.
 */
export async function nextDueInstant(manager: EntityManager, p: { tenantId: string; to: Date; reminders?: ReminderTerms | null }): Promise<Date | null> {
  const [send, expiry, removal, reminder] = await Promise.all([
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
    p.reminders ? nextReminder(manager, p.tenantId, p.reminders) : null,
  ]);
  const instants = [send?.at, expiry?.at, removal?.at].filter((at) => at !== null && at !== undefined).map((at) => asInstant(at!));
  if (reminder && reminder.getTime() <= p.to.getTime()) instants.push(reminder);
  return instants.length ? new Date(Math.min(...instants.map((at) => at.getTime()))) : null;
}

/** When the tenant's next reminder is due (the rows claimDueReminders would claim, leases aside). */
async function nextReminder(manager: EntityManager, tenantId: string, r: ReminderTerms): Promise<Date | null> {
  const q = (name: string) => manager.connection.driver.escape(name);
  const unreminded = () =>
    manager
      .createQueryBuilder(Invitation, "i")
      .where("i.tenantId = :tenantId AND i.status = 'SENT' AND i.remindedAt IS NULL AND i.tokenHash IS NOT NULL AND i.expiresAt > :now", { tenantId, now: r.now })
      .andWhere(`EXISTS (SELECT 1 FROM employment m WHERE m.id = i.${q("employmentId")} AND m.${q("currentInvitationId")} = i.id AND m.status = 'ACTIVE')`);
  const [first, retry] = await Promise.all([
    unreminded().select("MIN(i.expiresAt)", "at").andWhere("i.reminderRetryAt IS NULL").getRawOne<{ at: Date | string | null }>(),
    unreminded().select("MIN(i.reminderRetryAt)", "at").andWhere("i.reminderRetryAt < i.expiresAt").getRawOne<{ at: Date | string | null }>(),
  ]);
  const instants: Date[] = [];
  if (first?.at) instants.push(reminderDueAt(asInstant(first.at), r.daysBefore, r.timeZone));
  if (retry?.at) instants.push(asInstant(retry.at));
  return instants.length ? new Date(Math.min(...instants.map((at) => at.getTime()))) : null;
}

/** A raw MIN() comes back as a Date (mysql2, pg) or, on some drivers, as text in UTC. */
function asInstant(value: Date | string): Date {
  return value instanceof Date ? value : new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(" ", "T")}Z`);
}
