import type { RateLimits } from "../http/rate-limits.js";
import type { Logger } from "../log.js";
import type { Services } from "../services/index.js";
import type { TenantScope } from "../services/tenant-scope.js";
import type { Principal } from "./principal.js";

/** What every resolver gets: the caller (if any) and the services, never a raw database handle. */
export interface RequestContext {
  /** null: no key, or a key that is not valid (then `authFailure` says why). */
  principal: Principal | null;
  authFailure: string | null;
  services: Services;
  log: Logger;
  /** The client's address (behind TRUST_PROXY_HOPS proxies: the one they name). */
  clientAddress: string;
  rateLimits: RateLimits;
  /** The caller's data: its tenant's, of a partner's key only the partner's hires (R12); throws FORBIDDEN for a key without a tenant (the operator's). */
  tenant(): TenantScope;
  /** Over a WebSocket (subscriptions): closes the connection of a subscriber that cannot keep up. */
  subscriberTooSlow?: () => void;
}
