import express, { type Router } from "express";
import type { Agenda } from "agenda";
import { createExpressMiddleware } from "agendash";
import type { Logger } from "../log.js";
import { Refusal, sendError } from "./refusals.js";
import { keepPolicy, pagePolicy } from "./security-headers.js";

/**
 * Agendash, the Agenda dashboard (agendash 8 is built on Agenda 6's backend-agnostic API:
 * `queryJobs`, `getJobsOverview`, so it works on every job store we support). Mount it behind the
 * operator check. Its JSON API is under `api` (e.g. `GET /admin/jobs/api?job=invitation.send&state=scheduled`).
 */
export function adminJobsRoutes(agenda: Agenda, log: Logger): Router {
  const router = express.Router();
  // agendash's page loads only its own script, style sheet and API; its components set inline
  // styles ('unsafe-inline', as in agendash's own policy, which ours replaces to add frame-ancestors)
  router.use(pagePolicy({ styles: ["'unsafe-inline'"] }), keepPolicy());
  // The page loads `./assets/…` and `api` relative to itself: it must be opened as a folder.
  router.get("/", (req, res, next) => {
    const [path, query] = splitUrl(req.originalUrl);
    if (path.endsWith("/")) return next();
    res.redirect(301, `${path}/${query}`);
  });
  // A browser sends a remembered Basic login on cross-site requests too. A cross-site form cannot
  // send JSON without asking first (CORS), and the dashboard sends JSON: its changes must be JSON.
  router.use((req, res, next) => {
    if (req.method === "GET" || req.method === "HEAD" || req.is("application/json")) return next();
    sendError(res, new Refusal(415, "BAD_USER_INPUT", "Changes to jobs are sent as JSON"), log);
  });
  router.use(createExpressMiddleware(agenda));
  return router;
}

function splitUrl(url: string): [string, string] {
  const at = url.indexOf("?");
  return at < 0 ? [url, ""] : [url.slice(0, at), url.slice(at)];
}
