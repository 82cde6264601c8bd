import type { Agenda } from "agenda";
import type { Clock } from "../services/clock.js";
import type { InvitationJobs } from "../services/invitation-jobs.js";
import type { Services } from "../services/index.js";

/** Sends one invitation when due. Data: its id; the database says whether anything is left to do. */
export const SEND_INVITATION = "invitation.send";
/** Sends every due invitation of one tenant: one job for the many hires of an import. */
export const SEND_DUE_INVITATIONS = "invitations.send-due";
/** Marks every sent link of one tenant whose time has passed expired (the links of a burst share one instant). */
export const EXPIRE_DUE_INVITATIONS = "invitations.expire-due";
/** Mails every due reminder of one tenant (R10): the links of a burst share one reminder instant. */
export const REMIND_DUE_INVITATIONS = "invitations.remind-due";
/** Jobs of this name were scheduled per invitation by earlier versions; still handled for those in the store. */
export const EXPIRE_INVITATION = "invitation.expire";
/** Every minute: sends, retries, expires and reminds whatever no job handled (lost jobs, crashed workers). */
export const SWEEP_INVITATIONS = "invitations.sweep";

export interface InvitationJobData {
  invitationId: string;
}

export interface TenantJobData {
  tenantId: string;
}

export interface JobTuning {
  /** How long a worker holds a running job before another may take it over. */
  lockLifetimeMs: number;
  sweepInterval: string;
}

export const defaultJobTuning: JobTuning = { lockLifetimeMs: 2 * 60_000, sweepInterval: "1 minute" };

export function defineInvitationJobs(agenda: Agenda, services: Services, tuning: JobTuning): void {
  const options = { lockLifetime: tuning.lockLifetimeMs, concurrency: 20 };
  agenda.define<InvitationJobData>(SEND_INVITATION, (job) => services.dispatch.deliver(job.attrs.data.invitationId), options);
  // One burst at a time per worker: a burst already fills the mailer's pool, and the next tenant's
  // job (or the helper job deliverDue schedules) is left to a worker that has nothing to do.
  // Without the limit the first worker to hear of the jobs takes them all (bench/README.md, "Tuning").
  agenda.define<TenantJobData>(
    SEND_DUE_INVITATIONS,
    async (job) => void (await services.dispatch.deliverDue(job.attrs.data.tenantId, () => job.touch())),
    { ...options, lockLimit: 1 },
  );
  agenda.define<TenantJobData>(REMIND_DUE_INVITATIONS, async (job) => void (await services.reminders.remindDueOf(job.attrs.data.tenantId, () => job.touch())), { ...options, lockLimit: 1 });
  agenda.define<TenantJobData>(EXPIRE_DUE_INVITATIONS, async (job) => void (await services.dispatch.expireDue(job.attrs.data.tenantId)), options);
  agenda.define<InvitationJobData>(EXPIRE_INVITATION, async (job) => void (await services.dispatch.expire(job.attrs.data.invitationId)), options);
  agenda.define(SWEEP_INVITATIONS, async () => void (await services.dispatch.sweep()), { ...options, concurrency: 1 });
}

export async function scheduleSweep(agenda: Agenda, tuning: JobTuning): Promise<void> {
  await agenda.every(tuning.sweepInterval, SWEEP_INVITATIONS, undefined, { skipImmediate: false });
}

/** The job store as the invitation use cases see it. A doubled job is harmless: the handlers are idempotent. */
export class AgendaInvitationJobs implements InvitationJobs {
  constructor(
    private readonly agenda: Agenda,
    private readonly clock: Clock,
  ) {}

  async scheduleSend(invitationId: string, at: Date): Promise<void> {
    await this.agenda.schedule<InvitationJobData>(this.clock.toSystemTime(at), SEND_INVITATION, { invitationId });
  }

  async scheduleExpiry(tenantId: string, at: Date): Promise<void> {
    await this.agenda.schedule<TenantJobData>(this.clock.toSystemTime(at), EXPIRE_DUE_INVITATIONS, { tenantId });
  }

  async scheduleDueSends(tenantId: string, at: Date): Promise<void> {
    await this.agenda.schedule<TenantJobData>(this.clock.toSystemTime(at), SEND_DUE_INVITATIONS, { tenantId });
  }

  async scheduleReminders(tenantId: string, at: Date): Promise<void> {
    await this.agenda.schedule<TenantJobData>(this.clock.toSystemTime(at), REMIND_DUE_INVITATIONS, { tenantId });
  }
}
