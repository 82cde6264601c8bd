import { randomUUID } from "node:crypto";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { securityHeaders } from "./security-headers.js";

/** An incoming request id we keep: a plain token, short enough for any log store. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Told of every request once its answer has gone out, or its client went away (the request log, the metrics). */
export type Observer = (req: IncomingMessage, res: ServerResponse, reqId: string, ms: number) => void;

/** A route served on node's own request and response, for the requests it takes (src/http/graphql-endpoint.ts). */
export interface DirectRoute {
  takes(req: IncomingMessage): boolean;
  serve(req: IncomingMessage, res: ServerResponse): void;
}

/**
 * What every request passes first, before any route: the security headers, its id (`x-request-id`:
 * the caller's if it is a sane token, else a new one; echoed in the answer), `res.locals` (which
 * express keeps), and the observers at its end. Then the direct route if it takes the request, else
 * express (`rest`).
 */
export function frontDoor(rest: RequestListener, options: { observers: Observer[]; direct?: DirectRoute }): RequestListener {
  const headers = securityHeaders();
  const { observers, direct } = options;
  return (req, res) => {
    (res as ServerResponse & { locals: object }).locals = Object.create(null);
    for (const [name, value] of headers) res.setHeader(name, value);
    const given = req.headers["x-request-id"];
    const reqId = typeof given === "string" && SANE_REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader("x-request-id", reqId);
    if (observers.length > 0) {
      const started = performance.now();
      res.once("close", () => {
        const ms = performance.now() - started;
        for (const observe of observers) observe(req, res, reqId, ms);
      });
    }
    if (direct?.takes(req)) direct.serve(req, res);
    else rest(req, res);
  };
}
