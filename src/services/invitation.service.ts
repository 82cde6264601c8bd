import { randomUUID } from "node:crypto";
import { In, LessThanOrEqual, type DataSource, type EntityManager } from "typeorm";
import { maskEmail } from "../domain/hire-status.js";
import { planInvitation, linkExpiresAt, type InvitationPlan } from "../domain/invitation-policy.js";
import { retryDelayMs } from "../domain/retry.js";
import { ConnectAccount, Employee, Employment, Invitation, Tenant, User, VerifiedDomain } from "../entities/index.js";
import type { Logger } from "../log.js";
import { invitationMail } from "../mail/invitation-mail.js";
import type { Mailer } from "../mail/mailer.js";
import type { Clock } from "./clock.js";
import { AfterCommit, type InvitationJobs } from "./invitation-jobs.js";
import { connectedDetail, plannedDetail, recordEvent, recordEvents, SYSTEM, type Actor } from "./history.js";
import { generateLinkToken, hashLinkToken } from "./link-token.js";

/** A new invitation of `employment`, planned for `sendAt`; nothing is stored yet. */
export function newInvitation(employment: Employment, user: User, email: string, sendAt: Date, now: Date): Invitation {
  return Object.assign(new Invitation(), {
    id: randomUUID(),
    tenantId: employment.tenantId,
    employmentId: employment.id,
    userId: user.id,
    email,
    status: "SCHEDULED",
    sendAt,
    dueAt: sendAt,
    leaseUntil: null,
    sentAt: null,
    expiresAt: null,
    verifiedAt: null,
    cancelledAt: null,
    tokenHash: null,
    attempts: 0,
    lastError: null,
    createdAt: now,
  });
}

/**
 * Invitations one worker claims and sends at a time in a burst: one locking statement per batch, a
 * batch in flight over the mailer's pool (bench/README.md, "Tuning").
 */
export const SEND_BATCH = 50;
const EXPIRE_BATCH = 500;

/** An invitation this worker holds (SENDING); `attempts` counts this one. */
interface Claimed {
  id: string;
  employmentId: string;
  email: string;
  attempts: number;
}

/** Unfinished invitations: a later plan replaces them, and their link (if any) stops working. */
const REPLACEABLE = ["SCHEDULED", "SENDING", "SENT", "EXPIRED"] as const;

export interface InvitationSettings {
  publicBaseUrl: string;
  /** How long a worker may hold an invitation while sending before the sweep may try again. */
  sendLeaseMs: number;
}

export interface PlanContext {
  tenant: Tenant;
  employment: Employment;
  user: User | null;
  email: string | null;
  now: Date;
  reviewPending: boolean;
  /** Ignore the start date and send at once (an address changed after sending, a resend). */
  sendImmediately?: boolean;
  /** Who caused the (re)plan: recorded with its PLANNED or CONNECTED event. */
  actor: Actor;
}

/**
 * Invitations from plan to verified link: decides with the domain rules, writes in the caller's
 * transaction, and sends after commit. Every change of state is a conditional UPDATE, so a job
 * that runs twice, or two workers at once, change it once and send once.
 */
export class InvitationService {
  /** Set when a burst met SEND_BATCH refusals in a row: until then this process starts no burst. */
  private smtpRestsUntil = new Date(0);

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly mailer: Mailer,
    private readonly jobs: InvitationJobs,
    private readonly settings: InvitationSettings,
    private readonly log: Logger,
  ) {}

  async verifiedDomains(manager: EntityManager, tenantId: string): Promise<string[]> {
    return (await manager.find(VerifiedDomain, { where: { tenantId }, select: { domain: true } })).map((d) => d.domain);
  }

  /** Applies the rules to one employment, in `manager`'s transaction; sends are queued on `after`. */
  async plan(manager: EntityManager, context: PlanContext, after: AfterCommit): Promise<InvitationPlan> {
    const { tenant, employment, user, email, now } = context;
    const plan = planInvitation({
      startDate: employment.startDate,
      email,
      hasUser: user !== null,
      timeZone: tenant.timeZone,
      verifiedDomains: await this.verifiedDomains(manager, tenant.id),
      reviewPending: context.reviewPending,
      now,
    });
    const action = context.sendImmediately && plan.action === "SEND_LATER" ? "SEND_NOW" : plan.action;
    const sendAt = action === "SEND_NOW" ? now : plan.sendAt;

    if (action === "CONNECT_NOW") {
      await this.replaceCurrent(manager, employment, now);
      await this.connect(manager, user!, email!, "VERIFIED_DOMAIN", now, { employmentId: employment.id, actor: context.actor });
    } else if (action === "SEND_NOW" || action === "SEND_LATER") {
      const { invitationId, changed } = await this.scheduleOne(manager, employment, user!, email!, sendAt!, now);
      if (action === "SEND_NOW") after.sendNow.push(invitationId);
      else after.sendLater.push({ invitationId, at: sendAt! });
      // a repeated request that plans the same send again is no new event
      if (changed) {
        await recordEvent(manager, { tenantId: tenant.id, employmentId: employment.id, kind: "PLANNED", at: now, actor: context.actor, detail: plannedDetail(action, sendAt!, email!) });
      }
    } else {
      await this.replaceCurrent(manager, employment, now, ["SCHEDULED"]);
    }
    return { action, sendAt, expiresAt: sendAt ? linkExpiresAt(sendAt, tenant.timeZone) : null };
  }

  /**
   * Reuses a still-scheduled invitation (nothing was sent for it) or starts a new one. `changed`:
   * the send is new, or its time or address moved.
   */
  private async scheduleOne(
    manager: EntityManager,
    employment: Employment,
    user: User,
    email: string,
    sendAt: Date,
    now: Date,
  ): Promise<{ invitationId: string; changed: boolean }> {
    if (employment.currentInvitationId) {
      const before = await manager.findOneBy(Invitation, { id: employment.currentInvitationId });
      const moved = await manager.update(
        Invitation,
        { id: employment.currentInvitationId, status: "SCHEDULED" },
        { email, sendAt, dueAt: sendAt, attempts: 0, lastError: null },
      );
      if (moved.affected === 1) {
        const changed = before?.status !== "SCHEDULED" || before.sendAt.getTime() !== sendAt.getTime() || before.email !== email;
        return { invitationId: employment.currentInvitationId, changed };
      }
      await this.replaceCurrent(manager, employment, now);
    }
    const invitation = newInvitation(employment, user, email, sendAt, now);
    await manager.insert(Invitation, invitation);
    await manager.update(Employment, { id: employment.id }, { currentInvitationId: invitation.id });
    employment.currentInvitationId = invitation.id;
    return { invitationId: invitation.id, changed: true };
  }

  /** A new invitation, sent at once; every earlier link of the employment stops working. */
  async resend(manager: EntityManager, employment: Employment, user: User, email: string, now: Date, after: AfterCommit): Promise<void> {
    await this.replaceCurrent(manager, employment, now);
    employment.currentInvitationId = null;
    after.sendNow.push((await this.scheduleOne(manager, employment, user, email, now, now)).invitationId);
  }

  /** Cancels the current invitation if it is unfinished: a scheduled one is never sent, a sent link stops working. */
  async replaceCurrent(manager: EntityManager, employment: Employment, now: Date, states: readonly string[] = REPLACEABLE): Promise<void> {
    if (!employment.currentInvitationId) return;
    await manager.update(
      Invitation,
      { id: employment.currentInvitationId, status: In([...states]) },
      { status: "CANCELLED", cancelledAt: now, leaseUntil: null },
    );
  }

  /** Creates the user's Connect account (CONNECTED, by `event.actor`); an existing one is returned as it is. */
  async connect(
    manager: EntityManager,
    user: User,
    email: string,
    method: ConnectAccount["method"],
    now: Date,
    event: { employmentId: string; actor: Actor },
  ): Promise<ConnectAccount> {
    const existing = await manager.findOneBy(ConnectAccount, { userId: user.id });
    if (existing) return existing;
    const account = Object.assign(new ConnectAccount(), { id: randomUUID(), tenantId: user.tenantId, userId: user.id, email, method, createdAt: now });
    await manager.insert(ConnectAccount, account);
    await recordEvent(manager, { tenantId: user.tenantId, employmentId: event.employmentId, kind: "CONNECTED", at: now, actor: event.actor, detail: connectedDetail(method, email) });
    return account;
  }

  /**
   * After commit: send what is due now, and hand later sends to the job store (live tenants only).
   * `bulk` (imports): everything goes to the job store, one job per distinct send time.
   */
  async afterCommit(tenant: Tenant, after: AfterCommit, options: { bulk?: boolean } = {}): Promise<void> {
    if (options.bulk && !tenant.sandbox) {
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
    for (const invitationId of after.sendNow) await this.deliver(invitationId);
    if (tenant.sandbox) return; // a sandbox runs on its test clock: advanceTestClock sends, not the job store
    for (const { invitationId, at } of after.sendLater) {
      await this.jobs.scheduleSend(invitationId, at).catch((error: unknown) => {
        this.log.warn({ err: error, invitationId }, "could not schedule the send; the sweep will send it when due");
      });
    }
  }

  /**
   * Sends one invitation if it is due and nobody else holds it: claim (SCHEDULED → SENDING), send,
   * then SENT. A failed delivery goes back to SCHEDULED with a later due time and the error shown.
   * Safe to run any number of times, from any number of workers.
   */
  async deliver(invitationId: string): Promise<void> {
    const row = await this.dataSource.manager.findOneBy(Invitation, { id: invitationId });
    if (!row || row.status !== "SCHEDULED") return;
    const tenant = await this.dataSource.manager.findOneByOrFail(Tenant, { id: row.tenantId });
    const now = this.clock.nowFor(tenant);
    const claimed = await this.dataSource.manager.update(
      Invitation,
      { id: invitationId, status: "SCHEDULED", dueAt: LessThanOrEqual(now) },
      { status: "SENDING", leaseUntil: this.leaseUntil(), attempts: row.attempts + 1 },
    );
    if (claimed.affected !== 1) return;
    const firstNames = await this.firstNames([row.employmentId]);
    const expiresAt = linkExpiresAt(now, tenant.timeZone);
    const outcome = await this.send(tenant, now, expiresAt, { ...row, attempts: row.attempts + 1 }, firstNames.get(row.employmentId) ?? "");
    if (outcome === "sent" && !tenant.sandbox) await this.jobs.scheduleExpiry(tenant.id, expiresAt).catch(() => undefined); // the sweep expires it otherwise
  }

  /**
   * Sends every invitation of the tenant that is due now: the 09:00 burst. Claims them in batches of
   * SEND_BATCH with one locking statement (rows another worker holds are skipped, not waited for),
   * keeps up to 1.5 batches in flight over the mailer's pool, and marks each SENT as soon as the
   * SMTP server has accepted it. When the first batch is full, one more job for the tenant is
   * scheduled for now, so that another worker joins in (its claims never overlap ours);
   * that one does the same, and so on. After SEND_BATCH refusals in a row (the SMTP server is down) it
   * stops, and this process starts no burst for the first retry delay: the refused ones retry with
   * back-off, the rest stay due for the sweep, instead of the whole backlog failing at once.
   * `onBatch` runs after each batch (the job extends its lock). Returns how many were sent.
   */
  async deliverDue(tenantId: string, onBatch: () => Promise<void> = async () => undefined): Promise<number> {
    const tenant = await this.dataSource.manager.findOneBy(Tenant, { id: tenantId });
    if (!tenant) return 0;
    if (this.clock.now() < this.smtpRestsUntil) return 0; // the sweep comes back
    let delivered = 0;
    const expiries = new Map<number, Date>();
    // A window of sends: the next batch is claimed while half of this one is still in flight, so
    // that the mailer's pool never runs dry between batches.
    const inFlight = new Set<Promise<void>>();
    let failure: unknown = null;
    let refusedInARow = 0;
    for (let first = true; ; first = false) {
      const now = this.clock.nowFor(tenant);
      const claimed = await this.claimDue(tenant.id, now);
      if (claimed.length === 0) break;
      if (first && claimed.length === SEND_BATCH && !tenant.sandbox) {
        // a big burst: another worker may help (if the SMTP server refuses, it stops and rests as this one does)
        await this.jobs.scheduleDueSends(tenant.id, now).catch(() => undefined); // a helper is an optimisation
      }
      const firstNames = await this.firstNames(claimed.map((c) => c.employmentId));
      const expiresAt = linkExpiresAt(now, tenant.timeZone);
      for (const c of claimed) {
        const sending: Promise<void> = this.send(tenant, now, expiresAt, c, firstNames.get(c.employmentId) ?? "")
          .then(
            (outcome) => {
              refusedInARow = outcome === "refused" ? refusedInARow + 1 : 0;
              if (outcome !== "sent") return;
              delivered++;
              expiries.set(expiresAt.getTime(), expiresAt);
            },
            (error: unknown) => void (failure ??= error), // e.g. the database went away: the lease makes the sweep retry it
          )
          .finally(() => inFlight.delete(sending));
        inFlight.add(sending);
      }
      while (inFlight.size > SEND_BATCH / 2) await Promise.race(inFlight);
      if (failure) break;
      if (refusedInARow >= SEND_BATCH) {
        this.smtpRestsUntil = new Date(this.clock.now().getTime() + retryDelayMs(1));
        this.log.warn({ tenantId: tenant.id, refused: refusedInARow, until: this.smtpRestsUntil }, "the SMTP server refused every recent mail; bursts wait for the sweep");
        break;
      }

      await onBatch();
      if (claimed.length < SEND_BATCH) break;
    }
    await Promise.all(inFlight);
    if (!tenant.sandbox) {
      for (const at of expiries.values()) await this.jobs.scheduleExpiry(tenant.id, at).catch(() => undefined); // the sweep expires them otherwise
    }
    if (failure) throw failure;
    return delivered;
  }

  private leaseUntil(): Date {
    return new Date(this.clock.now().getTime() + this.settings.sendLeaseMs);
  }

  /** Up to SEND_BATCH due invitations of the tenant, now SENDING and held by this worker. */
  private async claimDue(tenantId: string, now: Date): Promise<Claimed[]> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await manager
        .createQueryBuilder(Invitation, "i")
        .select(["i.id", "i.employmentId", "i.email", "i.attempts"])
        .where("i.tenantId = :tenantId AND i.status = 'SCHEDULED' AND i.dueAt <= :now", { tenantId, now })
        .orderBy("i.dueAt", "ASC")
        .limit(SEND_BATCH)
        .setLock("pessimistic_write")
        .setOnLocked("skip_locked")
        .getMany();
      if (rows.length === 0) return [];
      await manager
        .createQueryBuilder()
        .update(Invitation)
        .set({ status: "SENDING", leaseUntil: this.leaseUntil(), attempts: () => "attempts + 1" })
        .whereInIds(rows.map((r) => r.id))
        .execute();
      return rows.map((r) => ({ id: r.id, employmentId: r.employmentId, email: r.email, attempts: r.attempts + 1 }));
    });
  }

  /** The hire's first name (for the greeting) of each employment. */
  private async firstNames(employmentIds: string[]): Promise<Map<string, string>> {
    const rows = await this.dataSource.manager
      .createQueryBuilder(Employment, "m")
      .innerJoin(Employee, "e", "e.id = m.employeeId")
      .select(["m.id AS id", "e.firstName AS firstName"])
      .where("m.id IN (:...ids)", { ids: [...new Set(employmentIds)] })
      .getRawMany<{ id: string; firstName: string }>();
    return new Map(rows.map((r) => [r.id, r.firstName]));
  }

  /**
   * Mails a claimed invitation with a new link valid until `expiresAt` and marks it SENT (the link's
   * hash stored with it), or puts it back to SCHEDULED for a retry with back-off ("refused").
   */
  private async send(tenant: Tenant, now: Date, expiresAt: Date, claim: Claimed, firstName: string): Promise<"sent" | "refused" | "cancelled"> {
    const token = generateLinkToken();
    try {
      await this.mailer.send(
        invitationMail({
          to: claim.email,
          firstName,
          link: `${this.settings.publicBaseUrl}/verify?token=${token}`,
          expiresAt,
          timeZone: tenant.timeZone,
          companyName: tenant.name,
        }),
      );
    } catch (error) {
      await this.sendFailed(tenant, now, claim, error);
      return "refused";
    }
    // the invitation SENT and its history event, both or neither
    const marked = await this.dataSource.transaction(async (manager) => {
      const sent = await manager.update(
        Invitation,
        { id: claim.id, status: "SENDING" },
        { status: "SENT", sentAt: now, expiresAt, tokenHash: hashLinkToken(token), leaseUntil: null, lastError: null },
      );
      if (sent.affected !== 1) return false;
      await recordEvent(manager, {
        tenantId: tenant.id,
        employmentId: claim.employmentId,
        kind: "SENT",
        at: now,
        actor: SYSTEM,
        detail: `attempt ${claim.attempts} to ${maskEmail(claim.email)}, link valid until ${expiresAt.toISOString()}`,
      });
      return true;
    });
    if (!marked) {
      this.log.info({ invitationId: claim.id, tenantId: tenant.id }, "invitation sent, but cancelled meanwhile");
      return "cancelled";
    }
    this.log.info({ invitationId: claim.id, tenantId: tenant.id, attempts: claim.attempts }, "invitation sent");
    return "sent";
  }

  private async sendFailed(tenant: Tenant, now: Date, claim: Claimed, error: unknown): Promise<void> {
    const dueAt = new Date(now.getTime() + retryDelayMs(claim.attempts));
    const message = error instanceof Error ? error.message : String(error);
    await this.dataSource.transaction(async (manager) => {
      const failed = await manager.update(
        Invitation,
        { id: claim.id, status: "SENDING" },
        { status: "SCHEDULED", dueAt, leaseUntil: null, tokenHash: null, lastError: message.slice(0, 500) },
      );
      if (failed.affected !== 1) return;
      await recordEvent(manager, {
        tenantId: tenant.id,
        employmentId: claim.employmentId,
        kind: "SEND_FAILED",
        at: now,
        actor: SYSTEM,
        detail: `attempt ${claim.attempts} to ${maskEmail(claim.email)}, retry at ${dueAt.toISOString()}: ${message}`,
      });
    });
    this.log.warn({ invitationId: claim.id, attempts: claim.attempts, retryAt: dueAt, err: error }, "invitation not delivered; will retry");
    if (!tenant.sandbox) await this.jobs.scheduleSend(claim.id, dueAt).catch(() => undefined);
  }

  /** Marks one sent link expired once its time has passed; true if this call did. A second run changes nothing. */
  async expire(invitationId: string): Promise<boolean> {
    const row = await this.dataSource.manager.findOneBy(Invitation, { id: invitationId });
    if (!row || row.status !== "SENT") return false;
    const tenant = await this.dataSource.manager.findOneByOrFail(Tenant, { id: row.tenantId });
    return (await this.expireWhere("i.id = :id", { id: invitationId }, this.clock.nowFor(tenant), 1)) === 1;
  }

  /** Marks every sent link of the tenant whose time has passed expired; returns how many. */
  async expireDue(tenantId: string): Promise<number> {
    const tenant = await this.dataSource.manager.findOneBy(Tenant, { id: tenantId });
    if (!tenant) return 0;
    return this.expireAll("i.tenantId = :tenantId", { tenantId }, this.clock.nowFor(tenant));
  }

  private async expireAll(condition: string, parameters: Record<string, unknown>, now: Date): Promise<number> {
    let expired = 0;
    for (;;) {
      const batch = await this.expireWhere(condition, parameters, now, EXPIRE_BATCH);
      expired += batch;
      if (batch < EXPIRE_BATCH) return expired;
    }
  }

  /**
   * Up to `limit` sent links matching `condition` whose time has passed become EXPIRED, each with an
   * EXPIRED event at the instant the link stopped working (however late this runs), in one transaction.
   * Rows another transaction holds (a hire confirming right now) are skipped.
   */
  private async expireWhere(condition: string, parameters: Record<string, unknown>, now: Date, limit: number): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await manager
        .createQueryBuilder(Invitation, "i")
        .select(["i.id", "i.tenantId", "i.employmentId", "i.email", "i.expiresAt"])
        .where("i.status = 'SENT' AND i.expiresAt <= :now", { now })
        .andWhere(condition, parameters)
        .orderBy("i.expiresAt", "ASC")
        .limit(limit)
        .setLock("pessimistic_write")
        .setOnLocked("skip_locked")
        .getMany();
      if (rows.length === 0) return 0;
      await manager.createQueryBuilder().update(Invitation).set({ status: "EXPIRED" }).whereInIds(rows.map((r) => r.id)).execute();
      await recordEvents(
        manager,
        rows.map((r) => ({
          tenantId: r.tenantId,
          employmentId: r.employmentId,
          kind: "EXPIRED" as const,
          at: r.expiresAt!,
          actor: SYSTEM,
          detail: `the link to ${maskEmail(r.email)} was not used`,
        })),
      );
      return rows.length;
    });
  }

  /**
   * The safety net for lost or doubled jobs (live tenants): sends what is due, retries sends whose
   * worker vanished (lease ran out), and expires links whose time has passed.
   */
  async sweep(): Promise<{ sent: number; expired: number; reclaimed: number }> {
    const now = this.clock.now();
    // sandbox tenants run on their test clocks: advanceTestClock handles them, never real time
    const live = (column: string) => `${column} IN (SELECT t.id FROM tenant t WHERE t.sandbox = :no)`;
    const reclaimed = await this.reclaim(live("tenantId"), { no: false });
    const tenants = await this.dataSource.manager
      .createQueryBuilder(Invitation, "i")
      .select("DISTINCT i.tenantId", "tenantId")
      .where("i.status = 'SCHEDULED' AND i.dueAt <= :now", { now })
      .andWhere(live("i.tenantId"), { no: false })
      .getRawMany<{ tenantId: string }>();
    let sent = 0;
    for (const { tenantId } of tenants) sent += await this.deliverDue(tenantId);
    const expired = await this.expireAll(live("i.tenantId"), { no: false }, now);
    return { sent, expired, reclaimed };
  }

  /**
   * Sends whose worker vanished (the lease ran out, in real time) go back to SCHEDULED, to be sent
   * again: for live tenants by the sweep, for a sandbox tenant when its test clock moves.
   */
  async reclaim(condition: string, parameters: Record<string, unknown>): Promise<number> {
    const reclaimed = await this.dataSource.manager
      .createQueryBuilder()
      .update(Invitation)
      .set({ status: "SCHEDULED", leaseUntil: null, tokenHash: null, lastError: "the worker stopped while sending; retried" })
      .where("status = 'SENDING' AND leaseUntil <= :leaseNow", { leaseNow: this.clock.now() })
      .andWhere(condition, parameters)
      .execute();
    return reclaimed.affected ?? 0;
  }
}
