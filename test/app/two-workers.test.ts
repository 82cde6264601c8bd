import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { address, hrTenant } from "../support/hires.js";
import { freshMysqlDatabase, freshPostgresDatabase } from "../support/services.js";
import { PROCESS_OPERATOR_KEY, processClient, startServiceProcess } from "../support/processes.js";
import { startTestSmtp } from "../support/smtp.js";

/** onboarding_mail_send_seconds_count{outcome="sent"} of one process, as Prometheus reads it. */
async function mailsSentBy(url: string): Promise<number> {
  const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${PROCESS_OPERATOR_KEY}` } });
  assert.equal(response.status, 200);
  const match = /^onboarding_mail_send_seconds_count\{outcome="sent"\} (\d+)$/m.exec(await response.text());
  return Number(match?.[1] ?? 0);
}

test("two workers on one job store, both sweeping every second, share one tenant's burst and send each of 300 invitations exactly once", async () => {
  const smtp = await startTestSmtp();
  const db = await freshMysqlDatabase();
  const jobs = await freshPostgresDatabase();
  const env = { DATABASE_URL: db.url, JOBS_URL: jobs.url, SMTP_URL: smtp.url, SWEEP_INTERVAL: "1 second" };
  const children: ChildProcess[] = [];
  try {
    // started together: they also race to migrate the empty database and create the job table
    const workers = await Promise.all([startServiceProcess(env, children), startServiceProcess(env, children)]);
    const a = workers[0];
    const api = processClient(a!.url);
    const tenant = await hrTenant(api);
    const emails = Array.from({ length: 300 }, (_, i) => address(`worker${i}`));
    const rows = emails.map((email) => ({ firstName: "Anna", lastName: "Berg", email, startDate: "2026-01-01", employmentTemplateId: tenant.templateId }));
    for (let i = 0; i < 300; i++) smtp.holdNext(10); // a relay's few ms per message, as in production: the burst lasts long enough to share
    const report = await api.gql(`mutation($rows: [RegisterHireInput!]!) { importHires(rows: $rows) { created } }`, { rows }, tenant.key);
    assert.equal(report.data.importHires.created, 300);

    await smtp.waitFor(300, 60_000);
    await sleep(3000); // more sweeps on both workers: none may send again
    const perAddress = new Map<string, number>();
    for (const mail of smtp.received) for (const to of mail.to) perAddress.set(to, (perAddress.get(to) ?? 0) + 1);
    assert.equal(smtp.received.length, 300, "300 mails in all");
    assert.deepEqual([...perAddress.values()].filter((n) => n !== 1), [], "no address twice");
    assert.deepEqual(emails.filter((e) => !perAddress.has(e)), [], "none lost");
    // one tenant's burst is one job, yet the second worker joins in (the job it is handed claims other rows)
    const sentBy = await Promise.all(workers.map((w) => mailsSentBy(w.url)));
    assert.equal(sentBy[0]! + sentBy[1]!, 300, `each worker's /metrics counts what it sent (${sentBy.join(" + ")})`);
    assert.ok(sentBy.every((n) => n > 0), `both workers sent part of the burst (${sentBy.join(" + ")})`);
  } finally {
    for (const child of children) child.kill("SIGTERM");
    await Promise.all(children.map((child) => (child.exitCode === null ? once(child, "exit") : null)));
    await smtp.close();
    await db.drop();
    await jobs.drop();
  }
});
