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

/**
 * The partner a key acts as (R12): its name when it has the PARTNER role and not HR_ADMIN. Such a key
 * reads and changes only the hires that keys acting as the same partner registered — also when it is a
 * REVIEWER besides. null: the key sees every hire of its tenant (HR_ADMIN, REVIEWER; with HR_ADMIN and
 * PARTNER, HR_ADMIN wins).
 */
export function partnerOf(principal: Pick<Principal, "roles" | "keyName">): string | null {
  return principal.roles.includes("PARTNER") && !principal.roles.includes("HR_ADMIN") ? principal.keyName : null;
}
