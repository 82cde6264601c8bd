import { In } from "typeorm";
import { maskEmail, type InvitationStatus } from "../domain/hire-status.js";
import { resendRefusal } from "../domain/invitation-states.js";
import { matchesResendFilter, resendFilterProblem, type ResendFilter } from "../domain/resend-filter.js";
import { ConnectAccount, Employee, Employment, Invitation, User } from "../entities/index.js";
import { badInput } from "../errors.js";
import { lockEmployments } from "../sql/lockEmployment.js";
import type { Clock } from "./clock.js";
import { actorOf, recordEvents, type Caller, type NewEmploymentEvent } from "./history.js";
import { AfterCommit } from "./invitation-jobs.js";
import type { InvitationPlanner } from "./invitation-planner.js";
import type { TenantScope } from "./tenant-scope.js";
import type { UnitOfWork } from "./unit-of-work.js";

/** What a bulk resend did (or, dryRun, would do). */
export interface BulkResend {
  /** Resent (or would be): each in `employments`. */
  count: number;
  /** Matched the filter but may not be resent (resendRefusal: cancelled, rejected, in review, connected, no user, no address). */
  skipped: number;
  dryRun: boolean;
  employments: Employment[];
}

/** Employments locked and resent in one transaction: short transactions, a few statements per table each. */
const CHUNK = 250;

/**
 * resendInvitations (R10): every employment whose current invitation matches the filter is resent
 * as resendInvitation does (R5: a new five-day window each; every earlier link stops working), in
 * chunks of CHUNK employments, each chunk one transaction that locks its employments in id order and
 * decides again on what it reads under the lock. The new invitations are due now and go to the
 * tenant's burst (one job, the workers' claims), not out of this request one by one; a sandbox's are
 * sent by the burst path at the end of the request. dryRun decides the same, without locks, and writes nothing.
 */
export class BulkResendService {
  constructor(
    private readonly clock: Clock,
    private readonly planner: InvitationPlanner,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async resend(scope: TenantScope, caller: Caller, filter: ResendFilter, dryRun: boolean): Promise<BulkResend> {
    const problem = resendFilterProblem(filter);
    if (problem) throw badInput(problem.message, problem.field);
    const tenant = await scope.tenant();
    const candidates = await this.candidates(scope, filter, this.clock.nowFor(tenant));
    const result: BulkResend = { count: 0, skipped: 0, dryRun, employments: [] };
    const after = new AfterCommit(true);
    try {
      for (let i = 0; i < candidates.length; i += CHUNK) {
        const ids = candidates.slice(i, i + CHUNK);
        const chunk = dryRun
          ? await this.decide(scope, caller, filter, ids, null)
          : await this.unitOfWork.run(scope, (tx, queued) => this.decide(tx, caller, filter, ids, queued), { bulk: true, into: after });
        result.count += chunk.resent.length;
        result.skipped += chunk.skipped;
        result.employments.push(...chunk.resent);
      }
    } finally {
      if (!dryRun) await this.unitOfWork.flush(tenant, after); // what did commit goes out, even if a later chunk failed
    }
    return result;
  }

  /** The employments whose current invitation matches the filter now, in id order (the chunks' lock order). */
  private async candidates(scope: TenantScope, filter: ResendFilter, now: Date): Promise<string[]> {
    if (filter.statuses.length === 0) return [];
    const query = scope
      .query(Employment, "m")
      .select("m.id", "id")
      .innerJoin(Invitation, "i", "i.id = m.currentInvitationId AND i.tenantId = m.tenantId")
      .andWhere(`(${[...new Set(filter.statuses)].map(statusCondition).join(" OR ")})`, { now });
    if (filter.startDateFrom !== null) query.andWhere("m.startDate >= :from", { from: filter.startDateFrom });
    if (filter.startDateTo !== null) query.andWhere("m.startDate <= :to", { to: filter.startDateTo });
    return (await query.orderBy("m.id", "ASC").getRawMany<{ id: string }>()).map((row) => row.id);
  }

  /**
   * Of `ids`, those that still match and may be resent; with `after` (a transaction's), locked first
   * and resent, with a RESENT event each. Without it (dryRun) nothing is locked or written.
   */
  private async decide(
    tx: TenantScope,
    caller: Caller,
    filter: ResendFilter,
    ids: string[],
    after: AfterCommit | null,
  ): Promise<{ resent: Employment[]; skipped: number }> {
    const employments = after
      ? await lockEmployments(tx.manager, { tenantId: tx.tenantId, partner: tx.partner, employmentIds: ids })
      : await tx.find(Employment, { id: In(ids) });
    const now = this.clock.nowFor(await tx.tenant()); // read under the locks: dated after the changes it waited for
    const byId = <T extends { id: string }>(rows: T[]) => new Map(rows.map((row) => [row.id, row]));
    const invitationIds = employments.map((m) => m.currentInvitationId).filter((id): id is string => id !== null);
    const invitations = byId(invitationIds.length ? await tx.find(Invitation, { id: In(invitationIds) }) : []);
    const employeeIds = [...new Set(employments.map((m) => m.employeeId))];
    const employees = byId(employeeIds.length ? await tx.find(Employee, { id: In(employeeIds) }) : []);
    const users = new Map((employeeIds.length ? await tx.find(User, { employeeId: In(employeeIds) }) : []).map((u) => [u.employeeId, u]));
    const userIds = [...users.values()].map((u) => u.id);
    const connected = new Set((userIds.length ? await tx.find(ConnectAccount, { userId: In(userIds) }) : []).map((a) => a.userId));

    const eligible: { employment: Employment; user: User; email: string }[] = [];
    let skipped = 0;
    for (const employment of employments) {
      const current = employment.currentInvitationId ? (invitations.get(employment.currentInvitationId) ?? null) : null;
      if (!matchesResendFilter(filter, employment, current, now)) continue; // changed since it was found: no longer a match
      const user = users.get(employment.employeeId) ?? null;
      const email = employees.get(employment.employeeId)?.email ?? null;
      const refusal = resendRefusal({ ...employment, hasUser: user !== null, connected: user !== null && connected.has(user.id), email });
      if (refusal) skipped++;
      else eligible.push({ employment, user: user!, email: email! });
    }
    if (after) {
      await this.planner.resendMany(tx.manager, eligible, now, after);
      const actor = actorOf(caller);
      const events: NewEmploymentEvent[] = eligible.map(({ employment, email }) => ({
        tenantId: tx.tenantId,
        employmentId: employment.id,
        kind: "RESENT",
        at: now,
        actor,
        detail: `to ${maskEmail(email)} (bulk resend); every earlier link stops working`,
      }));
      await recordEvents(tx.manager, events);
    }
    return { resent: eligible.map((e) => e.employment), skipped };
  }
}

/** A status as clients see it (visibleInvitationStatus), as a condition on the invitation `i`. */
function statusCondition(status: InvitationStatus): string {
  switch (status) {
    case "SCHEDULED":
      return "i.status IN ('SCHEDULED', 'SENDING')";
    case "SENT":
      return "(i.status = 'SENT' AND i.expiresAt > :now)";
    case "EXPIRED":
      return "(i.status = 'EXPIRED' OR (i.status = 'SENT' AND i.expiresAt <= :now))";
    case "VERIFIED":
      return "i.status = 'VERIFIED'";
    case "CANCELLED":
      return "i.status = 'CANCELLED'";
    case "FAILED":
      return "i.status = 'FAILED'";
  }
}
