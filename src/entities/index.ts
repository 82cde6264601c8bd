import { ApiKey } from "./api-key.js";
import { Tenant } from "./tenant.js";

export { ApiKey, Tenant };

/** Every entity the data source knows; migrations must produce exactly their schema. */
export const entities = [Tenant, ApiKey];
