import { Gauge, type Registry } from "prom-client";
import type { DataSource } from "typeorm";
import { Employment } from "../entities/index.js";
import type { Logger } from "../log.js";
import type { Clock } from "../services/clock.js";

/**
 * R9: how late leavers' link removals are — now minus the oldest disconnectAt of a removal not yet
 * done (live tenants; 0 when none is waiting). Read from the database at each scrape, the same in
 * every process (aggregate with `max`): a number that grows means no job or sweep removes links.
 */
export function registerLeaverGauges(registry: Registry, dataSource: DataSource, clock: Clock, log: Logger): void {
  new Gauge({
    name: "onboarding_removal_lag_seconds",
    help: "Now minus the oldest disconnectAt of a leaver's link removal that is due and not done (live tenants); 0 when none is waiting",
    registers: [registry],
    async collect() {
      this.reset();
      const now = clock.now();
      try {
        const row = await dataSource
          .getRepository(Employment)
          .createQueryBuilder("m")
          .select("MIN(m.disconnectAt)", "oldest")
          .where("m.disconnectDoneAt IS NULL AND m.disconnectAt <= :now", { now })
          .andWhere("m.tenantId IN (SELECT t.id FROM tenant t WHERE t.sandbox = :no)", { no: false })
          .getRawOne<{ oldest: Date | string | null }>();
        const oldest = row?.oldest ? (row.oldest instanceof Date ? row.oldest : new Date(`${row.oldest.replace(" ", "T")}Z`)) : null;
        this.set(oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : 0);
      } catch (error) {
        log.warn({ err: error }, "metrics: could not read the removal lag from the database");
      }
    },
  });
}
