import { randomUUID } from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";
import { inTransaction } from "../db/transaction.js";
import { maskEmail, maskEmailsIn } from "../domain/hire-status.js";
import { linkExpiresAt } from "../domain/invitation-policy.js";
import { afterFailedAttempt, isPermanentRefusal } from "../domain/retry.js";
import { Employee, Employment, Invitation, Tenant } from "../entities/index.js";
import type { Logger } from "../log.js";
import { invitationMail } from "../mail/invitation-mail.js";
import type { Mailer } from "../mail/mailer.js";
import { claimDue, type Claimed } from "../sql/claimDue.js";
import { expireLinks } from "../sql/expireLinks.js";
import type { InvitationsOf } from "../sql/invitationsOf.js";
import { markSendFailed } from "../sql/markSendFailed.js";
import { markSendFailedForGood } from "../sql/markSendFailedForGood.js";
import { markAllSent, type AcceptedMail } from "../sql/markAllSent.js";
import { reclaimLapsed } from "../sql/reclaimLapsed.js";
import type { Clock } from "./clock.js";
import { EventsWritten } from "./events-written.js";
import { recordEvent, recordEvents, SYSTEM } from "./history.js";
import type { AfterCommit, InvitationJobs } from "./invitation-jobs.js";
import { generateLinkToken, hashLinkToken } from "./link-token.js";
import type { ReminderDispatch } from "./reminder-dispatch.js";
import { SEND_BATCH, SendWindow, SmtpBreaker, WriteGroups } from "./send-window.js";

const EXPIRE_BATCH = 500;

export interface DispatchSettings {
  publicBaseUrl: string;
  /** How long a worker's claim holds an invitation while sending; longer than the mailer's send timeout (config). */
  sendLeaseMs: number;
  /** How long temporary refusals are retried, from the first attempt, before the invitation FAILS (config SEND_RETRY_HOURS). */
  sendRetryMs: number;
}

export type Outcome = "sent" | "refused" | "cancelled";

/** Whom a claimed invitation is for: the greeting's first name and the ids its events carry. */
interface Recipient {
  firstName: string;
  employeeId: string;
  externalId: string | null;
}

/** A mail the SMTP server accepted, to be marked SENT with its event. */
interface SentMail extends AcceptedMail {
  tenant: Tenant;
  now: Date;
  expiresAt: Date;
  claim: Claimed;
  hire: Recipient;
}

/** Marks mails SENT; answers, of each, whether its claim still held the invitation. */
type MarkSent = (mail: SentMail) => Promise<boolean>;

/**
 * The worker's side of the invitation state machine: claim what is due (SCHEDULED → SENDING under a
 * claim), mail it, mark it SENT or back to SCHEDULED (by that claim only), expire links, and the
 * sweep behind lost jobs and dead workers. Every step is a statement of src/sql/, so a job that runs
 * twice, or two workers at once, change a row once and mail it once.
 */
export class InvitationDispatch {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly mailer: Mailer,
    private readonly jobs: InvitationJobs,
    private readonly settings: DispatchSettings,
    private readonly log: Logger,
    /** R10: plans the reminders of the links it sends, and is swept with them. */
    private readonly reminders: ReminderDispatch,
    /** Shared with the reminders: one count of a tenant's refusals. */
    private readonly breaker: SmtpBreaker = new SmtpBreaker(),
    /** Told after every commit that wrote events (the webhook relay of this process listens). */
    readonly eventsWritten = new EventsWritten(),
  ) {}

  private get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /**
   * After a use case committed: send what is due now, and hand later sends to the job store (live
   * tenants; a sandbox runs on its test clock). `bulk` (imports): everything goes to the job store,
   * one job per distinct send time.
   */
  async afterCommit(tenant: Tenant, after: AfterCommit): Promise<void> {
    this.eventsWritten.notify(); // every use case writes its history; a hint, so a no-op one costs nothing
    if (after.bulk && !tenant.sandbox) {
      const times = new Map<number, Date>();
      if (after.sendNow.length) times.set(0, this.clock.now());
      for (const { at } of after.sendLater) times.set(at.getTime(), at);
      for (const at of times.values()) {
        await this.jobs.scheduleDueSends(tenant.id, at).catch((error: unknown) => {
          this.log.warn({ err: error, tenantId: tenant.id }, "could not schedule the sends; the sweep will send them when due");
        });
      }
      return;
    }
    if (after.bulk && after.sendNow.length) {
      await this.sendDue(tenant, { breaker: false }); // a sandbox's bulk: the burst path, in this request (its clock has no jobs)
      return;
    }
    for (const invitationId of after.sendNow) await this.deliver(invitationId);
    if (tenant.sandbox) return;
    for (const { invitationId, at } of after.sendLater) {
      await this.jobs.scheduleSend(invitationId, at).catch((error: unknown) => {
        this.log.warn({ err: error, invitationId }, "could not schedule the send; the sweep will send it when due");
      });
    }
  }

  /** Sends one invitation if it is due and nobody holds it. Safe to run any number of times, from any number of workers. */
  async deliver(invitationId: string): Promise<void> {
    const row = await this.manager.findOneBy(Invitation, { id: invitationId });
    if (!row || row.status !== "SCHEDULED") return;
    const tenant = await this.manager.findOneByOrFail(Tenant, { id: row.tenantId });
    const now = this.clock.nowFor(tenant);
    const [claim] = await inTransaction(this.manager, (m) => claimDue(m, { invitationId, now, limit: 1, ...this.newClaim() }));
    if (!claim) return;
    const hires = await this.hiresOf([claim.employmentId]);
    const expiresAt = linkExpiresAt(now, tenant.timeZone);
    const outcome = await this.send(tenant, now, expiresAt, claim, hires.get(claim.employmentId)!, async (mail) => (await this.markSent([mail]))(mail));
    if (outcome === "sent" && !tenant.sandbox) {
      await this.jobs.scheduleExpiry(tenant.id, expiresAt).catch(() => undefined); // else the sweep expires it
      await this.reminders.schedule(tenant, [expiresAt]);
    }
  }

  /** The 09:00 burst of a live tenant (the job); see sendDue. Returns how many were sent. */
  async deliverDue(tenantId: string, onBatch: () => Promise<void> = async () => undefined): Promise<number> {
    const tenant = await this.manager.findOneBy(Tenant, { id: tenantId });
    if (!tenant) return 0;
    return this.sendDue(tenant, { onBatch, breaker: true });
  }

  /**
   * Sends every invitation of the tenant that is due at its clock's now: claims them SEND_BATCH at a
   * time, keeps up to 1.5 batches in flight over the mailer's pool, and marks each SENT once the SMTP
   * server accepted it (those accepted while one commit runs, together in the next: WriteGroups).
   * When the first batch is full, one more job for the tenant is scheduled for now, so that another
   * worker joins in (its claims never overlap ours). With `breaker`, a burst stops when the SMTP
   * server refused SEND_BATCH mails in a row (SmtpBreaker). `onBatch` runs after each batch (the job
   * extends its lock).
   */
  async sendDue(tenant: Tenant, options: { onBatch?: () => Promise<void>; breaker: boolean }): Promise<number> {
    if (options.breaker && this.breaker.resting(tenant.id, this.clock.now())) return 0; // the sweep comes back
    let delivered = 0;
    const expiries = new Map<number, Date>();
    const window = new SendWindow();
    // the mails accepted while one commit runs are marked SENT together in the next (bench/README.md, "Tuning")
    const marks = new WriteGroups((mails: SentMail[]) => this.markSent(mails));
    for (let first = true; ; first = false) {
      const now = this.clock.nowFor(tenant);
      const claimed = await inTransaction(this.manager, (m) => claimDue(m, { tenantId: tenant.id, now, limit: SEND_BATCH, ...this.newClaim() }));
      if (claimed.length === 0) break;
      if (first && claimed.length === SEND_BATCH && !tenant.sandbox) {
        await this.jobs.scheduleDueSends(tenant.id, now).catch(() => undefined); // a helper is an optimisation
      }
      const hires = await this.hiresOf(claimed.map((c) => c.employmentId));
      const expiresAt = linkExpiresAt(now, tenant.timeZone);
      for (const claim of claimed) {
        window.add(
          this.send(tenant, now, expiresAt, claim, hires.get(claim.employmentId)!, (mail) => marks.add(mail)).then((outcome) => {
            if (options.breaker && this.breaker.record(tenant.id, outcome, this.clock.now())) {
              this.log.warn({ tenantId: tenant.id, until: this.breaker.until(tenant.id) }, "the SMTP server refused every recent mail of this tenant; its bursts wait for the sweep");
            }
            if (outcome !== "sent") return;
            delivered++;
            expiries.set(expiresAt.getTime(), expiresAt);
          }),
        );
      }
      await window.makeRoom();
      if (window.failure || (options.breaker && this.breaker.resting(tenant.id, this.clock.now()))) break;
      await options.onBatch?.();
      if (claimed.length < SEND_BATCH) break;
    }
    await window.drain();
    if (!tenant.sandbox) {
      for (const at of expiries.values()) await this.jobs.scheduleExpiry(tenant.id, at).catch(() => undefined); // else the sweep expires them
      await this.reminders.schedule(tenant, [...expiries.values()]);
    }
    if (window.failure) throw window.failure;
    return delivered;
  }

  /** A claim id and its lease: the worker's later changes of the claimed rows name it. */
  private newClaim(): { claimId: string; leaseUntil: Date } {
    return { claimId: randomUUID(), leaseUntil: new Date(this.clock.now().getTime() + this.settings.sendLeaseMs) };
  }

  /**
   * Of each employment, the hire's first name (for the greeting) and the employee's ids (for the
   * events): one read per batch, so that marking a mail SENT with its event reads nothing more.
   */
  private async hiresOf(employmentIds: string[], manager = this.manager): Promise<Map<string, Recipient>> {
    const rows = await manager
      .createQueryBuilder(Employment, "m")
      .innerJoin(Employee, "e", "e.id = m.employeeId")
      // aliases through TypeORM, which quotes them: PostgreSQL folds an unquoted "AS firstName" to firstname
      .select("m.id", "id")
      .addSelect("e.firstName", "firstName")
      .addSelect("e.id", "employeeId")
      .addSelect("e.externalId", "externalId")
      .where("m.id IN (:...ids)", { ids: [...new Set(employmentIds)] })
      .getRawMany<{ id: string } & Recipient>();
    return new Map(rows.map(({ id, ...recipient }) => [id, recipient]));
  }

  /**
   * Mails a claimed invitation with a new link valid until `expiresAt` and has `markSent` mark it SENT
   * with its event, or marks it SCHEDULED again for a retry with back-off, or FAILED (both "refused").
   * "cancelled": the mail went out but the claim no longer holds the invitation (cancelled, replaced,
   * or re-claimed after its lease ran out), so its link was never stored and does not work.
   */
  private async send(tenant: Tenant, now: Date, expiresAt: Date, claim: Claimed, hire: Recipient, markSent: MarkSent): Promise<Outcome> {
    const token = generateLinkToken();
    try {
      const link = `${this.settings.publicBaseUrl}/verify?token=${token}`;
      await this.mailer.send(invitationMail({ to: claim.email, firstName: hire.firstName, link, expiresAt, timeZone: tenant.timeZone, companyName: tenant.name }));
    } catch (error) {
      await this.sendFailed(tenant, now, claim, hire, error);
      return "refused";
    }
    const marked = await markSent({ invitationId: claim.id, claimId: claim.claimId, tokenHash: hashLinkToken(token), tenant, now, expiresAt, claim, hire });
    if (!marked) {
      this.log.info({ invitationId: claim.id, tenantId: tenant.id }, "invitation mailed, but no longer this claim's (cancelled, replaced or re-claimed): its link does not work");
      return "cancelled";
    }
    this.log.info({ invitationId: claim.id, tenantId: tenant.id, attempts: claim.attempts }, "invitation sent");
    return "sent";
  }

  /**
   * Accepted mails become SENT, each with its SENT event, in one transaction: one UPDATE per instant
   * they were sent at (a burst's batches may each have their own) and one multi-row INSERT of the
   * events. Answers, of each mail, whether its claim still held the invitation.
   */
  private async markSent(mails: SentMail[]): Promise<(mail: SentMail) => boolean> {
    const marked = await inTransaction(this.manager, async (manager) => {
      const atOnce = new Map<string, SentMail[]>();
      for (const mail of mails) {
        const key = `${mail.now.getTime()}|${mail.expiresAt.getTime()}`;
        const same = atOnce.get(key);
        if (same) same.push(mail);
        else atOnce.set(key, [mail]);
      }
      const changed: SentMail[] = [];
      for (const same of atOnce.values()) changed.push(...(await markAllSent(manager, { mails: same, sentAt: same[0]!.now, expiresAt: same[0]!.expiresAt })));
      await recordEvents(
        manager,
        changed.map(({ tenant, now, expiresAt, claim, hire }) => ({
          tenantId: tenant.id,
          employmentId: claim.employmentId,
          kind: "SENT" as const,
          at: now,
          actor: SYSTEM,
          detail: `attempt ${claim.attempts} to ${maskEmail(claim.email)}, link valid until ${expiresAt.toISOString()}`,
          snapshot: { employeeId: hire.employeeId, externalId: hire.externalId, connectStatus: "INVITATION_SENT" as const },
        })),
      );
      return new Set(changed);
    });
    if (marked.size) this.eventsWritten.notify();
    return (mail) => marked.has(mail);
  }

  /** A refused or lost delivery: SCHEDULED again for a retry with back-off, or FAILED for good (R10). */
  private async sendFailed(tenant: Tenant, now: Date, claim: Claimed, hire: Recipient, error: unknown): Promise<void> {
    const { responseCode, response } = (error ?? {}) as { responseCode?: number; response?: string };
    const message = error instanceof Error ? error.message : String(error);
    const next = afterFailedAttempt({
      attempt: claim.attempts,
      firstAttemptAt: claim.firstAttemptAt,
      now,
      permanent: isPermanentRefusal(responseCode),
      retryForMs: this.settings.sendRetryMs,
    });
    if ("failed" in next) {
      // The server's own words (its reply, else the error), never the full address.
      const reason = maskEmailsIn(typeof response === "string" && response.trim() ? response.trim() : message);
      await inTransaction(this.manager, async (manager) => {
        if (!(await markSendFailedForGood(manager, { invitationId: claim.id, claimId: claim.claimId, reason }))) return;
        const why = next.failed === "refused" ? "refused for good, not retried" : `still refused after ${Math.round(this.settings.sendRetryMs / 3_600_000)} h of retries`;
        const detail = `attempt ${claim.attempts} to ${maskEmail(claim.email)} ${why}: ${reason}`;
        const snapshot = { employeeId: hire.employeeId, externalId: hire.externalId, connectStatus: "INVITATION_FAILED" as const };
        await recordEvent(manager, { tenantId: tenant.id, employmentId: claim.employmentId, kind: "SEND_FAILED", at: now, actor: SYSTEM, detail, context: { failedForGood: true }, snapshot });
      });
      this.log.warn({ invitationId: claim.id, attempts: claim.attempts, responseCode, err: error }, "invitation FAILED: not retried");
      return;
    }
    const { retryAt } = next;
    await inTransaction(this.manager, async (manager) => {
      if (!(await markSendFailed(manager, { invitationId: claim.id, claimId: claim.claimId, retryAt, error: message }))) return;
      const detail = `attempt ${claim.attempts} to ${maskEmail(claim.email)}, retry at ${retryAt.toISOString()}: ${message}`;
      const snapshot = { employeeId: hire.employeeId, externalId: hire.externalId, connectStatus: "INVITATION_SCHEDULED" as const }; // due again: to clients still scheduled
      await recordEvent(manager, { tenantId: tenant.id, employmentId: claim.employmentId, kind: "SEND_FAILED", at: now, actor: SYSTEM, detail, snapshot });
    });
    this.log.warn({ invitationId: claim.id, attempts: claim.attempts, retryAt, err: error }, "invitation not delivered; will retry");
    if (!tenant.sandbox) await this.jobs.scheduleSend(claim.id, retryAt).catch(() => undefined);
  }

  /** Marks one sent link expired once its time has passed; true if this call did. A second run changes nothing. */
  async expire(invitationId: string): Promise<boolean> {
    const row = await this.manager.findOneBy(Invitation, { id: invitationId });
    if (!row || row.status !== "SENT") return false;
    const tenant = await this.manager.findOneByOrFail(Tenant, { id: row.tenantId });
    return (await this.expireBatch({ tenantId: tenant.id }, this.clock.nowFor(tenant), 1, invitationId)) === 1;
  }

  /** Marks every sent link of the tenant whose time has passed (by its clock) expired; returns how many. */
  async expireDue(tenantId: string): Promise<number> {
    const tenant = await this.manager.findOneBy(Tenant, { id: tenantId });
    return tenant ? this.expireAll({ tenantId }, this.clock.nowFor(tenant)) : 0;
  }

  private async expireAll(of: InvitationsOf, now: Date): Promise<number> {
    let expired = 0;
    for (;;) {
      const batch = await this.expireBatch(of, now, EXPIRE_BATCH);
      expired += batch;
      if (batch < EXPIRE_BATCH) return expired;
    }
  }

  /** Expires a batch of links with an EXPIRED event each, dated when the link stopped working (however late this runs), in one transaction. */
  private expireBatch(of: InvitationsOf, now: Date, limit: number, invitationId?: string): Promise<number> {
    return inTransaction(this.manager, async (manager) => {
      const expired = await expireLinks(manager, { of, invitationId, now, limit });
      const hires = expired.length ? await this.hiresOf(expired.map((link) => link.employmentId), manager) : new Map<string, Recipient>();
      await recordEvents(
        manager,
        expired.map((link) => {
          const hire = hires.get(link.employmentId)!;
          return {
            tenantId: link.tenantId,
            employmentId: link.employmentId,
            kind: "EXPIRED" as const,
            at: link.expiresAt,
            actor: SYSTEM,
            detail: `the link to ${maskEmail(link.email)} was not used`,
            // it was the current invitation (a resend or cancel would have cancelled it, not left it SENT)
            snapshot: { employeeId: hire.employeeId, externalId: hire.externalId, connectStatus: "INVITATION_EXPIRED" as const },
          };
        }),
      );
      return expired.length;
    }).then((count) => {
      if (count) this.eventsWritten.notify();
      return count;
    });
  }

  /**
   * The safety net for lost or doubled jobs (live tenants): sends what is due, retries sends whose
   * worker vanished (its lease ran out), expires links whose time has passed, and mails the reminders
   * that are due (R10).
   */
  async sweep(): Promise<{ sent: number; expired: number; reclaimed: number; reminded: number }> {
    const now = this.clock.now();
    const reclaimed = await this.reclaim({ liveTenants: true });
    const tenants = await this.manager
      .createQueryBuilder(Invitation, "i")
      .select("DISTINCT i.tenantId", "tenantId")
      .where("i.status = 'SCHEDULED' AND i.dueAt <= :now", { now })
      .andWhere("i.tenantId IN (SELECT t.id FROM tenant t WHERE t.sandbox = :no)", { no: false })
      .getRawMany<{ tenantId: string }>();
    let sent = 0;
    for (const { tenantId } of tenants) sent += await this.deliverDue(tenantId);
    const expired = await this.expireAll({ liveTenants: true }, now);
    const reminded = await this.reminders.sweep();
    return { sent, expired, reclaimed, reminded };
  }

  /** Sends whose claim's lease ran out (real time) go back to SCHEDULED: for live tenants the sweep sends them, for a sandbox its next advance. */
  reclaim(of: InvitationsOf): Promise<number> {
    return reclaimLapsed(this.manager, { of, now: this.clock.now() });
  }
}
