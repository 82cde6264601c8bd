import express, { type Router } from "express";
import type { Logger } from "../log.js";
import type { Services } from "../services/index.js";
import type { RateLimits } from "./rate-limits.js";
import { refusalOf } from "./refusals.js";
import { pagePolicy } from "./security-headers.js";
import { PAGE_STYLE_HASH, pickLanguage, renderVerifyPage, renderVerifyResult, type PageLanguage, type VerifyOutcome } from "./verify-page.js";

/** The refusals the page explains in the hire's words; any other failure is its generic error. */
const PAGE_OUTCOMES: readonly VerifyOutcome[] = ["LINK_EXPIRED", "LINK_USED", "LINK_INVALID", "RATE_LIMITED"];

/**
 * The page the e-mail links to. GET only shows the link's state (mail scanners open links); the
 * hire's confirmation is the form's POST, which uses the link (R6).
 */
export function verifyRoutes(services: Services, log: Logger, rateLimits: RateLimits): Router {
  const router = express.Router();
  router.use("/verify", pagePolicy({ styles: [`'${PAGE_STYLE_HASH}'`] }));
  // the page and its form are the public door to tokens: limited per client address
  router.use("/verify", async (req, res, next) => {
    try {
      await rateLimits.consumePublic(req.ip ?? "unknown");
    } catch (error) {
      return failurePage(res, pickLanguage(req.get("accept-language"), stringParam(req.query.lang)), error, log);
    }
    next();
  });

  router.get("/verify", async (req, res) => {
    const language = pickLanguage(req.get("accept-language"), stringParam(req.query.lang));
    const token = stringParam(req.query.token) ?? "";
    try {
      const info = await services.verification.linkInfo(token);
      page(res, 200, renderVerifyPage({ language, token, ...info }));
    } catch (error) {
      failurePage(res, language, error, log);
    }
  });

  router.post("/verify", express.urlencoded({ extended: false, limit: "4kb" }), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const language = pickLanguage(req.get("accept-language"), stringParam(body.lang));
    try {
      const account = await services.verification.verify(stringParam(body.token) ?? "");
      page(res, 200, renderVerifyResult({ language, outcome: "CONNECTED", email: account.email }));
    } catch (error) {
      failurePage(res, language, error, log);
    }
  });
  return router;
}

/** The hire sees a page, not JSON, but with the status the JSON routes answer (a link refused: 400; too many tries: 429; ours: 5xx). */
function failurePage(res: express.Response, language: PageLanguage, error: unknown, log: Logger) {
  const refusal = refusalOf(error, log);
  const found = PAGE_OUTCOMES.find((outcome) => outcome === refusal.code) ?? "ERROR";
  const outcome = found === "LINK_INVALID" && refusal.extensions.replacedByReminder === true ? "LINK_REPLACED" : found;
  if (refusal.code === "RATE_LIMITED") res.set("retry-after", String(refusal.extensions.retryAfterSeconds ?? 60));
  page(res, refusal.status, renderVerifyResult({ language, outcome }));
}

function page(res: express.Response, status: number, html: string) {
  res.status(status).set({ "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "x-robots-tag": "noindex" }).send(html);
}

function stringParam(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
