import type { EntityManager, EntityTarget, FindOptionsWhere, ObjectLiteral, SelectQueryBuilder } from "typeorm";
import { CompiledSelect } from "../db/compiled-select.js";
import { inTransaction } from "../db/transaction.js";
import {
  ApiKey,
  ConnectAccount,
  Employee,
  Employment,
  EmploymentEvent,
  EmploymentTemplate,
  Invitation,
  RateLimitCounter,
  ReviewDecision,
  ReviewStep,
  User,
  UserTemplate,
  VerifiedDomain,
  WebhookDelivery,
  WebhookEndpoint,
} from "../entities/index.js";
import { Tenant } from "../entities/tenant.js";
import { notFound } from "../errors.js";

type TenantOwned = ObjectLiteral & { tenantId: string };

/**
 * All data access of a tenant's request goes through here: this is the one place that adds
 * `tenantId = caller's tenant` to every read and write, so that an id from another tenant behaves
 * exactly like an id that does not exist. A partner's scope (R12) also keeps, of the hire tables, only
 * the rows of hires that its partner registered: to a partner every other hire behaves the same way.
 */
export class TenantScope {
  constructor(
    readonly tenantId: string,
    readonly manager: EntityManager,
    /** The tenant as this request already loaded it (with the caller's key). */
    private loaded?: Tenant,
    /**
     * The partner (a PARTNER key's name, src/auth/principal.ts partnerOf) whose hires alone this scope
     * sees, and which the hires it registers belong to; null: every hire of the tenant.
     */
    readonly partner: string | null = null,
  ) {
    if (partner === "") throw new Error("a partner has a name: \"\" would be HR's hires"); // registeredByPartner of HR's hires
  }

  /** The tenant, read once per request; changes made through this object (the test clock) stay visible. */
  async tenant(): Promise<Tenant> {
    if (!this.loaded) {
      const tenant = await this.manager.findOneBy(Tenant, { id: this.tenantId });
      if (!tenant) throw notFound("Tenant");
      this.loaded = tenant;
    }
    return this.loaded;
  }

  /** The same caller's scope with nothing read yet: a subscription, which lives long, reads the tenant (its test clock) afresh each time. */
  renewed(): TenantScope {
    return new TenantScope(this.tenantId, this.manager, undefined, this.partner);
  }

  /** Keeps the tenant row a query read along with its own rows, unless the request has one already. */
  adopt(tenant: Tenant): Tenant {
    if (tenant.id !== this.tenantId) throw new Error("a scope adopts only its own tenant");
    this.loaded ??= tenant;
    return this.loaded;
  }

  find<T extends TenantOwned>(entity: EntityTarget<T>, where: FindOptionsWhere<T> = {}): Promise<T[]> {
    if (this.partner !== null && partnerCondition(entity)) return this.partnerQuery(entity, where).getMany();
    return this.manager.find(entity, { where: { ...where, tenantId: this.tenantId } as FindOptionsWhere<T> });
  }

  findOne<T extends TenantOwned>(entity: EntityTarget<T>, where: FindOptionsWhere<T>): Promise<T | null> {
    if (this.partner !== null && partnerCondition(entity)) return this.partnerQuery(entity, where).getOne();
    return this.manager.findOne(entity, { where: { ...where, tenantId: this.tenantId } as FindOptionsWhere<T> });
  }

  /** find's and findOne's query of a hire table in a partner's scope: the partner's condition needs subqueries. */
  private partnerQuery<T extends TenantOwned>(entity: EntityTarget<T>, where: FindOptionsWhere<T>): SelectQueryBuilder<T> {
    const query = this.query(entity, "scoped");
    return Object.keys(where).length ? query.andWhere(where) : query;
  }

  /** A query builder already limited to this scope's rows of `alias`. */
  query<T extends TenantOwned>(entity: EntityTarget<T>, alias: string): SelectQueryBuilder<T> {
    const query = this.manager.createQueryBuilder(entity, alias);
    return query.where(this.condition(query, entity, alias));
  }

  /**
   * The WHERE condition that keeps, of `entity` as `alias` in `query`, only this scope's rows — for a
   * subquery of `query` that `query()` did not start (its parameters are set on `query`).
   */
  condition(query: SelectQueryBuilder<ObjectLiteral>, entity: EntityTarget<ObjectLiteral>, alias: string): string {
    query.setParameters(this.parameters());
    const tenant = `${alias}.tenantId = :scopeTenantId`;
    const hires = this.partner === null ? undefined : partnerCondition(entity);
    return hires ? `${tenant} AND ${hires(query, alias)}` : tenant;
  }

  private parameters(): Record<string, string> {
    return this.partner === null ? { scopeTenantId: this.tenantId } : { scopeTenantId: this.tenantId, scopePartner: this.partner };
  }

  /**
   * A hot read by one key column, built once (CompiledSelect), that can serve the requests of several
   * tenants in one statement — concurrent requests gathered by a DataLoader. `build` continues a query
   * of `entity` as `alias` whose WHERE already keeps only the (tenantId, `column`) pairs asked for; run
   * it with KeyedSelect.run (many requests, each `keyed`) or selectKeyed (this scope's one). `employee`:
   * the alias of the hire's Employee in each row, which keeps a partner's request to its own hires;
   * null only for a read of no hire's data.
   */
  static compileKeyed<A extends string>(
    entity: EntityTarget<TenantOwned>,
    alias: A,
    column: string,
    build: (query: SelectQueryBuilder<ObjectLiteral>) => SelectQueryBuilder<ObjectLiteral>,
    aliases: readonly A[],
    employee: A | null,
  ): KeyedSelect<A> {
    return new KeyedSelect(entity, alias, column, build, aliases, employee);
  }

  /** This scope's request for the rows with `key` of a KeyedSelect. */
  keyed(key: string): KeyedRequest {
    return { tenantId: this.tenantId, partner: this.partner, key };
  }

  /** Runs a compileKeyed read for this scope's rows with `key`. */
  async selectKeyed<A extends string>(select: KeyedSelect<A>, key: string): Promise<Rows<A>> {
    const [rows] = await select.run(this.manager, [this.keyed(key)]);
    return rows!;
  }

  /** Inserts rows owned by this tenant, whatever tenantId the caller put in them. */
  async insert<T extends TenantOwned>(entity: EntityTarget<T>, rows: Omit<T, "tenantId">[]): Promise<T[]> {
    const owned = rows.map((row) => ({ ...row, tenantId: this.tenantId }) as unknown as T);
    if (owned.length) await this.manager.insert(entity, owned as never);
    return owned;
  }

  /** Runs `work` in one transaction (again from the start after a deadlock), with a scope whose reads and writes are part of it. */
  transaction<R>(work: (scope: TenantScope) => Promise<R>): Promise<R> {
    return inTransaction(this.manager, (manager) => work(new TenantScope(this.tenantId, manager, this.loaded, this.partner)));
  }
}

/** The tenant's own tables, not a hire's: a partner reads them whole (it registers with the templates). */
// webhook endpoints and their deliveries are HR_ADMIN's alone (R11): no partner's key reaches them
const TENANT_WIDE: readonly EntityTarget<ObjectLiteral>[] = [Tenant, ApiKey, UserTemplate, EmploymentTemplate, VerifiedDomain, ReviewStep, RateLimitCounter, WebhookEndpoint, WebhookDelivery];

/**
 * How the rows of each hire table reach the Employee whose `registeredByPartner` says which partner
 * registered the hire (R12): the condition that keeps `alias`'s rows to the hires of :scopePartner.
 * Undefined: one of the TENANT_WIDE tables. A table in neither list is refused: a new table must say
 * which it is, so that a partner never reads a new hire table whole.
 */
function partnerCondition(entity: EntityTarget<ObjectLiteral>): ((query: SelectQueryBuilder<ObjectLiteral>, alias: string) => string) | undefined {
  const employees = (q: SelectQueryBuilder<ObjectLiteral>) =>
    q.subQuery().select("pe.id").from(Employee, "pe").where("pe.tenantId = :scopeTenantId AND pe.registeredByPartner = :scopePartner").getQuery();
  const employments = (q: SelectQueryBuilder<ObjectLiteral>) =>
    q.subQuery().select("pm.id").from(Employment, "pm").where(`pm.tenantId = :scopeTenantId AND pm.employeeId IN ${employees(q)}`).getQuery();
  const users = (q: SelectQueryBuilder<ObjectLiteral>) =>
    q.subQuery().select("pu.id").from(User, "pu").where(`pu.tenantId = :scopeTenantId AND pu.employeeId IN ${employees(q)}`).getQuery();
  switch (entity) {
    case Employee:
      return (_, alias) => `${alias}.registeredByPartner = :scopePartner`;
    case Employment:
    case User:
      return (q, alias) => `${alias}.employeeId IN ${employees(q)}`;
    case Invitation:
    case EmploymentEvent:
    case ReviewDecision:
      return (q, alias) => `${alias}.employmentId IN ${employments(q)}`;
    case ConnectAccount:
      return (q, alias) => `${alias}.userId IN ${users(q)}`;
    default:
      if (TENANT_WIDE.includes(entity)) return undefined;
      throw new Error(`TenantScope: is ${String((entity as { name?: string }).name ?? entity)} a hire's table? Say so in partnerCondition or TENANT_WIDE`);
  }
}

/** One request of a KeyedSelect: a scope's (TenantScope.keyed). */
export interface KeyedRequest {
  tenantId: string;
  /** Of a partner's scope: only its hires' rows. */
  partner: string | null;
  key: string;
}

/** The rows of a KeyedSelect for one request: each row its entities by alias (null: a left join found nothing). */
export type Rows<A extends string> = Record<A, ObjectLiteral | null>[];

/** See TenantScope.compileKeyed. One statement per size of request list; sizes are powers of two (the list is padded by repeating a pair). */
export class KeyedSelect<A extends string> {
  private readonly bySize = new Map<number, CompiledSelect<A>>();

  constructor(
    private readonly entity: EntityTarget<TenantOwned>,
    private readonly alias: A,
    private readonly column: string,
    private readonly build: (query: SelectQueryBuilder<ObjectLiteral>) => SelectQueryBuilder<ObjectLiteral>,
    private readonly aliases: readonly A[],
    private readonly employee: A | null,
  ) {}

  /** The rows of each request: only its own tenant's (and partner's), with its key (the statement reads all pairs at once). */
  async run(manager: EntityManager, requests: readonly KeyedRequest[]): Promise<Rows<A>[]> {
    if (!requests.length) return [];
    const size = 2 ** Math.ceil(Math.log2(requests.length));
    let compiled = this.bySize.get(size);
    if (!compiled) {
      const pairs = Array.from({ length: size }, (_, i) => `(:tenant${i}, :key${i})`).join(", ");
      const { entity, alias, column } = this;
      compiled = new CompiledSelect((m) => this.build(m.createQueryBuilder(entity, alias).where(`(${alias}.tenantId, ${alias}.${column}) IN (${pairs})`)), this.aliases);
      this.bySize.set(size, compiled);
    }
    const parameters: Record<string, string> = {};
    for (let i = 0; i < size; i++) {
      const { tenantId, key } = requests[i] ?? requests[0]!;
      parameters[`tenant${i}`] = tenantId;
      parameters[`key${i}`] = key;
    }
    const rows = await compiled.run(manager, parameters);
    return requests.map(({ tenantId, partner, key }) =>
      rows.filter((row) => {
        const owner = row[this.alias] as ObjectLiteral;
        if (owner.tenantId !== tenantId || owner[this.column] !== key) return false;
        if (partner === null || this.employee === null) return true;
        return (row[this.employee] as Employee | null)?.registeredByPartner === partner;
      }),
    );
  }
}
