import type { Tenant } from "../entities/tenant.js";

/**
 * The one source of time. Live tenants run on real time; a sandbox tenant runs on its own test
 * clock, so the same rules run for both. Tests may shift real time (`setNow`); the job store keeps
 * real time, so instants handed to it go through `toSystemTime`.
 */
export class Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** The tenant's current instant: real time, or the test clock of a sandbox. */
  nowFor(tenant: Pick<Tenant, "sandbox" | "testClockNow">): Date {
    return tenant.sandbox && tenant.testClockNow ? tenant.testClockNow : this.now();
  }

  /** The machine's instant at which this clock shows `instant`. */
  toSystemTime(instant: Date): Date {
    return new Date(instant.getTime() - this.offsetMs);
  }

  /** For tests: from now on, this clock shows `instant` (and runs on from there). */
  setNow(instant: Date): void {
    this.offsetMs = instant.getTime() - Date.now();
  }
}
