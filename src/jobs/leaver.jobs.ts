import type { Agenda } from "agenda";
import type { Clock } from "../services/clock.js";
import type { Services } from "../services/index.js";
import type { RemovalJobs } from "../services/leaver-jobs.js";
import type { JobTuning, TenantJobData } from "./invitation.jobs.js";

/** R9: carries out every removal of one tenant's leavers' Connect links that is due. Data: the tenant; the database says what is due. */
export const REMOVE_DUE_LINKS = "leavers.remove-due";
/** Every sweep interval: the removals no job carried out (a lost job, a crashed worker). */
export const SWEEP_REMOVALS = "leavers.sweep";

export function defineLeaverJobs(agenda: Agenda, services: Services, tuning: JobTuning): void {
  const options = { lockLifetime: tuning.lockLifetimeMs, concurrency: 5 };
  agenda.define<TenantJobData>(REMOVE_DUE_LINKS, async (job) => void (await services.leavers.removeDue(job.attrs.data.tenantId)), options);
  agenda.define(SWEEP_REMOVALS, async () => void (await services.leavers.sweep()), { ...options, concurrency: 1 });
}

export async function scheduleRemovalSweep(agenda: Agenda, tuning: JobTuning): Promise<void> {
  await agenda.every(tuning.sweepInterval, SWEEP_REMOVALS, undefined, { skipImmediate: false });
}

/** The job store as the leavers' use cases see it. A doubled job is harmless: a removal is done once. */
export class AgendaRemovalJobs implements RemovalJobs {
  constructor(
    private readonly agenda: Agenda,
    private readonly clock: Clock,
  ) {}

  async scheduleRemovals(tenantId: string, at: Date): Promise<void> {
    await this.agenda.schedule<TenantJobData>(this.clock.toSystemTime(at), REMOVE_DUE_LINKS, { tenantId });
  }
}
