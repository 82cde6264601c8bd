import type { Role } from "./roles.js";

/** Who is calling: the key's tenant (null for the operator) and its roles. */
export interface Principal {
  keyId: string | null;
  tenantId: string | null;
  roles: readonly Role[];
}
