import type { Server } from "node:http";
import { getOperationAST, GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { RequestContext } from "../auth/context.js";
import type { Principal } from "../auth/principal.js";
import { isUnreachable } from "../db/unavailable.js";
import { nulProblem } from "../domain/input-text.js";
import { AppError } from "../errors.js";
import type { Logger } from "../log.js";
import { findNulArgument } from "../schema/nul-arguments.js";
import type { Services } from "../services/index.js";
import type { TenantScope } from "../services/tenant-scope.js";
import { formatError, MAX_TOKENS, requestLimitRules } from "./graphql.js";
import type { RateLimits } from "./rate-limits.js";
import { UNAVAILABLE_MESSAGE } from "./refusals.js";

/** How a subscription connection ends, besides graphql-ws's own codes (4400, 4406, 4408 no connection_init within 3 s, 4409, 4429) and 1001 at shutdown. */
export const SubscriptionClose = {
  /** connection_init without `authorization`: which key? */
  NO_KEY: 4401,
  /** A key that is not valid, revoked, or not a tenant's (the operator's). */
  KEY_REFUSED: 4403,
  /** The key already holds SUBSCRIPTIONS_PER_KEY connections on this process. */
  TOO_MANY_CONNECTIONS: 4029,
  /** A subscriber that fell MAX_UNSENT_EVENTS behind (src/services/event-subscriptions.ts). */
  TOO_SLOW: 4008,
  /** The database cannot be reached to check the key: try again later (RFC 6455's 1013). */
  UNAVAILABLE: 1013,
} as const;

/** Operations one connection may run at once. */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 20;

export interface SubscriptionOptions {
  /** Connections one API key may hold on this process (Config.subscriptions.perKey). */
  perKey: number;
  rateLimits: RateLimits;
  /** How often an open connection's key is checked again (a revoked key's connection is closed with 4403); default a minute. */
  keyRecheckMs?: number;
}

const KEY_RECHECK_MS = 60_000;

type Connection = {
  principal?: Principal & { tenantId: string };
  /** The key counted against its connections (released on close). */
  counted?: string;
  /** The timer that checks the key again. */
  recheck?: NodeJS.Timeout;
};

/**
 * GraphQL subscriptions over graphql-ws on the same /graphql path as POST /graphql. The API key comes
 * in connection_init's payload as { "authorization": "Bearer <key>" }; only subscriptions run here
 * (queries and mutations go through POST /graphql, with its idempotency and limits), each with the
 * same checks as a request: the document's limits, NUL arguments, the key's request budget, roles.
 */
export function serveSubscriptions(httpServer: Server, schema: GraphQLSchema, services: Services, log: Logger, options: SubscriptionOptions): { dispose(): void | Promise<void> } {
  const webSockets = new WebSocketServer({ server: httpServer, path: "/graphql", maxPayload: 64 * 1024 });
  const connectionsOf = new Map<string, number>();
  const rules = requestLimitRules();
  const refuse = (message: string, extensions: Record<string, unknown> = {}) => new GraphQLError(message, { extensions });

  return useServer<Record<string, unknown>, Connection>(
    {
      schema,
      async onConnect(ctx) {
        const close = (code: number, reason: string) => {
          ctx.extra.socket.close(code, reason);
          return false;
        };
        const authorization = ctx.connectionParams?.authorization;
        if (typeof authorization !== "string" || authorization.trim() === "") {
          return close(SubscriptionClose.NO_KEY, 'Send an API key in connection_init: { "authorization": "Bearer <key>" }');
        }
        let principal: Principal | null;
        try {
          principal = (await services.apiKeys.authenticate(authorization)).principal;
        } catch (error) {
          if (!isUnreachable(error)) throw error;
          log.warn({ err: error }, "subscriptions: the key could not be checked");
          return close(SubscriptionClose.UNAVAILABLE, "The database cannot be reached: try again shortly");
        }
        if (ctx.extra.socket.readyState !== ctx.extra.socket.OPEN) return false; // gone while its key was checked: nothing to count
        if (!principal) return close(SubscriptionClose.KEY_REFUSED, "The API key is not valid");
        if (!principal.tenantId || !principal.keyId) return close(SubscriptionClose.KEY_REFUSED, "Subscriptions are a tenant's: use an API key of that tenant");
        const held = connectionsOf.get(principal.keyId) ?? 0;
        if (held >= options.perKey) {
          return close(SubscriptionClose.TOO_MANY_CONNECTIONS, `This API key already has ${options.perKey} subscription connections open (SUBSCRIPTIONS_PER_KEY)`);
        }
        connectionsOf.set(principal.keyId, held + 1);
        ctx.extra.counted = principal.keyId;
        ctx.extra.principal = { ...principal, tenantId: principal.tenantId };
        const keyId = principal.keyId;
        ctx.extra.recheck = setInterval(() => {
          services.apiKeys.authenticate(authorization).then(
            ({ principal: now }) => {
              if (now?.keyId !== keyId) ctx.extra.socket.close(SubscriptionClose.KEY_REFUSED, "The API key is no longer valid");
            },
            (error: unknown) => log.warn({ err: error }, "subscriptions: the key could not be checked again; the connection stays"),
          );
        }, options.keyRecheckMs ?? KEY_RECHECK_MS);
        ctx.extra.recheck.unref();
        return true;
      },

      onClose(ctx) {
        clearInterval(ctx.extra.recheck);
        const key = ctx.extra.counted;
        if (!key) return;
        ctx.extra.counted = undefined;
        const held = (connectionsOf.get(key) ?? 1) - 1;
        if (held > 0) connectionsOf.set(key, held);
        else connectionsOf.delete(key);
      },

      async onSubscribe(ctx, _id, payload) {
        const connected = ctx.extra.principal!;
        if (Object.keys(ctx.subscriptions).length > MAX_SUBSCRIPTIONS_PER_CONNECTION) {
          return [refuse(`At most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions at once on one connection`, { code: "RATE_LIMITED" })];
        }
        let document: DocumentNode;
        try {
          document = parse(payload.query, { maxTokens: MAX_TOKENS });
        } catch (error) {
          return [refuse((error as Error).message, { code: "BAD_USER_INPUT", reason: "GRAPHQL_PARSE_FAILED" })];
        }
        const invalid = validate(schema, document, rules);
        if (invalid.length) return invalid.map((e) => refuse(e.message, { code: "BAD_USER_INPUT", reason: "GRAPHQL_VALIDATION_FAILED" }));
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return [refuse("Name the operation to run (operationName)", { code: "BAD_USER_INPUT" })];
        if (operation.operation !== "subscription") {
          return [refuse("Only subscriptions run over the WebSocket; send queries and mutations with POST /graphql", { code: "BAD_USER_INPUT" })];
        }
        const nul = findNulArgument(schema, { source: payload.query, document, operation, variables: payload.variables ?? undefined });
        if (nul) return [refuse(nulProblem(nul.path), { code: "BAD_USER_INPUT", field: nul.field })];

        // the key again (revoked since the connection opened?), and its request budget
        let principal: Principal | null;
        try {
          principal = (await services.apiKeys.authenticate(String(ctx.connectionParams!.authorization))).principal;
          if (principal?.keyId) await options.rateLimits.consumeKey(principal.keyId);
        } catch (error) {
          if (error instanceof AppError) return [error];
          if (isUnreachable(error)) return [refuse(UNAVAILABLE_MESSAGE, { code: "SERVICE_UNAVAILABLE" })];
          throw error;
        }
        if (!principal || principal.keyId !== connected.keyId) {
          ctx.extra.socket.close(SubscriptionClose.KEY_REFUSED, "The API key is not valid");
          return [refuse("The API key is not valid", { code: "UNAUTHENTICATED" })];
        }
        const caller = { ...principal, tenantId: connected.tenantId };
        let scope: TenantScope | undefined;
        const contextValue: RequestContext = {
          principal: caller,
          authFailure: null,
          services,
          log,
          clientAddress: ctx.extra.request.socket.remoteAddress ?? "unknown",
          rateLimits: options.rateLimits,
          tenant: () => (scope ??= services.scopeOf(caller)),
          subscriberTooSlow: () => ctx.extra.socket.close(SubscriptionClose.TOO_SLOW, "Too slow: too many events were waiting to be sent; reconnect and read what you missed"),
        };
        return { schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue };
      },

      onNext(_ctx, _id, _payload, _args, result) {
        if (!result.errors?.length) return undefined;
        return { ...result, errors: result.errors.map((error) => formatError(error.toJSON(), error, log)) };
      },

      onError(_ctx, _id, _payload, errors) {
        return errors.map((error) => formatError(error.toJSON(), error, log));
      },
    },
    webSockets,
  );
}
