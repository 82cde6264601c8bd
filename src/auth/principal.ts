import type { Role } from "./roles.js";

/** Who is calling: the key's tenant (null for the operator) and its roles. */
export interface Principal {
  keyId: string | null;
  /** The key's name, recorded with the decisions it makes. */
  keyName: string;
  tenantId: string | null;
  roles: readonly Role[];
}
