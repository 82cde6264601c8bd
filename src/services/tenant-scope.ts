import type { EntityManager, EntityTarget, FindOptionsWhere, ObjectLiteral, SelectQueryBuilder } from "typeorm";
import { CompiledSelect } from "../db/compiled-select.js";
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
   * A hot read, built once (CompiledSelect): `build` continues a query of `entity` as `alias` that is
   * already limited to the tenant's rows, like query(); run it with select().
   */
  static compile<A extends string>(
    entity: EntityTarget<TenantOwned>,
    alias: A,
    build: (query: SelectQueryBuilder<ObjectLiteral>) => SelectQueryBuilder<ObjectLiteral>,
    aliases: readonly A[],
  ): CompiledSelect<A> {
    return new CompiledSelect((manager) => build(manager.createQueryBuilder(entity, alias).where(`${alias}.tenantId = :scopeTenantId`)), aliases);
  }

  /** Runs a query made with TenantScope.compile for this tenant. */
  select<A extends string>(compiled: CompiledSelect<A>, parameters: Record<string, unknown>): ReturnType<CompiledSelect<A>["run"]> {
    return compiled.run(this.manager, { ...parameters, scopeTenantId: this.tenantId });
  }

  /** Inserts rows owned by this tenant, whatever tenantId the caller put in them. */
  async insert<T extends TenantOwned>(entity: EntityTarget<T>, rows: Omit<T, "tenantId">[]): Promise<T[]> {
    const owned = rows.map((row) => ({ ...row, tenantId: this.tenantId }) as unknown as T);
    if (owned.length) await this.manager.insert(entity, owned as never);
    return owned;
  }

  /** Runs `work` in one transaction, with a scope whose reads and writes are part of it. */
  transaction<R>(work: (scope: TenantScope) => Promise<R>): Promise<R> {
    return this.manager.transaction((manager) => work(new TenantScope(this.tenantId, manager, this.loaded)));
  }
}
