import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestHandler } from "express";
import type { Principal } from "../auth/principal.js";
import { maskEmail } from "../domain/hire-status.js";
import type { Logger } from "../log.js";
import type { Authentication } from "../services/api-key.service.js";
import type { Services } from "../services/index.js";

const ADDRESS = /[^\s/@]+@[^\s/@]+/g;
/** Answered many times a minute by probes and scrapers: their successes are logged at debug. */
const PROBES = new Set(["/healthz", "/readyz", "/metrics"]);

/** What the front door and the routes know about a request, in `res.locals`. */
export interface CallerLocals {
  /** The request's authentication, done once per request. */
  authentication?: Authentication;
  principal?: Principal | null;
  tenantId?: string;
  /** The route that answered, where express does not know it (the GraphQL endpoint of the front door). */
  route?: string;
}

export function localsOf(res: ServerResponse): CallerLocals {
  return (res as ServerResponse & { locals: CallerLocals }).locals;
}

/**
 * One JSON line per request, written once the answer has gone out (or the client went away): its id
 * (`reqId`), method, path without the query string (links carry tokens there), status, duration in
 * ms and, for a tenant's key, the tenant. Never a header or a query string; an address in the path
 * is masked. Errors (5xx, a client gone before its answer) at error, probes' successes at debug,
 * the rest at info. At a level that writes none of them, nothing is built.
 */
export function requestLog(log: Logger): (req: IncomingMessage, res: ServerResponse, reqId: string, ms: number) => void {
  return (req, res, reqId, ms) => {
    const aborted = !res.writableFinished;
    const level = aborted || res.statusCode >= 500 ? "error" : res.statusCode < 400 && PROBES.has(req.url!.split("?", 1)[0]!) ? "debug" : "info";
    if (!log.isLevelEnabled(level)) return;
    const { tenantId } = localsOf(res);
    log[level](
      { reqId, req: { method: req.method, path: loggedPath(req.url!) }, res: { statusCode: res.statusCode }, responseTime: Math.round(ms), ...(tenantId ? { tenantId } : {}) },
      aborted ? "request aborted" : "request completed",
    );
  };
}

/**
 * Reads the bearer key once per request of the routes express serves, for the log's tenant id and
 * for the routes' key checks. Routes decide access themselves: a missing or wrong key is not refused
 * here. (The GraphQL endpoint reads it in its context.)
 */
export function identifyCaller(services: Services, log: Logger): RequestHandler {
  return async (req, res, next) => {
    if (req.headers.authorization) {
      try {
        noteCaller(res, await services.apiKeys.authenticate(req.headers.authorization));
      } catch (error) {
        log.debug({ err: error }, "request log: could not identify the caller");
      }
    }
    next();
  };
}

/** Keeps a request's authentication for the routes after (no second lookup) and its tenant for the log. */
export function noteCaller(res: ServerResponse, authentication: Authentication): void {
  const locals = localsOf(res);
  locals.authentication = authentication;
  locals.principal = authentication.principal;
  if (authentication.principal?.tenantId) locals.tenantId = authentication.principal.tenantId;
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
