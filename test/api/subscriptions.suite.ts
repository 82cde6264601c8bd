import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startOn, type Environment, type TestApp } from "../support/app.js";
import { address, hrTenant, register, tokenMailedTo, type HrTenant } from "../support/hires.js";
import { startTestSmtp, type TestSmtp } from "../support/smtp.js";
import { bearer, connect, type Connection } from "../support/subscriptions.js";

const STATUS_CHANGED = `subscription($id: ID!) { accountStatusChanged(employeeId: $id) { employeeId connectStatus email invitation { id status sentAt } connectAccount { method } } }`;
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
      ({ t, stop } = await startOn(environment, smtp, { env: { SUBSCRIPTIONS_PER_KEY: String(PER_KEY), SUBSCRIPTIONS_POLL_MS: "50" } }));
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
