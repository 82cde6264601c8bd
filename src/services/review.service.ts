import { randomUUID } from "node:crypto";
import type { Principal } from "../auth/principal.js";
import { Employment, ReviewDecision, ReviewStep, type Tenant } from "../entities/index.js";
import { isUniqueViolation } from "../db/errors.js";
import { AppError, badInput, conflict, notFound } from "../errors.js";
import type { Clock } from "./clock.js";
import { actorOf, recordEvent } from "./history.js";
import type { InvitationPlanner } from "./invitation-planner.js";
import type { TenantScope } from "./tenant-scope.js";
import type { UnitOfWork } from "./unit-of-work.js";
import { Employee, User } from "../entities/index.js";
import { closedReason } from "../domain/invitation-states.js";
import { lockEmployment } from "../sql/lockEmployment.js";

const MAX_STEPS = 20;

/**
 * The review flow (R4): with the HRM Employee license a tenant may require ordered approvals of
 * every new employment; nothing is sent before the last one, and a rejected hire gets nothing.
 * An employment keeps the number of steps it was registered with, so changing the flow (or losing
 * the license) never strands or skips a hire already in review.
 */
export class ReviewService {
  constructor(
    private readonly clock: Clock,
    private readonly planner: InvitationPlanner,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  /** The steps of the tenant's active flow; none without the license. */
  async activeSteps(scope: TenantScope, tenant: Tenant): Promise<ReviewStep[]> {
    if (!tenant.hasEmployeeLicense) return [];
    return scope.query(ReviewStep, "s").orderBy("s.position", "ASC").getMany();
  }

  async setFlow(scope: TenantScope, names: string[]): Promise<Tenant> {
    const tenant = await scope.tenant();
    if (names.length > 0 && !tenant.hasEmployeeLicense) {
      throw new AppError("LICENSE_REQUIRED", "A review flow needs the HRM Employee license; ask your provider to enable it");
    }
    if (names.length > MAX_STEPS) throw badInput(`A review flow has at most ${MAX_STEPS} steps`, "steps");
    const steps = names.map((name, index) => ({ id: randomUUID(), position: index + 1, name: name.trim() }));
    await scope.transaction(async (tx) => {
      await tx.manager.delete(ReviewStep, { tenantId: scope.tenantId });
      await tx.insert(ReviewStep, steps);
    });
    return tenant;
  }

  /** Approves the next step — or exactly `step`, so that of two reviewers deciding the same step one gets CONFLICT. */
  async approve(scope: TenantScope, principal: Principal, employmentId: string, step: number | null = null): Promise<Employment> {
    const tenant = await scope.tenant();
    await this.unitOfWork.run(scope, async (tx, after) => {
      const employment = await this.pending(tx, employmentId);
      const now = this.clock.nowFor(tenant); // read under the lock: this change is dated after the one it waited for
      const position = employment.approvedSteps + 1;
      if (step !== null && step !== position) {
        throw conflict(`Step ${step} is not the next one to approve (that is step ${position}); reload the employment`);
      }
      const final = position >= employment.reviewSteps;
      const moved = await tx.manager
        .createQueryBuilder()
        .update(Employment)
        .set({ approvedSteps: position, reviewStatus: final ? "APPROVED" : "PENDING" })
        .where("id = :id AND tenantId = :tenantId AND approvedSteps = :seen AND reviewStatus = 'PENDING' AND status = 'ACTIVE'", {
          id: employment.id,
          tenantId: scope.tenantId,
          seen: employment.approvedSteps,
        })
        .execute();
      if (moved.affected !== 1) throw conflict(`Step ${position} was decided by someone else a moment ago; reload the employment`);
      await this.record(tx, principal, employment, position, "APPROVED", null, now);
      if (final) {
        Object.assign(employment, { approvedSteps: position, reviewStatus: "APPROVED" });
        const employee = await tx.findOne(Employee, { id: employment.employeeId });
        const user = await tx.findOne(User, { employeeId: employment.employeeId });
        await this.planner.replan(tx.manager, { tenant, employment, user, email: employee!.email, now, reviewPending: false, actor: actorOf(principal) }, after);
      }
    });
    return (await scope.findOne(Employment, { id: employmentId }))!;
  }

  async reject(scope: TenantScope, principal: Principal, employmentId: string, reason: string | null): Promise<Employment> {
    const tenant = await scope.tenant();
    await this.unitOfWork.run(scope, async (tx) => {
      const employment = await this.pending(tx, employmentId);
      const now = this.clock.nowFor(tenant); // read under the lock: this change is dated after the one it waited for
      const moved = await tx.manager.update(
        Employment,
        { id: employment.id, tenantId: scope.tenantId, approvedSteps: employment.approvedSteps, reviewStatus: "PENDING", status: "ACTIVE" },
        { reviewStatus: "REJECTED" },
      );
      if (moved.affected !== 1) throw conflict("The employment was decided by someone else a moment ago; reload it");
      await this.record(tx, principal, employment, employment.approvedSteps + 1, "REJECTED", reason?.trim() || null, now);
      await this.planner.cancelCurrent(tx.manager, employment, now);
    });
    return (await scope.findOne(Employment, { id: employmentId }))!;
  }

  decisions(scope: TenantScope, employmentId: string): Promise<ReviewDecision[]> {
    return scope.query(ReviewDecision, "d").andWhere("d.employmentId = :employmentId", { employmentId }).orderBy("d.position", "ASC").getMany();
  }

  /** The employment, locked in `tx`'s transaction, if it waits for a review decision. */
  private async pending(tx: TenantScope, employmentId: string): Promise<Employment> {
    const employment = await lockEmployment(tx.manager, { tenantId: tx.tenantId, partner: tx.partner, employmentId });
    if (!employment) throw notFound("Employment");
    const closed = closedReason(employment);
    if (closed) throw conflict(closed);
    if (employment.reviewStatus === "APPROVED") throw conflict("Every review step is approved already");
    if (employment.reviewStatus === "NOT_REQUIRED") throw conflict("This employment needs no review");
    return employment;
  }

  private async record(
    tx: TenantScope,
    principal: Principal,
    employment: Employment,
    position: number,
    decision: ReviewDecision["decision"],
    reason: string | null,
    now: Date,
  ): Promise<void> {
    const step = await tx.findOne(ReviewStep, { position });
    const stepName = step?.name ?? `Step ${position}`;
    try {
      await tx.insert(ReviewDecision, [
        {
          id: randomUUID(),
          employmentId: employment.id,
          position,
          stepName,
          decision,
          decidedByKeyId: principal.keyId,
          decidedBy: principal.keyName,
          reason,
          decidedAt: now,
        },
      ]);
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`Step ${position} was decided by someone else a moment ago`);
      throw error;
    }
    const detail = `step ${position} of ${employment.reviewSteps} "${stepName}"${reason ? `: ${reason}` : ""}`;
    const context = { finalStep: position === employment.reviewSteps }; // employment.approved: the last step's approval only
    await recordEvent(tx.manager, { tenantId: tx.tenantId, employmentId: employment.id, kind: decision, at: now, actor: actorOf(principal), detail, context });
  }
}
