import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ApiKey } from "../../src/entities/index.js";
import { startOn, type Environment, type TestApp } from "../support/app.js";
import { address, advance, hrTenant, register, sandboxTenant, tokenMailedTo, type HrTenant } from "../support/hires.js";
import { startTestSmtp, type TestSmtp } from "../support/smtp.js";
import { bearer, connect, type Connection } from "../support/subscriptions.js";

const STATUS_CHANGED = `subscription($id: ID!) { accountStatusChanged(employeeId: $id) { employeeId connectStatus email invitation { id status sentAt } connectAccount { method } } }`;
const EVENTS = `subscription($id: ID) { employmentEvents(employmentId: $id) { id type at employmentId employeeId externalId connectStatus } }`;
const VERIFY = `mutation($token: String!) { verifyInvitation(token: $token) { connectAccount { id } } }`;
const PER_KEY = 3;

/**
 * R11's subscriptions over graphql-ws: a real server over HTTP, real WebSockets (graphql-ws's client on
 * `ws`), a real SMTP server; what a subscriber hears and when it is refused.
 */
export function subscriptionsSuite(label: string, environment: Environment): void {
  describe(`subscriptions on ${label}`, () => {
    let t: TestApp;
    let smtp: TestSmtp;
    let stop: () => Promise<void>;
    const open: Connection[] = [];
    const connectAs = (payload: Record<string, unknown> | undefined) => {
      const connection = connect(t.url, payload);
      open.push(connection);
      return connection;
    };

    before(async () => {
      smtp = await startTestSmtp();
      ({ t, stop } = await startOn(environment, smtp, { env: { SUBSCRIPTIONS_PER_KEY: String(PER_KEY), SUBSCRIPTIONS_POLL_MS: "50", API_KEY_CACHE_SECONDS: "0" }, subscriptionKeyRecheckMs: 200 }));
    });
    after(async () => {
      await Promise.all(open.map((c) => c.close().catch(() => undefined)));
      await stop?.();
      await smtp?.close();
    });

    const keyOf = async (tenant: HrTenant, name: string, roles: string[]) => {
      const response = await t.gql(`mutation($n: String!, $r: [Role!]!) { createApiKey(input: { name: $n, roles: $r }) { apiKey } }`, { n: name, r: roles }, tenant.key);
      if (!response.data) throw new Error(JSON.stringify(response.errors));
      return response.data.createApiKey.apiKey as string;
    };

    describe("connecting", () => {
      test("no key in connection_init → closed with 4401", async () => {
        assert.equal((await connectAs(undefined).closed).code, 4401);
        assert.equal((await connectAs({ authorization: "" }).closed).code, 4401);
      });

      test("a wrong key, or the operator's (no tenant) → closed with 4403", async () => {
        const wrong = await connectAs(bearer("obk_not-a-key")).closed;
        assert.equal(wrong.code, 4403);
        assert.match(wrong.reason, /not valid/);
        assert.equal((await connectAs({ authorization: "Basic abc" }).closed).code, 4403);
        const operator = await connectAs(bearer(t.operatorKey)).closed;
        assert.equal(operator.code, 4403);
        assert.match(operator.reason, /tenant/);
      });

      test(`at most SUBSCRIPTIONS_PER_KEY (${PER_KEY}) connections per key: the next is closed with 4029; a closed one frees its place`, async () => {
        const tenant = await hrTenant(t);
        const held = Array.from({ length: PER_KEY }, () => connectAs(bearer(tenant.key)));
        await Promise.all(held.map((c) => c.connected));
        const refused = await connectAs(bearer(tenant.key)).closed;
        assert.equal(refused.code, 4029);
        assert.match(refused.reason, /SUBSCRIPTIONS_PER_KEY/);
        const other = await keyOf(tenant, "Mobile app", ["HR_ADMIN"]);
        await connectAs(bearer(other)).connected; // another key of the tenant has its own count
        await held[0]!.close();
        await held[0]!.closed;
        const again = connectAs(bearer(tenant.key));
        await again.connected;
        await Promise.all([...held.slice(1), again].map((c) => c.close()));
      });

      test("a key revoked while its connection is open: the connection is closed with 4403", async () => {
        const tenant = await hrTenant(t);
        const doomed = await keyOf(tenant, "Doomed app", ["HR_ADMIN"]);
        const connection = connectAs(bearer(doomed));
        await connection.connected;
        await t.app.dataSource.manager.update(ApiKey, { tenantId: tenant.id, name: "Doomed app" }, { revokedAt: new Date() });
        const closed = await connection.closed;
        assert.equal(closed.code, 4403);
        assert.match(closed.reason, /no longer valid/);
      });

      test("queries and mutations are refused over the WebSocket (they go through POST /graphql)", async () => {
        const tenant = await hrTenant(t);
        const connection = connectAs(bearer(tenant.key));
        const query = connection.subscribe(`query { tenant { id } }`);
        await query.ended;
        assert.equal(query.errors[0]?.extensions?.code, "BAD_USER_INPUT");
        assert.match(query.errors[0]!.message, /POST \/graphql/);
        await connection.close();
      });
    });

    describe("employmentEvents", () => {
      type Event = { id: string; type: string; at: string; employmentId: string; employeeId: string; externalId: string | null; connectStatus: string };
      const eventsOf = (received: { employmentEvents: Event }[], employmentId: string) =>
        received.map((r) => r.employmentEvents).filter((e) => e.employmentId === employmentId);
      /** Repeats `change` (it returns the employment it changed) until `subscription` hears of it: then the subscription runs. */
      const running = async (subscription: { until(p: (r: { employmentEvents: Event }) => boolean, ms?: number): Promise<unknown> }, change: () => Promise<string>) => {
        for (let attempt = 0; ; attempt++) {
          const employmentId = await change();
          try {
            return await subscription.until((r) => r.employmentEvents.employmentId === employmentId, 1000);
          } catch (error) {
            if (attempt === 10) throw error;
          }
        }
      };
      const typesOf = (received: { employmentEvents: Event }[], employmentId: string) => eventsOf(received, employmentId).map((e) => e.type);

      test("HR_ADMIN hears a hire's events in causal order as it is registered, sent and verified, each with the status after it", async () => {
        const tenant = await hrTenant(t);
        const connection = connectAs(bearer(tenant.key));
        await connection.connected;
        const events = connection.subscribe<{ employmentEvents: Event }>(EVENTS);
        const email = address("cleo");
        // subscribed before the hire: wait until the subscription is running (a first hire's event arrives)
        await running(events, async () => (await register(t, tenant, { email: address("warmup"), startDate: "2030-01-10" })).employment.id);

        const hire = await register(t, tenant, { email, startDate: "2026-01-01", externalId: "HR-17" }); // a past start: sent now
        await events.until((r) => r.employmentEvents.employmentId === hire.employment.id && r.employmentEvents.type === "invitation.sent");
        const verified = await t.gql(VERIFY, { token: tokenMailedTo(smtp, email) });
        assert.ok(verified.data, JSON.stringify(verified.errors));
        await events.until((r) => r.employmentEvents.employmentId === hire.employment.id && r.employmentEvents.type === "account.connected");

        assert.deepEqual(typesOf(events.received, hire.employment.id), ["employment.registered", "invitation.scheduled", "invitation.sent", "account.connected"]);
        const heard = eventsOf(events.received, hire.employment.id);
        assert.deepEqual(heard.map((e) => e.connectStatus).at(-1), "CONNECTED");
        assert.equal(heard.find((e) => e.type === "invitation.sent")!.connectStatus, "INVITATION_SENT");
        for (const event of heard) {
          assert.equal(event.employeeId, hire.employee.id);
          assert.equal(event.externalId, "HR-17");
        }
        assert.equal(new Set(heard.map((e) => e.id)).size, heard.length, "each event once");
        assert.ok(!JSON.stringify(events.received).includes(email), "never an address");
        await connection.close();
      });

      test("employmentEvents(employmentId) hears only that employment; another tenant's subscriber hears nothing of it", async () => {
        const [tenant, other] = [await hrTenant(t), await hrTenant(t)];
        const first = await register(t, tenant, { email: address("dan"), startDate: "2030-01-10" });
        const connection = connectAs(bearer(tenant.key));
        const otherConnection = connectAs(bearer(other.key));
        const one = connection.subscribe<{ employmentEvents: Event }>(EVENTS, { id: first.employment.id });
        const theirs = otherConnection.subscribe<{ employmentEvents: Event }>(EVENTS);
        const all = connection.subscribe<{ employmentEvents: Event }>(EVENTS);
        // running: each hears a change it may hear (repeated until it does: subscribing takes a moment)
        await running(theirs, async () => (await register(t, other, { email: address("own"), startDate: "2030-01-10" })).employment.id);
        for (const subscription of [one, all]) {
          await running(subscription, async () => {
            const resent = await t.gql(`mutation($id: ID!) { resendInvitation(employmentId: $id) { id } }`, { id: first.employment.id }, tenant.key);
            assert.ok(resent.data, JSON.stringify(resent.errors));
            return first.employment.id;
          });
        }

        const second = await register(t, tenant, { email: address("eve"), startDate: "2030-01-10" });
        await all.until((r) => r.employmentEvents.employmentId === second.employment.id && r.employmentEvents.type === "invitation.scheduled");
        const lastOfOther = await register(t, other, { email: address("last"), startDate: "2030-01-10" });
        await theirs.until((r) => r.employmentEvents.employmentId === lastOfOther.employment.id && r.employmentEvents.type === "invitation.scheduled");

        assert.deepEqual(new Set(one.received.map((r) => r.employmentEvents.employmentId)), new Set([first.employment.id]));
        const heardByOther = new Set(theirs.received.map((r) => r.employmentEvents.employmentId));
        assert.ok(!heardByOther.has(first.employment.id) && !heardByOther.has(second.employment.id), "another tenant hears nothing of it");
        await Promise.all([connection.close(), otherConnection.close()]);
      });

      test("a partner's key hears only the hires keys of its name registered; another's employment id answers NOT_FOUND; REVIEWER hears all", async () => {
        const tenant = await hrTenant(t);
        const [payroll, payrollToo, travel, reviewer] = [
          await keyOf(tenant, "Payroll", ["PARTNER"]),
          await keyOf(tenant, "Payroll", ["PARTNER"]),
          await keyOf(tenant, "Travel", ["PARTNER"]),
          await keyOf(tenant, "Reviewer", ["REVIEWER"]),
        ];
        const hrs = await register(t, tenant, { email: address("hr"), startDate: "2030-01-10" });
        const [payrollConnection, travelConnection, reviewerConnection] = [connectAs(bearer(payrollToo)), connectAs(bearer(travel)), connectAs(bearer(reviewer))];
        const refused = payrollConnection.subscribe(EVENTS, { id: hrs.employment.id });
        await refused.ended;
        assert.equal(refused.errors[0]?.extensions?.code, "NOT_FOUND");
        const statusRefused = payrollConnection.subscribe(STATUS_CHANGED, { id: hrs.employee.id });
        await statusRefused.ended;
        assert.equal(statusRefused.errors[0]?.extensions?.code, "NOT_FOUND");

        const heardByPayroll = payrollConnection.subscribe<{ employmentEvents: Event }>(EVENTS);
        const heardByTravel = travelConnection.subscribe<{ employmentEvents: Event }>(EVENTS);
        const heardByReviewer = reviewerConnection.subscribe<{ employmentEvents: Event }>(EVENTS);
        await Promise.all([payrollConnection, travelConnection, reviewerConnection].map((c) => c.connected));
        // until all three run: each partner registers a hire until it hears it (the reviewer hears them too)
        const registerAs = async (key: string) =>
          (await t.gql(`mutation($input: RegisterHireInput!) { registerHire(input: $input) { employment { id } } }`,
            { input: { firstName: "P", lastName: "Q", email: address("own"), startDate: "2030-01-10", employmentTemplateId: tenant.templateId } }, key)).data.registerHire.employment.id as string;
        await running(heardByPayroll, () => registerAs(payroll));
        await running(heardByTravel, () => registerAs(travel));
        await running(heardByReviewer, () => registerAs(travel));

        const partners = await register(t, tenant, { email: address("p"), startDate: "2030-01-10" }); // HR's
        const payrolls = (await t.gql(`mutation($input: RegisterHireInput!) { registerHire(input: $input) { employment { id } } }`,
          { input: { firstName: "P", lastName: "R", email: address("pay"), startDate: "2030-01-10", employmentTemplateId: tenant.templateId } }, payroll)).data.registerHire.employment.id;
        const travels = (await t.gql(`mutation($input: RegisterHireInput!) { registerHire(input: $input) { employment { id } } }`,
          { input: { firstName: "T", lastName: "R", email: address("tra"), startDate: "2030-01-10", employmentTemplateId: tenant.templateId } }, travel)).data.registerHire.employment.id;
        await heardByPayroll.until((r) => r.employmentEvents.employmentId === payrolls && r.employmentEvents.type === "invitation.scheduled");
        await heardByTravel.until((r) => r.employmentEvents.employmentId === travels && r.employmentEvents.type === "invitation.scheduled");
        await heardByReviewer.until((r) => r.employmentEvents.employmentId === travels && r.employmentEvents.type === "invitation.scheduled");

        const ids = (s: typeof heardByPayroll) => new Set(s.received.map((r) => r.employmentEvents.employmentId));
        assert.ok(ids(heardByPayroll).has(payrolls) && !ids(heardByPayroll).has(travels) && !ids(heardByPayroll).has(partners.employment.id));
        assert.ok(ids(heardByTravel).has(travels) && !ids(heardByTravel).has(payrolls) && !ids(heardByTravel).has(partners.employment.id));
        assert.ok([payrolls, travels, partners.employment.id].every((id) => ids(heardByReviewer).has(id)), "REVIEWER hears every hire");
        await Promise.all([payrollConnection, travelConnection, reviewerConnection].map((c) => c.close()));
      });
    });

    test("a sandbox tenant: events dated on its test clock, delivered as they are written (advanceTestClock's send too)", async () => {
      const tenant = await sandboxTenant(t, "2026-03-25T13:00:00Z");
      const connection = connectAs(bearer(tenant.key));
      const events = connection.subscribe<{ employmentEvents: { type: string; at: string; employmentId: string } }>(EVENTS);
      for (let attempt = 0; ; attempt++) {
        const warm = await register(t, tenant, { email: address("warm"), startDate: "2026-04-20" });
        try {
          await events.until((r) => r.employmentEvents.employmentId === warm.employment.id, 1000);
          break;
        } catch (error) {
          if (attempt === 10) throw error;
        }
      }
      const hire = await register(t, tenant, { email: address("sandy"), startDate: "2026-03-28" }); // sent 2026-03-27 09:00 local (08:00Z)
      await advance(t, tenant, "2026-03-27T12:00:00Z");
      const sent = await events.until((r) => r.employmentEvents.employmentId === hire.employment.id && r.employmentEvents.type === "invitation.sent");
      assert.equal(sent.employmentEvents.at, "2026-03-27T08:00:00.000Z", "the test clock's instant of the send");
      const registered = events.received.find((r) => r.employmentEvents.employmentId === hire.employment.id && r.employmentEvents.type === "employment.registered")!;
      assert.equal(registered.employmentEvents.at, "2026-03-25T13:00:00.000Z");
      await connection.close();
    });

    describe("accountStatusChanged", () => {
      test("the status now, then each change: sent, then CONNECTED when the hire verifies", async () => {
        const tenant = await hrTenant(t);
        const email = address("anna");
        const hire = await register(t, tenant, { email, startDate: "2030-01-10" }); // sent 2030-01-09: scheduled now
        const connection = connectAs(bearer(tenant.key));
        const statuses = connection.subscribe(STATUS_CHANGED, { id: hire.employee.id });
        const [first] = await statuses.atLeast(1);
        assert.equal(first.accountStatusChanged.connectStatus, "INVITATION_SCHEDULED");
        assert.equal(first.accountStatusChanged.employeeId, hire.employee.id);

        const resent = await t.gql(`mutation($id: ID!) { resendInvitation(employmentId: $id) { id } }`, { id: hire.employment.id }, tenant.key);
        assert.ok(resent.data, JSON.stringify(resent.errors));
        await statuses.until((s) => s.accountStatusChanged.connectStatus === "INVITATION_SENT");
        const verified = await t.gql(VERIFY, { token: tokenMailedTo(smtp, email) });
        assert.ok(verified.data, JSON.stringify(verified.errors));
        const connected = await statuses.until((s) => s.accountStatusChanged.connectStatus === "CONNECTED");
        assert.equal(connected.accountStatusChanged.connectAccount.method, "EMAIL_VERIFICATION");
        const answered = await t.gql(`query($id: ID!) { accountStatus(employeeId: $id) { connectStatus } }`, { id: hire.employee.id }, tenant.key);
        assert.equal(answered.data.accountStatus.connectStatus, "CONNECTED");
        const seen = statuses.received.map((s) => JSON.stringify(s.accountStatusChanged));
        assert.deepEqual(seen.filter((s, i) => s !== seen[i - 1]), seen, "an unchanged status is not sent again");
        assert.equal(statuses.received.at(-1).accountStatusChanged.connectStatus, "CONNECTED");
        await connection.close();
      });

      test("another tenant's employee, or one that does not exist → NOT_FOUND, as the query answers", async () => {
        const [tenant, other] = [await hrTenant(t), await hrTenant(t)];
        const hire = await register(t, other, { email: address("bo"), startDate: "2030-01-10" });
        const connection = connectAs(bearer(tenant.key));
        for (const id of [hire.employee.id, "00000000-0000-0000-0000-000000000000"]) {
          const statuses = connection.subscribe(STATUS_CHANGED, { id });
          await statuses.ended;
          assert.equal(statuses.errors[0]?.extensions?.code, "NOT_FOUND");
          assert.equal(statuses.received.length, 0);
        }
        await connection.close();
      });
    });
  });
}
