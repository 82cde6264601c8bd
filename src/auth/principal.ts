import type { Tenant } from "../entities/tenant.js";
import type { Role } from "./roles.js";

/** Who is calling: the key's tenant (null for the operator) and its roles. */
export interface Principal {
  keyId: string | null;
  /** The key's name, recorded with the decisions it makes. */
  keyName: string;
  tenantId: string | null;
  roles: readonly Role[];
  /** The key's tenant as loaded with the key, for the rest of this request. */
  tenant?: Tenant;
}
