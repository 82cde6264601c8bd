import { randomUUID } from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";
import { inTransaction } from "../db/transaction.js";
import { maskEmail, maskEmailsIn } from "../domain/hire-status.js";
import { reminderDueAt, remindLinksExpiringBefore } from "../domain/reminder-policy.js";
import { isPermanentRefusal } from "../domain/retry.js";
import { Invitation, Tenant } from "../entities/index.js";
import type { Logger } from "../log.js";
import { invitationMail } from "../mail/invitation-mail.js";
import type { Mailer } from "../mail/mailer.js";
import { claimDueReminders, type ClaimedReminder } from "../sql/claimDueReminders.js";
import { firstNamesOf } from "../sql/firstNamesOf.js";
import { markReminded } from "../sql/markReminded.js";
import { markRemindFailed } from "../sql/markRemindFailed.js";
import type { Clock } from "./clock.js";
import { recordEvent, SYSTEM } from "./history.js";
import type { DispatchSettings, Outcome } from "./invitation-dispatch.js";
import type { InvitationJobs } from "./invitation-jobs.js";
import { generateLinkToken, hashLinkToken } from "./link-token.js";
import { SEND_BATCH, SendWindow, type SmtpBreaker } from "./send-window.js";

/** R10: a reminder refused for now is tried again this much later (tenant clock), while its link is valid. */
export const REMINDER_RETRY_MS = 30 * 60_000;

/**
 * The worker's side of reminders (R10): at 09:00 tenant-local N days before an unused link expires,
 * a mail with a new link and the same expiry. Delivered as sends are (src/services/invitation-dispatch.ts):
 * jobs as triggers, the sweep behind them, claims with a lease, and every change a conditional
 * statement of src/sql/, so a doubled job or two workers remind each link once.
 */
export class ReminderDispatch {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly mailer: Mailer,
    private readonly jobs: InvitationJobs,
    private readonly settings: DispatchSettings,
    private readonly log: Logger,
    /** Shared with the sends: one count of a tenant's refusals. */
    private readonly breaker: SmtpBreaker,
  ) {}

  private get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /** The sweep's part (live tenants): each tenant that sends reminders mails its due ones (one index range each). */
  async sweep(): Promise<number> {
    const reminding = await this.manager.createQueryBuilder(Tenant, "t").where("t.sandbox = :no AND t.reminderDaysBeforeExpiry IS NOT NULL", { no: false }).getMany();
    let reminded = 0;
    for (const tenant of reminding) reminded += await this.remindDue(tenant, { breaker: true });
    return reminded;
  }

  /** The reminder job of a live tenant (R10); see remindDue. Returns how many went out. */
  async remindDueOf(tenantId: string, onBatch: () => Promise<void> = async () => undefined): Promise<number> {
    const tenant = await this.manager.findOneBy(Tenant, { id: tenantId });
    return tenant ? this.remindDue(tenant, { breaker: true, onBatch }) : 0;
  }

  /**
   * R10: mails every reminder of the tenant that is due at its clock's now, by the setting in force
   * (tenant.reminderDaysBeforeExpiry; null: none). Like a burst of sends: claims SEND_BATCH links at a
   * time under a lease (they stay SENT, their first link working), mails each a new link with the same
   * expiry, and — only once the SMTP server accepted it — swaps the stored hash and sets remindedAt
   * (markReminded, by that claim only), so a doubled job or two workers remind each link once.
   */
  async remindDue(tenant: Tenant, options: { breaker: boolean; onBatch?: () => Promise<void> }): Promise<number> {
    const daysBefore = tenant.reminderDaysBeforeExpiry;
    if (daysBefore === null || daysBefore === undefined) return 0;
    if (options.breaker && this.breaker.resting(tenant.id, this.clock.now())) return 0; // the sweep comes back
    let reminded = 0;
    const window = new SendWindow();
    for (let first = true; ; first = false) {
      const now = this.clock.nowFor(tenant);
      const expiringBefore = remindLinksExpiringBefore(now, daysBefore, tenant.timeZone);
      const claimed = await inTransaction(this.manager, (m) =>
        claimDueReminders(m, { tenantId: tenant.id, now, expiringBefore, leaseNow: this.clock.now(), limit: SEND_BATCH, ...this.newClaim() }),
      );
      if (claimed.length === 0) break;
      if (first && claimed.length === SEND_BATCH && !tenant.sandbox) {
        await this.jobs.scheduleReminders(tenant.id, now).catch(() => undefined); // another worker joins a big 09:00, as in a burst of sends
      }
      const firstNames = await firstNamesOf(this.manager, claimed.map((c) => c.employmentId));
      for (const claim of claimed) {
        window.add(
          this.remind(tenant, now, claim, firstNames.get(claim.employmentId) ?? "").then((outcome) => {
            if (options.breaker) this.breaker.record(tenant.id, outcome, this.clock.now());
            if (outcome === "sent") reminded++;
          }),
        );
      }
      await window.makeRoom();
      if (window.failure || (options.breaker && this.breaker.resting(tenant.id, this.clock.now()))) break;
      await options.onBatch?.();
      if (claimed.length < SEND_BATCH) break;
    }
    await window.drain();
    if (window.failure) throw window.failure;
    return reminded;
  }

  /** Live tenants: one reminder job per distinct due instant of these links' reminders (the sweep is behind them). */
  async schedule(tenant: Tenant, expiries: Date[]): Promise<void> {
    const daysBefore = tenant.reminderDaysBeforeExpiry;
    if (tenant.sandbox || daysBefore === null || daysBefore === undefined) return;
    const now = this.clock.nowFor(tenant);
    const due = new Map<number, Date>();
    for (const expiresAt of expiries) {
      if (expiresAt.getTime() <= now.getTime()) continue;
      const at = new Date(Math.max(reminderDueAt(expiresAt, daysBefore, tenant.timeZone).getTime(), now.getTime())); // passed already: now
      due.set(at.getTime(), at);
    }
    for (const at of due.values()) {
      await this.jobs.scheduleReminders(tenant.id, at).catch((error: unknown) => {
        this.log.warn({ err: error, tenantId: tenant.id }, "could not schedule the reminders; the sweep will send them when due");
      });
    }
  }

  /**
   * After the tenant's reminder setting changed (live tenants): a reminder job for each distinct
   * expiry of its unreminded links, at the reminder's time by the new setting (now, if that passed).
   */
  async replan(tenantId: string): Promise<void> {
    const tenant = await this.manager.findOneBy(Tenant, { id: tenantId });
    if (!tenant || tenant.sandbox || tenant.reminderDaysBeforeExpiry === null) return;
    const rows = await this.manager
      .createQueryBuilder(Invitation, "i")
      .select("DISTINCT i.expiresAt", "expiresAt")
      .where("i.tenantId = :tenantId AND i.status = 'SENT' AND i.remindedAt IS NULL AND i.expiresAt > :now", { tenantId, now: this.clock.nowFor(tenant) })
      .getRawMany<{ expiresAt: Date | string }>();
    await this.schedule(tenant, rows.map((r) => asInstant(r.expiresAt)));
  }

  /**
   * Mails a claimed link's reminder: a new link, the same expiry. "sent": the new link is stored and
   * the first stopped working (with a REMINDED event); "cancelled": the mail went out but the claim no
   * longer holds the link (used, cancelled, replaced or re-claimed), so its new link never works and
   * the first one stands; "refused": tried again later (REMINDER_RETRY_MS) — or, refused for good, not
   * again: the invitation stays SENT and its first link works (that mail went through; R10's FAILED is
   * for an invitation no link reached).
   */
  private async remind(tenant: Tenant, now: Date, claim: ClaimedReminder, firstName: string): Promise<Outcome> {
    const token = generateLinkToken();
    try {
      const link = `${this.settings.publicBaseUrl}/verify?token=${token}`;
      await this.mailer.send(
        invitationMail({ to: claim.email, firstName, link, expiresAt: claim.expiresAt, timeZone: tenant.timeZone, companyName: tenant.name, reminder: true }),
      );
    } catch (error) {
      const { responseCode } = (error ?? {}) as { responseCode?: number };
      const permanent = isPermanentRefusal(responseCode);
      const retryAt = permanent ? claim.expiresAt : new Date(Math.min(now.getTime() + REMINDER_RETRY_MS, claim.expiresAt.getTime()));
      const message = maskEmailsIn(error instanceof Error ? error.message : String(error));
      await inTransaction(this.manager, (m) => markRemindFailed(m, { invitationId: claim.id, claimId: claim.claimId, retryAt, error: `reminder ${permanent ? "refused for good" : `not delivered, retry at ${retryAt.toISOString()}`}: ${message}` }));
      this.log.warn({ invitationId: claim.id, tenantId: tenant.id, responseCode, err: error }, permanent ? "reminder refused for good: not retried" : "reminder not delivered; will retry");
      return "refused";
    }
    const marked = await inTransaction(this.manager, async (manager) => {
      if (!(await markReminded(manager, { invitationId: claim.id, claimId: claim.claimId, previousTokenHash: claim.tokenHash, tokenHash: hashLinkToken(token), now }))) return false;
      const detail = `a new link to ${maskEmail(claim.email)}, valid until ${claim.expiresAt.toISOString()} as before; the earlier link stopped working`;
      await recordEvent(manager, { tenantId: tenant.id, employmentId: claim.employmentId, kind: "REMINDED", at: now, actor: SYSTEM, detail });
      return true;
    });
    if (!marked) {
      this.log.info({ invitationId: claim.id, tenantId: tenant.id }, "reminder mailed, but the link is no longer this claim's (used, cancelled or re-claimed): its new link does not work");
      return "cancelled";
    }
    this.log.info({ invitationId: claim.id, tenantId: tenant.id }, "reminder sent");
    return "sent";
  }

  /** A claim id and its lease, as a send's: the worker's later changes of the claimed rows name it. */
  private newClaim(): { claimId: string; leaseUntil: Date } {
    return { claimId: randomUUID(), leaseUntil: new Date(this.clock.now().getTime() + this.settings.sendLeaseMs) };
  }
}

/** A raw column read comes back as a Date (mysql2, pg) or, on some drivers, as text in UTC. */
function asInstant(value: Date | string): Date {
  return value instanceof Date ? value : new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(" ", "T")}Z`);
}
