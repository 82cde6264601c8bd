import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { DateTime } from "luxon";
import { createLogger } from "../../src/log.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { address, hrTenant, register, type HrTenant } from "../support/hires.js";
import { freshDataDir, freshMysqlDatabase, freshPostgresDatabase } from "../support/services.js";
import { startTestSmtp, type TestSmtp } from "../support/smtp.js";

const METRICS_TOKEN = "m".repeat(40);

/** One sample of the Prometheus text format: `name{label="value",…} number`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const given = Object.fromEntries([...(match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => given[key] === value)) return Number(match[3]);
  }
  return undefined;
}

async function get(t: TestApp, path: string, headers: Record<string, string> = {}) {
  return fetch(`${t.url}${path}`, { headers, redirect: "manual" });
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

async function scrape(t: TestApp): Promise<string> {
  const response = await get(t, "/metrics", bearer(t.operatorKey));
  assert.equal(response.status, 200);
  return response.text();
}

/** Scrapes until `check` holds (the database and the worker get there in their own time). */
async function scrapeUntil(t: TestApp, check: (text: string) => boolean, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await scrape(t);
    if (check(text) || Date.now() > deadline) return text;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("what operators see: /metrics, request logs, /admin/jobs", () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let tenant: HrTenant;
  let later: { employment: { invitation: { id: string; sendAt: string } } };
  const logLines: Record<string, any>[] = [];
  const hireAddresses: string[] = [];
  let cleanUp: () => Promise<void>;

  before(async () => {
    const db = await freshMysqlDatabase();
    // a job store of its own: the shared Redis holds thousands of other tests' jobs, and their workers
    const jobs = await freshPostgresDatabase();
    const data = await freshDataDir();
    smtp = await startTestSmtp();
    const captured = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) logLines.push(JSON.parse(line));
        done();
      },
    });
    t = await startTestApp(
      { DATABASE_URL: db.url, JOBS_URL: jobs.url, OPERATOR_API_KEY: "o".repeat(40), DATA_DIR: data.dir, SMTP_URL: smtp.url, METRICS_TOKEN },
      { log: createLogger("debug", captured) },
    );
    cleanUp = async () => {
      await t?.stop();
      await smtp?.close();
      await db.drop();
      await jobs.drop();
      await data.remove();
    };
    tenant = await hrTenant(t);
    const today = DateTime.fromJSDate(t.app.services.clock.now()).setZone("Europe/Stockholm");
    hireAddresses.push(address("now"), address("later"));
    await register(t, tenant, { email: hireAddresses[0], startDate: today.toISODate() });
    later = await register(t, tenant, { email: hireAddresses[1], startDate: today.plus({ days: 30 }).toISODate() });
    await smtp.waitFor(1, 15_000);
  });
  after(() => cleanUp?.());

  test("/metrics: no key → 401, a tenant's HR key → 403, the operator key or METRICS_TOKEN → 200", async () => {
    const none = await get(t, "/metrics");
    assert.equal(none.status, 401);
    assert.equal(none.headers.get("www-authenticate"), "Bearer");
    assert.equal(((await none.json()) as any).errors[0].extensions.code, "UNAUTHENTICATED");
    assert.equal((await get(t, "/metrics", bearer("obk_not-a-real-key"))).status, 401);
    const hr = await get(t, "/metrics", bearer(tenant.key));
    assert.equal(hr.status, 403);
    assert.equal(((await hr.json()) as any).errors[0].extensions.code, "FORBIDDEN");
    const operator = await get(t, "/metrics", bearer(t.operatorKey));
    assert.equal(operator.status, 200);
    assert.match(operator.headers.get("content-type")!, /^text\/plain; version=0\.0\.4/);
    assert.equal((await get(t, "/metrics", bearer(METRICS_TOKEN))).status, 200);
    assert.equal((await get(t, "/admin/jobs/api", bearer(METRICS_TOKEN))).status, 401, "the metrics token opens /metrics only");
  });

  test("invitation gauges come from the database: one sent now, one scheduled for later", async () => {
    const text = await scrapeUntil(t, (text) => sample(text, "onboarding_invitations", { status: "SENT" }) === 1);
    assert.equal(sample(text, "onboarding_invitations", { status: "SENT" }), 1);
    assert.equal(sample(text, "onboarding_invitations", { status: "SCHEDULED" }), 1);
    assert.equal(sample(text, "onboarding_invitations", { status: "SENDING" }), 0);
    assert.equal(sample(text, "onboarding_invitations", { status: "VERIFIED" }), 0);
    assert.equal(sample(text, "onboarding_invitations_retrying"), 0);
    assert.equal(sample(text, "onboarding_send_lag_seconds"), 0, "the later hire is not due yet");
    assert.equal(sample(text, "onboarding_invitation_stats_up"), 1);
  });

  test("mail, HTTP and GraphQL are counted and timed; the process's own metrics are there", async () => {
    await t.gql(`query Broken { nothingHere }`, {}, tenant.key);
    await get(t, "/verify?token=SECRET-TOKEN-IN-A-LINK");
    const text = await scrape(t);
    assert.equal(sample(text, "onboarding_mail_send_seconds_count", { outcome: "sent" }), 1);
    assert.ok(sample(text, "onboarding_mail_send_seconds_bucket", { outcome: "sent", le: "+Inf" }) === 1);

    assert.ok(sample(text, "onboarding_http_requests_total", { method: "POST", route: "/graphql", status: "200" })! >= 6);
    assert.equal(sample(text, "onboarding_http_requests_total", { method: "GET", route: "/verify", status: "200" }), 1);
    assert.ok(sample(text, "onboarding_http_requests_total", { method: "GET", route: "/metrics", status: "401" })! >= 2);
    assert.ok(sample(text, "onboarding_http_request_duration_seconds_count", { method: "POST", route: "/graphql", status: "200" })! >= 6);
    assert.doesNotMatch(text, /SECRET-TOKEN|token=/, "no URL with a token becomes a label");

    assert.equal(sample(text, "onboarding_graphql_requests_total", { operation: "Register", outcome: "ok" }), 2);
    assert.equal(sample(text, "onboarding_graphql_requests_total", { operation: "CreateTenant", outcome: "ok" }), 1);
    assert.equal(sample(text, "onboarding_graphql_requests_total", { operation: "invalid", outcome: "error" }), 1);
    assert.equal(sample(text, "onboarding_graphql_request_duration_seconds_count", { operation: "Register", outcome: "ok" }), 2);

    assert.ok(sample(text, "process_cpu_user_seconds_total")! > 0);
    assert.ok(sample(text, "nodejs_heap_size_used_bytes")! > 0);
  });

  test("x-request-id: a sane one is echoed, anything else is replaced by a new one", async () => {
    const given = await get(t, "/healthz", { "x-request-id": "lb-7f3a.42:x_1" });
    assert.equal(given.headers.get("x-request-id"), "lb-7f3a.42:x_1");
    const none = await get(t, "/healthz");
    assert.match(none.headers.get("x-request-id")!, /^[0-9a-f-]{36}$/);
    const tooLong = await get(t, "/healthz", { "x-request-id": "a".repeat(65) });
    assert.match(tooLong.headers.get("x-request-id")!, /^[0-9a-f-]{36}$/);
    const odd = await get(t, "/healthz", { "x-request-id": "<script>" });
    assert.match(odd.headers.get("x-request-id")!, /^[0-9a-f-]{36}$/);
  });

  test("one log line per request: id, method, path without the query, status, duration, tenant; never a token, key or address", async () => {
    await get(t, "/verify?token=SECRET-42&lang=sv", { "x-request-id": "verify-req-1" });
    await t.gql(`query Me { tenant { id } }`, {}, tenant.key);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the line is written once the answer has gone out

    const verify = logLines.find((line) => line.reqId === "verify-req-1");
    assert.ok(verify, "a line for the verify request");
    assert.deepEqual(verify.req, { method: "GET", path: "/verify" });
    assert.equal(verify.res.statusCode, 200);
    assert.equal(typeof verify.responseTime, "number");
    assert.equal(verify.msg, "request completed");
    assert.equal(verify.tenantId, undefined);

    const graphql = logLines.filter((line) => line.req?.path === "/graphql" && line.tenantId === tenant.id);
    assert.ok(graphql.length > 0, "an authenticated request's line names the tenant");

    const all = logLines.map((line) => JSON.stringify(line)).join("\n");
    assert.doesNotMatch(all, /SECRET-42|SECRET-TOKEN|lang=sv|\?token/);
    assert.ok(!all.includes(tenant.key) && !all.includes(t.operatorKey), "no API key in the logs");
    for (const hire of hireAddresses) assert.ok(!all.includes(hire), `${hire} appears only masked`);
  });

  test("an address in a logged path or a logged `to` is masked", async () => {
    await get(t, `/verify/${encodeURIComponent("anna.berg@acme.se")}`, { "x-request-id": "address-in-path" });
    t.app.log.info({ to: "anna.berg@acme.se", nested: { email: "bo@acme.se" } }, "masked?");
    await new Promise((resolve) => setTimeout(resolve, 50));
    const line = logLines.find((l) => l.reqId === "address-in-path");
    assert.equal(line?.req.path, "/verify/a***@acme.se");
    assert.equal(line?.res.statusCode, 404);
    const masked = logLines.find((l) => l.msg === "masked?");
    assert.equal(masked?.to, "a***@acme.se");
    assert.equal(masked?.nested.email, "b***@acme.se");
  });

  test("/admin/jobs (agendash): operator key only; lists the send job of the later hire", async () => {
    const none = await get(t, "/admin/jobs/api");
    assert.equal(none.status, 401);
    assert.match(none.headers.get("www-authenticate")!, /Basic realm=/);
    assert.equal((await get(t, "/admin/jobs/api", bearer(tenant.key))).status, 403);

    const answer = await get(t, "/admin/jobs/api?job=invitation.send&state=scheduled&limit=500", bearer(t.operatorKey));
    assert.equal(answer.status, 200);
    const body = (await answer.json()) as { jobs: { job: { name: string; data: { invitationId?: string }; nextRunAt: string } }[]; overview: { displayName: string }[] };
    const send = body.jobs.find((j) => j.job.data?.invitationId === later.employment.invitation.id);
    assert.ok(send, "the later hire's send job is listed");
    assert.equal(send.job.name, "invitation.send");
    assert.equal(new Date(send.job.nextRunAt).toISOString(), new Date(later.employment.invitation.sendAt).toISOString());
    assert.ok(body.overview.some((o) => o.displayName === "invitation.send"));

    // the dashboard itself, in a browser: a Basic login whose password is the operator key
    const basic = { authorization: `Basic ${Buffer.from(`operator:${t.operatorKey}`).toString("base64")}` };
    const folder = await get(t, "/admin/jobs", basic);
    assert.equal(folder.status, 301);
    assert.equal(folder.headers.get("location"), "/admin/jobs/");
    const page = await get(t, "/admin/jobs/", basic);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Agendash/);
    // a cross-site form cannot change jobs with the browser's remembered login
    const form = await fetch(`${t.url}/admin/jobs/api/jobs/delete`, {
      method: "POST",
      headers: { ...basic, "content-type": "application/x-www-form-urlencoded" },
      body: `jobIds=${send.job.data.invitationId}`,
    });
    assert.equal(form.status, 415);
  });

  test("send lag: now (the app's clock) minus the oldest due send; a send due for an hour shows 3600 s", async () => {
    const clock = t.app.services.clock;
    const offset = clock.now().getTime() - Date.now();
    const sendAt = new Date(later.employment.invitation.sendAt).getTime();
    clock.setNow(new Date(sendAt + 3_600_000));
    try {
      const lag = sample(await scrape(t), "onboarding_send_lag_seconds")!;
      assert.ok(lag >= 3600 && lag < 3610, `lag ${lag}`);
    } finally {
      clock.setNow(new Date(Date.now() + offset));
    }
  });

  test("a refused delivery: the mail histogram counts it failed and the invitation as retrying; the SMTP error is logged with the address masked", async () => {
    const email = address("refused");
    smtp.refuseNext(1, `Mailbox of <${email}> is busy, try again later`); // servers do name the recipient
    const today = DateTime.fromJSDate(t.app.services.clock.now()).setZone("Europe/Stockholm");
    await register(t, tenant, { email, startDate: today.toISODate() });
    const text = await scrapeUntil(t, (text) => sample(text, "onboarding_invitations_retrying") === 1);
    assert.equal(sample(text, "onboarding_invitations_retrying"), 1);
    assert.equal(sample(text, "onboarding_mail_send_seconds_count", { outcome: "failed" }), 1);

    const failures = logLines.filter((line) => line.msg === "SMTP delivery failed");
    assert.equal(failures.length, 1);
    assert.match(failures[0]!.err.message, new RegExp(`Mailbox of <${email[0]}\\*\\*\\*@`), "the error is there, its address masked");
    const all = logLines.map((line) => JSON.stringify(line)).join("\n");
    assert.ok(!all.includes(email), `${email} appears only masked`);
  });
});
