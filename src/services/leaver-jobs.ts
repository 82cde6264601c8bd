/** What the leavers' use cases ask of the job store (R9); src/jobs/leaver.jobs.ts implements it with Agenda. */
export interface RemovalJobs {
  /** At `at`, carry out every removal of the tenant that is due by then. */
  scheduleRemovals(tenantId: string, at: Date): Promise<void>;
}
