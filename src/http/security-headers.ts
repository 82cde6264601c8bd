import type { RequestHandler } from "express";
import helmet from "helmet";

/**
 * The headers every answer carries (helmet): no framing anywhere (X-Frame-Options DENY: a framed
 * verify page or dashboard could be clicked through), no content sniffing, no Referer (the verify
 * page's URL holds its token), HSTS for browsers that reached us over HTTPS, and helmet's other
 * defaults. The Content-Security-Policy is per page (`pagePolicy`): Apollo's landing page at
 * GET /graphql loads its own scripts from Apollo's CDN.
 *
 * Without a policy, helmet's headers depend on nothing in the request: they are taken from helmet
 * once, here, and the front door sets them on every answer (src/http/front-door.ts) — running
 * helmet's eleven middlewares per request was 1–2 % of a small query's time (bench/README.md).
 */
export function securityHeaders(): ReadonlyArray<readonly [string, string]> {
  const middleware = helmet({
    contentSecurityPolicy: false,
    xFrameOptions: { action: "deny" },
    referrerPolicy: { policy: "no-referrer" },
  });
  const headers = new Map<string, string>();
  const collect = {
    setHeader: (name: string, value: unknown) => void headers.set(name.toLowerCase(), String(value)),
    removeHeader: (name: string) => void headers.delete(name.toLowerCase()),
  };
  let finished = false;
  middleware({ headers: {} } as never, collect as never, () => (finished = true));
  if (!finished) throw new Error("helmet did not set its headers at once");
  return [...headers];
}

/**
 * The Content-Security-Policy of the pages we serve (the verify page, the job dashboard): scripts,
 * styles, fonts and requests only from this origin, images also as data: URIs (the dashboard's
 * Bootstrap icons), no plugins, no <base>, forms only to us, framed by no one; never inline script.
 * `styles`: the page's other style sources (the hash of its inline <style>, "'sha256-…'"). No
 * upgrade-insecure-requests: development runs on http://localhost.
 */
export function pagePolicy(options: { styles?: readonly string[] } = {}): RequestHandler {
  return helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      baseUri: ["'none'"],
      connectSrc: ["'self'"],
      fontSrc: ["'self'", "data:"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      imgSrc: ["'self'", "data:"],
      objectSrc: ["'none'"],
      scriptSrc: ["'self'"],
      scriptSrcAttr: ["'none'"],
      styleSrc: ["'self'", ...(options.styles ?? [])],
    },
  });
}

/**
 * For a handler that sets a Content-Security-Policy of its own (agendash sets one without
 * frame-ancestors): the policy already set, ours, is the one sent.
 */
export function keepPolicy(): RequestHandler {
  return (_req, res, next) => {
    const setHeader = res.setHeader.bind(res);
    res.setHeader = (name, value) => (name.toLowerCase() === "content-security-policy" ? res : setHeader(name, value));
    next();
  };
}
