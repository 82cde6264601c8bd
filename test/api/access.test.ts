import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startTestApp, errorCode, type TestApp } from "../support/app.js";
import { createTenant, CREATE_TENANT, TENANT } from "../support/fixtures.js";
import { freshMysqlDatabase, services } from "../support/services.js";
import { ApiKey } from "../../src/entities/api-key.js";

describe("access: keys, roles and tenants", () => {
  let t: TestApp;
  let dropDb: () => Promise<void>;

  before(async () => {
    const db = await freshMysqlDatabase();
    dropDb = db.drop;
    t = await startTestApp({ DATABASE_URL: db.url, JOBS_URL: services.redis, OPERATOR_API_KEY: "operator-test-key-0123456789abcdef0123" });
  });
  after(async () => {
    await t?.stop();
    await dropDb?.();
  });

  test("the operator creates a tenant and gets an HR_ADMIN key that reads it", async () => {
    const created = await t.gql(CREATE_TENANT, { input: { name: "  Acme AB ", timeZone: "America/New_York" } }, t.operatorKey);
    assert.equal(created.errors, undefined);
    const { tenant, adminApiKey } = created.data.createTenant;
    assert.equal(tenant.name, "Acme AB");
    assert.equal(tenant.timeZone, "America/New_York");
    assert.equal(tenant.hasEmployeeLicense, false);
    assert.equal(tenant.sandbox, false);
    assert.match(adminApiKey, /^obk_[A-Za-z0-9_-]{43}$/, "256 random bits");

    const read = await t.gql(TENANT, {}, adminApiKey);
    assert.equal(read.data.tenant.id, tenant.id);
  });

  test("the time zone defaults to Europe/Stockholm and must be a real IANA zone", async () => {
    const created = await t.gql(CREATE_TENANT, { input: { name: "Default AB" } }, t.operatorKey);
    assert.equal(created.data.createTenant.tenant.timeZone, "Europe/Stockholm");
    const bad = await t.gql(CREATE_TENANT, { input: { name: "Bad AB", timeZone: "Mars/Olympus" } }, t.operatorKey);
    assert.equal(errorCode(bad), "BAD_USER_INPUT");
    assert.match(bad.errors![0]!.message, /timeZone.*IANA/);
  });

  test("a sandbox tenant starts its test clock at clockStart; a live tenant may not have one", async () => {
    const sandbox = await t.gql(CREATE_TENANT, { input: { name: "Sandbox AB", sandbox: true, clockStart: "2026-03-25T13:00:00Z" } }, t.operatorKey);
    assert.equal(sandbox.data.createTenant.tenant.clockNow, "2026-03-25T13:00:00.000Z");
    const live = await t.gql(CREATE_TENANT, { input: { name: "Live AB", clockStart: "2026-03-25T13:00:00Z" } }, t.operatorKey);
    assert.equal(errorCode(live), "BAD_USER_INPUT");
  });

  test("tenant A's key never sees tenant B", async () => {
    const a = await createTenant(t, { name: "A AB" });
    const b = await createTenant(t, { name: "B AB" });
    const asA = await t.gql(TENANT, {}, a.key);
    const asB = await t.gql(TENANT, {}, b.key);
    assert.equal(asA.data.tenant.id, a.id);
    assert.equal(asB.data.tenant.id, b.id);
    assert.equal(asA.data.tenant.name, "A AB");
  });

  test("no key, a malformed header or an unknown key → UNAUTHENTICATED", async () => {
    assert.equal(errorCode(await t.gql(TENANT)), "UNAUTHENTICATED");
    assert.equal(errorCode(await t.gql(TENANT, {}, "obk_not-a-real-key")), "UNAUTHENTICATED");
    const basic = await fetch(`${t.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Basic dXNlcjpwYXNz" },
      body: JSON.stringify({ query: TENANT }),
    }).then((r) => r.json() as Promise<{ errors: { message: string; extensions: { code: string } }[] }>);
    assert.equal(basic.errors[0]!.extensions.code, "UNAUTHENTICATED");
    assert.match(basic.errors[0]!.message, /Bearer/);
  });

  test("a key without the operation's role → FORBIDDEN", async () => {
    const tenant = await createTenant(t);
    // an HR_ADMIN key is not the operator's
    assert.equal(errorCode(await t.gql(CREATE_TENANT, { input: { name: "X" } }, tenant.key)), "FORBIDDEN");
    // a PARTNER key may not create keys
    const partner = await t.gql(
      `mutation { createApiKey(input: { name: "Payroll partner", roles: [PARTNER] }) { apiKey roles } }`,
      {},
      tenant.key,
    );
    assert.deepEqual(partner.data.createApiKey.roles, ["PARTNER"]);
    const denied = await t.gql(`mutation { createApiKey(input: { name: "x", roles: [HR_ADMIN] }) { apiKey } }`, {}, partner.data.createApiKey.apiKey);
    assert.equal(errorCode(denied), "FORBIDDEN");
    // the operator has no tenant of its own
    assert.equal(errorCode(await t.gql(TENANT, {}, t.operatorKey)), "FORBIDDEN");
  });

  test("a tenant cannot mint an OPERATOR key, and a key needs at least one role", async () => {
    const tenant = await createTenant(t);
    const operator = await t.gql(`mutation { createApiKey(input: { name: "x", roles: [OPERATOR] }) { apiKey } }`, {}, tenant.key);
    assert.equal(errorCode(operator), "FORBIDDEN");
    const none = await t.gql(`mutation { createApiKey(input: { name: "x", roles: [] }) { apiKey } }`, {}, tenant.key);
    assert.equal(errorCode(none), "BAD_USER_INPUT");
    assert.match(none.errors![0]!.message, /roles/);
  });

  test("setEmployeeLicense is the operator's; an unknown tenant is NOT_FOUND", async () => {
    const tenant = await createTenant(t);
    const set = `mutation($id: ID!) { setEmployeeLicense(tenantId: $id, enabled: true) { id hasEmployeeLicense } }`;
    assert.equal((await t.gql(set, { id: tenant.id }, t.operatorKey)).data.setEmployeeLicense.hasEmployeeLicense, true);
    assert.equal((await t.gql(TENANT, {}, tenant.key)).data.tenant.hasEmployeeLicense, true);
    assert.equal(errorCode(await t.gql(set, { id: tenant.id }, tenant.key)), "FORBIDDEN");
    assert.equal(errorCode(await t.gql(set, { id: "00000000-0000-0000-0000-000000000000" }, t.operatorKey)), "NOT_FOUND");
  });

  test("invalid GraphQL and invalid input answer BAD_USER_INPUT without a stack trace", async () => {
    const tenant = await createTenant(t);
    const syntax = await t.gql(`query { tenant { id `, {}, tenant.key);
    assert.equal(errorCode(syntax), "BAD_USER_INPUT");
    const long = await t.gql(CREATE_TENANT, { input: { name: "x".repeat(500) } }, t.operatorKey);
    assert.equal(errorCode(long), "BAD_USER_INPUT");
    assert.match(long.errors![0]!.message, /name/);
    for (const response of [syntax, long]) assert.ok(!JSON.stringify(response).includes("    at "), "no stack trace");
  });

  test("a body that is not JSON gets a JSON error, not an HTML page", async () => {
    const response = await fetch(`${t.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" });
    assert.equal(response.status, 400);
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    assert.equal(body.errors[0]!.extensions.code, "BAD_USER_INPUT");
  });
});

describe("keys remembered for API_KEY_CACHE_SECONDS", () => {
  test("the tenant's data is read fresh on every request; a key revoked in the database is refused once the memory of it runs out", async () => {
    const db = await freshMysqlDatabase();
    const t = await startTestApp({
      DATABASE_URL: db.url,
      JOBS_URL: services.redis,
      OPERATOR_API_KEY: "operator-test-key-0123456789abcdef0123",
      API_KEY_CACHE_SECONDS: "1",
    });
    try {
      const tenant = await createTenant(t, { name: "Sandbox AB", sandbox: true, clockStart: "2026-03-25T13:00:00Z" });
      assert.equal((await t.gql(TENANT, {}, tenant.key)).data.tenant.clockNow, "2026-03-25T13:00:00.000Z");
      await t.gql(`mutation($to: DateTime!) { advanceTestClock(to: $to) { clockNow } }`, { to: "2026-03-26T08:00:00Z" }, tenant.key);
      assert.equal((await t.gql(TENANT, {}, tenant.key)).data.tenant.clockNow, "2026-03-26T08:00:00.000Z", "the moved clock, at once");

      // no operation revokes a key yet; an operator does it in the database
      await t.app.dataSource.manager.update(ApiKey, { tenantId: tenant.id }, { revokedAt: new Date() });
      await new Promise((resolve) => setTimeout(resolve, 1100));
      assert.equal(errorCode(await t.gql(TENANT, {}, tenant.key)), "UNAUTHENTICATED");
    } finally {
      await t.stop();
      await db.drop();
    }
  });
});
