import { RateLimiterMemory, RateLimiterMySQL, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { DataSource } from "typeorm";
import { AppError } from "../errors.js";
import { RateLimitCounter } from "../entities/rate-limit.js";
import type { Logger } from "../log.js";

export interface RateLimitSettings {
  publicPerMinute: number;
  perKeyPerMinute: number;
}

/**
 * Requests a minute per client address on the public operations (a link's page and its
 * confirmation: the only door a token-guesser has) and per API key everywhere else.
 *
 * The public counts are shared by every api process, in the database's `rate_limit` table: behind
 * a balancer, N processes must not give a guesser N times the budget. They are rare (a hire opens
 * one link once or twice), so the statements they cost do not matter; once an address is over its
 * limit, each process remembers that until the minute ends and asks the database no more (a flood
 * costs one statement per process and minute). If the database cannot be reached, each process
 * counts in its own memory meanwhile (and logs that, once a minute). The embedded database belongs
 * to one process: there the counts stay in memory.
 *
 * The per-key counts are consumed on every authenticated request, the hot path that clients poll,
 * where the store's statements (four on MySQL: a transaction with an upsert and a read) would cost
 * more than the one query they guard (bench/README.md). So each process counts a key in its own
 * memory and, every `keySyncMs` (1 s), adds what it counted to the key's shared count in the same
 * table, learning the total: a key over its limit in total is refused by every process that uses it
 * from then until its minute ends. Between two syncs a process may let a key exceed its limit by
 * what it takes in that second; a process alone never lets it exceed its limit.
 */
export class RateLimits {
  private readonly publicShared: RateLimiterAbstract | null;
  private readonly publicLocal: RateLimiterMemory;
  private readonly keyLimiter: RateLimiterMemory;
  private readonly keyShared: RateLimiterAbstract | null;
  /** per key, the requests this process let through since its last sync */
  private keyCounted = new Map<string, number>();
  /** per key over its shared limit, until when (ms since the epoch) */
  private readonly keyRefused = new Map<string, number>();
  private readonly keySync: NodeJS.Timeout | null = null;
  private syncing = false;
  private storeDownLoggedAt = 0;

  /** `shared`: the database of the shared counts; without it everything is counted in this process. */
  constructor(
    private readonly settings: RateLimitSettings,
    private readonly shared?: { dataSource: DataSource; log: Logger; keySyncMs?: number },
  ) {
    const points = settings.publicPerMinute;
    this.publicShared = shared ? sharedLimiter(shared.dataSource, { keyPrefix: "public", points, duration: 60 }) : null;
    this.publicLocal = new RateLimiterMemory({ keyPrefix: "public", points, duration: 60 });
    this.keyLimiter = new RateLimiterMemory({ keyPrefix: "key", points: settings.perKeyPerMinute, duration: 60 });
    // the public limiter's timer already deletes the table's expired rows, of every prefix
    const keyOptions = { keyPrefix: "key", points: settings.perKeyPerMinute, duration: 60, clearExpiredByTimeout: false };
    this.keyShared = shared ? sharedLimiter(shared.dataSource, keyOptions) : null;
    if (this.keyShared) {
      this.keySync = setInterval(() => void this.syncKeys(), shared?.keySyncMs ?? 1000);
      this.keySync.unref();
    }
  }

  /** Stops syncing the per-key counts (before the database closes). */
  close(): void {
    if (this.keySync) clearInterval(this.keySync);
  }

  /** Throws RATE_LIMITED when `clientAddress` has used its public requests of this minute. */
  async consumePublic(clientAddress: string): Promise<void> {
    const what = "Too many attempts from your address";
    if (this.publicShared) {
      try {
        return await this.consume(this.publicShared, clientAddress, what);
      } catch (error) {
        if (error instanceof AppError) throw error;
        this.storeIsDown(error);
      }
    }
    return this.consume(this.publicLocal, clientAddress, what);
  }

  /** Throws RATE_LIMITED when the key has used its requests of this minute, in this process or in all of them. */
  async consumeKey(keyId: string): Promise<void> {
    const what = "Too many requests with this API key";
    const refusedUntil = this.keyRefused.get(keyId);
    if (refusedUntil !== undefined) {
      if (refusedUntil > Date.now()) throw rateLimited(what, refusedUntil - Date.now());
      this.keyRefused.delete(keyId);
    }
    await this.consume(this.keyLimiter, keyId, what);
    if (this.keyShared) this.keyCounted.set(keyId, (this.keyCounted.get(keyId) ?? 0) + 1);
  }

  /** Adds this process's counts to the shared ones; a key whose total is at its limit is refused here until its minute ends. */
  private async syncKeys(): Promise<void> {
    if (this.syncing || !this.keyCounted.size) return;
    this.syncing = true;
    const counted = this.keyCounted;
    this.keyCounted = new Map();
    try {
      for (const [keyId, points] of counted) {
        const total = await this.keyShared!.penalty(keyId, points);
        if (total.consumedPoints >= this.settings.perKeyPerMinute) this.keyRefused.set(keyId, Date.now() + total.msBeforeNext);
      }
    } catch (error) {
      this.storeIsDown(error); // these counts are lost: the process's own limit still holds
    } finally {
      this.syncing = false;
    }
  }

  private storeIsDown(error: unknown): void {
    if (Date.now() - this.storeDownLoggedAt < 60_000) return;
    this.storeDownLoggedAt = Date.now();
    this.shared?.log.warn({ err: error }, "rate limits: the shared counts cannot be reached; this process counts alone meanwhile");
  }

  private async consume(limiter: RateLimiterAbstract, key: string, what: string): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      throw rateLimited(what, refusal.msBeforeNext);
    }
  }
}

function rateLimited(what: string, msBeforeNext: number): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new AppError("RATE_LIMITED", `${what}; try again in ${retryAfterSeconds} s`, {
    retryAfterSeconds,
    http: { status: 429, headers: new Map([["retry-after", String(retryAfterSeconds)]]) },
  });
}

/** A limiter counting in the `rate_limit` table (created by the migrations) of the service's database. */
function sharedLimiter(
  dataSource: DataSource,
  options: { keyPrefix: string; points: number; duration: number; clearExpiredByTimeout?: boolean },
): RateLimiterAbstract {
  const common = {
    ...options,
    tableName: dataSource.getMetadata(RateLimitCounter).tableName,
    tableCreated: true,
    // over the limit: refused from memory until the window ends, without asking the database again
    inMemoryBlockOnConsumed: options.points + 1,
  };
  if (dataSource.options.type === "postgres") return new RateLimiterPostgres({ ...common, storeClient: dataSource, storeType: "typeorm" });
  const driver = dataSource.driver as unknown as { pool: unknown; database?: string };
  return new RateLimiterMySQL({ ...common, storeClient: driver.pool, storeType: "pool", dbName: driver.database });
}
