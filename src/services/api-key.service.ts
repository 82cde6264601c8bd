import { randomUUID } from "node:crypto";
import { type DataSource, type EntityManager } from "typeorm";
import { bearerKey, generateApiKey, hashApiKey, sameKeyHash } from "../auth/api-keys.js";
import type { Principal } from "../auth/principal.js";
import type { Role } from "../auth/roles.js";
import { CompiledSelect } from "../db/compiled-select.js";
import { ApiKey } from "../entities/api-key.js";
import { Tenant } from "../entities/tenant.js";
import { AppError } from "../errors.js";
import type { Clock } from "./clock.js";
import type { TenantScope } from "./tenant-scope.js";

export interface Authentication {
  principal: Principal | null;
  failure: string | null;
}

/** The key and its tenant in one statement, on every request with a key: most need nothing else to start. */
const KEY_WITH_TENANT = new CompiledSelect(
  (manager) => manager.createQueryBuilder(ApiKey, "k").innerJoin(Tenant, "t", "t.id = k.tenantId").where("k.keyHash = :hash AND k.revokedAt IS NULL"),
  ["k", "t"],
);

const CACHED_KEYS = 10_000;

const OPERATOR: Principal = { keyId: null, keyName: "operator", tenantId: null, roles: ["OPERATOR"] };

export class ApiKeyService {
  private readonly operatorKeyHash: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    operatorApiKey: string,
    private readonly cacheMs = 0,
  ) {
    this.operatorKeyHash = hashApiKey(operatorApiKey);
  }

  /**
   * Keys found valid lately, by hash: the key lookup is half the cost of a small query
   * (bench/README.md, "bench/status"). Only who the key is — never the tenant's data, which a
   * request reads fresh when it needs it. Real time (not the app's clock); at most CACHED_KEYS.
   */
  private readonly known = new Map<string, { principal: Principal; until: number }>();

  /** Who an `Authorization` header belongs to. No header: nobody; a wrong header or key: a failure to report. */
  async authenticate(authorization: string | undefined): Promise<Authentication> {
    const key = bearerKey(authorization);
    if (key === undefined) return { principal: null, failure: null };
    if (key === null) return { principal: null, failure: "The Authorization header must be: Bearer <api key>" };
    // The lookup is by hash, so nothing about the stored keys leaks through timing.
    const hash = hashApiKey(key);
    if (sameKeyHash(hash, this.operatorKeyHash)) return { principal: OPERATOR, failure: null };
    const known = this.known.get(hash);
    if (known && known.until > performance.now()) return { principal: known.principal, failure: null };
    const [found] = await KEY_WITH_TENANT.run(this.dataSource.manager, { hash });
    if (!found) {
      this.known.delete(hash);
      return { principal: null, failure: "The API key is not valid" };
    }
    const [row, tenant] = [found.k as ApiKey, found.t as Tenant];
    const principal: Principal = { keyId: row.id, keyName: row.name, tenantId: row.tenantId, roles: row.roles };
    if (this.cacheMs > 0) {
      if (this.known.size >= CACHED_KEYS) this.known.delete(this.known.keys().next().value!); // the oldest
      this.known.set(hash, { principal, until: performance.now() + this.cacheMs });
    }
    return { principal: { ...principal, tenant }, failure: null };
  }

  /** A new key of the caller's tenant with the chosen roles. OPERATOR is never a tenant's to give. */
  async create(scope: TenantScope, name: string, roles: Role[]): Promise<{ apiKey: string; roles: Role[] }> {
    if (roles.includes("OPERATOR")) throw new AppError("FORBIDDEN", "A tenant key cannot have the OPERATOR role");
    const unique = [...new Set(roles)];
    const apiKey = await this.issue(scope.manager, scope.tenantId, name, unique);
    return { apiKey, roles: unique };
  }

  /** Stores the hash of a new key in `manager`'s transaction and returns the key itself. */
  async issue(manager: EntityManager, tenantId: string, name: string, roles: Role[]): Promise<string> {
    const apiKey = generateApiKey();
    await manager.insert(ApiKey, {
      id: randomUUID(),
      tenantId,
      name,
      roles,
      keyHash: hashApiKey(apiKey),
      createdAt: this.clock.now(),
      revokedAt: null,
    });
    return apiKey;
  }
}
