import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { address, hrTenant } from "../support/hires.js";
import { freshMysqlDatabase, freshPostgresDatabase } from "../support/services.js";
import { processClient, startServiceProcess } from "../support/processes.js";
import { startTestSmtp } from "../support/smtp.js";

/** Wednesday 2026-03-25 14:00 Stockholm: links sent then expire Monday 00:00; with N = 4 their reminders are due Thursday 09:00 (08:00Z). */
const T0 = "2026-03-25T13:00:00Z";
const REMINDERS_DUE = "2026-03-26T08:00:05Z";

test("two worker processes, both sweeping every second, remind each of 200 links exactly once (R10)", async () => {
  const smtp = await startTestSmtp();
  const db = await freshMysqlDatabase();
  const jobs = await freshPostgresDatabase();
  const env = { DATABASE_URL: db.url, JOBS_URL: jobs.url, SMTP_URL: smtp.url, SWEEP_INTERVAL: "1 second" };
  const children: ChildProcess[] = [];
  try {
    // Wednesday: HR turns reminders on and imports 200 hires starting tomorrow; their invitations go out at once
    const wednesday = await startServiceProcess({ ...env, TEST_NOW: T0 }, children);
    const api = processClient(wednesday.url);
    const tenant = await hrTenant(api);
    const settings = await api.gql(`mutation { setTenantSettings(input: { reminderDaysBeforeExpiry: 4 }) { reminderDaysBeforeExpiry } }`, {}, tenant.key);
    assert.equal(settings.data?.setTenantSettings.reminderDaysBeforeExpiry, 4);
    const emails = Array.from({ length: 200 }, (_, i) => address(`remind${i}`));
    const rows = emails.map((email) => ({ firstName: "Anna", lastName: "Berg", email, startDate: "2026-03-26", employmentTemplateId: tenant.templateId }));
    const report = await api.gql(`mutation($rows: [RegisterHireInput!]!) { importHires(rows: $rows) { created } }`, { rows }, tenant.key);
    assert.equal(report.data?.importHires.created, 200);
    await smtp.waitFor(200, 60_000);
    // every invitation recorded SENT before that process stops (a mail accepted but not yet recorded would be sent again: at least once, by design)
    const sentCount = async () => (await api.gql(`query { invitations(status: SENT) { totalCount } }`, {}, tenant.key)).data?.invitations.totalCount;
    for (let i = 0; i < 200 && (await sentCount()) !== 200; i++) await sleep(100);
    assert.equal(await sentCount(), 200);
    wednesday.child.kill("SIGTERM");
    await once(wednesday.child, "exit");

    // Thursday past 09:00: two workers start together and both sweep every second
    for (let i = 0; i < 400; i++) smtp.holdNext(10); // a relay's few ms per message: the sweeps overlap
    await Promise.all([startServiceProcess({ ...env, TEST_NOW: REMINDERS_DUE }, children), startServiceProcess({ ...env, TEST_NOW: REMINDERS_DUE }, children)]);
    await smtp.waitFor(400, 60_000);
    await sleep(3000); // more sweeps on both: none may remind again
    const perAddress = new Map<string, number>();
    for (const mail of smtp.received) for (const to of mail.to) perAddress.set(to, (perAddress.get(to) ?? 0) + 1);
    const kinds = (to: string) => smtp.received.filter((m) => m.to.includes(to)).map((m) => m.subject);
    assert.equal(smtp.received.length, 400, "200 invitations and 200 reminders");
    assert.deepEqual(emails.filter((e) => kinds(e).filter((subject) => /Reminder: create your account/.test(subject)).length !== 1).map((e) => [e, kinds(e)]), [], "one reminder each");
    assert.deepEqual([...perAddress.entries()].filter(([, n]) => n !== 2), [], "each address: its invitation and one reminder");
    const reminders = smtp.received.filter((m) => /Reminder: create your account/.test(m.subject));
    assert.equal(reminders.length, 200);
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
    await Promise.all(children.map((child) => (child.exitCode === null ? once(child, "exit") : null)));
    await smtp.close();
    await db.drop();
    await jobs.drop();
  }
});
