import { createHash, randomUUID } from "node:crypto";
import type { RequestHandler, Response } from "express";
import { getOperationAST, parse } from "graphql";
import type { DataSource } from "typeorm";
import { isUnreachable } from "../db/unavailable.js";
import type { IdempotencyKey } from "../entities/index.js";
import type { Logger } from "../log.js";
import { answerIdempotencyKey, findIdempotencyKey } from "../sql/answerIdempotencyKey.js";
import { claimIdempotencyKey, reclaimIdempotencyKey, type IdempotencyClaim, releaseIdempotencyKey, renewIdempotencyKey } from "../sql/claimIdempotencyKey.js";
import { deleteExpiredIdempotencyKeys } from "../sql/deleteExpiredIdempotencyKeys.js";
import type { Services } from "../services/index.js";
import type { RateLimits } from "./rate-limits.js";
import type { CallerLocals } from "./request-log.js";
import { MAX_TOKENS } from "./graphql.js";
import { Refusal, sendError } from "./refusals.js";

const HEADER = "idempotency-key";
export const MAX_KEY_LENGTH = 255;

export interface IdempotencySettings {
  /** how long a key answers its first answer again */
  keepMs: number;
  /** a claim not renewed for this long belongs to a request that died: a retry may take it over */
  staleMs: number;
  /** how often a running request renews its claim (well below staleMs) */
  renewMs: number;
  /** answers larger than this (bytes of JSON) are not kept: a retry gets CONFLICT instead of running again */
  maxAnswerBytes: number;
}

export const defaultIdempotencySettings: IdempotencySettings = { keepMs: 24 * 3600_000, staleMs: 60_000, renewMs: 15_000, maxAnswerBytes: 60_000 };

/** Codes in a 200 answer that say the request did not get done: not kept, a retry runs it. */
const NOT_DONE = new Set(["INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE", "RATE_LIMITED"]);

/**
 * The `Idempotency-Key` header of a GraphQL mutation (IETF draft "The Idempotency-Key HTTP Header
 * Field"; contract/next/events.graphql). Put after the JSON parser, before Apollo. The key is the
 * caller's API key's own: two integrations of a tenant never see each other's answers. The first
 * request claims it with an INSERT (every api process shares the table); the same body again
 * answers the kept answer (`Idempotent-Replayed: true`); another body answers CONFLICT, HTTP 422;
 * while the first still runs, CONFLICT, HTTP 409. A 5xx or rate-limited answer is not kept (the key
 * is free at once); a claim whose process died is free once it has not been renewed for `staleMs`.
 * Queries, and requests without a valid API key (nothing runs for them), ignore the header.
 */
export function idempotency(
  dataSource: DataSource,
  services: Services,
  rateLimits: Pick<RateLimits, "consumeKey">,
  log: Logger,
  settings: IdempotencySettings = defaultIdempotencySettings,
): RequestHandler {
  const manager = dataSource.manager;
  let sweptAt = 0;

  /** Lazily, at most once a minute per process and 500 rows at a time: expired keys are removed. */
  function sweep(now: Date): void {
    if (now.getTime() - sweptAt < 60_000) return;
    sweptAt = now.getTime();
    deleteExpiredIdempotencyKeys(manager, { now, limit: 500 }).catch((error: unknown) => log.warn({ err: error }, "idempotency: could not remove expired keys"));
  }

  /** Claims the key (null), or finds who holds it. A row removed between the two (expired, or released after a failure) is claimed anew. */
  async function claimOrFind(claim: IdempotencyClaim, staleBefore: Date): Promise<IdempotencyKey | null> {
    for (let attempt = 0; attempt < 3; attempt++) {
      if ((await claimIdempotencyKey(manager, claim)) || (await reclaimIdempotencyKey(manager, { ...claim, staleBefore }))) return null;
      const kept = await findIdempotencyKey(manager, claim.id);
      if (kept) return kept;
    }
    throw new Refusal(409, "CONFLICT", "Requests with this Idempotency-Key keep arriving together: retry after a moment");
  }

  return async (req, res, next) => {
    try {
      const header = req.headers[HEADER];
      if (header === undefined || req.method !== "POST" || !isMutation(req.body)) return next();
      const key = Array.isArray(header) ? header.join(", ") : header;
      if (key.length === 0 || key.length > MAX_KEY_LENGTH) {
        throw new Refusal(400, "BAD_USER_INPUT", `The Idempotency-Key header must have 1 to ${MAX_KEY_LENGTH} characters`, { field: "Idempotency-Key" });
      }
      const locals = res.locals as CallerLocals;
      locals.authentication ??= await services.apiKeys.authenticate(req.headers.authorization); // the GraphQL context reuses it
      const principal = locals.authentication.principal;
      if (!principal) return next(); // refused as UNAUTHENTICATED: nothing runs

      const now = services.clock.now();
      sweep(now);
      const claim = {
        id: sha256(`${principal.keyId ?? "operator"}\n${key}`),
        fingerprint: sha256(JSON.stringify(req.body)),
        claimId: randomUUID(),
        now,
        expiresAt: new Date(now.getTime() + settings.keepMs),
      };
      const staleBefore = new Date(now.getTime() - settings.staleMs);
      const kept = await claimOrFind(claim, staleBefore);
      if (kept) {
        if (principal.keyId) await rateLimits.consumeKey(principal.keyId); // Apollo's context counts the requests that run
        if (kept.fingerprint !== claim.fingerprint) {
          throw new Refusal(422, "CONFLICT", "This Idempotency-Key was used for another request in the last 24 hours: use a new key for a new request");
        }
        if (kept.status === null) throw new Refusal(409, "CONFLICT", "A request with this Idempotency-Key is still running: retry after it has answered");
        if (kept.body === null) {
          throw new Refusal(409, "CONFLICT", "The request with this Idempotency-Key was done, but its answer was too large to keep: read the result with a query");
        }
        res.status(kept.status).set("idempotent-replayed", "true").type("application/json").send(kept.body);
        return;
      }
      keepAnswer(res, claim, settings, manager, services, log);
      next();
    } catch (error) {
      sendError(res, error, log);
    }
  };
}

/** Holds the claim while the request runs, then keeps its answer (before the client sees it) or lets the key go. */
function keepAnswer(
  res: Response,
  claim: { id: string; claimId: string },
  settings: IdempotencySettings,
  manager: DataSource["manager"],
  services: Services,
  log: Logger,
): void {
  const renew = setInterval(() => {
    renewIdempotencyKey(manager, { ...claim, now: services.clock.now() }).catch((error: unknown) => log.warn({ err: error }, "idempotency: could not renew a claim"));
  }, settings.renewMs);
  renew.unref();
  let settled = false;
  const settle = async (answer: { status: number; body: string | null } | null) => {
    if (settled) return;
    settled = true;
    clearInterval(renew);
    try {
      if (answer) await answerIdempotencyKey(manager, { ...claim, ...answer });
      else await releaseIdempotencyKey(manager, claim);
    } catch (error) {
      // the claim goes stale and a retry may run the request again: logged, the answer still goes out
      (isUnreachable(error) ? log.warn : log.error).call(log, { err: error }, "idempotency: could not keep an answer");
    }
  };
  res.on("finish", () => void settle(null)); // sent without res.send (a stream): nothing to keep, the key is free again
  const send = res.send.bind(res);
  res.send = ((body?: unknown) => {
    res.send = send;
    const text = typeof body === "string" ? body : Buffer.isBuffer(body) ? body.toString("utf8") : JSON.stringify(body);
    const kept = !isNotDone(res.statusCode, text);
    const tooLarge = Buffer.byteLength(text) > settings.maxAnswerBytes;
    void settle(kept ? { status: res.statusCode, body: tooLarge ? null : text } : null).finally(() => send(body));
    return res;
  }) as Response["send"];
}

function isNotDone(status: number, body: string): boolean {
  if (status >= 500 || status === 429) return true;
  try {
    const parsed = JSON.parse(body) as { errors?: { extensions?: { code?: unknown } }[] };
    return parsed.errors?.some((e) => NOT_DONE.has(String(e.extensions?.code))) ?? false;
  } catch {
    return true; // not JSON: not ours to keep
  }
}

/** Whether the GraphQL request in `body` runs a mutation; anything Apollo will refuse (no query, a syntax error) is not. */
function isMutation(body: unknown): boolean {
  const { query, operationName } = (body ?? {}) as { query?: unknown; operationName?: unknown };
  if (typeof query !== "string") return false;
  try {
    const operation = getOperationAST(parse(query, { maxTokens: MAX_TOKENS }), typeof operationName === "string" ? operationName : undefined);
    return operation?.operation === "mutation";
  } catch {
    return false;
  }
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
