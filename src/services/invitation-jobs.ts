/** What the invitation use cases ask of the job store; src/jobs implements it with Agenda. */
export interface InvitationJobs {
  scheduleSend(invitationId: string, at: Date): Promise<void>;
  /** At `at`, expire every sent link of the tenant whose time has passed by then. */
  scheduleExpiry(tenantId: string, at: Date): Promise<void>;
  /** At `at`, send every invitation of the tenant that is due by then (bulk: one job for many). */
  scheduleDueSends(tenantId: string, at: Date): Promise<void>;
  /** At `at`, mail every reminder of the tenant that is due by then (R10). */
  scheduleReminders(tenantId: string, at: Date): Promise<void>;
}

/** What a transaction decided must happen once it has committed (never before: a rollback would lie). */
export class AfterCommit {
  readonly sendNow: string[] = [];
  readonly sendLater: { invitationId: string; at: Date }[] = [];

  /** `bulk` (imports): every send goes to the job store, one job per send time, instead of being sent by the request. */
  constructor(readonly bulk = false) {}

  /** Takes over what `other` queued (a committed part of a longer piece of work). */
  add(other: AfterCommit): void {
    this.sendNow.push(...other.sendNow);
    this.sendLater.push(...other.sendLater);
  }
}
