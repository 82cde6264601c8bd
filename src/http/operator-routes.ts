import express, { type RequestHandler, type Router } from "express";
import type { Agenda } from "agenda";
import type { Registry } from "prom-client";
import { bearerKey, sameKey } from "../auth/api-keys.js";
import type { Logger } from "../log.js";
import type { Services } from "../services/index.js";
import { adminJobsRoutes } from "./admin-jobs.js";

export interface OperatorRouteOptions {
  services: Services;
  registry: Registry;
  agenda: Agenda;
  log: Logger;
  /**
   * A bearer token that opens `/metrics` (and nothing else), for a Prometheus that should not hold
   * the operator key. Unset: only the operator key opens it. Comes from `config.metricsToken`
   * (METRICS_TOKEN) once the configuration has it.
   */
  metricsToken?: string;
}

/** What createHttpApp needs for request logs, metrics and the operator routes. */
export type Observability = Omit<OperatorRouteOptions, "services" | "log">;

/**
 * What operators watch, for the operator key only: `GET /metrics` (Prometheus text format) and the
 * job dashboard under `/admin/jobs`. Served by every process, workers too: they send the mail.
 */
export function operatorRoutes(options: OperatorRouteOptions): Router {
  const { services, registry, agenda, log, metricsToken } = options;
  const router = express.Router();

  router.get("/metrics", operatorOnly(services, { metricsToken }), async (_req, res) => {
    try {
      const text = await registry.metrics();
      res.set({ "content-type": registry.contentType, "cache-control": "no-store" }).send(text);
    } catch (error) {
      log.error({ err: error }, "metrics could not be collected");
      refuse(res, 500, "INTERNAL_SERVER_ERROR", "Internal server error");
    }
  });

  // A browser can open the dashboard with a Basic login whose password is the operator key.
  router.use("/admin/jobs", operatorOnly(services, { basic: true }), adminJobsRoutes(agenda));
  return router;
}

/**
 * Lets through the operator key (`Authorization: Bearer <key>`; with `basic`, also a Basic login
 * whose password is the key) and, if given, the metrics token. No key: 401; a tenant's key: 403.
 */
export function operatorOnly(services: Services, options: { metricsToken?: string; basic?: boolean }): RequestHandler {
  const challenge = options.basic ? ["Bearer", 'Basic realm="Onboarding operators", charset="UTF-8"'] : ["Bearer"];
  return async (req, res, next) => {
    const header = options.basic ? basicAsBearer(req.headers.authorization) : req.headers.authorization;
    const key = bearerKey(header);
    if (key && options.metricsToken && sameKey(key, options.metricsToken)) return next();
    try {
      const { principal, failure } = await services.apiKeys.authenticate(header);
      if (!principal) {
        res.set("www-authenticate", challenge);
        return refuse(res, 401, "UNAUTHENTICATED", failure ?? "Send the operator key: Authorization: Bearer <key>");
      }
      if (!principal.roles.includes("OPERATOR")) return refuse(res, 403, "FORBIDDEN", "This needs the operator key");
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** `Basic base64(user:key)` → `Bearer key`; any other header as it is. */
function basicAsBearer(header: string | undefined): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "");
  if (!match) return header;
  const login = Buffer.from(match[1]!, "base64").toString("utf8");
  const password = login.slice(login.indexOf(":") + 1);
  return password ? `Bearer ${password}` : undefined;
}

function refuse(res: express.Response, status: number, code: string, message: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}
