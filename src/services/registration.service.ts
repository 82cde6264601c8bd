import { randomUUID } from "node:crypto";
import { In } from "typeorm";
import { isUniqueViolation } from "../db/errors.js";
import { checkHireRow, isHireRowProblem, type CheckedHireRow } from "../domain/hire-row.js";
import { connectStatusOf } from "../domain/hire-status.js";
import { hasNul } from "../domain/input-text.js";
import { ConnectAccount, Employee, Employment, EmploymentTemplate, Invitation, User } from "../entities/index.js";
import { badInput, notFound } from "../errors.js";
import type { Logger } from "../log.js";
import type { Clock } from "./clock.js";
import { actorOf, recordEvents, registeredDetail, type Caller, type NewEmploymentEvent } from "./history.js";
import { AfterCommit } from "./invitation-jobs.js";
import type { InvitationPlanner } from "./invitation-planner.js";
import type { ReviewService } from "./review.service.js";
import type { TenantScope } from "./tenant-scope.js";
import type { UnitOfWork } from "./unit-of-work.js";

export interface NewHire {
  firstName: string;
  lastName: string;
  email?: string | null;
  startDate: string;
  employmentTemplateId: string;
  externalId?: string | null;
}

export interface Hire {
  employee: Employee;
  employment: Employment;
}

export type HireRow = CheckedHireRow<EmploymentTemplate>;

/** What registering one row did: `created` by this call, or the first hire of its externalId (registered before, or by a concurrent call). */
export interface Registered extends Hire {
  created: boolean;
}

/** Rows written in one transaction: big enough for multi-row INSERTs, small enough to keep transactions short. */
const CHUNK = 500;

/**
 * The one registration path (R1–R3, R7): registerHire (one row), importHires and the CSV file (many)
 * all come here with rows checked by src/domain/hire-row.ts. Employee, employment, user (when the
 * template links a user template) and the invitation's plan are inserted together, many rows per
 * statement; a known externalId is the first hire, unchanged, and sends nothing. A partner's key
 * registers the partner's hires (Employee.registeredByPartner, from its TenantScope): R12.
 */
export class RegistrationService {
  constructor(
    private readonly clock: Clock,
    private readonly planner: InvitationPlanner,
    private readonly reviews: ReviewService,
    private readonly unitOfWork: UnitOfWork,
    private readonly log: Logger,
  ) {}

  /** registerHire: the row's problems are the caller's errors; the same externalId again returns the first hire. */
  async registerOne(scope: TenantScope, caller: Caller, input: NewHire): Promise<Hire> {
    // an id the row check refuses (a NUL) is never looked up
    const templates = hasNul(input.employmentTemplateId) ? [] : await scope.find(EmploymentTemplate, { id: input.employmentTemplateId });
    const row = checkHireRow({ ...input, employmentTemplate: input.employmentTemplateId }, templates, "employmentTemplateId");
    if (isHireRowProblem(row)) throw row.unknownTemplate ? notFound("Employment template") : badInput(row.message, row.field);
    const [registered] = await this.register(scope, caller, [row]);
    return registered!;
  }

  /**
   * Registers checked rows, in their order; the result has one entry per row. `bulk` (imports): the
   * sends go to the job store as one job per send time, after everything is written.
   */
  async register(scope: TenantScope, caller: Caller, rows: HireRow[], options: { bulk?: boolean } = {}): Promise<Registered[]> {
    const tenant = await scope.tenant();
    const results = new Array<Registered | undefined>(rows.length);
    // a known externalId, or one repeated among the rows, is the first hire
    const first = await this.firstHires(scope, rows.map((r) => r.externalId).filter((id): id is string => id !== null));
    const fresh: number[] = [];
    const seen = new Set<string>();
    rows.forEach((row, i) => {
      const known = row.externalId ? first.get(row.externalId) : undefined;
      if (known) results[i] = { ...known, created: false };
      else if (row.externalId && seen.has(row.externalId)) return; // filled in below, from the first row with it
      else {
        if (row.externalId) seen.add(row.externalId);
        fresh.push(i);
      }
    });

    const after = new AfterCommit(options.bulk);
    try {
      for (let i = 0; i < fresh.length; i += CHUNK) {
        const chunk = fresh.slice(i, i + CHUNK);
        const written = await this.writeChunk(scope, caller, chunk.map((index) => rows[index]!), after);
        chunk.forEach((index, j) => (results[index] = written[j]));
      }
    } finally {
      await this.unitOfWork.flush(tenant, after); // what did commit is sent (or scheduled), even if a later chunk failed
    }
    const byExternalId = new Map<string, Registered>();
    rows.forEach((row, i) => {
      const result = results[i];
      if (row.externalId && result && !byExternalId.has(row.externalId)) byExternalId.set(row.externalId, result);
      if (!result) results[i] = { ...byExternalId.get(row.externalId!)!, created: false };
    });
    return results as Registered[];
  }

  /** One transaction of multi-row INSERTs; if a concurrent registration took one of the externalIds meanwhile, row by row instead. */
  private async writeChunk(scope: TenantScope, caller: Caller, rows: HireRow[], into: AfterCommit): Promise<Registered[]> {
    try {
      return await this.unitOfWork.run(scope, (tx, after) => this.insertRows(tx, caller, rows, after), { into });
    } catch (error) {
      if (!isUniqueViolation(error) || rows.every((row) => !row.externalId)) throw error;
    }
    this.log.info({ tenantId: scope.tenantId, rows: rows.length }, "registrations raced another with the same externalId; writing them one by one");
    const written: Registered[] = [];
    for (const row of rows) {
      try {
        written.push((await this.unitOfWork.run(scope, (tx, after) => this.insertRows(tx, caller, [row], after), { into }))[0]!);
      } catch (error) {
        const winner = row.externalId && isUniqueViolation(error) ? (await this.firstHires(scope, [row.externalId])).get(row.externalId) : undefined;
        if (!winner) throw error;
        written.push({ ...winner, created: false }); // the concurrent registration created it, not this one
      }
    }
    return written;
  }

  /** Inserts the rows' employees, employments, users, invitations or accounts and events, a statement per table. */
  private async insertRows(tx: TenantScope, caller: Caller, rows: HireRow[], after: AfterCommit): Promise<Registered[]> {
    const tenant = await tx.tenant();
    const now = this.clock.nowFor(tenant);
    const actor = actorOf(caller);
    const reviewSteps = (await this.reviews.activeSteps(tx, tenant)).length;
    const verifiedDomains = await this.planner.verifiedDomains(tx.manager, tenant.id);
    const employees: Employee[] = [];
    const employments: Employment[] = [];
    const users: User[] = [];
    const invitations: Invitation[] = [];
    const accounts: ConnectAccount[] = [];
    const events: NewEmploymentEvent[] = [];
    for (const row of rows) {
      const employee = Object.assign(new Employee(), {
        id: randomUUID(),
        tenantId: tenant.id,
        firstName: row.firstName,
        lastName: row.lastName,
        email: row.email,
        externalId: row.externalId,
        registeredByPartner: tx.partner ?? "", // R12: whose hire it is, for good
        createdAt: now,
      });
      const employment = Object.assign(new Employment(), {
        id: randomUUID(),
        tenantId: tenant.id,
        employeeId: employee.id,
        templateId: row.template.id,
        startDate: row.startDate,
        status: "ACTIVE",
        reviewStatus: reviewSteps > 0 ? "PENDING" : "NOT_REQUIRED",
        approvedSteps: 0,
        reviewSteps,
        currentInvitationId: null as string | null,
        createdAt: now,
        cancelledAt: null,
      });
      const user = row.template.userTemplateId
        ? Object.assign(new User(), { id: randomUUID(), tenantId: tenant.id, employeeId: employee.id, userTemplateId: row.template.userTemplateId, email: row.email, createdAt: now })
        : null;
      const plan = this.planner.planNew({ tenant, employment, user, email: row.email, now, reviewPending: reviewSteps > 0, actor, verifiedDomains }, after);
      // what every event of this registration carries: the hire as the transaction leaves it, known without a read
      const connectStatus = connectStatusOf(
        { employmentStatus: "ACTIVE", reviewStatus: employment.reviewStatus, hasUser: user !== null, email: row.email, connected: plan.account !== null, invitation: plan.invitation },
        now,
      );
      const snapshot = { employeeId: employee.id, externalId: employee.externalId ?? null, connectStatus };
      events.push({
        tenantId: tenant.id,
        employmentId: employment.id,
        kind: "REGISTERED",
        at: now,
        actor,
        detail: registeredDetail({ startDate: row.startDate, email: row.email, hasUser: user !== null, reviewSteps }),
        snapshot,
      });
      if (plan.invitation) invitations.push(plan.invitation);
      if (plan.account) accounts.push(plan.account);
      events.push(...plan.events.map((event) => ({ ...event, snapshot })));
      employees.push(employee);
      employments.push(employment);
      if (user) users.push(user);
    }
    const m = tx.manager;
    await m.insert(Employee, employees);
    await m.insert(Employment, employments);
    if (users.length) await m.insert(User, users);
    if (invitations.length) await m.insert(Invitation, invitations);
    if (accounts.length) await m.insert(ConnectAccount, accounts);
    await recordEvents(m, events);
    return employments.map((employment, i) => ({ employee: employees[i]!, employment, created: true }));
  }

  /**
   * The first hire (oldest employment) of each known externalId, in two queries per 1 000 ids. An
   * externalId is the registrant's own (the unique key of Employee): HR's ids are HR's hires, a
   * partner's its own. So a partner that sends an id HR or another partner used registers a new hire,
   * and learns nothing of theirs (R12); and HR, who sees every hire, still finds only HR's.
   */
  private async firstHires(scope: TenantScope, externalIds: string[]): Promise<Map<string, Hire>> {
    const first = new Map<string, Hire>();
    const ids = [...new Set(externalIds)];
    const registeredByPartner = scope.partner ?? "";
    for (let i = 0; i < ids.length; i += 1000) {
      const employees = await scope.find(Employee, { externalId: In(ids.slice(i, i + 1000)), registeredByPartner });
      if (!employees.length) continue;
      const byId = new Map(employees.map((e) => [e.id, e]));
      const employments = await scope.query(Employment, "m").andWhere("m.employeeId IN (:...ids)", { ids: [...byId.keys()] }).orderBy("m.createdAt", "ASC").getMany();
      for (const employment of employments) {
        const employee = byId.get(employment.employeeId)!;
        if (!first.has(employee.externalId!)) first.set(employee.externalId!, { employee, employment });
      }
    }
    return first;
  }
}
