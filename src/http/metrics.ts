import type { Request, RequestHandler } from "express";
import { Counter, Histogram, type Registry } from "prom-client";

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/**
 * Counts and times every HTTP request by method, matched route and status. The route is the path
 * the request matched (`/graphql`, `/verify`, `/import/hires`), never the URL that was sent: that
 * may hold a token, and unmatched paths would make a new time series each.
 */
export function httpMetrics(registry: Registry): RequestHandler {
  const labelNames = ["method", "route", "status"] as const;
  const requests = new Counter({
    name: "onboarding_http_requests_total",
    help: "HTTP requests answered, by method, matched route and status",
    labelNames,
    registers: [registry],
  });
  const seconds = new Histogram({
    name: "onboarding_http_request_duration_seconds",
    help: "Time from receiving an HTTP request to the end of its answer, by method, matched route and status",
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  return (req, res, next) => {
    const stop = seconds.startTimer();
    // 'close' comes after the answer is sent, and also when the client went away before it.
    res.once("close", () => {
      const labels = { method: METHODS.has(req.method) ? req.method : "OTHER", route: routeOf(req), status: String(res.statusCode) };
      requests.inc(labels);
      stop(labels);
    });
    next();
  };
}

/**
 * The route a request matched: `baseUrl` of the router that answered plus its route pattern, or the
 * mount path of a middleware that answered (`/graphql`), or "unmatched" (404s, probes of scanners).
 */
export function routeOf(req: Request): string {
  const pattern: unknown = req.route?.path;
  if (typeof pattern === "string") return `${req.baseUrl}${pattern}` || "/";
  return req.baseUrl || "unmatched";
}
