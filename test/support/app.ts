import { randomBytes } from "node:crypto";
import { App, type AppOptions } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { createLogger, type Logger } from "../../src/log.js";
import type { TestSmtp } from "./smtp.js";

export interface TestApp {
  app: App;
  url: string;
  operatorKey: string;
  /** POSTs a GraphQL request to the real HTTP endpoint, as a client would. */
  gql<T = any>(query: string, variables?: Record<string, unknown>, key?: string): Promise<GraphQLResponse<T>>;
  stop(): Promise<void>;
}

export interface GraphQLResponse<T> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string; [k: string]: unknown } }[];
}

/**
 * Starts the whole service in this process on a free port, configured through the same environment
 * variables as production (`env`), and answers through HTTP.
 */
export async function startTestApp(env: Record<string, string>, options: AppOptions & { beforeStart?: (app: App) => void; log?: Logger } = {}): Promise<TestApp> {
  // rate limits far above what a test sends, unless the test is about them
  const config = loadConfig({
    PORT: "0",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    RATE_LIMIT_PUBLIC_PER_MINUTE: "100000",
    RATE_LIMIT_KEY_PER_MINUTE: "100000",
    ...env,
    // each app its own jobs in a shared Redis: another test's worker must not run them
    ...(env.JOBS_URL?.startsWith("redis") && !env.JOBS_URL.includes("prefix=") ? { JOBS_URL: `${env.JOBS_URL}?prefix=test-${randomBytes(4).toString("hex")}:` } : {}),
  });
  // a short job lock: Agenda's liveness check of a finished job otherwise holds the test process for a minute
  const app = await App.create(config, options.log ?? createLogger(config.logLevel), { ...options, jobTuning: { lockLifetimeMs: 4000, ...options.jobTuning } });
  options.beforeStart?.(app);
  await app.start();
  return {
    app,
    url: app.url,
    operatorKey: app.operatorKey.key,
    gql: (query, variables, key) => postGraphQL(app.url, query, variables, key),
    stop: () => app.stop(2000),
  };
}

export async function postGraphQL<T>(baseUrl: string, query: string, variables?: Record<string, unknown>, key?: string): Promise<GraphQLResponse<T>> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, ...((await response.json()) as object) };
}

/** The contract's error code of the first error, for assertions. */
export const errorCode = (response: GraphQLResponse<unknown>) => response.errors?.[0]?.extensions?.code;

/** Fresh stores for one suite (a database, a job store, a data folder) and how to remove them. */
export type Environment = () => Promise<{ env: Record<string, string>; cleanup: () => Promise<void> }>;

/**
 * The service on fresh stores of `environment`, mailing through `smtp` with links on
 * https://onboarding.example.com and no sweep unless `options` asks for one; `stop` also removes the stores.
 */
export async function startOn(
  environment: Environment,
  smtp: TestSmtp,
  options: AppOptions & { env?: Record<string, string> } = {},
): Promise<{ t: TestApp; stop: () => Promise<void> }> {
  const stores = await environment();
  try {
    const t = await startTestApp(
      { ...stores.env, SMTP_URL: smtp.url, PUBLIC_BASE_URL: "https://onboarding.example.com", ...options.env },
      { ...options, jobTuning: { sweepInterval: "1 hour", ...options.jobTuning } },
    );
    return { t, stop: () => t.stop().finally(stores.cleanup) };
  } catch (error) {
    await stores.cleanup();
    throw error;
  }
}
