import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { address, hrTenant } from "../support/hires.js";
import { freshMysqlDatabase, services } from "../support/services.js";
import { processClient, startServiceProcess } from "../support/processes.js";
import { startTestSmtp } from "../support/smtp.js";
import { bearer, connect, type Connection } from "../support/subscriptions.js";

const EVENTS = `subscription { employmentEvents { id type employmentId connectStatus } }`;
const STATUS = `subscription($id: ID!) { accountStatusChanged(employeeId: $id) { connectStatus invitation { status } } }`;

test("an event a worker process writes reaches subscribers on every api process (two api processes, one worker, MariaDB, a Redis job store)", async () => {
  const smtp = await startTestSmtp();
  const db = await freshMysqlDatabase();
  const env = { DATABASE_URL: db.url, JOBS_URL: `${services.redis}?prefix=subs-${process.pid}:`, SMTP_URL: smtp.url, SUBSCRIPTIONS_POLL_MS: "100" };
  const children: ChildProcess[] = [];
  const connections: Connection[] = [];
  try {
    const worker = await startServiceProcess({ ...env, ROLE: "worker" }, children); // migrates first
    const [apiA, apiB] = await Promise.all([startServiceProcess({ ...env, ROLE: "api" }, children), startServiceProcess({ ...env, ROLE: "api" }, children)]);
    void worker;
    const a = processClient(apiA!.url);
    const tenant = await hrTenant(a);
    const onA = connect(apiA!.url, bearer(tenant.key));
    const onB = connect(apiB!.url, bearer(tenant.key));
    connections.push(onA, onB);
    const heardOnA = onA.subscribe(EVENTS);
    const heardOnB = onB.subscribe(EVENTS);

    // a hire starting tomorrow registered through api A, its send due at 09:00 the day before (later): heard on both once they run
    for (let attempt = 0; ; attempt++) {
      const warm = await a.gql(`mutation($input: RegisterHireInput!) { registerHire(input: $input) { employment { id } } }`, {
        input: { firstName: "W", lastName: "Arm", email: address("warm"), startDate: "2030-01-10", employmentTemplateId: tenant.templateId },
      }, tenant.key);
      const id = warm.data.registerHire.employment.id;
      try {
        await Promise.all([heardOnA, heardOnB].map((s) => s.until((r) => r.employmentEvents.employmentId === id, 2000)));
        break;
      } catch (error) {
        if (attempt === 10) throw error;
      }
    }

    // an import's sends go to the job store: only the worker process sends and writes invitation.sent
    const email = address("imported");
    const report = await a.gql(`mutation($rows: [RegisterHireInput!]!) { importHires(rows: $rows) { created } }`, {
      rows: [{ firstName: "Ida", lastName: "Holm", email, startDate: "2026-01-01", employmentTemplateId: tenant.templateId }],
    }, tenant.key);
    assert.equal(report.data.importHires.created, 1);
    const employee = await a.gql(`query { invitations(first: 1) { edges { node { employee { id } employment { id } } } } }`, {}, tenant.key);
    const { employee: { id: employeeId }, employment: { id: employmentId } } = employee.data.invitations.edges[0].node;
    const status = onB.subscribe(STATUS, { id: employeeId });

    const sentOnA = await heardOnA.until((r) => r.employmentEvents.employmentId === employmentId && r.employmentEvents.type === "invitation.sent", 30_000);
    const sentOnB = await heardOnB.until((r) => r.employmentEvents.employmentId === employmentId && r.employmentEvents.type === "invitation.sent", 30_000);
    assert.equal(sentOnA.employmentEvents.id, sentOnB.employmentEvents.id, "the same event on both");
    assert.equal(sentOnB.employmentEvents.connectStatus, "INVITATION_SENT");
    assert.equal(smtp.received.filter((m) => m.to.includes(email)).length, 1, "the worker mailed it");
    await status.until((r) => r.accountStatusChanged.connectStatus === "INVITATION_SENT", 30_000);
  } finally {
    await Promise.all(connections.map((c) => c.close().catch(() => undefined)));
    for (const child of children) child.kill("SIGTERM");
    await Promise.all(children.map((child) => (child.exitCode === null ? once(child, "exit") : null)));
    await smtp.close();
    await db.drop();
  }
});
