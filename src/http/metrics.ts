import type { IncomingMessage, ServerResponse } from "node:http";
import type { Request } from "express";
import { Counter, Histogram, type Registry } from "prom-client";
import { localsOf } from "./request-log.js";

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/**
 * Counts and times every HTTP request by method, matched route and status. The route is the path
 * the request matched (`/graphql`, `/verify`, `/import/hires`), never the URL that was sent: that
 * may hold a token, and unmatched paths would make a new time series each. Called by the front door
 * once the answer has gone out (or the client went away).
 */
export function httpMetrics(registry: Registry): (req: IncomingMessage, res: ServerResponse, seconds: number) => void {
  const labelNames = ["method", "route", "status"] as const;
  const requests = new Counter({
    name: "onboarding_http_requests_total",
    help: "HTTP requests answered, by method, matched route and status",
    labelNames,
    registers: [registry],
  });
  const durations = new Histogram({
    name: "onboarding_http_request_duration_seconds",
    help: "Time from receiving an HTTP request to the end of its answer, by method, matched route and status",
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  // prom-client hashes a label set on every inc/observe; bound once per series, they do not (a few dozen series)
  const series = new Map<string, { count: () => void; time: (seconds: number) => void }>();
  return (req, res, seconds) => {
    const method = METHODS.has(req.method!) ? req.method! : "OTHER";
    const route = localsOf(res)?.route ?? routeOf(req as Request);
    const status = String(res.statusCode);
    const name = `${method} ${route} ${status}`;
    let bound = series.get(name);
    if (!bound) {
      const counter = requests.labels(method, route, status);
      const histogram = durations.labels(method, route, status);
      bound = { count: () => counter.inc(), time: (s) => histogram.observe(s) };
      series.set(name, bound);
    }
    bound.count();
    bound.time(seconds);
  };
}

/**
 * The route a request matched: `baseUrl` of the router that answered plus its route pattern, or the
 * mount path of a middleware that answered, or "unmatched" (404s, probes of scanners).
 */
export function routeOf(req: Request): string {
  const pattern: unknown = req.route?.path;
  if (typeof pattern === "string") return `${req.baseUrl}${pattern}` || "/";
  return req.baseUrl || "unmatched";
}
