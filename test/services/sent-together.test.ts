import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import mysql from "mysql2/promise";
import { Clock } from "../../src/services/clock.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { address, hrTenant, mailsTo, tokenMailedTo, type HrTenant } from "../support/hires.js";
import { freshMysqlDatabase, services } from "../support/services.js";
import { startTestSmtp, type TestSmtp } from "../support/smtp.js";

const IMPORT = `mutation($rows: [RegisterHireInput!]!) { importHires(rows: $rows) { created } }`;
const VERIFY = `mutation($token: String!) { verifyInvitation(token: $token) { connectAccount { email } } }`;
const LINK_INFO = `query($token: String!) { linkInfo(token: $token) { state } }`;
const CANCEL = `mutation($id: ID!) { cancelEmployment(employmentId: $id) { id } }`;
const INVITATIONS = `{ invitations(first: 100) { edges { node { email employment { id history { kind } } } } } }`;

/** A live tenant whose hires, imported at 13:00 on 25 March, are all due at 08:00Z on the 26th (09:00 in Stockholm). */
async function burstOf(count: number, name: string) {
  const smtp = await startTestSmtp();
  const db = await freshMysqlDatabase();
  const clock = new Clock();
  // no sweep comes by: what is mailed, the burst of the test mailed
  const t = await startTestApp({ DATABASE_URL: db.url, JOBS_URL: services.redis, OPERATOR_API_KEY: "o".repeat(40), SMTP_URL: smtp.url }, { clock, jobTuning: { sweepInterval: "1 hour" } });
  clock.setNow(new Date("2026-03-25T13:00:00Z"));
  const tenant = await hrTenant(t);
  const emails = Array.from({ length: count }, (_, i) => address(`${name}${i}`));
  const rows = emails.map((email) => ({ firstName: "Anna", lastName: "Berg", email, startDate: "2026-03-27", employmentTemplateId: tenant.templateId }));
  assert.equal((await t.gql(IMPORT, { rows }, tenant.key)).data.importHires.created, count);
  clock.setNow(new Date("2026-03-26T08:00:00Z"));
  const stop = async () => {
    await t.stop();
    await smtp.close();
    await db.drop();
  };
  return { smtp, db, t, tenant, emails, stop };
}

/** Starts the burst with the SMTP server holding every mail, waits until `count` are held, then lets them all be accepted at once. */
async function burstAcceptedAtOnce(t: TestApp, tenant: HrTenant, smtp: TestSmtp, sql: mysql.Connection, count: number, meanwhile = async () => undefined) {
  smtp.pause();
  const burst = t.app.services.dispatch.deliverDue(tenant.id);
  const sending = async () => ((await sql.query("SELECT COUNT(*) AS n FROM invitation WHERE status = 'SENDING'")) as unknown as [{ n: number }[]])[0][0]!.n;
  for (const deadline = Date.now() + 10_000; (await sending()) < count; await sleep(20)) {
    if (Date.now() > deadline) assert.fail(`${await sending()} of ${count} invitations in flight after 10 s`);
  }
  await meanwhile();
  smtp.resume();
  return burst;
}

/** Of each hire (by address): the employment's id and the kinds of its history. */
async function historyOf(t: TestApp, tenant: HrTenant) {
  const edges = (await t.gql(INVITATIONS, {}, tenant.key)).data.invitations.edges as { node: { email: string; employment: { id: string; history: { kind: string }[] } } }[];
  return new Map(edges.map(({ node }) => [node.email, { id: node.employment.id, kinds: node.employment.history.map((h) => h.kind) }]));
}

test("mails the SMTP server accepted at the same moment are marked SENT together, each with its own link: every mailed link connects its own hire, one SENT event each", async () => {
  const { smtp, db, t, tenant, emails, stop } = await burstOf(40, "together");
  const sql = await mysql.createConnection(db.url);
  try {
    assert.equal(await burstAcceptedAtOnce(t, tenant, smtp, sql, 40), 40);
    for (const email of emails) {
      assert.equal(mailsTo(smtp, email).length, 1, `one mail to ${email}`);
      const verified = await t.gql(VERIFY, { token: tokenMailedTo(smtp, email) });
      assert.equal(verified.data?.verifyInvitation.connectAccount.email, email, `the link mailed to ${email} connects that hire (${JSON.stringify(verified.errors)})`);
    }
    for (const [email, { kinds }] of await historyOf(t, tenant)) assert.equal(kinds.filter((k) => k === "SENT").length, 1, `one SENT event for ${email}`);
  } finally {
    await sql.end();
    await stop();
  }
});

test("of mails accepted together, one whose invitation was cancelled while it was in flight is not marked SENT and its link does not work; the others are SENT", async () => {
  const { smtp, db, t, tenant, emails, stop } = await burstOf(10, "cancelled");
  const sql = await mysql.createConnection(db.url);
  try {
    const [cancelled, ...kept] = emails as [string, ...string[]];
    const before = await historyOf(t, tenant);
    const sent = await burstAcceptedAtOnce(t, tenant, smtp, sql, 10, async () => {
      assert.ok((await t.gql(CANCEL, { id: before.get(cancelled)!.id }, tenant.key)).data, "cancelled while its mail is held by the server");
    });
    assert.equal(sent, 9);
    assert.equal(mailsTo(smtp, cancelled).length, 1, "its mail had been handed over before the cancel");
    assert.notEqual((await t.gql(LINK_INFO, { token: tokenMailedTo(smtp, cancelled) })).data.linkInfo.state, "VALID");
    const after = await historyOf(t, tenant);
    assert.deepEqual(after.get(cancelled)!.kinds.filter((k) => k === "SENT"), [], "no SENT event for the cancelled one");
    for (const email of kept) {
      assert.equal((await t.gql(LINK_INFO, { token: tokenMailedTo(smtp, email) })).data.linkInfo.state, "VALID", `the link mailed to ${email} works`);
      assert.equal(after.get(email)!.kinds.filter((k) => k === "SENT").length, 1);
    }
  } finally {
    await sql.end();
    await stop();
  }
});
