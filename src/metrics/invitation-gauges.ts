import { Gauge, type Registry } from "prom-client";
import type { DataSource } from "typeorm";
import type { StoredInvitationStatus } from "../domain/hire-status.js";
import { Invitation } from "../entities/invitation.js";
import type { Logger } from "../log.js";
import type { Clock } from "../services/clock.js";

const STATUSES: readonly StoredInvitationStatus[] = ["SCHEDULED", "SENDING", "SENT", "VERIFIED", "EXPIRED", "CANCELLED", "FAILED"];

interface InvitationStats {
  byStatus: Map<string, number>;
  retrying: number;
  lagSeconds: number;
  reminded: number;
}

/**
 * Invitation gauges read from the database at each scrape. The database is the truth that every
 * API and worker process shares, so these are not per-process counters: every process reports the
 * same numbers (aggregate with `max`, not `sum`).
 */
export function registerInvitationGauges(registry: Registry, dataSource: DataSource, clock: Clock, log: Logger): void {
  let pending: Promise<InvitationStats | null> | null = null;
  // One round of queries per scrape: the gauges' collect functions run together and share it.
  const stats = () => {
    pending ??= readStats(dataSource, clock.now())
      .catch((error: unknown) => {
        log.warn({ err: error }, "metrics: could not read invitation counts from the database");
        return null;
      })
      .finally(() => setImmediate(() => (pending = null)));
    return pending;
  };

  new Gauge({
    name: "onboarding_invitations",
    help: "Invitations by stored status (SENDING: claimed by a worker, being sent), all tenants",
    labelNames: ["status"],
    registers: [registry],
    async collect() {
      const current = await stats();
      this.reset();
      if (!current) return;
      for (const status of new Set([...STATUSES, ...current.byStatus.keys()])) this.set({ status }, current.byStatus.get(status) ?? 0);
    },
  });
  new Gauge({
    name: "onboarding_invitations_retrying",
    help: "SCHEDULED invitations whose last delivery attempt failed (lastError set): waiting for a retry",
    registers: [registry],
    async collect() {
      const current = await stats();
      this.reset();
      if (current) this.set(current.retrying);
    },
  });
  new Gauge({
    name: "onboarding_invitations_reminded",
    help: "Invitations whose one reminder (R10) went out (remindedAt set), all tenants",
    registers: [registry],
    async collect() {
      const current = await stats();
      this.reset();
      if (current) this.set(current.reminded);
    },
  });
  new Gauge({
    name: "onboarding_send_lag_seconds",
    help: "Now minus the oldest due time of a SCHEDULED invitation that is due (live tenants); 0 when none is waiting",
    registers: [registry],
    async collect() {
      const current = await stats();
      this.reset();
      if (current) this.set(current.lagSeconds);
    },
  });
  new Gauge({
    name: "onboarding_invitation_stats_up",
    help: "1 when the database answered the invitation gauges' queries at this scrape, 0 otherwise",
    registers: [registry],
    async collect() {
      this.set((await stats()) ? 1 : 0);
    },
  });
}

async function readStats(dataSource: DataSource, now: Date): Promise<InvitationStats> {
  const invitations = () => dataSource.getRepository(Invitation).createQueryBuilder("i");
  const [byStatus, retrying, oldestDue, reminded] = await Promise.all([
    invitations().select("i.status", "status").addSelect("COUNT(*)", "count").groupBy("i.status").getRawMany<{ status: string; count: string | number }>(),
    invitations()
      .select("COUNT(*)", "count")
      .where("i.status = :scheduled AND i.lastError IS NOT NULL", { scheduled: "SCHEDULED" })
      .getRawOne<{ count: string | number }>(),
    // sandbox tenants run on their test clocks: real time says nothing about how late they are
    invitations()
      .select("MIN(i.dueAt)", "oldestDue")
      .where("i.status = :scheduled AND i.dueAt <= :now", { scheduled: "SCHEDULED", now })
      .andWhere("i.tenantId IN (SELECT t.id FROM tenant t WHERE t.sandbox = :no)", { no: false })
      .getRawOne<{ oldestDue: Date | string | null }>(),
    invitations().select("COUNT(*)", "count").where("i.remindedAt IS NOT NULL").getRawOne<{ count: string | number }>(),
  ]);
  const oldest = asInstant(oldestDue?.oldestDue ?? null);
  return {
    byStatus: new Map(byStatus.map((row) => [row.status, Number(row.count)])),
    retrying: Number(retrying?.count ?? 0),
    lagSeconds: oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : 0,
    reminded: Number(reminded?.count ?? 0),
  };
}

/** Drivers answer an aggregate over an instant column as a Date, or as a UTC wall-clock string. */
function asInstant(value: Date | string | null): Date | null {
  if (value === null) return null;
  return value instanceof Date ? value : new Date(`${value.replace(" ", "T")}Z`);
}
