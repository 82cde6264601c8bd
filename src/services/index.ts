import type { DataSource } from "typeorm";
import { ApiKeyService } from "./api-key.service.js";
import type { Clock } from "./clock.js";
import { TenantScope } from "./tenant-scope.js";
import { TenantService } from "./tenant.service.js";

/** The use cases, built once per process and handed to resolvers and jobs. */
export interface Services {
  clock: Clock;
  apiKeys: ApiKeyService;
  tenants: TenantService;
  /** The data of one tenant, and nothing else. */
  scope(tenantId: string): TenantScope;
}

export function createServices(dataSource: DataSource, clock: Clock, operatorApiKey: string): Services {
  const apiKeys = new ApiKeyService(dataSource, clock, operatorApiKey);
  return {
    clock,
    apiKeys,
    tenants: new TenantService(dataSource, clock, apiKeys),
    scope: (tenantId) => new TenantScope(tenantId, dataSource.manager),
  };
}
