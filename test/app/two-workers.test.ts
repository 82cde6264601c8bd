import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { address, hrTenant } from "../support/hires.js";
import { freshMysqlDatabase, freshPostgresDatabase } from "../support/services.js";
import { processClient, startServiceProcess } from "../support/processes.js";
import { startTestSmtp } from "../support/smtp.js";

test("two workers on one job store, both sweeping every second, send each of 150 invitations exactly once", async () => {
  const smtp = await startTestSmtp();
  const db = await freshMysqlDatabase();
  const jobs = await freshPostgresDatabase();
  const env = { DATABASE_URL: db.url, JOBS_URL: jobs.url, SMTP_URL: smtp.url, SWEEP_INTERVAL: "1 second" };
  const children: ChildProcess[] = [];
  try {
    // started together: they also race to migrate the empty database and create the job table
    const [a] = await Promise.all([startServiceProcess(env, children), startServiceProcess(env, children)]);
    const api = processClient(a!.url);
    const tenant = await hrTenant(api);
    const emails = Array.from({ length: 150 }, (_, i) => address(`worker${i}`));
    const rows = emails.map((email) => ({ firstName: "Anna", lastName: "Berg", email, startDate: "2026-01-01", employmentTemplateId: tenant.templateId }));
    const report = await api.gql(`mutation($rows: [RegisterHireInput!]!) { importHires(rows: $rows) { created } }`, { rows }, tenant.key);
    assert.equal(report.data.importHires.created, 150);

    await smtp.waitFor(150, 60_000);
    await sleep(3000); // more sweeps on both workers: none may send again
    const perAddress = new Map<string, number>();
    for (const mail of smtp.received) for (const to of mail.to) perAddress.set(to, (perAddress.get(to) ?? 0) + 1);
    assert.equal(smtp.received.length, 150, "150 mails in all");
    assert.deepEqual([...perAddress.values()].filter((n) => n !== 1), [], "no address twice");
    assert.deepEqual(emails.filter((e) => !perAddress.has(e)), [], "none lost");
  } finally {
    for (const child of children) child.kill("SIGTERM");
    await Promise.all(children.map((child) => (child.exitCode === null ? once(child, "exit") : null)));
    await smtp.close();
    await db.drop();
    await jobs.drop();
  }
});
