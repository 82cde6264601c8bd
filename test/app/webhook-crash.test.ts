import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { address, hrTenant } from "../support/hires.js";
import { freshMysqlDatabase, freshPostgresDatabase } from "../support/services.js";
import { processClient, startServiceProcess } from "../support/processes.js";
import { startTestSmtp } from "../support/smtp.js";
import { startWebhookReceiver } from "../support/webhook-receiver.js";

const HIRES = 20;

test("a worker killed while a webhook is in flight: another worker delivers every event at least once, and the receiver de-duplicates by webhook-id", async () => {
  const smtp = await startTestSmtp();
  const receiver = await startWebhookReceiver();
  const db = await freshMysqlDatabase();
  const jobs = await freshPostgresDatabase();
  const env = {
    DATABASE_URL: db.url,
    JOBS_URL: jobs.url,
    SMTP_URL: smtp.url,
    WEBHOOK_ALLOW_PRIVATE_TARGETS: "true",
    WEBHOOK_POLL_MS: "200",
    WEBHOOK_TIMEOUT_MS: "2000",
    WEBHOOK_LEASE_MS: "3000",
  };
  const children: ChildProcess[] = [];
  try {
    const api = await startServiceProcess({ ...env, ROLE: "api" }, children);
    const doomed = await startServiceProcess({ ...env, ROLE: "worker" }, children);
    const client = processClient(api.url);
    const tenant = await hrTenant(client);
    const created = await client.gql(
      `mutation($url: String!) { createWebhookEndpoint(input: { url: $url, eventTypes: ["employment.registered"] }) { endpoint { id } } }`,
      { url: receiver.url("crash") },
      tenant.key,
    );
    const endpointId = created.data.createWebhookEndpoint.endpoint.id;
    receiver.answer("crash", { status: 200, delayMs: 60_000 }); // the receiver takes the first one in and answers late …

    const rows = Array.from({ length: HIRES }, (_, i) => ({ firstName: "Anna", lastName: "Berg", email: address(`crash${i}`), startDate: "2026-06-01", employmentTemplateId: tenant.templateId }));
    const report = await client.gql(`mutation($rows: [RegisterHireInput!]!) { importHires(rows: $rows) { created } }`, { rows }, tenant.key);
    assert.equal(report.data.importHires.created, HIRES);

    const [held] = await receiver.waitFor("crash", (r) => r.length >= 1);
    doomed.child.kill("SIGKILL"); // … and the worker dies waiting for the answer
    await once(doomed.child, "exit");
    const heldId = String(held!.headers["webhook-id"]);

    await startServiceProcess({ ...env, ROLE: "worker" }, children);
    const ids = (r: { headers: Record<string, unknown> }[]) => new Set(r.map((w) => String(w.headers["webhook-id"])));
    const received = await receiver.waitFor("crash", (r) => ids(r).size >= HIRES && r.filter((w) => w.headers["webhook-id"] === heldId).length >= 2, 30_000);
    const log = async () =>
      (await client.gql(`query($id: ID!) { webhookDeliveries(endpointId: $id, first: 100) { totalCount edges { node { eventId status attempts } } } }`, { id: endpointId }, tenant.key)).data
        .webhookDeliveries;
    let deliveries = await log();
    for (let i = 0; i < 50 && deliveries.edges.some((e: any) => e.node.status !== "SUCCEEDED"); i++) deliveries = await log(), await sleep(200);

    assert.equal(deliveries.totalCount, HIRES, "one delivery per event");
    assert.deepEqual(deliveries.edges.filter((e: any) => e.node.status !== "SUCCEEDED"), [], "every delivery SUCCEEDED");
    assert.deepEqual(ids(received), new Set(deliveries.edges.map((e: any) => e.node.eventId)), "every event reached the receiver (de-duplicated by webhook-id)");
    assert.ok(received.length > HIRES, "the interrupted one came again, with the same webhook-id");
    assert.equal(deliveries.edges.find((e: any) => e.node.eventId === heldId).node.attempts, 2, "its first attempt counted, then the retry");
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
    await Promise.all(children.map((child) => (child.exitCode === null && child.signalCode === null ? once(child, "exit") : null)));
    await receiver.close();
    await smtp.close();
    await db.drop();
    await jobs.drop();
  }
});
