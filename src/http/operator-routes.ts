import express, { type Router } from "express";
import type { Agenda } from "agenda";
import type { Registry } from "prom-client";
import type { Logger } from "../log.js";
import type { Services } from "../services/index.js";
import { adminJobsRoutes } from "./admin-jobs.js";
import { sendError } from "./refusals.js";
import { requireKey } from "./require-key.js";

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

  router.get("/metrics", requireKey(services, log, { action: "Reading the metrics", roles: ["OPERATOR"], metricsToken }), async (_req, res) => {
    try {
      const text = await registry.metrics();
      res.set({ "content-type": registry.contentType, "cache-control": "no-store" }).send(text);
    } catch (error) {
      sendError(res, error, log);
    }
  });

  // A browser can open the dashboard with a Basic login whose password is the operator key.
  router.use("/admin/jobs", requireKey(services, log, { action: "The job dashboard", roles: ["OPERATOR"], basic: true }), adminJobsRoutes(agenda, log));
  return router;
}
