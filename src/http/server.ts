import type { RequestListener } from "node:http";
import express, { type RequestHandler } from "express";
import { expressMiddleware } from "@as-integrations/express5";
import type { ApolloServer } from "@apollo/server";
import type { RequestContext } from "../auth/context.js";
import type { Logger } from "../log.js";
import type { Services } from "../services/index.js";
import { frontDoor, type Observer } from "./front-door.js";
import { GRAPHQL_BODY_LIMIT, GraphqlEndpoint, graphqlContext } from "./graphql-endpoint.js";
import { importRoutes, type ImportLimits } from "./import-routes.js";
import { httpMetrics } from "./metrics.js";
import { operatorRoutes, type Observability } from "./operator-routes.js";
import { identifyCaller, requestLog } from "./request-log.js";
import type { RateLimits } from "./rate-limits.js";
import { finalErrorHandler } from "./refusals.js";
import { verifyRoutes } from "./verify-routes.js";

export interface Probes {
  /** Each throws when its dependency is not reachable. */
  database(): Promise<void>;
  jobStore(): Promise<void>;
}

export interface HttpOptions {
  importLimits?: Partial<ImportLimits>;
  rateLimits: RateLimits;
  /** The Idempotency-Key of GraphQL mutations (src/http/idempotency.ts); without it the header is ignored. */
  idempotency?: RequestHandler;
  /** Proxies in front of us whose X-Forwarded-For names the client (0: none). */
  trustProxyHops?: number;
  /** Request logs, metrics and the operator routes (/metrics, /admin/jobs). */
  observability?: Observability;
}

/**
 * The HTTP surface: GraphQL, /verify and the CSV import (not on a worker-only process), operator
 * routes, liveness and readiness. Every request passes the front door (headers, id, log, metrics);
 * a plain GraphQL POST is then answered by the GraphQL endpoint on node's own objects, the rest by express.
 */
export function createHttpApp(apollo: ApolloServer<RequestContext> | null, services: Services, probes: Probes, log: Logger, options: HttpOptions): RequestListener {
  const { importLimits, rateLimits } = options;
  const trustProxyHops = options.trustProxyHops ?? 0;
  const contextOf = graphqlContext({ services, log, rateLimits, trustProxyHops });
  const app = express();
  app.set("trust proxy", trustProxyHops);
  app.disable("x-powered-by");
  app.set("etag", false); // answers are per caller and per moment (POST /graphql, /verify): an ETag only cost a hash of every body
  app.use(identifyCaller(services, log));
  if (options.observability) app.use(operatorRoutes({ services, log, ...options.observability }));

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });

  app.get("/readyz", async (_req, res) => {
    const checks = await Promise.all(
      (["database", "jobStore"] as const).map(async (name) => {
        try {
          await withTimeout(probes[name](), 3000);
          return [name, "ok"] as const;
        } catch (error) {
          log.warn({ err: error, dependency: name }, "readiness check failed");
          return [name, "unreachable"] as const;
        }
      }),
    );
    const ready = checks.every(([, state]) => state === "ok");
    res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "not ready", ...Object.fromEntries(checks) });
  });

  if (apollo) app.use(verifyRoutes(services, log, rateLimits));
  if (apollo) app.use(importRoutes(services, log, importLimits));

  if (apollo) app.use(
    "/graphql",
    express.json({ limit: GRAPHQL_BODY_LIMIT }),
    ...(options.idempotency ? [options.idempotency] : []),
    expressMiddleware(apollo, { context: ({ req, res }) => contextOf(req, res) }),
  );

  app.use(finalErrorHandler(log));

  const observers: Observer[] = [];
  if (options.observability) {
    const metrics = httpMetrics(options.observability.registry);
    observers.push(requestLog(log), (req, res, _reqId, ms) => metrics(req, res, ms / 1000));
  }
  const direct = apollo ? new GraphqlEndpoint(apollo, contextOf, log, options.idempotency ? "idempotency-key" : undefined) : undefined;
  return frontDoor(app, { observers, direct });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
