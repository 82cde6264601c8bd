import express, { type Router } from "express";
import { AppError } from "../errors.js";
import type { Logger } from "../log.js";
import type { Services } from "../services/index.js";
import type { RateLimits } from "./rate-limits.js";
import { pickLanguage, renderVerifyPage, renderVerifyResult, type VerifyOutcome } from "./verify-page.js";

/**
 * The page the e-mail links to. GET only shows the link's state (mail scanners open links); the
 * hire's confirmation is the form's POST, which uses the link (R6).
 */
export function verifyRoutes(services: Services, log: Logger, rateLimits: RateLimits): Router {
  const router = express.Router();
  // the page and its form are the public door to tokens: limited per client address
  router.use("/verify", async (req, res, next) => {
    try {
      await rateLimits.consumePublic(req.ip ?? "unknown");
      next();
    } catch (error) {
      if (!(error instanceof AppError)) return next(error);
      const language = pickLanguage(req.get("accept-language"), stringParam(req.query.lang));
      res.set("retry-after", String(error.extensions.retryAfterSeconds ?? 60));
      page(res, 429, renderVerifyResult({ language, outcome: "RATE_LIMITED" }));
    }
  });

  router.get("/verify", async (req, res) => {
    const language = pickLanguage(req.get("accept-language"), stringParam(req.query.lang));
    const token = stringParam(req.query.token) ?? "";
    const info = await services.verification.linkInfo(token);
    page(res, 200, renderVerifyPage({ language, token, state: info.state, maskedEmail: info.maskedEmail, expiresAt: info.expiresAt, timeZone: info.timeZone }));
  });

  router.post("/verify", express.urlencoded({ extended: false, limit: "4kb" }), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const language = pickLanguage(req.get("accept-language"), stringParam(body.lang));
    try {
      const account = await services.verification.verify(stringParam(body.token) ?? "");
      page(res, 200, renderVerifyResult({ language, outcome: "CONNECTED", email: account.email }));
    } catch (error) {
      const outcome: VerifyOutcome = error instanceof AppError && error.code.startsWith("LINK_") ? (error.code as VerifyOutcome) : "ERROR";
      if (outcome === "ERROR") log.error({ err: error }, "verification failed");
      page(res, outcome === "ERROR" ? 500 : 400, renderVerifyResult({ language, outcome }));
    }
  });
  return router;
}

function page(res: express.Response, status: number, html: string) {
  res.status(status).set({ "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "x-robots-tag": "noindex" }).send(html);
}

function stringParam(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
