import type { IncomingMessage, ServerResponse } from "node:http";
import type { ErrorRequestHandler } from "express";
import { isUnreachable } from "../db/unavailable.js";
import { AppError, type ErrorCode } from "../errors.js";
import type { Logger } from "../log.js";

/** The contract's codes, and the two a client sees when the failure is ours, not its request's. */
export type HttpErrorCode = ErrorCode | "INTERNAL_SERVER_ERROR" | "SERVICE_UNAVAILABLE";

/** Every code with its HTTP status: a new contract code does not compile until it has one. */
export const httpStatusOf: Record<HttpErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  LICENSE_REQUIRED: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  LINK_EXPIRED: 400,
  LINK_USED: 400,
  LINK_INVALID: 400,
  RATE_LIMITED: 429,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503, // not a refusal: retry later
};

export const UNAVAILABLE_MESSAGE = "The service is temporarily unavailable: its database cannot be reached. Try again shortly.";

/**
 * What a non-GraphQL route answers for a failure: status, contract code, message, and `extensions`
 * beside the code. Built from any thrown thing by `refusalOf`; thrown directly for what only HTTP
 * can say (413 too large, 415 wrong media type).
 */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: HttpErrorCode,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "Refusal";
  }
}

/** A service's AppError keeps its code, message and details; an unreachable store is 503; anything else is logged and shown as a generic 500. */
export function refusalOf(error: unknown, log: Logger): Refusal {
  if (error instanceof Refusal) return error;
  if (error instanceof AppError) {
    // `http` is Apollo's instruction for the GraphQL answer (rate limits set it), not part of the body
    const { code: _code, http: _http, ...extensions } = error.extensions;
    return new Refusal(httpStatusOf[error.code], error.code, error.message, extensions);
  }
  if (isUnreachable(error)) {
    log.warn({ err: error }, "a store is unreachable");
    return new Refusal(503, "SERVICE_UNAVAILABLE", UNAVAILABLE_MESSAGE);
  }
  log.error({ err: error }, "internal error while answering an HTTP request");
  return new Refusal(500, "INTERNAL_SERVER_ERROR", "Internal server error");
}

/** The one writer of JSON errors: `{ errors: [{ message, extensions: { code, … } }] }`, as GraphQL answers them. */
export function sendError(res: ServerResponse, error: unknown, log: Logger): void {
  const refusal = refusalOf(error, log);
  const req = res.req;
  if (!req.complete && hasBody(req)) {
    // Answer now and drop the rest of the upload rather than read a body we refused.
    res.setHeader("connection", "close");
    req.resume();
  }
  sendJson(res, refusal.status, { errors: [{ message: refusal.message, extensions: { code: refusal.code, ...refusal.extensions } }] });
}

/** A JSON answer on a plain node response (express's `res.json` is not there in front of express). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.setHeader("content-length", Buffer.byteLength(text));
  res.end(res.req.method === "HEAD" ? undefined : text);
}

/** The last handler: a body the parsers refused (malformed, too large) or anything a route let through, as a JSON error, never an HTML page with a stack. */
export function finalErrorHandler(log: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) return next(error); // Express cuts the connection: too late for a status
    sendError(res, bodyRefusal(error) ?? error, log);
  };
}

/** body-parser's errors carry a 4xx `status`; its messages are not ours to show. */
function bodyRefusal(error: unknown): Refusal | undefined {
  if (error instanceof Refusal) return undefined;
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status !== "number" || status < 400 || status >= 500) return undefined;
  return status === 413 ? tooLarge() : notJson(status);
}

/** The refusals of a request body, the same from body-parser and from the GraphQL endpoint's own reader. */
export const tooLarge = () => new Refusal(413, "BAD_USER_INPUT", "The request is too large");
export const notJson = (status = 400) => new Refusal(status, "BAD_USER_INPUT", "The request body is not valid JSON");

function hasBody(req: IncomingMessage): boolean {
  return req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
}
