import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloArmor } from "@escape.tech/graphql-armor";
import { ApolloServerPluginCacheControlDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { unwrapResolverError } from "@apollo/server/errors";
import { specifiedRules, type GraphQLFormattedError, type GraphQLSchema, type ValidationRule } from "graphql";
import type { Server } from "node:http";
import type { RequestContext } from "../auth/context.js";
import { isUnreachable } from "../db/unavailable.js";
import { nulProblem } from "../domain/input-text.js";
import { AppError } from "../errors.js";
import type { Logger } from "../log.js";
import { findNulArgument } from "../schema/nul-arguments.js";
import { UNAVAILABLE_MESSAGE } from "./refusals.js";

/** Codes a client may see. Anything else is an internal failure: logged in full, shown as a generic message. */
const CONTRACT_CODES = new Set([
  "BAD_USER_INPUT",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "LICENSE_REQUIRED",
  "LINK_EXPIRED",
  "LINK_USED",
  "LINK_INVALID",
  "RATE_LIMITED",
  "SERVICE_UNAVAILABLE", // not a refusal: a store is unreachable, retry later (HTTP 503)
]);
/** Apollo's own codes for a request that is not valid GraphQL: the client must fix its input. */
const REQUEST_CODES = new Set(["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_REQUEST", "OPERATION_RESOLUTION_FAILURE"]);

/** An answer with a SERVICE_UNAVAILABLE error goes out as HTTP 503, so that clients and balancers retry. */
const unavailableStatus: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        const errors = response.body.kind === "single" ? response.body.singleResult.errors : undefined;
        if (errors?.some((e) => e.extensions?.code === "SERVICE_UNAVAILABLE")) response.http.status = 503;
      },
    };
  },
};

/**
 * A NUL character in any string argument — a name, an id, a key, a cursor, a reason — is the caller's
 * mistake (src/domain/input-text.ts), refused here for every operation before a resolver runs:
 * BAD_USER_INPUT naming the argument, HTTP 400 like any argument GraphQL itself cannot accept. An
 * import's rows are left to its row check, so that only the row fails.
 */
const refuseNulArguments: ApolloServerPlugin<RequestContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ schema, source, document, operation, request }) {
        const nul = operation ? findNulArgument(schema, { source, document, operation, variables: request.variables }) : null;
        if (nul) throw new AppError("BAD_USER_INPUT", nulProblem(nul.path), { field: nul.field, http: { status: 400 } });
      },
    };
  },
};

interface ValidationFailure {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationFailure[];
}

/** Tokens one document may have: graphql-js's parser stops there, before it builds a tree of the rest. */
export const MAX_TOKENS = 2000;

/**
 * Limits on what one request may ask: depth, aliases, directives, tokens and an estimated cost, so
 * that a hostile or careless query cannot make the server walk the whole tenant. Generous for the
 * contract's real queries (the deepest is about 6 levels). The token limit is graphql-js's own
 * (`parseOptions.maxTokens`): armor's parses the document a second time in a hook, outside Apollo's
 * parse step, so any syntax error there became a 500 and an error in our log instead of a 400.
 */
const armor = new ApolloArmor({
  maxDepth: { n: 10 },
  maxAliases: { n: 20 },
  maxDirectives: { n: 20 },
  maxTokens: { enabled: false },
  costLimit: { maxCost: 5000 },
  blockFieldSuggestion: { enabled: true },
});

/** The same limits for an operation that does not come through Apollo (a subscription over graphql-ws). */
export function requestLimitRules(): ValidationRule[] {
  return [...specifiedRules, ...(armor.protect().validationRules as ValidationRule[])];
}

export function createApollo(schema: GraphQLSchema, httpServer: Server, log: Logger, options: { introspection: boolean }): ApolloServer<RequestContext> {
  const protection = armor.protect();
  return new ApolloServer<RequestContext>({
    schema,
    introspection: options.introspection,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    parseOptions: { maxTokens: MAX_TOKENS },
    validationRules: protection.validationRules,
    logger: log, // Apollo's own messages as our JSON lines
    // armor is typed against Apollo's CommonJS build, we run its ESM build: the same plugin interface
    // no cache hints in this schema: Apollo's cache-control plugin would only spend time on every field (bench/status)
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginCacheControlDisabled(),
      unavailableStatus,
      refuseNulArguments,
      ...(protection.plugins as unknown as ApolloServerPlugin<RequestContext>[]),
    ],
    formatError: (formatted, error) => formatError(formatted, error, log),
  });
}

export function formatError(formatted: GraphQLFormattedError, error: unknown, log: Logger): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const code = String(formatted.extensions?.code ?? "");
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };

  if (original instanceof AppError) return { ...base, extensions: { ...formatted.extensions, code: original.code } };
  if (code === "BAD_USER_INPUT" && Array.isArray(formatted.extensions?.validationErrors)) {
    const failures = formatted.extensions.validationErrors as ValidationFailure[];
    return { ...base, message: describe(failures).join("; ") || "Invalid input", extensions: { code } };
  }
  if (CONTRACT_CODES.has(code)) return { ...base, extensions: { code } };
  if (REQUEST_CODES.has(code)) return { ...base, extensions: { code: "BAD_USER_INPUT", reason: code } };

  if (isUnreachable(original) || isUnreachable(error)) {
    log.warn({ err: original, path: formatted.path }, "a store is unreachable");
    return { message: UNAVAILABLE_MESSAGE, path: formatted.path, extensions: { code: "SERVICE_UNAVAILABLE" } };
  }
  log.error({ err: original, path: formatted.path }, "internal error while answering a GraphQL request");
  return { message: "Internal server error", path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR" } };
}

/** class-validator's nested failures as "input.firstName: firstName must be shorter than …". */
function describe(failures: ValidationFailure[], prefix = ""): string[] {
  return failures.flatMap((failure) => {
    const where = prefix ? `${prefix}.${failure.property}` : failure.property;
    const own = Object.values(failure.constraints ?? {}).map((message) => `${where}: ${message}`);
    return [...own, ...describe(failure.children ?? [], where)];
  });
}
