import type { EntityManager, EntityTarget, FindOptionsWhere, ObjectLiteral, SelectQueryBuilder } from "typeorm";
import { CompiledSelect } from "../db/compiled-select.js";
import { inTransaction } from "../db/transaction.js";
import { Tenant } from "../entities/tenant.js";
import { notFound } from "../errors.js";

type TenantOwned = ObjectLiteral & { tenantId: string };

/**
 * All data access of a tenant's request goes through here: this is the one place that adds
 * `tenantId = caller's tenant` to every read and write, so that an id from another tenant behaves
 * exactly like an id that does not exist.
 */
export class TenantScope {
  constructor(
    readonly tenantId: string,
    readonly manager: EntityManager,
    /** The tenant as this request already loaded it (with the caller's key). */
    private loaded?: Tenant,
  ) {}

  /** The tenant, read once per request; changes made through this object (the test clock) stay visible. */
  async tenant(): Promise<Tenant> {
    if (!this.loaded) {
      const tenant = await this.manager.findOneBy(Tenant, { id: this.tenantId });
      if (!tenant) throw notFound("Tenant");
      this.loaded = tenant;
    }
    return this.loaded;
  }

  /** Keeps the tenant row a query read along with its own rows, unless the request has one already. */
  adopt(tenant: Tenant): Tenant {
    if (tenant.id !== this.tenantId) throw new Error("a scope adopts only its own tenant");
    this.loaded ??= tenant;
    return this.loaded;
  }

  find<T extends TenantOwned>(entity: EntityTarget<T>, where: FindOptionsWhere<T> = {}): Promise<T[]> {
    return this.manager.find(entity, { where: { ...where, tenantId: this.tenantId } as FindOptionsWhere<T> });
  }

  findOne<T extends TenantOwned>(entity: EntityTarget<T>, where: FindOptionsWhere<T>): Promise<T | null> {
    return this.manager.findOne(entity, { where: { ...where, tenantId: this.tenantId } as FindOptionsWhere<T> });
  }

  /** A query builder already limited to this tenant's rows of `alias`. */
  query<T extends TenantOwned>(entity: EntityTarget<T>, alias: string): SelectQueryBuilder<T> {
    return this.manager.createQueryBuilder(entity, alias).where(`${alias}.tenantId = :scopeTenantId`, { scopeTenantId: this.tenantId });
  }

  /**
   * A hot read by one key column, built once (CompiledSelect), that can serve the requests of several
   * tenants in one statement — concurrent requests gathered by a DataLoader. `build` continues a query
   * of `entity` as `alias` whose WHERE already keeps only the (tenantId, `column`) pairs asked for; run
   * it with KeyedSelect.run (many requests) or selectKeyed (this scope's one).
   */
  static compileKeyed<A extends string>(
    entity: EntityTarget<TenantOwned>,
    alias: A,
    column: string,
    build: (query: SelectQueryBuilder<ObjectLiteral>) => SelectQueryBuilder<ObjectLiteral>,
    aliases: readonly A[],
  ): KeyedSelect<A> {
    return new KeyedSelect(entity, alias, column, build, aliases);
  }

  /** Runs a compileKeyed read for this tenant's rows with `key`. */
  async selectKeyed<A extends string>(select: KeyedSelect<A>, key: string): Promise<Rows<A>> {
    const [rows] = await select.run(this.manager, [{ tenantId: this.tenantId, key }]);
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
    return inTransaction(this.manager, (manager) => work(new TenantScope(this.tenantId, manager, this.loaded)));
  }
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
  ) {}

  /** The rows of each request: only its own tenant's, with its key (the statement reads all pairs at once). */
  async run(manager: EntityManager, requests: readonly { tenantId: string; key: string }[]): Promise<Rows<A>[]> {
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
    return requests.map(({ tenantId, key }) =>
      rows.filter((row) => {
        const owner = row[this.alias] as ObjectLiteral;
        return owner.tenantId === tenantId && owner[this.column] === key;
      }),
    );
  }
}
