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
 * The per-key counts are kept in each process's memory: they are consumed on every authenticated
 * request, the hot path that clients poll, where the store's statements (four on MySQL: a
 * transaction with an upsert and a read) would cost more than the one query they guard
 * (bench/README.md); with N api processes a key may make up to N times its limit.
 */
export class RateLimits {
  private readonly publicShared: RateLimiterAbstract | null;
  private readonly publicLocal: RateLimiterMemory;
  private readonly keyLimiter: RateLimiterMemory;
  private storeDownLoggedAt = 0;

  /** `shared`: the database of the public counts; without it they are counted in this process. */
  constructor(
    settings: RateLimitSettings,
    private readonly shared?: { dataSource: DataSource; log: Logger },
  ) {
    const points = settings.publicPerMinute;
    this.publicShared = shared ? sharedLimiter(shared.dataSource, { keyPrefix: "public", points, duration: 60 }) : null;
    this.publicLocal = new RateLimiterMemory({ keyPrefix: "public", points, duration: 60 });
    this.keyLimiter = new RateLimiterMemory({ keyPrefix: "key", points: settings.perKeyPerMinute, duration: 60 });
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

  /** Throws RATE_LIMITED when the key has used its requests of this minute. */
  consumeKey(keyId: string): Promise<void> {
    return this.consume(this.keyLimiter, keyId, "Too many requests with this API key");
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
      const retryAfterSeconds = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
      throw new AppError("RATE_LIMITED", `${what}; try again in ${retryAfterSeconds} s`, {
        retryAfterSeconds,
        http: { status: 429, headers: new Map([["retry-after", String(retryAfterSeconds)]]) },
      });
    }
  }
}

/** A limiter counting in the `rate_limit` table (created by the migrations) of the service's database. */
function sharedLimiter(
  dataSource: DataSource,
  options: { keyPrefix: string; points: number; duration: number },
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
