import DataLoader from "dataloader";
import { Brackets, type EntityManager } from "typeorm";
import { connectStatusOf, type ConnectStatus, type InvitationStatus } from "../domain/hire-status.js";
import { hasNul } from "../domain/input-text.js";
import { unsupportedInstant } from "../domain/supported-dates.js";
import { ConnectAccount, Employee, Employment, EmploymentEvent, EmploymentTemplate, Invitation, User, UserTemplate } from "../entities/index.js";
import { Tenant } from "../entities/tenant.js";
import { badInput, notFound } from "../errors.js";
import type { Clock } from "./clock.js";
import { TenantScope, type KeyedRequest, type Rows } from "./tenant-scope.js";

export interface InvitationPage {
  items: { cursor: string; invitation: Invitation }[];
  hasNextPage: boolean;
  totalCount: number;
}

export interface AccountStatus {
  employee: Employee;
  connectStatus: ConnectStatus;
  invitation: Invitation | null;
  connectAccount: ConnectAccount | null;
}

/** Of an employee's employments, oldest first, the one that decides the account: the newest active one, else the newest. */
function decisive<T extends Pick<Employment, "status">>(employments: T[]): T | undefined {
  return [...employments].reverse().find((e) => e.status === "ACTIVE") ?? employments.at(-1);
}

/**
 * accountStatus's one statement: each employment of the employee with the employee, user, Connect
 * account, current invitation and the tenant — for one request, or for all that arrived together.
 */
const ACCOUNT_STATUS = TenantScope.compileKeyed(
  Employment,
  "m",
  "employeeId",
  (query) =>
    query
      .innerJoin(Employee, "e", "e.id = m.employeeId AND e.tenantId = m.tenantId")
      .leftJoin(User, "u", "u.employeeId = e.id AND u.tenantId = m.tenantId")
      .leftJoin(ConnectAccount, "a", "a.userId = u.id AND a.tenantId = m.tenantId")
      .leftJoin(Invitation, "i", "i.id = m.currentInvitationId AND i.tenantId = m.tenantId")
      .innerJoin(Tenant, "t", "t.id = m.tenantId")
      .orderBy("m.createdAt", "ASC"),
  ["m", "e", "u", "a", "i", "t"],
  "e",
);
/** The most accountStatus requests one statement answers. */
const STATUS_BATCH = 128;

type StatusRows = Rows<"m" | "e" | "u" | "a" | "i" | "t">;

/** The read side: where every hire stands, as HR frontends, the mobile app and partners ask it. */
export class HireQueries {
  /**
   * accountStatus requests that arrive in the same turn of the event loop, of any tenants, are read
   * with one statement (DataLoader, without its cache: every read is fresh). Under polling load this
   * saves most database round trips (bench/status); a request alone waits for nothing.
   */
  private readonly statusReads = new WeakMap<EntityManager, DataLoader<KeyedRequest, StatusRows>>();

  constructor(private readonly clock: Clock) {}

  async now(scope: TenantScope): Promise<Date> {
    return this.clock.nowFor(await scope.tenant());
  }

  employee(scope: TenantScope, id: string): Promise<Employee | null> {
    return scope.findOne(Employee, { id });
  }

  employment(scope: TenantScope, id: string): Promise<Employment | null> {
    return scope.findOne(Employment, { id });
  }

  employmentsOf(scope: TenantScope, employeeId: string): Promise<Employment[]> {
    return scope.query(Employment, "m").andWhere("m.employeeId = :employeeId", { employeeId }).orderBy("m.createdAt", "ASC").getMany();
  }

  /** The employment's history, oldest first; events of one instant in the order they were written (time-ordered ids). */
  history(scope: TenantScope, employmentId: string): Promise<EmploymentEvent[]> {
    return scope.query(EmploymentEvent, "e").andWhere("e.employmentId = :employmentId", { employmentId }).orderBy("e.at", "ASC").addOrderBy("e.id", "ASC").getMany();
  }

  userOf(scope: TenantScope, employeeId: string): Promise<User | null> {
    return scope.findOne(User, { employeeId });
  }

  connectAccountOf(scope: TenantScope, userId: string): Promise<ConnectAccount | null> {
    return scope.findOne(ConnectAccount, { userId });
  }

  currentInvitation(scope: TenantScope, employment: Employment): Promise<Invitation | null> {
    return employment.currentInvitationId ? scope.findOne(Invitation, { id: employment.currentInvitationId }) : Promise.resolve(null);
  }

  template(scope: TenantScope, id: string): Promise<EmploymentTemplate | null> {
    return scope.findOne(EmploymentTemplate, { id });
  }

  userTemplate(scope: TenantScope, id: string): Promise<UserTemplate | null> {
    return scope.findOne(UserTemplate, { id });
  }

  /** The contract's ConnectStatus of one employment, at the tenant's now. */
  async connectStatus(scope: TenantScope, employment: Employment, tenant?: Tenant): Promise<ConnectStatus> {
    const now = this.clock.nowFor(tenant ?? (await scope.tenant()));
    const [employee, user, invitation] = await Promise.all([
      scope.findOne(Employee, { id: employment.employeeId }),
      this.userOf(scope, employment.employeeId),
      this.currentInvitation(scope, employment),
    ]);
    const account = user ? await this.connectAccountOf(scope, user.id) : null;
    return connectStatusOf(
      {
        employmentStatus: employment.status,
        reviewStatus: employment.reviewStatus,
        hasUser: user !== null,
        email: employee?.email ?? null,
        connected: account !== null && account.disconnectedAt === null,
        disconnected: account !== null && account.disconnectedAt !== null,
        invitation,
      },
      now,
    );
  }

  /**
   * Where an employee's account stands (accountStatus, the query the mobile app and HR frontends
   * poll): the employee, its decisive employment, user, Connect account and current invitation, read
   * in one statement. Null if the tenant has no such employee.
   */
  async accountStatus(scope: TenantScope, employeeId: string): Promise<AccountStatus | null> {
    const rows = await this.statusRows(scope, employeeId);
    const chosen = decisive(rows.map((row) => Object.assign(row.m as Employment, { row })));
    if (!chosen) return null;
    const tenant = scope.adopt(chosen.row.t as Tenant); // for its clock: read along, not again
    const employee = chosen.row.e as Employee;
    const [user, account, invitation] = [chosen.row.u as User | null, chosen.row.a as ConnectAccount | null, chosen.row.i as Invitation | null];
    const connectStatus = connectStatusOf(
      { employmentStatus: chosen.status, reviewStatus: chosen.reviewStatus, hasUser: user !== null, email: employee.email, connected: account !== null && account.disconnectedAt === null, disconnected: account !== null && account.disconnectedAt !== null, invitation },
      this.clock.nowFor(tenant),
    );
    return { employee, connectStatus, invitation, connectAccount: account };
  }

  /** accountStatus's rows: read with the other requests of this turn, unless inside a transaction (which must see its own writes). */
  private statusRows(scope: TenantScope, employeeId: string): Promise<StatusRows> {
    const { manager } = scope;
    if (manager.queryRunner) return scope.selectKeyed(ACCOUNT_STATUS, employeeId);
    let reads = this.statusReads.get(manager);
    if (!reads) {
      reads = new DataLoader((requests) => ACCOUNT_STATUS.run(manager, requests), { cache: false, maxBatchSize: STATUS_BATCH, batchScheduleFn: (run) => setImmediate(run) });
      this.statusReads.set(manager, reads);
    }
    return reads.load(scope.keyed(employeeId));
  }

  /** The employment that decides an employee's account: the newest active one, else the newest. */
  async decisiveEmployment(scope: TenantScope, employeeId: string): Promise<Employment> {
    const chosen = decisive(await this.employmentsOf(scope, employeeId));
    if (!chosen) throw notFound("Employee");
    return chosen;
  }

  /**
   * The tenant's invitations, newest first, with keyset pagination. A status filter uses what
   * clients see: SCHEDULED includes one being sent, EXPIRED includes a sent link past its time.
   */
  async invitations(scope: TenantScope, status: InvitationStatus | null, first: number, after: string | null): Promise<InvitationPage> {
    if (first < 0 || first > 200) throw badInput("first must be between 0 and 200", "first");
    const now = await this.now(scope);
    // what clients see: SCHEDULED includes one being sent, EXPIRED a sent link past its time
    const matches = (alias: string) =>
      status === "SCHEDULED"
        ? `${alias}.status IN ('SCHEDULED', 'SENDING')`
        : status === "SENT"
          ? `${alias}.status = 'SENT' AND ${alias}.expiresAt > :now`
          : status === "EXPIRED"
            ? `(${alias}.status = 'EXPIRED' OR (${alias}.status = 'SENT' AND ${alias}.expiresAt <= :now))`
            : status
              ? `${alias}.status = :status`
              : "1 = 1";
    // one statement: the page, its hire (employment, employee, user) and the total of the filter
    const page = scope
      .query(Invitation, "i")
      .andWhere(matches("i"), { now, status })
      .leftJoinAndMapOne("i.employment", Employment, "m", "m.id = i.employmentId")
      .leftJoinAndMapOne("i.employee", Employee, "e", "e.id = m.employeeId")
      .leftJoinAndMapOne("e.user", User, "u", "u.employeeId = e.id");
    page.addSelect((count) => count.select("COUNT(*)").from(Invitation, "c").where(`${scope.condition(page, Invitation, "c")} AND ${matches("c")}`), "total");
    if (after) {
      const position = decodeCursor(after);
      page.andWhere(
        new Brackets((w) => w.where("i.createdAt < :at", { at: position.at }).orWhere("i.createdAt = :at AND i.id < :id", { at: position.at, id: position.id })),
      );
    }
    const { entities, raw } = await page.orderBy("i.createdAt", "DESC").addOrderBy("i.id", "DESC").limit(first + 1).getRawAndEntities();
    const totalCount = raw.length ? Number((raw[0] as { total: unknown }).total) : after ? await this.count(scope, matches, now, status) : 0;
    return {
      items: entities.slice(0, first).map((invitation) => ({ cursor: encodeCursor(invitation), invitation })),
      hasNextPage: entities.length > first,
      totalCount,
    };
  }

  /** The total when a page came back empty (past the last row): it carries no count of its own. */
  private count(scope: TenantScope, matches: (alias: string) => string, now: Date, status: InvitationStatus | null): Promise<number> {
    return scope.query(Invitation, "c").andWhere(matches("c"), { now, status }).getCount();
  }
}

function encodeCursor(invitation: Invitation): string {
  return Buffer.from(`${invitation.createdAt.toISOString()}|${invitation.id}`, "utf8").toString("base64url");
}

function decodeCursor(cursor: string): { at: Date; id: string } {
  const [at, id] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const date = new Date(at ?? "");
  // what this list encodes: a real instant, an id without a NUL (PostgreSQL could not even compare it)
  if (!id || hasNul(id) || unsupportedInstant(date, "after")) throw badInput("after is not a cursor from this list", "after");
  return { at: date, id };
}
