import type { EventEmitter } from "node:events";
import { Agenda, type AgendaBackend } from "agenda";
import { MongoBackend } from "@agendajs/mongo-backend";
import { PostgresBackend } from "@agendajs/postgres-backend";
import { RedisBackend } from "@agendajs/redis-backend";
import pg from "pg";
import type { Logger } from "../log.js";

export type JobStoreKind = "mongodb" | "postgres" | "redis" | "embedded";

export interface JobStoreOptions {
  /** Identifies this process in the job store's locks (`lastModifiedBy`). */
  name: string;
  /** How often a worker looks for due jobs (default 1 s; bench/README.md, "Tuning"); Agenda also sets timers for jobs due before the next look. */
  processEvery?: number;
  log: Logger;
}

export function jobStoreKind(url: string, embedded: boolean): JobStoreKind {
  if (embedded) return "embedded";
  const scheme = new URL(url).protocol.replace(/:$/, "");
  if (scheme.startsWith("mongodb")) return "mongodb";
  if (scheme.startsWith("postgres")) return "postgres";
  if (scheme.startsWith("redis")) return "redis";
  throw new Error(`Unsupported job store URL scheme: ${scheme}`);
}

/**
 * Agenda on the job store that JOBS_URL names, each through Agenda's official backend. The embedded
 * store is the embedded PostgreSQL: its connections do not share LISTEN/NOTIFY, so it polls instead.
 */
export async function openJobStore(url: string, embedded: boolean, options: JobStoreOptions): Promise<JobStore> {
  const kind = jobStoreKind(url, embedded);
  // Our own pool for PostgreSQL: a connection lost while idle (a database restart) must be logged and
  // replaced, not crash the process as an unhandled 'error' event.
  const pool = kind === "postgres" || kind === "embedded" ? new pg.Pool({ connectionString: url, max: 10 }) : null;
  pool?.on("error", (error) => options.log.warn({ err: error }, "job store connection lost; reconnecting on next use"));
  const backend: AgendaBackend =
    kind === "mongodb"
      ? new MongoBackend({ address: url, collection: "agenda_jobs" })
      : kind === "redis"
        ? new RedisBackend(redisOptions(url))
        : new PostgresBackend({ pool: pool!, disableNotifications: kind === "embedded", ensureSchema: false });
  // The backends' notification channels report a lost connection as an 'error' event and reconnect
  // by themselves; unheard, that event would crash the process.
  const channel = backend.notificationChannel as unknown as Partial<EventEmitter> | undefined;
  channel?.on?.("error", (error: unknown) => options.log.warn({ err: error }, "job store notifications interrupted; reconnecting"));
  if (pool) await createSchemaOnce(pool);
  const agenda = new Agenda({
    backend,
    name: options.name,
    // A worker looks for due jobs it may lock every 250 ms. Where the store does not notify (MongoDB,
    // the embedded database) that is how soon a job due now starts; everywhere it is how soon a worker
    // whose burst just ended takes the next tenant's (one burst at a time per worker): at 1 s those
    // waits made a 5-tenant 09:00 burst 1.57–1.65× bare nodemailer, at 250 ms 1.23–1.25× (bench/README.md,
    // "Tuning"). An idle worker pays ~1 % of a core for it, and its job store as much.
    processEvery: options.processEvery ?? 250,
    defaultLockLifetime: 5 * 60_000,
  });
  return {
    kind,
    agenda,
    backend,
    close: async () => {
      await backend.disconnect();
      await pool?.end();
    },
  };
}

export interface JobStore {
  kind: JobStoreKind;
  agenda: Agenda;
  backend: AgendaBackend;
  /** Closes the store's connections (Agenda itself only closes those of a backend that made its own). */
  close(): Promise<void>;
}

/**
 * The PostgreSQL backend creates its table on connect; several workers starting at once would race
 * (concurrent CREATE … IF NOT EXISTS fails: "tuple concurrently updated"). So the schema is made
 * here, one process at a time under an advisory lock, and Agenda's own backend never makes it.
 */
async function createSchemaOnce(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock(hashtext('onboarding_agenda_schema'))");
    await new PostgresBackend({ pool, ensureSchema: true, disableNotifications: true }).connect();
  } finally {
    await client.query("SELECT pg_advisory_unlock(hashtext('onboarding_agenda_schema'))").catch(() => undefined);
    client.release();
  }
}

/**
 * `redis://host:6379/2?prefix=staging:` — the optional `prefix` separates several deployments (or
 * test runs) sharing one Redis; it is ours, so it is taken off before ioredis reads the URL.
 */
function redisOptions(url: string): { connectionString: string; keyPrefix: string } {
  const parsed = new URL(url);
  const prefix = parsed.searchParams.get("prefix");
  parsed.searchParams.delete("prefix");
  return { connectionString: parsed.toString(), keyPrefix: `${prefix ?? "onboarding:"}agenda:` };
}

/** Cheap round trip to the job store, for /readyz. */
export async function pingJobStore(agenda: Agenda): Promise<void> {
  await agenda.queryJobs({ limit: 1 });
}
