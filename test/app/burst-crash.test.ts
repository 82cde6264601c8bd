import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { address, hrTenant } from "../support/hires.js";
import { freshMysqlDatabase, freshPostgresDatabase } from "../support/services.js";
import { processClient, startServiceProcess } from "../support/processes.js";
import { startTestSmtp } from "../support/smtp.js";

test("a worker killed with SIGKILL in the middle of a burst, then restarted: every invitation sent exactly once", async () => {
  const smtp = await startTestSmtp();
  const db = await freshMysqlDatabase();
  const jobs = await freshPostgresDatabase();
  const env = { DATABASE_URL: db.url, JOBS_URL: jobs.url, SMTP_URL: smtp.url, SEND_LEASE_MS: "1500", SWEEP_INTERVAL: "1 second" };
  let restarted: ChildProcess | undefined;
  try {
    const first = await startServiceProcess(env);
    const api = processClient(first.url);
    const tenant = await hrTenant(api);
    const emails = Array.from({ length: 120 }, (_, i) => address(`burst${i}`));
    const rows = emails.map((email) => ({ firstName: "Anna", lastName: "Berg", email, startDate: "2026-01-01", employmentTemplateId: tenant.templateId }));
    await api.gql(`mutation($rows: [RegisterHireInput!]!) { importHires(rows: $rows) { created } }`, { rows }, tenant.key);

    await smtp.waitFor(20, 30_000); // the burst is under way …
    smtp.pause(); // … the mails being sent now wait for the server's answer …
    await sleep(1000); // (those answered before have been marked SENT by now)
    const before = smtp.received.length;
    assert.ok(before < emails.length, `the kill falls in the middle of the burst (${before} of ${emails.length} sent)`);
    first.child.kill("SIGKILL"); // … when the worker dies
    await once(first.child, "exit");
    smtp.resume(); // the interrupted mails were never accepted: their client is gone

    restarted = (await startServiceProcess(env)).child;
    await smtp.waitFor(emails.length, 60_000);
    await sleep(3000); // more sweeps: none may send again
    const perAddress = new Map<string, number>();
    for (const mail of smtp.received) for (const to of mail.to) perAddress.set(to, (perAddress.get(to) ?? 0) + 1);
    assert.deepEqual(emails.filter((e) => !perAddress.has(e)), [], "none lost");
    assert.deepEqual([...perAddress.entries()].filter(([, n]) => n > 1), [], "none doubled");
    assert.equal(smtp.received.length, emails.length);
  } finally {
    restarted?.kill("SIGTERM");
    if (restarted && restarted.exitCode === null) await once(restarted, "exit");
    await smtp.close();
    await db.drop();
    await jobs.drop();
  }
});
