import type { Tenant } from "../entities/tenant.js";

/**
 * The one source of time. Live tenants run on real time; a sandbox tenant runs on its own test clock,
 * so the same rules run for both. Tests replace `systemNow` to control real time.
 */
export class Clock {
  constructor(private readonly systemNow: () => Date = () => new Date()) {}

  now(): Date {
    return this.systemNow();
  }

  /** The tenant's current instant: real time, or the test clock of a sandbox. */
  nowFor(tenant: Pick<Tenant, "sandbox" | "testClockNow">): Date {
    return tenant.sandbox && tenant.testClockNow ? tenant.testClockNow : this.now();
  }
}
