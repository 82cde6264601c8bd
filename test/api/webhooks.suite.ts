import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { startOn, errorCode, type Environment, type TestApp } from "../support/app.js";
import { address, advance, hrTenant, register, sandboxTenant, tokenMailedTo, type HrTenant } from "../support/hires.js";
import { startTestSmtp, type TestSmtp } from "../support/smtp.js";
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from "../support/webhook-receiver.js";

/** Wednesday 2026-03-25 14:00 Europe/Stockholm; a start the next day is mailed at once. */
const T0 = "2026-03-25T13:00:00Z";

const CREATE = `mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret endpoint { id url eventTypes enabled disabledReason createdAt } } }`;
const ENDPOINTS = `query { webhookEndpoints { id url eventTypes enabled disabledReason } }`;
const DELIVERIES = `query($id: ID!, $first: Int, $after: String) { webhookDeliveries(endpointId: $id, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id eventId eventType status attempts lastResponseStatus lastAttemptAt nextAttemptAt } } } }`;
const ROTATE = `mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret endpoint { id } } }`;
const ENABLE = `mutation($id: ID!) { enableWebhookEndpoint(id: $id) { id enabled disabledReason } }`;
const DELETE = `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`;
const REPLAY = `mutation($e: ID!, $v: ID!) { replayWebhookEvent(endpointId: $e, eventId: $v) { id eventId eventType status attempts } }`;
const VERIFY = `mutation($token: String!) { verifyInvitation(token: $token) { connectAccount { id } } }`;

/** What the receiver verifies: every delivery's signature, with the package a partner would use. */
function verified(secret: string, webhook: ReceivedWebhook): unknown {
  const headers = { "webhook-id": String(webhook.headers["webhook-id"]), "webhook-timestamp": String(webhook.headers["webhook-timestamp"]), "webhook-signature": String(webhook.headers["webhook-signature"]) };
  return new Webhook(secret).verify(webhook.body, headers);
}

/**
 * R11 webhooks through the HTTP endpoint, on a real database and job store, delivered by the
 * process's worker to a real HTTP receiver on 127.0.0.1 (private targets allowed here; the SSRF rule
 * has its own test: test/api/webhook-targets.test.ts).
 */
export function webhooksSuite(label: string, environment: Environment): void {
  describe(`webhooks (R11) on ${label}`, () => {
    let t: TestApp;
    let smtp: TestSmtp;
    let receiver: WebhookReceiver;
    let stop: () => Promise<void>;

    before(async () => {
      smtp = await startTestSmtp();
      receiver = await startWebhookReceiver();
      ({ t, stop } = await startOn(environment, smtp, { env: { WEBHOOK_ALLOW_PRIVATE_TARGETS: "true" }, webhookRelay: { pollMs: 200 } }));
    });
    after(async () => {
      await stop?.();
      await receiver?.close();
      await smtp?.close();
    });

    const path = (name: string) => `${name}-${randomBytes(3).toString("hex")}`;
    async function endpoint(tenant: HrTenant, where: string, eventTypes?: string[]): Promise<{ id: string; secret: string }> {
      const created = await t.gql(CREATE, { input: { url: receiver.url(where), eventTypes } }, tenant.key);
      assert.ok(created.data, JSON.stringify(created.errors));
      return { id: created.data.createWebhookEndpoint.endpoint.id, secret: created.data.createWebhookEndpoint.secret };
    }
    const deliveries = async (tenant: HrTenant, id: string, first?: number, after?: string) => (await t.gql(DELIVERIES, { id, first, after }, tenant.key)).data.webhookDeliveries;
    async function deliveriesWhen(tenant: HrTenant, id: string, check: (page: any) => boolean, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const page = await deliveries(tenant, id);
        if (check(page)) return page;
        if (Date.now() > until) throw new Error(`deliveries: ${JSON.stringify(page)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }

    test("HR creates an endpoint: a whsec_ secret shown once, every type by default; other roles may not", async () => {
      const tenant = await hrTenant(t);
      const created = await t.gql(CREATE, { input: { url: receiver.url("create") } }, tenant.key);
      const { secret, endpoint: made } = created.data.createWebhookEndpoint;
      assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
      assert.deepEqual({ ...made, createdAt: undefined }, { id: made.id, url: receiver.url("create"), eventTypes: [], enabled: true, disabledReason: null, createdAt: undefined });
      assert.deepEqual((await t.gql(ENDPOINTS, {}, tenant.key)).data.webhookEndpoints.map((e: { id: string }) => e.id), [made.id]);
      assert.ok(!JSON.stringify((await t.gql(ENDPOINTS, {}, tenant.key)).data).includes("whsec_"), "the secret is never read back");

      const partner = (await t.gql(`mutation { createApiKey(input: { name: "Partner", roles: [PARTNER] }) { apiKey } }`, {}, tenant.key)).data.createApiKey.apiKey;
      assert.equal(errorCode(await t.gql(CREATE, { input: { url: receiver.url("create") } }, partner)), "FORBIDDEN");
      assert.equal(errorCode(await t.gql(ENDPOINTS, {}, partner)), "FORBIDDEN");
      assert.equal(errorCode(await t.gql(CREATE, { input: { url: receiver.url("x"), eventTypes: ["invitation.sent", "invitation.bounced"] } }, tenant.key)), "BAD_USER_INPUT");
      assert.equal(errorCode(await t.gql(CREATE, { input: { url: "ftp://example.com/hook" } }, tenant.key)), "BAD_USER_INPUT");
    });

    test("one hire's every event in its causal order, signed (standardwebhooks verifies), dated on the sandbox's clock, no address or token", async () => {
      const tenant = await hrTenant(t, { name: "Review AB", sandbox: true, clockStart: T0, hasEmployeeLicense: true });
      await t.gql(`mutation { setReviewFlow(steps: [{ name: "HR" }]) { id } }`, {}, tenant.key);
      const where = path("order");
      const { secret } = await endpoint(tenant, where);
      const email = address("order");
      const hire = await register(t, tenant, { email, startDate: "2026-03-26", externalId: "EXT-1" });
      const employmentId = hire.employment.id;
      await t.gql(`mutation($id: ID!) { approveReviewStep(employmentId: $id) { id } }`, { id: employmentId }, tenant.key); // sent at once
      await advance(t, tenant, "2026-04-01T00:00:00Z"); // the link expired 2026-03-29T22:00Z
      await t.gql(`mutation($id: ID!) { resendInvitation(employmentId: $id) { id } }`, { id: employmentId }, tenant.key);
      assert.ok((await t.gql(VERIFY, { token: tokenMailedTo(smtp, email) })).data.verifyInvitation);
      await t.gql(`mutation($id: ID!) { cancelEmployment(employmentId: $id) { id } }`, { id: employmentId }, tenant.key);

      const expected = [
        ["employment.registered", "AWAITING_REVIEW"],
        ["employment.approved", "INVITATION_SCHEDULED"],
        ["invitation.scheduled", "INVITATION_SCHEDULED"],
        ["invitation.sent", "INVITATION_SENT"],
        ["invitation.expired", "INVITATION_EXPIRED"],
        ["invitation.scheduled", "INVITATION_SCHEDULED"],
        ["invitation.sent", "INVITATION_SENT"],
        ["account.connected", "CONNECTED"],
        ["employment.cancelled", "CONNECTED"],
      ];
      const received = await receiver.waitFor(where, (r) => r.length >= expected.length);
      assert.deepEqual(received.map((r) => [r.json.type, r.json.data.connectStatus]), expected);
      for (const webhook of received) {
        assert.deepEqual(verified(secret, webhook), webhook.json);
        assert.equal(webhook.headers["webhook-id"], webhook.json.data.id);
        assert.equal(webhook.json.type, webhook.json.data.type);
        assert.deepEqual(Object.keys(webhook.json).sort(), ["data", "timestamp", "type"]);
        assert.deepEqual(
          { employmentId: webhook.json.data.employmentId, employeeId: webhook.json.data.employeeId, externalId: webhook.json.data.externalId },
          { employmentId, employeeId: hire.employee.id, externalId: "EXT-1" },
        );
        assert.ok(!webhook.body.toLowerCase().includes(email.toLowerCase()) && !webhook.body.includes("token"), webhook.body);
        assert.ok(Math.abs(Number(webhook.headers["webhook-timestamp"]) * 1000 - Date.now()) < 60_000, "the header is real time");
      }
      assert.equal(received[0]!.json.timestamp, T0.replace("Z", ".000Z"), "the body is dated on the test clock");
      assert.equal(received[4]!.json.timestamp, "2026-03-29T22:00:00.000Z", "expired when the link stopped working");
      assert.equal(new Set(received.map((r) => r.headers["webhook-id"])).size, expected.length, "one id per event");
      const history = (await t.gql(`query($id: ID!) { employment(id: $id) { history { kind } } }`, { id: employmentId }, tenant.key)).data.employment.history;
      assert.ok(history.some((e: { kind: string }) => e.kind === "VERIFIED"), "VERIFIED is history, and its CONNECTED the one event");
    });

    test("the other events: invitation.failed (550) and employment.rejected", async () => {
      const tenant = await hrTenant(t, { name: "Review AB", sandbox: true, clockStart: T0, hasEmployeeLicense: true });
      const where = path("others");
      await endpoint(tenant, where, ["invitation.failed", "employment.rejected"]);
      const refused = address("refused");
      smtp.refuseRecipients(new RegExp(refused.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i"), "5.1.1 User unknown", 550);
      try {
        await register(t, tenant, { email: refused, startDate: "2026-03-26" });
      } finally {
        smtp.stopRefusing();
      }
      await t.gql(`mutation { setReviewFlow(steps: [{ name: "HR" }]) { id } }`, {}, tenant.key);
      const reviewed = await register(t, tenant, { email: address("rejected"), startDate: "2026-03-26" });
      await t.gql(`mutation($id: ID!) { rejectEmployment(employmentId: $id, reason: "no") { id } }`, { id: reviewed.employment.id }, tenant.key);
      const received = await receiver.waitFor(where, (r) => r.length >= 2);
      // two employments' events: each employment's in order, the two side by side in any order
      assert.deepEqual(received.map((r) => [r.json.type, r.json.data.connectStatus]).sort(), [
        ["employment.rejected", "CANCELLED"],
        ["invitation.failed", "INVITATION_FAILED"],
      ]);
    });

    test("a failed delivery is retried with the same webhook-id, then succeeds; the log shows it", async () => {
      const tenant = await sandboxTenant(t, T0);
      const where = path("retry");
      const { id, secret } = await endpoint(tenant, where, ["employment.registered"]);
      receiver.answer(where, { status: 500 });
      await register(t, tenant, { email: address("retry"), startDate: "2026-04-20" });
      const [first, second] = await receiver.waitFor(where, (r) => r.length >= 2, 30_000);
      assert.deepEqual([first!.status, second!.status], [500, 200]);
      assert.equal(first!.headers["webhook-id"], second!.headers["webhook-id"]);
      assert.deepEqual(verified(secret, second!), second!.json);
      const page = await deliveriesWhen(tenant, id, (p) => p.edges[0]?.node.status === "SUCCEEDED");
      assert.deepEqual({ ...page.edges[0].node, id: undefined, lastAttemptAt: undefined }, {
        id: undefined,
        eventId: first!.headers["webhook-id"],
        eventType: "employment.registered",
        status: "SUCCEEDED",
        attempts: 2,
        lastResponseStatus: 200,
        lastAttemptAt: undefined,
        nextAttemptAt: null,
      });
    });

    test("410 disables the endpoint at once; enabled again, the delivery it refused goes out, and new events", async () => {
      const tenant = await sandboxTenant(t, T0);
      const where = path("gone");
      const { id } = await endpoint(tenant, where, ["employment.registered", "employment.cancelled"]);
      receiver.answer(where, { status: 410 });
      const hire = await register(t, tenant, { email: address("gone"), startDate: "2026-04-20" });
      await receiver.waitFor(where, (r) => r.length >= 1);
      const current = async () => (await t.gql(ENDPOINTS, {}, tenant.key)).data.webhookEndpoints.find((e: { id: string }) => e.id === id);
      for (let i = 0; i < 50 && (await current()).enabled; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      const disabled = await current();
      assert.equal(disabled.enabled, false);
      assert.match(disabled.disabledReason, /410/);
      // a disabled endpoint gets no new deliveries (replayWebhookEvent recovers one if wanted)
      await t.gql(`mutation($id: ID!) { cancelEmployment(employmentId: $id) { id } }`, { id: hire.employment.id }, tenant.key);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      assert.equal(receiver.at(where).length, 1, "nothing is sent to a disabled endpoint");

      const enabled = await t.gql(ENABLE, { id }, tenant.key);
      assert.deepEqual(enabled.data.enableWebhookEndpoint, { id, enabled: true, disabledReason: null });
      const next = await register(t, tenant, { email: address("back"), startDate: "2026-04-20" });
      const received = await receiver.waitFor(where, (r) => r.length >= 3);
      assert.deepEqual(received[0]!.status, 410);
      assert.deepEqual(
        received.slice(1).map((r) => [r.json.data.employmentId, r.json.type, r.status]).sort(),
        [[hire.employment.id, "employment.registered", 200], [next.employment.id, "employment.registered", 200]].sort(),
      );
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(receiver.at(where).length, 3);
    });

    test("replay delivers an event again with its id; the log lists it newest first, paged, with a total", async () => {
      const tenant = await sandboxTenant(t, T0);
      const where = path("replay");
      const { id } = await endpoint(tenant, where, ["employment.registered"]);
      for (const name of ["a", "b", "c"]) await register(t, tenant, { email: address(name), startDate: "2026-04-20" });
      const three = await receiver.waitFor(where, (r) => r.length >= 3);
      const eventId = three[0]!.json.data.id;
      const replayed = (await t.gql(REPLAY, { e: id, v: eventId }, tenant.key)).data.replayWebhookEvent;
      assert.deepEqual({ ...replayed, id: undefined }, { id: undefined, eventId, eventType: "employment.registered", status: "PENDING", attempts: 0 });
      const again = await receiver.waitFor(where, (r) => r.length >= 4);
      assert.equal(again[3]!.headers["webhook-id"], eventId);
      assert.deepEqual(again[3]!.json, three[0]!.json);

      const page1 = await deliveriesWhen(tenant, id, (p) => p.edges.every((e: any) => e.node.status === "SUCCEEDED"));
      assert.equal(page1.totalCount, 4);
      // three employments' events: delivered in order per employment only, so listed by when each delivery was made (the events' order)
      const made = three.map((r) => r.json.data.id as string).sort();
      assert.deepEqual(page1.edges.map((e: any) => e.node.eventId), [eventId, ...made.reverse()], "newest first");
      const first = await deliveries(tenant, id, 3);
      assert.equal(first.pageInfo.hasNextPage, true);
      const rest = await deliveries(tenant, id, 3, first.pageInfo.endCursor);
      assert.deepEqual([...first.edges, ...rest.edges].map((e: any) => e.node.id), page1.edges.map((e: any) => e.node.id));
      assert.equal(rest.pageInfo.hasNextPage, false);
      assert.equal(errorCode(await t.gql(REPLAY, { e: id, v: "00000000-0000-7000-8000-000000000000" }, tenant.key)), "NOT_FOUND");
    });

    test("rotation: a new secret shown once; for the overlap both the new and the old secret verify every delivery", async () => {
      const tenant = await sandboxTenant(t, T0);
      const where = path("rotate");
      const { id, secret: old } = await endpoint(tenant, where, ["employment.registered"]);
      const rotated = (await t.gql(ROTATE, { id }, tenant.key)).data.rotateWebhookSecret;
      assert.match(rotated.secret, /^whsec_/);
      assert.notEqual(rotated.secret, old);
      await register(t, tenant, { email: address("rotate"), startDate: "2026-04-20" });
      const [webhook] = await receiver.waitFor(where, (r) => r.length >= 1);
      assert.equal(String(webhook!.headers["webhook-signature"]).split(" ").length, 2);
      assert.deepEqual(verified(rotated.secret, webhook!), webhook!.json);
      assert.deepEqual(verified(old, webhook!), webhook!.json);
      assert.throws(() => verified(`whsec_${randomBytes(32).toString("base64")}`, webhook!), "another secret does not verify");
    });

    test("event-type filters: an endpoint hears only its types; one without a filter hears all", async () => {
      const tenant = await sandboxTenant(t, T0);
      const [sent, all] = [path("sent-only"), path("all")];
      await endpoint(tenant, sent, ["invitation.sent"]);
      await endpoint(tenant, all);
      await register(t, tenant, { email: address("filter"), startDate: "2026-03-26" });
      const every = await receiver.waitFor(all, (r) => r.length >= 3);
      assert.deepEqual(every.map((r) => r.json.type), ["employment.registered", "invitation.scheduled", "invitation.sent"]);
      const only = await receiver.waitFor(sent, (r) => r.length >= 1);
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.deepEqual(only.map((r) => r.json.type), ["invitation.sent"]);
    });

    test("tenant isolation: another tenant's endpoints, deliveries and events do not exist for HR of this one", async () => {
      const [a, b] = [await sandboxTenant(t, T0), await sandboxTenant(t, T0)];
      const [whereA, whereB] = [path("tenant-a"), path("tenant-b")];
      const endpointA = await endpoint(a, whereA, ["employment.registered"]);
      await endpoint(b, whereB);
      await register(t, a, { email: address("a"), startDate: "2026-04-20" });
      const [event] = await receiver.waitFor(whereA, (r) => r.length >= 1);
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal(receiver.at(whereB).length, 0, "B hears nothing of A's hires");
      assert.ok(!(await t.gql(ENDPOINTS, {}, b.key)).data.webhookEndpoints.some((e: { id: string }) => e.id === endpointA.id));
      assert.equal(errorCode(await t.gql(DELIVERIES, { id: endpointA.id }, b.key)), "NOT_FOUND");
      assert.equal(errorCode(await t.gql(ROTATE, { id: endpointA.id }, b.key)), "NOT_FOUND");
      assert.equal(errorCode(await t.gql(ENABLE, { id: endpointA.id }, b.key)), "NOT_FOUND");
      assert.equal(errorCode(await t.gql(DELETE, { id: endpointA.id }, b.key)), "NOT_FOUND");
      assert.equal(errorCode(await t.gql(REPLAY, { e: endpointA.id, v: event!.json.data.id }, b.key)), "NOT_FOUND");
      const [endpointB] = (await t.gql(ENDPOINTS, {}, b.key)).data.webhookEndpoints;
      assert.equal(errorCode(await t.gql(REPLAY, { e: endpointB.id, v: event!.json.data.id }, b.key)), "NOT_FOUND", "nor A's events through B's endpoint");
      assert.equal((await deliveries(a, endpointA.id)).totalCount, 1, "A's log is intact");
      assert.equal((await t.gql(DELETE, { id: endpointA.id }, a.key)).data.deleteWebhookEndpoint, true);
      assert.equal(errorCode(await t.gql(DELIVERIES, { id: endpointA.id }, a.key)), "NOT_FOUND");
    });
  });
}
