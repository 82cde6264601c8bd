import type { IncomingMessage, ServerResponse } from "node:http";
import { HeaderMap, type ApolloServer, type HTTPGraphQLResponse } from "@apollo/server";
import { GraphQLError } from "graphql";
import proxyAddress from "proxy-addr";
import type { RequestContext } from "../auth/context.js";
import { isUnreachable } from "../db/unavailable.js";
import { AppError } from "../errors.js";
import type { Logger } from "../log.js";
import type { Services } from "../services/index.js";
import type { TenantScope } from "../services/tenant-scope.js";
import type { RateLimits } from "./rate-limits.js";
import { notJson, sendError, tooLarge, UNAVAILABLE_MESSAGE } from "./refusals.js";
import { localsOf, noteCaller } from "./request-log.js";

/** A request whose client closed the connection before the whole body came: nobody to answer. */
const CLIENT_GONE = Symbol("client gone");

/** The largest GraphQL request body (an import of 10 000 rows is ~2 MB). */
export const GRAPHQL_BODY_LIMIT = 10 * 1024 * 1024;

/** `application/json`, with no parameter or a UTF-8 charset: what every GraphQL client sends. */
const PLAIN_JSON = /^application\/json\s*(;\s*charset="?utf-8"?\s*)?$/i;

export interface ContextOptions {
  services: Services;
  log: Logger;
  rateLimits: RateLimits;
  /** Proxies in front of us whose X-Forwarded-For names the client (0: none). */
  trustProxyHops: number;
}

/**
 * The context of one GraphQL request, for both ways a request reaches Apollo (the endpoint below and
 * express). The key is read once per request (by the routes' `identifyCaller` if express saw it
 * first), then counted against its rate limit.
 */
export function graphqlContext({ services, log, rateLimits, trustProxyHops }: ContextOptions): (req: IncomingMessage, res: ServerResponse) => Promise<RequestContext> {
  const trusted = (_address: string, hop: number) => hop < trustProxyHops; // express's "trust proxy" of a hop count
  return async (req, res) => {
    const done = localsOf(res).authentication;
    const authentication = done ?? await services.apiKeys.authenticate(req.headers.authorization).catch((error: unknown) => {
      if (!isUnreachable(error)) throw error;
      throw new GraphQLError(UNAVAILABLE_MESSAGE, { extensions: { code: "SERVICE_UNAVAILABLE", http: { status: 503 } } });
    });
    if (!done) noteCaller(res, authentication);
    const { principal, failure } = authentication;
    if (principal?.keyId) await rateLimits.consumeKey(principal.keyId);
    let scope: TenantScope | undefined; // one per request: the tenant is read at most once
    return {
      principal,
      authFailure: failure,
      services,
      log,
      clientAddress: proxyAddress(req, trusted) ?? "unknown",
      rateLimits,
      tenant() {
        if (!principal) throw new AppError("UNAUTHENTICATED", failure ?? "Send an API key: Authorization: Bearer <key>");
        if (!principal.tenantId) {
          throw new AppError("FORBIDDEN", "This operation works on one tenant's data: use an API key of that tenant");
        }
        scope ??= services.scopeOf({ ...principal, tenantId: principal.tenantId });
        return scope;
      },
    };
  };
}

/**
 * `POST /graphql` with a plain JSON body — every query and mutation a client sends — served on
 * node's own request and response, as Apollo's standalone server does, without express: express's
 * router, body parser and response helpers cost a bare Apollo Server half its requests/s, and were
 * ~20 % of the service's time for a small query (bench/README.md, "bench/wrk"). What is not plain (GET and the landing page, another media type or a compressed body,
 * an Idempotency-Key, a path express would also match such as `/graphql/`) goes on to express,
 * which serves it as before. The answers are the same either way: Apollo makes them.
 */
export class GraphqlEndpoint {
  constructor(
    private readonly apollo: ApolloServer<RequestContext>,
    private readonly contextOf: (req: IncomingMessage, res: ServerResponse) => Promise<RequestContext>,
    private readonly log: Logger,
    /** Requests with this header go to express (the Idempotency-Key middleware). */
    private readonly passHeader?: string,
  ) {}

  takes(req: IncomingMessage): boolean {
    if (req.method !== "POST") return false;
    const url = req.url!;
    if (url !== "/graphql" && !url.startsWith("/graphql?")) return false;
    const type = req.headers["content-type"];
    if (type === undefined || !PLAIN_JSON.test(type)) return false;
    const encoding = req.headers["content-encoding"];
    if (encoding !== undefined && encoding.toLowerCase() !== "identity") return false;
    return this.passHeader === undefined || req.headers[this.passHeader] === undefined;
  }

  serve(req: IncomingMessage, res: ServerResponse): void {
    localsOf(res).route = "/graphql";
    this.answer(req, res).catch((error: unknown) => {
      // the client went away before its body was read, or too late for a status: cut it, as express does
      if (error === CLIENT_GONE || res.headersSent) res.destroy();
      else sendError(res, error, this.log);
    });
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readJson(req);
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
    }
    const query = req.url!.indexOf("?");
    const response = await this.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: "POST", headers, search: query < 0 ? "" : req.url!.slice(query), body },
      context: () => this.contextOf(req, res),
    });
    await write(res, response);
  }
}

async function write(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === "complete") {
    res.setHeader("content-length", Buffer.byteLength(response.body.string));
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

/**
 * The body as JSON, as express.json() reads it (strict: an object or an array; empty: `{}`), at most
 * GRAPHQL_BODY_LIMIT bytes: a larger one is refused (413) as soon as it is known to be.
 */
function readJson(req: IncomingMessage): Promise<unknown> {
  if (Number(req.headers["content-length"]) > GRAPHQL_BODY_LIMIT) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const fail = (error: unknown) => {
      req.off("data", onData);
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > GRAPHQL_BODY_LIMIT) return fail(tooLarge());
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("error", () => fail(CLIENT_GONE)); // a connection reset mid-body
    req.once("close", () => req.complete || fail(CLIENT_GONE));
    req.once("end", () => {
      const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString("utf8").replace(/^\uFEFF/, "");
      if (text.length === 0) return resolve({});
      const first = /\S/.exec(text)?.[0];
      if (first !== "{" && first !== "[") return reject(notJson());
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(notJson());
      }
    });
  });
}
