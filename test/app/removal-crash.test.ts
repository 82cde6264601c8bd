import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import mysql from "mysql2/promise";
import { address, hrTenant } from "../support/hires.js";
import { startTestDns } from "../support/dns.js";
import { freshMysqlDatabase, freshPostgresDatabase } from "../support/services.js";
import { processClient, startServiceProcess } from "../support/processes.js";
import { startTestSmtp } from "../support/smtp.js";

const LEAVERS = 400;

test("two workers remove leavers' links while one is killed with SIGKILL in the middle: every link removed exactly once, one DISCONNECTED event each", async (t) => {
  const smtp = await startTestSmtp();
  const dns = await startTestDns();
  const db = await freshMysqlDatabase();
  const jobs = await freshPostgresDatabase();
  const env = { DATABASE_URL: db.url, JOBS_URL: jobs.url, SMTP_URL: smtp.url, DNS_SERVERS: dns.servers, SWEEP_INTERVAL: "1 second" };
  const children: ChildProcess[] = [];
  const sql = await mysql.createConnection({ uri: db.url });
  const count = async (query: string) => Number(((await sql.query(query))[0] as { n: number }[])[0]!.n);
  try {
    const [a, b] = await Promise.all([startServiceProcess(env, children), startServiceProcess(env, children)]);
    const api = processClient(b!.url);
    const tenant = await hrTenant(api);
    // a live tenant's verified domain, proven through (test) DNS: its hires are connected at registration (R7, R12)
    const token = (await api.gql(`query { tenant { domainVerificationToken } }`, {}, tenant.key)).data.tenant.domainVerificationToken;
    dns.setTxt("_onboarding.acme.se", [`onboarding-verification=${token}`]);
    const added = await api.gql(`mutation { addVerifiedDomain(domain: "acme.se") { verifiedDomains } }`, {}, tenant.key);
    assert.deepEqual(added.data?.addVerifiedDomain.verifiedDomains, ["acme.se"], JSON.stringify(added.errors));

    // leavers whose removal is long due: process A registers them and, right after the commit, removes their links …
    const rows = Array.from({ length: LEAVERS }, (_, i) => ({
      firstName: "Anna",
      lastName: `Leaver ${i}`,
      email: address(`leaver${i}`, "acme.se"),
      startDate: "2025-01-01",
      endDate: "2025-06-30",
      employmentTemplateId: tenant.templateId,
    }));
    const importing = processClient(a!.url)
      .gql(`mutation($rows: [RegisterHireInput!]!) { importHires(rows: $rows) { created } }`, { rows }, tenant.key)
      .catch(() => null); // its answer never comes: the process is killed
    // … while B's sweep (every second) works on the same removals; A dies in the middle
    const deadline = Date.now() + 60_000;
    let removed = 0;
    while ((removed = await count("SELECT COUNT(*) AS n FROM connect_account WHERE disconnectedAt IS NOT NULL")) < 40) {
      if (Date.now() > deadline) throw new Error(`the removals did not start (${removed})`);
      await sleep(10);
    }
    a!.child.kill("SIGKILL");
    await once(a!.child, "exit");
    await importing;
    const atKill = await count("SELECT COUNT(*) AS n FROM connect_account WHERE disconnectedAt IS NOT NULL");
    assert.ok(atKill < LEAVERS, `the kill falls in the middle of the removals (${atKill} of ${LEAVERS} removed)`);
    t.diagnostic(`${atKill} of ${LEAVERS} links removed when A was killed`);

    const finish = Date.now() + 240_000; // generous: a shared CI machine may be slow; no speed is asserted
    while ((removed = await count("SELECT COUNT(*) AS n FROM connect_account WHERE disconnectedAt IS NOT NULL")) < LEAVERS) {
      if (Date.now() > finish) throw new Error(`B did not finish the removals (${removed} of ${LEAVERS})`);
      await sleep(200);
    }
    await sleep(3000); // more sweeps: none may remove (or record) again
    assert.equal(await count("SELECT COUNT(*) AS n FROM connect_account"), LEAVERS, "every leaver was connected");
    assert.equal(await count("SELECT COUNT(*) AS n FROM employment WHERE disconnectDoneAt IS NULL"), 0, "every removal done");
    assert.equal(await count("SELECT COUNT(*) AS n FROM employment_event WHERE kind = 'DISCONNECTED'"), LEAVERS, "one DISCONNECTED event per link");
    assert.equal(await count("SELECT COUNT(DISTINCT employmentId) AS n FROM employment_event WHERE kind = 'DISCONNECTED'"), LEAVERS, "one per employment");
    const status = await api.gql(`query { invitations(first: 1) { totalCount } }`, {}, tenant.key);
    assert.equal(status.data.invitations.totalCount, 0, "connected by their domain: no mail");
    assert.equal(smtp.received.length, 0);
  } finally {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await Promise.all(children.map((child) => (child.exitCode === null && child.signalCode === null ? once(child, "exit") : null)));
    await sql.end();
    await smtp.close();
    await dns.close();
    await db.drop();
    await jobs.drop();
  }
});
