import type { RequestHandler, Response } from "express";
import { bearerKey, sameKey } from "../auth/api-keys.js";
import type { Principal } from "../auth/principal.js";
import type { Role } from "../auth/roles.js";
import type { Logger } from "../log.js";
import type { Services } from "../services/index.js";
import { Refusal, sendError } from "./refusals.js";
import type { CallerLocals } from "./request-log.js";

export interface KeyRule {
  /** What the route does, for the refusal's message: "Importing hires". */
  action: string;
  /** A key with any one of these roles is let in. */
  roles: readonly Role[];
  /** The route works on one tenant's data: the operator's key is refused. */
  tenant?: boolean;
  /** A browser may also log in with Basic, the key as the password. */
  basic?: boolean;
  /** A bearer token that opens this route without an API key (METRICS_TOKEN, for a Prometheus). */
  metricsToken?: string;
}

const BASIC_CHALLENGE = 'Basic realm="Onboarding operators", charset="UTF-8"';

/**
 * The API key check of the non-GraphQL routes. No key or an unknown one: 401 with a challenge; a key
 * without the role (or the operator's, on a tenant's route): 403. The key's principal is then in
 * `res.locals` for the handler (`callerOf`).
 */
export function requireKey(services: Services, log: Logger, rule: KeyRule): RequestHandler {
  const operatorOnly = rule.roles.length === 1 && rule.roles[0] === "OPERATOR";
  const needed = operatorOnly ? "the operator key" : `a key with the role ${rule.roles.join(" or ")}`;
  const challenge = rule.basic ? ["Bearer", BASIC_CHALLENGE] : "Bearer";
  return async (req, res, next) => {
    const header = rule.basic ? basicAsBearer(req.headers.authorization) : req.headers.authorization;
    const key = bearerKey(header);
    if (key && rule.metricsToken && sameKey(key, rule.metricsToken)) return next();
    const locals = res.locals as CallerLocals;
    try {
      // the request log has already read the header as sent: no second lookup
      const { principal, failure } = (header === req.headers.authorization && locals.authentication) || (await services.apiKeys.authenticate(header));
      if (!principal) {
        res.set("www-authenticate", challenge);
        const ask = operatorOnly ? "the operator key" : "an API key";
        return sendError(res, new Refusal(401, "UNAUTHENTICATED", failure ?? `Send ${ask}: Authorization: Bearer <key>`), log);
      }
      if (rule.tenant && !principal.tenantId) {
        return sendError(res, new Refusal(403, "FORBIDDEN", `${rule.action} works on one tenant's data: use an API key of that tenant`), log);
      }
      if (!rule.roles.some((role) => principal.roles.includes(role))) {
        return sendError(res, new Refusal(403, "FORBIDDEN", `${rule.action} needs ${needed}`), log);
      }
      locals.principal = principal;
      next();
    } catch (error) {
      sendError(res, error, log); // the key store is unreachable: 503
    }
  };
}

/** The principal `requireKey` let in. */
export function callerOf(res: Response): Principal {
  const { principal } = res.locals as CallerLocals;
  if (!principal) throw new Error("callerOf: the route has no requireKey in front of it");
  return principal;
}

/** `Basic base64(user:key)` → `Bearer key`; any other header as it is. */
function basicAsBearer(header: string | undefined): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "");
  if (!match) return header;
  const login = Buffer.from(match[1]!, "base64").toString("utf8");
  const password = login.slice(login.indexOf(":") + 1);
  return password ? `Bearer ${password}` : undefined;
}
