import express, { type Express, type RequestHandler } from "express";
import { expressMiddleware } from "@as-integrations/express5";
import type { ApolloServer } from "@apollo/server";
import { GraphQLError } from "graphql";
import type { RequestContext } from "../auth/context.js";
import { isUnreachable } from "../db/unavailable.js";
import { AppError } from "../errors.js";
import type { Logger } from "../log.js";
import type { Services } from "../services/index.js";
import type { TenantScope } from "../services/tenant-scope.js";
import { importRoutes, type ImportLimits } from "./import-routes.js";
import { httpMetrics } from "./metrics.js";
import { operatorRoutes, type Observability } from "./operator-routes.js";
import { requestLog, type CallerLocals } from "./request-log.js";
import { securityHeaders } from "./security-headers.js";
import type { RateLimits } from "./rate-limits.js";
import { finalErrorHandler, UNAVAILABLE_MESSAGE } from "./refusals.js";
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

/** The HTTP surface: GraphQL, /verify and the CSV import (not on a worker-only process), operator routes, liveness and readiness. */
export function createHttpApp(apollo: ApolloServer<RequestContext> | null, services: Services, probes: Probes, log: Logger, options: HttpOptions): Express {
  const { importLimits, rateLimits } = options;
  const app = express();
  app.set("trust proxy", options.trustProxyHops ?? 0);
  app.disable("x-powered-by");
  app.set("etag", false); // answers are per caller and per moment (POST /graphql, /verify): an ETag only cost a hash of every body
  app.use(securityHeaders());
  if (options.observability) app.use(requestLog(log, services), httpMetrics(options.observability.registry));
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
    express.json({ limit: "10mb" }),
    ...(options.idempotency ? [options.idempotency] : []),
    expressMiddleware(apollo, {
      context: async ({ req, res }): Promise<RequestContext> => {
        const done = (res.locals as CallerLocals).authentication; // by the request log, once per request
        const { principal, failure } = done ?? await services.apiKeys.authenticate(req.headers.authorization).catch((error: unknown) => {
          if (!isUnreachable(error)) throw error;
          throw new GraphQLError(UNAVAILABLE_MESSAGE, { extensions: { code: "SERVICE_UNAVAILABLE", http: { status: 503 } } });
        });
        if (principal?.keyId) await rateLimits.consumeKey(principal.keyId);
        let scope: TenantScope | undefined; // one per request: the tenant is read at most once
        return {
          principal,
          authFailure: failure,
          services,
          log,
          clientAddress: req.ip ?? "unknown",
          rateLimits,
          tenant() {
            if (!principal) throw new AppError("UNAUTHENTICATED", failure ?? "Send an API key: Authorization: Bearer <key>");
            if (!principal.tenantId) {
              throw new AppError("FORBIDDEN", "This operation works on one tenant's data: use an API key of that tenant");
            }
            scope ??= services.scopeOf({ ...principal, tenantId: principal.tenantId });
            return scope;
          },
        };
      },
    }),
  );

  app.use(finalErrorHandler(log));
  return app;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
