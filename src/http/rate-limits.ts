import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { AppError } from "../errors.js";

export interface RateLimitSettings {
  publicPerMinute: number;
  perKeyPerMinute: number;
}

/**
 * Requests a minute per client address on the public operations (a link's page and its
 * confirmation: the only door a token-guesser has) and per API key everywhere else. Counted in
 * this process's memory: with several API processes behind a balancer each counts its own share.
 */
export class RateLimits {
  private readonly publicLimiter: RateLimiterMemory;
  private readonly keyLimiter: RateLimiterMemory;

  constructor(settings: RateLimitSettings) {
    this.publicLimiter = new RateLimiterMemory({ keyPrefix: "public", points: settings.publicPerMinute, duration: 60 });
    this.keyLimiter = new RateLimiterMemory({ keyPrefix: "key", points: settings.perKeyPerMinute, duration: 60 });
  }

  /** Throws RATE_LIMITED when `clientAddress` has used its public requests of this minute. */
  consumePublic(clientAddress: string): Promise<void> {
    return this.consume(this.publicLimiter, clientAddress, "Too many attempts from your address");
  }

  /** Throws RATE_LIMITED when the key has used its requests of this minute. */
  consumeKey(keyId: string): Promise<void> {
    return this.consume(this.keyLimiter, keyId, "Too many requests with this API key");
  }

  private async consume(limiter: RateLimiterMemory, key: string, what: string): Promise<void> {
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
