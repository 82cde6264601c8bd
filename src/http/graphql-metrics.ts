import type { ApolloServerPlugin } from "@apollo/server";
import { Counter, Histogram, type Registry } from "prom-client";
import type { RequestContext } from "../auth/context.js";

/** Distinct operation names kept as labels; clients choose names, so more become "other". */
const MAX_OPERATION_NAMES = 200;
const SANE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * Counts and times GraphQL operations by operation name and outcome (`ok`, or `error` when the
 * answer holds any error). An operation without a name is "anonymous"; a request that did not
 * parse or validate is "invalid".
 */
export function graphqlMetricsPlugin(registry: Registry): ApolloServerPlugin<RequestContext> {
  const labelNames = ["operation", "outcome"] as const;
  const requests = new Counter({
    name: "onboarding_graphql_requests_total",
    help: "GraphQL operations answered, by operation name and outcome (ok, error)",
    labelNames,
    registers: [registry],
  });
  const seconds = new Histogram({
    name: "onboarding_graphql_request_duration_seconds",
    help: "Time to answer a GraphQL operation, by operation name and outcome (ok, error)",
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const names = new Set<string>();
  const operationLabel = (name: string | null | undefined): string => {
    if (name === undefined) return "invalid";
    if (name === null) return "anonymous";
    if (!SANE_NAME.test(name)) return "other";
    if (!names.has(name) && names.size >= MAX_OPERATION_NAMES) return "other";
    names.add(name);
    return name;
  };

  return {
    async requestDidStart() {
      const stop = seconds.startTimer();
      return {
        async willSendResponse({ operationName, errors, response }) {
          const answered = response.body.kind === "single" ? response.body.singleResult.errors : response.body.initialResult.errors;
          const labels = { operation: operationLabel(operationName), outcome: errors?.length || answered?.length ? "error" : "ok" };
          requests.inc(labels);
          stop(labels);
        },
      };
    },
  };
}
