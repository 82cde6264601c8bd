import { randomUUID } from "node:crypto";
import type { Request, RequestHandler, Response } from "express";
import { pinoHttp } from "pino-http";
import type { Principal } from "../auth/principal.js";
import { maskEmail } from "../domain/hire-status.js";
import type { Logger } from "../log.js";
import type { Authentication } from "../services/api-key.service.js";
import type { Services } from "../services/index.js";

/** An incoming request id we keep: a plain token, short enough for any log store. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const ADDRESS = /[^\s/@]+@[^\s/@]+/g;
/** Answered many times a minute by probes and scrapers: their successes are logged at debug. */
const PROBES = new Set(["/healthz", "/readyz", "/metrics"]);

/** What the request log knows about the caller, in `res.locals`. */
export interface CallerLocals {
  /** The request's authentication, done once here. */
  authentication?: Authentication;
  principal?: Principal | null;
  tenantId?: string;
}

/**
 * One JSON line per request: its id (`reqId`: the caller's `x-request-id` if it is a sane token, else a new
 * one; echoed in the answer's `x-request-id`), method, path without the query string (links carry
 * tokens there), status, duration in ms and, for a tenant's key, the tenant. Never a header or a
 * query string; an address in the path is masked. Put it first, before any route.
 */
export function requestLog(log: Logger, services: Services): RequestHandler[] {
  const logRequest = pinoHttp<Request, Response>({
    logger: log,
    quietReqLogger: true,
    genReqId(req, res) {
      const given = req.headers["x-request-id"];
      const id = typeof given === "string" && SANE_REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader("x-request-id", id);
      return id;
    },
    serializers: {
      // the id is the line's `reqId`
      req: (req: { method: string; url: string }) => ({ method: req.method, path: loggedPath(req.url) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customProps: (_req, res) => {
      const { tenantId } = res.locals as CallerLocals;
      return tenantId ? { tenantId } : {};
    },
    customLogLevel(req, res, error) {
      const level = error || res.statusCode >= 500 ? "error" : res.statusCode < 400 && PROBES.has(req.originalUrl.split("?", 1)[0]!) ? "debug" : "info";
      return log.isLevelEnabled(level) ? level : "silent"; // silent: pino-http builds no line at all
    },
  });
  return [logRequest, identifyCaller(services, log)];
}

/**
 * Reads the bearer key once per request, for the log's tenant id and for GraphQL's context. Routes
 * decide access themselves: a missing or wrong key is not refused here.
 */
function identifyCaller(services: Services, log: Logger): RequestHandler {
  return async (req, res, next) => {
    if (req.headers.authorization) {
      try {
        const authentication = await services.apiKeys.authenticate(req.headers.authorization);
        const { principal } = authentication;
        const locals = res.locals as CallerLocals;
        locals.authentication = authentication; // GraphQL's context uses it instead of asking again
        locals.principal = principal;
        if (principal?.tenantId) locals.tenantId = principal.tenantId;
      } catch (error) {
        log.debug({ err: error }, "request log: could not identify the caller");
      }
    }
    next();
  };
}

/** The path as sent, without the query string; an e-mail address in it is masked. */
export function loggedPath(url: string): string {
  const path = url.split("?", 1)[0]!.split("#", 1)[0]!;
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // not valid percent-encoding: log it as sent
  }
  return decoded.replace(ADDRESS, (address) => maskEmail(address));
}
