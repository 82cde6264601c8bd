import { isIP } from "node:net";
import path from "node:path";
import { z } from "zod";

/** Every setting of the service, read from the environment and validated once, at start. */
export interface Config {
  port: number;
  /** `mysql://…` or `postgres://…`; undefined runs the embedded database in `dataDir`. */
  databaseUrl: string | undefined;
  /** `mongodb://…`, `postgres://…` or `redis://…`; undefined runs the embedded job store in `dataDir`. */
  jobsUrl: string | undefined;
  /** `smtp://…` or `smtps://…`; undefined writes each mail as an .eml file in `dataDir`. */
  smtpUrl: string | undefined;
  mailFrom: string;
  publicBaseUrl: string;
  /** undefined: a key is generated once and kept in `dataDir`. */
  operatorApiKey: string | undefined;
  dataDir: string;
  role: "all" | "api" | "worker";
  /**
   * The CPU priority (nice, 0–19) a ROLE=worker process gives itself at start: a burst of sends then
   * yields the CPU to api processes and the database on the same machine (0: unchanged).
   */
  workerNice: number;
  /** NODE_ENV=production. */
  production: boolean;
  /** Schema introspection: on in development, off in production (NODE_ENV=production) unless enabled. */
  introspection: boolean;
  /** Requests a minute: per client address on the public operations (/verify, linkInfo, verifyInvitation), per API key elsewhere. */
  rateLimits: { publicPerMinute: number; perKeyPerMinute: number };
  /**
   * How long a process remembers a key it has found valid (its id, name, tenant and roles; never the
   * tenant's data), 0: not at all. A key revoked in the database keeps working that long.
   */
  apiKeyCacheMs: number;
  /** Express's `trust proxy`: how many proxies in front of us may set X-Forwarded-For (0: none). */
  trustProxyHops: number;
  /** A bearer token for /metrics besides the operator key (for a Prometheus scraper). */
  metricsToken: string | undefined;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** One SMTP delivery at most, queueing in the mailer's pool included; then it counts as refused. */
  smtpSendTimeoutMs: number;
  /**
   * How long a worker's claim holds an invitation it sends. Longer than the send timeout by at least
   * SEND_LEASE_MARGIN_MS, so that a claim never runs out while its send can still succeed.
   */
  sendLeaseMs: number;
  /** How long temporary SMTP refusals are retried, from the first attempt, before the invitation FAILS (R10). */
  sendRetryMs: number;
  /**
   * The DNS servers that domain proofs (R12) are looked up with, as `ip:port` (`[ipv6]:port`);
   * undefined: the system's resolvers.
   */
  dnsServers: string[] | undefined;
  /** Subscriptions over graphql-ws (src/http/subscriptions.ts, src/services/event-feed.ts). */
  subscriptions: {
    /** WebSocket connections one API key may hold open on one api process. */
    perKey: number;
    /** How often an api process with subscribers reads the events committed since its last read. */
    pollMs: number;
    /**
     * How far back each read looks again for events committed late (a long transaction, another
     * host's clock behind ours): an event whose id is older than this when it commits is missed.
     */
    overlapMs: number;
  };
  /**
   * Webhook endpoints may be (or resolve to) loopback, private, link-local or other non-public
   * addresses (WEBHOOK_ALLOW_PRIVATE_TARGETS=true: on-premises receivers, tests). Off: refused (R11, SSRF).
   */
  webhookAllowPrivateTargets: boolean;
}

/** What a lease must have beyond the send timeout: the time to record the send once the SMTP server accepted it. */
export const SEND_LEASE_MARGIN_MS = 30_000;

export class ConfigError extends Error {
  override name = "ConfigError";
}

const optionalUrl = (variable: string, schemes: string[]) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value) => (value === "" ? undefined : value))
    .refine((value) => value === undefined || hasScheme(value, schemes), {
      message: `${variable} must be a URL starting with ${schemes.map((s) => `${s}://`).join(", ")}`,
    });

function hasScheme(value: string, schemes: string[]): boolean {
  try {
    const url = new URL(value);
    return schemes.includes(url.protocol.replace(/:$/, "")) && (url.host !== "" || url.protocol.startsWith("mongodb"));
  } catch {
    return false;
  }
}

const positiveInt = (variable: string, fallback: string) =>
  z
    .string()
    .trim()
    .default(fallback)
    .refine((v) => /^\d{1,9}$/.test(v) && Number(v) > 0, { message: `${variable} must be a whole number above 0` })
    .transform(Number);

const DNS_SERVERS_MESSAGE = "DNS_SERVERS must be IP addresses with an optional port, comma-separated, e.g. 192.0.2.53:53,[2001:db8::53]:53";

/** `ip`, `ip:port`, `[ipv6]` or `[ipv6]:port` → `ip:port` / `[ipv6]:port` (what dns.Resolver.setServers takes); null: not one. */
export function parseDnsServer(entry: string): string | null {
  const match = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(entry) ?? (isIP(entry) === 6 ? [entry, entry, undefined] : /^([^:]+)(?::(\d{1,5}))?$/.exec(entry));
  if (!match) return null;
  const [, host, portText] = match;
  const port = portText === undefined ? 53 : Number(portText);
  const family = isIP(host!);
  if (family === 0 || port < 1 || port > 65535) return null;
  return family === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

const environment = z.object({
  PORT: z
    .string()
    .trim()
    .default("4000")
    .refine((v) => /^\d{1,5}$/.test(v) && Number(v) <= 65535, { message: "PORT must be an integer from 0 to 65535" })
    .transform(Number),
  DATABASE_URL: optionalUrl("DATABASE_URL", ["mysql", "mariadb", "postgres", "postgresql"]),
  JOBS_URL: optionalUrl("JOBS_URL", ["mongodb", "mongodb+srv", "postgres", "postgresql", "redis", "rediss"]),
  SMTP_URL: optionalUrl("SMTP_URL", ["smtp", "smtps"]),
  MAIL_FROM: z
    .string()
    .trim()
    .optional()
    .refine((v) => v === undefined || v === "" || /^(?:[^<>]*<)?[^\s@<>]+@[^\s@<>]+\.?[^\s@<>]*>?$/.test(v), {
      message: 'MAIL_FROM must be an address, e.g. no-reply@example.com or "Onboarding <no-reply@example.com>"',
    }),
  PUBLIC_BASE_URL: optionalUrl("PUBLIC_BASE_URL", ["http", "https"]),
  OPERATOR_API_KEY: z
    .string()
    .optional()
    .transform((v) => (v === "" ? undefined : v))
    .refine((v) => v === undefined || (v.length >= 32 && !/\s/.test(v)), {
      message: "OPERATOR_API_KEY must be at least 32 characters without spaces (e.g. `openssl rand -base64 32`)",
    }),
  DATA_DIR: z.string().trim().default("./.data"),
  ROLE: z
    .string()
    .trim()
    .default("all")
    .refine((v): v is Config["role"] => ["all", "api", "worker"].includes(v), { message: "ROLE must be all, api or worker" }),
  WORKER_NICE: z
    .string()
    .trim()
    .default("10")
    .refine((v) => /^\d{1,2}$/.test(v) && Number(v) <= 19, { message: "WORKER_NICE must be a nice value from 0 to 19 (0: unchanged)" })
    .transform(Number),
  NODE_ENV: z.string().trim().optional(),
  GRAPHQL_INTROSPECTION: z
    .string()
    .trim()
    .optional()
    .refine((v) => v === undefined || v === "" || ["true", "false"].includes(v), { message: "GRAPHQL_INTROSPECTION must be true or false" }),
  RATE_LIMIT_PUBLIC_PER_MINUTE: positiveInt("RATE_LIMIT_PUBLIC_PER_MINUTE", "30"),
  RATE_LIMIT_KEY_PER_MINUTE: positiveInt("RATE_LIMIT_KEY_PER_MINUTE", "1200"),
  API_KEY_CACHE_SECONDS: z
    .string()
    .trim()
    .default("10")
    .refine((v) => /^\d{1,4}$/.test(v), { message: "API_KEY_CACHE_SECONDS must be a whole number of seconds (0: off)" })
    .transform(Number),
  TRUST_PROXY_HOPS: z
    .string()
    .trim()
    .default("0")
    .refine((v) => /^\d{1,2}$/.test(v), { message: "TRUST_PROXY_HOPS must be the number of proxies in front of the service (0 to 99)" })
    .transform(Number),
  METRICS_TOKEN: z
    .string()
    .optional()
    .transform((v) => (v === "" ? undefined : v))
    .refine((v) => v === undefined || (v.length >= 32 && !/\s/.test(v)), { message: "METRICS_TOKEN must be at least 32 characters without spaces" }),
  SMTP_SEND_TIMEOUT_SECONDS: positiveInt("SMTP_SEND_TIMEOUT_SECONDS", "60"),
  SEND_LEASE_SECONDS: positiveInt("SEND_LEASE_SECONDS", "120"),
  SEND_RETRY_HOURS: positiveInt("SEND_RETRY_HOURS", "72"),
  DNS_SERVERS: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === "" ? undefined : v.split(",").map((entry) => parseDnsServer(entry.trim()))))
    .refine((servers): servers is string[] | undefined => servers === undefined || servers.every((s) => s !== null), { message: DNS_SERVERS_MESSAGE }),
  SUBSCRIPTIONS_PER_KEY: positiveInt("SUBSCRIPTIONS_PER_KEY", "20"),
  SUBSCRIPTIONS_POLL_MS: z
    .string()
    .trim()
    .default("200")
    .refine((v) => /^\d{1,5}$/.test(v) && Number(v) >= 10, { message: "SUBSCRIPTIONS_POLL_MS must be a whole number of milliseconds, at least 10" })
    .transform(Number),
  SUBSCRIPTIONS_OVERLAP_SECONDS: positiveInt("SUBSCRIPTIONS_OVERLAP_SECONDS", "10"),
  WEBHOOK_ALLOW_PRIVATE_TARGETS: z
    .string()
    .trim()
    .optional()
    .refine((v) => v === undefined || v === "" || ["true", "false"].includes(v), { message: "WEBHOOK_ALLOW_PRIVATE_TARGETS must be true or false" }),
  LOG_LEVEL: z
    .string()
    .trim()
    .default("info")
    .refine((v): v is Config["logLevel"] => ["fatal", "error", "warn", "info", "debug", "trace", "silent"].includes(v), {
      message: "LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent",
    }),
});

/**
 * Parses the environment. Throws a ConfigError whose message is one line naming the variable and
 * what it allows, so that a wrong deployment stops at once and says why.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environment.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? "environment");
    const given = env[variable];
    const shown = variable.includes("KEY") || variable.includes("TOKEN") || given === undefined ? "" : ` (got "${redactUrl(given)}")`;
    throw new ConfigError(`Invalid configuration: ${issue.message.startsWith(variable) ? issue.message : `${variable}: ${issue.message}`}${shown}`);
  }
  const e = parsed.data;
  const role = e.ROLE as Config["role"];
  if (role !== "all" && (e.DATABASE_URL === undefined || e.JOBS_URL === undefined)) {
    throw new ConfigError(
      `Invalid configuration: ROLE=${role} needs DATABASE_URL and JOBS_URL: the embedded database and job store belong to one process (ROLE=all)`,
    );
  }
  if (e.SEND_LEASE_SECONDS * 1000 < e.SMTP_SEND_TIMEOUT_SECONDS * 1000 + SEND_LEASE_MARGIN_MS) {
    throw new ConfigError(
      `Invalid configuration: SEND_LEASE_SECONDS (${e.SEND_LEASE_SECONDS}) must be at least SMTP_SEND_TIMEOUT_SECONDS (${e.SMTP_SEND_TIMEOUT_SECONDS}) + ${SEND_LEASE_MARGIN_MS / 1000}: a send must never outlast its claim`,
    );
  }
  return {
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    jobsUrl: e.JOBS_URL,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM || "Onboarding <no-reply@localhost>",
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ""),
    operatorApiKey: e.OPERATOR_API_KEY,
    dataDir: path.resolve(e.DATA_DIR),
    role,
    workerNice: e.WORKER_NICE,
    production: e.NODE_ENV === "production",
    introspection: e.GRAPHQL_INTROSPECTION ? e.GRAPHQL_INTROSPECTION === "true" : e.NODE_ENV !== "production",
    rateLimits: { publicPerMinute: e.RATE_LIMIT_PUBLIC_PER_MINUTE, perKeyPerMinute: e.RATE_LIMIT_KEY_PER_MINUTE },
    apiKeyCacheMs: e.API_KEY_CACHE_SECONDS * 1000,
    trustProxyHops: e.TRUST_PROXY_HOPS,
    metricsToken: e.METRICS_TOKEN,
    logLevel: e.LOG_LEVEL as Config["logLevel"],
    smtpSendTimeoutMs: e.SMTP_SEND_TIMEOUT_SECONDS * 1000,
    sendLeaseMs: e.SEND_LEASE_SECONDS * 1000,
    sendRetryMs: e.SEND_RETRY_HOURS * 3_600_000,
    dnsServers: e.DNS_SERVERS as string[] | undefined,
    subscriptions: { perKey: e.SUBSCRIPTIONS_PER_KEY, pollMs: e.SUBSCRIPTIONS_POLL_MS, overlapMs: e.SUBSCRIPTIONS_OVERLAP_SECONDS * 1000 },
    webhookAllowPrivateTargets: e.WEBHOOK_ALLOW_PRIVATE_TARGETS === "true",
  };
}

/** Hides a password in a URL so that it never reaches a log or an error line. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = "***";
    return url.toString();
  } catch {
    return value;
  }
}
