import { randomUUID } from "node:crypto";
import type { EntityManager } from "typeorm";
import { planInvitation, linkExpiresAt, type InvitationPlan, type SendSchedule } from "../domain/invitation-policy.js";
import { ConnectAccount, Employment, Invitation, Tenant, User, VerifiedDomain } from "../entities/index.js";
import { cancelInvitation } from "../sql/cancelInvitation.js";
import { cancelInvitations } from "../sql/cancelInvitations.js";
import { pointEmploymentsAt } from "../sql/pointEmploymentsAt.js";
import { lockConnectAccount } from "../sql/lockConnectAccount.js";
import { relinkAccount } from "../sql/relinkAccount.js";
import { rescheduleInvitation } from "../sql/rescheduleInvitation.js";
import { closedReason } from "../domain/invitation-states.js";
import { connectedDetail, HIRE, plannedDetail, recordEvent, type Actor, type NewEmploymentEvent } from "./history.js";
import type { AfterCommit } from "./invitation-jobs.js";

export interface PlanContext {
  tenant: Tenant;
  employment: Employment;
  user: User | null;
  email: string | null;
  now: Date;
  reviewPending: boolean;
  /** Ignore the start date and send at once (an address changed after sending). */
  sendImmediately?: boolean;
  /** Who caused the (re)plan: recorded with its PLANNED or CONNECTED event. */
  actor: Actor;
}

/** What a new employment brings besides itself: rows to insert with it and the events of its plan. */
export interface NewHirePlan {
  invitation: Invitation | null;
  account: ConnectAccount | null;
  events: NewEmploymentEvent[];
}

/**
 * The planning side of the invitation state machine, inside the use case's transaction: decides
 * with the domain rules (src/domain/invitation-policy.ts) and writes the plan; sends are queued on
 * the use case's AfterCommit. The caller holds the employment's row lock (src/sql/lockEmployment.ts)
 * and has re-read what it decides on.
 */
export class InvitationPlanner {
  async verifiedDomains(manager: EntityManager, tenantId: string): Promise<string[]> {
    return (await manager.find(VerifiedDomain, { where: { tenantId }, select: { domain: true } })).map((d) => d.domain);
  }

  /**
   * The plan of a new employment as rows to insert with it (a registration writes many at once). Queues its sends on `after`.
   * `schedule`: sendScheduleFor(tenant.timeZone, now), shared by the hires of one chunk.
   */
  planNew(context: Omit<PlanContext, "sendImmediately"> & { verifiedDomains: readonly string[]; schedule?: SendSchedule }, after: AfterCommit): NewHirePlan {
    const { tenant, employment, user, email, now, actor } = context;
    const plan = planInvitation(
      {
        startDate: employment.startDate,
        email,
        hasUser: user !== null,
        timeZone: tenant.timeZone,
        verifiedDomains: context.verifiedDomains,
        reviewPending: context.reviewPending,
        now,
      },
      context.schedule,
    );
    const event = (kind: NewEmploymentEvent["kind"], detail: string): NewEmploymentEvent => ({ tenantId: tenant.id, employmentId: employment.id, kind, at: now, actor, detail });
    if (plan.action === "SEND_NOW" || plan.action === "SEND_LATER") {
      const invitation = newInvitation(employment, user!, email!, plan.sendAt!, now);
      employment.currentInvitationId = invitation.id;
      if (plan.action === "SEND_NOW") after.sendNow.push(invitation.id);
      else after.sendLater.push({ invitationId: invitation.id, at: plan.sendAt! });
      return { invitation, account: null, events: [event("PLANNED", plannedDetail(plan.action, plan.sendAt!, email!))] };
    }
    if (plan.action === "CONNECT_NOW") {
      const account = newAccount(user!, email!, "VERIFIED_DOMAIN", now);
      return { invitation: null, account, events: [event("CONNECTED", connectedDetail("VERIFIED_DOMAIN", email!))] };
    }
    return { invitation: null, account: null, events: [] };
  }

  /** Re-plans an existing employment by the rules, from `now`, in `manager`'s transaction; sends are queued on `after`. */
  async replan(manager: EntityManager, context: PlanContext, after: AfterCommit): Promise<InvitationPlan> {
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
    // R9: a rehire whose user has a Connect account is re-linked to it (at the final approval, under a review flow), whatever the start date
    const account = user && !context.reviewPending ? await this.existingAccountLocked(manager, user) : null;
    if (account) {
      await this.cancelCurrent(manager, employment, now);
      await this.relink(manager, account, now, { employmentId: employment.id, actor: context.actor });
      return { action: "CONNECT_NOW", sendAt: null, expiresAt: null };
    }
    const action = context.sendImmediately && plan.action === "SEND_LATER" ? "SEND_NOW" : plan.action;
    const sendAt = action === "SEND_NOW" ? now : plan.sendAt;

    if (action === "CONNECT_NOW") {
      await this.cancelCurrent(manager, employment, now);
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
      await this.cancelCurrent(manager, employment, now, ["SCHEDULED"]);
    }
    return { action, sendAt, expiresAt: sendAt ? linkExpiresAt(sendAt, tenant.timeZone) : null };
  }

  /** A new invitation, sent at once; every earlier link of the employment stops working (R5). Returns its id. */
  async resend(manager: EntityManager, employment: Employment, user: User, email: string, now: Date, after: AfterCommit): Promise<string> {
    await this.cancelCurrent(manager, employment, now);
    employment.currentInvitationId = null;
    const { invitationId } = await this.scheduleOne(manager, employment, user, email, now, now);
    after.sendNow.push(invitationId);
    return invitationId;
  }

  /**
   * resend for many employments at once (a bulk resend): each gets a new invitation due now, every
   * earlier link stops working. The sends are queued on `after` as due now, so that a bulk `after`
   * hands them to the burst (one job for the tenant), not one send each. One statement per table
   * for the batch. The caller holds the employments' locks.
   */
  async resendMany(manager: EntityManager, hires: readonly { employment: Employment; user: User; email: string }[], now: Date, after: AfterCommit): Promise<void> {
    if (hires.length === 0) return;
    const current = hires.map((h) => h.employment.currentInvitationId).filter((id): id is string => id !== null);
    await cancelInvitations(manager, { invitationIds: current, now });
    const invitations = hires.map((h) => newInvitation(h.employment, h.user, h.email, now, now));
    await manager.insert(Invitation, invitations);
    hires.forEach(({ employment }, i) => (employment.currentInvitationId = invitations[i]!.id));
    await pointEmploymentsAt(manager, { tenantId: hires[0]!.employment.tenantId, current: hires.map(({ employment }) => ({ employmentId: employment.id, invitationId: employment.currentInvitationId! })) });
    after.sendNow.push(...invitations.map((invitation) => invitation.id));
  }

  /** Cancels the employment's current invitation if it is unfinished (or in `states`). */
  async cancelCurrent(manager: EntityManager, employment: Employment, now: Date, states?: Invitation["status"][]): Promise<void> {
    if (employment.currentInvitationId) await cancelInvitation(manager, { invitationId: employment.currentInvitationId, now, states });
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
      if (await rescheduleInvitation(manager, { invitationId: employment.currentInvitationId, email, sendAt })) {
        const changed = before?.status !== "SCHEDULED" || before.sendAt.getTime() !== sendAt.getTime() || before.email !== email;
        return { invitationId: employment.currentInvitationId, changed };
      }
      await this.cancelCurrent(manager, employment, now);
    }
    const invitation = newInvitation(employment, user, email, sendAt, now);
    await manager.insert(Invitation, invitation);
    await manager.update(Employment, { id: employment.id }, { currentInvitationId: invitation.id });
    employment.currentInvitationId = invitation.id;
    return { invitationId: invitation.id, changed: true };
  }

  /**
   * R9: a rehire (a new employment of an employee whose Connect account exists) is linked to that
   * account at once, as a verified domain is (R7): no mail, method EXISTING_ACCOUNT, a CONNECTED event
   * on the new employment. An account whose link a leaver's removal took is linked again
   * (disconnectedAt cleared). A re-link wins over a removal still to come: the new employment is an
   * active one, and the removal (leavers, R9) must leave the link of an employee who has one.
   */
  async relink(manager: EntityManager, account: ConnectAccount, now: Date, event: { employmentId: string; actor: Actor }): Promise<void> {
    await relinkAccount(manager, { accountId: account.id, tenantId: account.tenantId });
    const again = account.disconnectedAt ? `; its link, removed ${account.disconnectedAt.toISOString()}, is back` : "";
    const detail = `${connectedDetail("EXISTING_ACCOUNT", account.email)}: re-linked to the employee's Connect account, no e-mail${again}`;
    await recordEvent(manager, { tenantId: account.tenantId, employmentId: event.employmentId, kind: "CONNECTED", at: now, actor: event.actor, detail });
    Object.assign(account, { method: "EXISTING_ACCOUNT", disconnectedAt: null });
  }

  /**
   * R9, one person one account: the hire confirmed a link of another employment of theirs, so this
   * one's unfinished invitation is moot — cancelled (a scheduled one is never sent, a sent link stops
   * working) and the employment is connected to that account (a CONNECTED event, EXISTING_ACCOUNT).
   * One still in review is linked at its final approval (replan), a closed one is left alone. The
   * caller holds the employment's lock.
   */
  async joinAccount(manager: EntityManager, employment: Employment, account: ConnectAccount, now: Date): Promise<void> {
    if (closedReason(employment) || employment.reviewStatus === "PENDING" || !employment.currentInvitationId) return;
    if (!(await cancelInvitation(manager, { invitationId: employment.currentInvitationId, now }))) return; // finished: nothing was waiting
    const detail = `${connectedDetail("EXISTING_ACCOUNT", account.email)}: the hire confirmed the link of another employment; this one's invitation is cancelled`;
    await recordEvent(manager, { tenantId: employment.tenantId, employmentId: employment.id, kind: "CONNECTED", at: now, actor: HIRE, detail });
  }

  /**
   * R9: the user's Connect account, locked until the transaction ends (null: none, and nothing is
   * locked — no gap lock that would hold back other users' new accounts). A re-link and a leaver's
   * removal of the same account's link so run one after the other: the removal then sees the new
   * employment that keeps the link, or the re-link finds the link removed and brings it back.
   */
  async existingAccountLocked(manager: EntityManager, user: Pick<User, "id" | "tenantId">): Promise<ConnectAccount | null> {
    if (!(await manager.existsBy(ConnectAccount, { userId: user.id, tenantId: user.tenantId }))) return null;
    return lockConnectAccount(manager, { tenantId: user.tenantId, userId: user.id });
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
    const account = newAccount(user, email, method, now);
    await manager.insert(ConnectAccount, account);
    await recordEvent(manager, { tenantId: user.tenantId, employmentId: event.employmentId, kind: "CONNECTED", at: now, actor: event.actor, detail: connectedDetail(method, email) });
    return account;
  }
}

/** A new invitation of `employment`, planned for `sendAt`; nothing is stored yet. */
function newInvitation(employment: Employment, user: User, email: string, sendAt: Date, now: Date): Invitation {
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
    leasedBy: null,
    sentAt: null,
    expiresAt: null,
    verifiedAt: null,
    cancelledAt: null,
    tokenHash: null,
    attempts: 0,
    firstAttemptAt: null,
    lastError: null,
    createdAt: now,
  });
}

function newAccount(user: User, email: string, method: ConnectAccount["method"], now: Date): ConnectAccount {
  return Object.assign(new ConnectAccount(), { id: randomUUID(), tenantId: user.tenantId, userId: user.id, email, method, createdAt: now });
}
