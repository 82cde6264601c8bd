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
import { connectedDetail, plannedDetail, recordEvent, SYSTEM, type Actor } from "./history.js";
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
    const token = generateLinkToken();
    const claimed = await this.dataSource.manager.update(
      Invitation,
      { id: invitationId, status: "SCHEDULED", dueAt: LessThanOrEqual(now) },
      { status: "SENDING", leaseUntil: new Date(this.clock.now().getTime() + this.settings.sendLeaseMs), attempts: row.attempts + 1, tokenHash: hashLinkToken(token) },
    );
    if (claimed.affected !== 1) return;

    const employee = await this.dataSource.manager
      .createQueryBuilder(Employee, "e")
      .innerJoin(Employment, "m", "m.employeeId = e.id")
      .where("m.id = :id", { id: row.employmentId })
      .getOneOrFail();
    const expiresAt = linkExpiresAt(now, tenant.timeZone);
    try {
      await this.mailer.send(
        invitationMail({
          to: row.email,
          firstName: employee.firstName,
          link: `${this.settings.publicBaseUrl}/verify?token=${token}`,
          expiresAt,
          timeZone: tenant.timeZone,
          companyName: tenant.name,
        }),
      );
    } catch (error) {
      const attempts = row.attempts + 1;
      const dueAt = new Date(now.getTime() + retryDelayMs(attempts));
      const message = error instanceof Error ? error.message : String(error);
      const failed = await this.dataSource.manager.update(
        Invitation,
        { id: invitationId, status: "SENDING" },
        { status: "SCHEDULED", dueAt, leaseUntil: null, tokenHash: null, lastError: message.slice(0, 500) },
      );
      if (failed.affected === 1) {
        await recordEvent(this.dataSource.manager, {
          tenantId: tenant.id,
          employmentId: row.employmentId,
          kind: "SEND_FAILED",
          at: now,
          actor: SYSTEM,
          detail: `attempt ${attempts} to ${maskEmail(row.email)}, retry at ${dueAt.toISOString()}: ${message}`,
        });
      }
      this.log.warn({ invitationId, attempts, retryAt: dueAt, err: error }, "invitation not delivered; will retry");
      if (!tenant.sandbox) await this.jobs.scheduleSend(invitationId, dueAt).catch(() => undefined);
      return;
    }
    const sent = await this.dataSource.manager.update(
      Invitation,
      { id: invitationId, status: "SENDING" },
      { status: "SENT", sentAt: now, expiresAt, leaseUntil: null, lastError: null },
    );
    this.log.info({ invitationId, tenantId: tenant.id, attempts: row.attempts + 1 }, sent.affected === 1 ? "invitation sent" : "invitation sent, but cancelled meanwhile");
    if (sent.affected === 1) {
      await recordEvent(this.dataSource.manager, {
        tenantId: tenant.id,
        employmentId: row.employmentId,
        kind: "SENT",
        at: now,
        actor: SYSTEM,
        detail: `attempt ${row.attempts + 1} to ${maskEmail(row.email)}, link valid until ${expiresAt.toISOString()}`,
      });
    }
    if (sent.affected === 1 && !tenant.sandbox) {
      await this.jobs.scheduleExpiry(invitationId, expiresAt).catch(() => undefined); // the sweep expires it otherwise
    }
  }

  /** Sends every invitation of the tenant that is due now, a few at a time. */
  async deliverDue(tenantId: string): Promise<number> {
    const tenant = await this.dataSource.manager.findOneBy(Tenant, { id: tenantId });
    if (!tenant) return 0;
    let delivered = 0;
    for (;;) {
      const due = await this.dataSource.manager.find(Invitation, {
        where: { tenantId, status: "SCHEDULED", dueAt: LessThanOrEqual(this.clock.nowFor(tenant)) },
        select: { id: true },
        order: { dueAt: "ASC" },
        take: 200,
      });
      for (let i = 0; i < due.length; i += 4) await Promise.all(due.slice(i, i + 4).map(({ id }) => this.deliver(id)));
      delivered += due.length;
      if (due.length < 200) return delivered;
    }
  }

  /** Marks a sent link expired once its time has passed; true if this call did. A second run changes nothing. */
  async expire(invitationId: string): Promise<boolean> {
    const row = await this.dataSource.manager.findOneBy(Invitation, { id: invitationId });
    if (!row || row.status !== "SENT") return false;
    const tenant = await this.dataSource.manager.findOneByOrFail(Tenant, { id: row.tenantId });
    const expired = await this.dataSource.manager.update(
      Invitation,
      { id: invitationId, status: "SENT", expiresAt: LessThanOrEqual(this.clock.nowFor(tenant)) },
      { status: "EXPIRED" },
    );
    if (expired.affected !== 1) return false;
    // at the instant the link stopped working, however late the job or the sweep noticed it
    await recordEvent(this.dataSource.manager, {
      tenantId: tenant.id,
      employmentId: row.employmentId,
      kind: "EXPIRED",
      at: row.expiresAt!,
      actor: SYSTEM,
      detail: `the link to ${maskEmail(row.email)} was not used`,
    });
    return true;
  }

  /**
   * The safety net for lost or doubled jobs (live tenants): sends what is due, retries sends whose
   * worker vanished (lease ran out), and expires links whose time has passed.
   */
  async sweep(limit = 500): Promise<{ sent: number; expired: number; reclaimed: number }> {
    const now = this.clock.now();
    // sandbox tenants run on their test clocks: advanceTestClock handles them, never real time
    const live = (column: string) => `${column} IN (SELECT t.id FROM tenant t WHERE t.sandbox = :no)`;
    const reclaimed = await this.dataSource.manager
      .createQueryBuilder()
      .update(Invitation)
      .set({ status: "SCHEDULED", leaseUntil: null, tokenHash: null, lastError: "the worker stopped while sending; retried" })
      .where("status = 'SENDING' AND leaseUntil <= :now", { now })
      .andWhere(live("tenantId"), { no: false })
      .execute();
    const due = await this.dataSource.manager
      .createQueryBuilder(Invitation, "i")
      .select(["i.id"])
      .where("i.status = 'SCHEDULED' AND i.dueAt <= :now", { now })
      .andWhere(live("i.tenantId"), { no: false })
      .orderBy("i.dueAt", "ASC")
      .limit(limit)
      .getMany();
    for (const { id } of due) await this.deliver(id);
    // one by one, through expire(), so that each expiry is in the employment's history
    let expired = 0;
    for (;;) {
      const ended = await this.dataSource.manager
        .createQueryBuilder(Invitation, "i")
        .select(["i.id"])
        .where("i.status = 'SENT' AND i.expiresAt <= :now", { now })
        .andWhere(live("i.tenantId"), { no: false })
        .orderBy("i.expiresAt", "ASC")
        .limit(limit)
        .getMany();
      let batch = 0;
      for (const { id } of ended) if (await this.expire(id)) batch++;
      expired += batch;
      if (ended.length < limit || batch === 0) break;
    }
    return { sent: due.length, expired, reclaimed: reclaimed.affected ?? 0 };
  }
}
