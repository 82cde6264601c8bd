import { LessThanOrEqual, type DataSource } from "typeorm";
import { Invitation, Tenant } from "../entities/index.js";
import { badInput } from "../errors.js";
import type { InvitationService } from "./invitation.service.js";
import type { TenantScope } from "./tenant-scope.js";

const MAX_STEPS = 10_000;

/**
 * Test clocks (sandbox tenants): moving the clock forward runs, in time order, every send and
 * expiry that falls due on the way — through the same code that real time runs.
 */
export class TestClockService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly invitations: InvitationService,
  ) {}

  async advance(scope: TenantScope, to: Date): Promise<Tenant> {
    const tenant = await scope.tenant();
    if (!tenant.sandbox || !tenant.testClockNow) throw badInput("Only a sandbox tenant has a test clock", "to");
    if (to.getTime() < tenant.testClockNow.getTime()) {
      throw badInput(`A test clock only moves forward: it is ${tenant.testClockNow.toISOString()}`, "to");
    }
    await this.invitations.reclaim("tenantId = :tenantId", { tenantId: tenant.id }); // a send cut off by a crash
    for (let step = 0; step < MAX_STEPS; step++) {
      const next = await this.nextDue(tenant.id, to);
      if (!next) break;
      if (next.at.getTime() > tenant.testClockNow.getTime()) await this.setClock(tenant, next.at);
      if (next.kind === "send") await this.invitations.deliver(next.id);
      else await this.invitations.expire(next.id);
    }
    await this.setClock(tenant, to);
    return tenant;
  }

  /** The earliest send or expiry of this tenant due by `to`. */
  private async nextDue(tenantId: string, to: Date): Promise<{ kind: "send" | "expire"; id: string; at: Date } | null> {
    const manager = this.dataSource.manager;
    const [send, expire] = await Promise.all([
      manager.findOne(Invitation, { where: { tenantId, status: "SCHEDULED", dueAt: LessThanOrEqual(to) }, order: { dueAt: "ASC", id: "ASC" } }),
      manager.findOne(Invitation, { where: { tenantId, status: "SENT", expiresAt: LessThanOrEqual(to) }, order: { expiresAt: "ASC", id: "ASC" } }),
    ]);
    if (send && (!expire || send.dueAt.getTime() <= expire.expiresAt!.getTime())) return { kind: "send", id: send.id, at: send.dueAt };
    if (expire) return { kind: "expire", id: expire.id, at: expire.expiresAt! };
    return null;
  }

  private async setClock(tenant: Tenant, at: Date): Promise<void> {
    await this.dataSource.manager.update(Tenant, { id: tenant.id, sandbox: true }, { testClockNow: at });
    tenant.testClockNow = at;
  }
}
