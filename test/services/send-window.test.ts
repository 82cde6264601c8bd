import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { startTestApp } from "../support/app.js";
import { address, hrTenant, type HrTenant } from "../support/hires.js";
import { freshMysqlDatabase, services } from "../support/services.js";
import { startTestSmtp } from "../support/smtp.js";

const IMPORT = `mutation($rows: [RegisterHireInput!]!) { importHires(rows: $rows) { created } }`;
const TRIED = `{ invitations(first: 200, status: SCHEDULED) { edges { node { attempts lastError } } } }`;
const today = () => new Date().toISOString().slice(0, 10);
const rows = (tenant: HrTenant, emails: string[]) => emails.map((email) => ({ firstName: "Anna", lastName: "Berg", email, startDate: today(), employmentTemplateId: tenant.templateId }));

test("one tenant's refused mails never hold back another's: while tenant A's bursts rest after 50 refusals, tenant B's hires starting today are mailed at once", async (context) => {
  const smtp = await startTestSmtp();
  const db = await freshMysqlDatabase();
  // no sweep comes by during the test: what is mailed, the bursts mailed
  const t = await startTestApp({ DATABASE_URL: db.url, JOBS_URL: services.redis, OPERATOR_API_KEY: "o".repeat(40), SMTP_URL: smtp.url }, { jobTuning: { sweepInterval: "1 hour" } });
  try {
    const a = await hrTenant(t);
    const b = await hrTenant(t);
    smtp.refuseRecipients(/@refused\.example$/);
    const refused = Array.from({ length: 120 }, (_, i) => address(`bad${i}`, "refused.example"));
    assert.equal((await t.gql(IMPORT, { rows: rows(a, refused) }, a.key)).data.importHires.created, 120);

    // A's burst tries a batch, is refused every time, and rests
    let tried = 0;
    for (const deadline = Date.now() + 20_000; tried < 50; await sleep(100)) {
      if (Date.now() > deadline) assert.fail(`tenant A's burst tried ${tried} mails in 20 s`);
      const edges = (await t.gql(TRIED, {}, a.key)).data.invitations.edges as { node: { attempts: number; lastError: string | null } }[];
      tried = edges.filter((e) => e.node.attempts > 0 && e.node.lastError !== null).length;
    }

    const good = Array.from({ length: 3 }, (_, i) => address(`good${i}`));
    const importedAt = Date.now();
    assert.equal((await t.gql(IMPORT, { rows: rows(b, good) }, b.key)).data.importHires.created, 3);
    await smtp.waitFor(3, 10_000); // before: held until A's rest ended and a sweep came (here: never within the test)
    assert.deepEqual(smtp.received.flatMap((m) => m.to).sort(), good.sort(), "B's three, and none of A's");
    context.diagnostic(`tenant B's mails arrived ${Date.now() - importedAt} ms after its import`);
  } finally {
    await t.stop();
    await smtp.close();
    await db.drop();
  }
});
