import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startTestApp, errorCode, type TestApp } from "../support/app.js";
import { createTenant } from "../support/fixtures.js";
import { freshMysqlDatabase, services } from "../support/services.js";

const SETTINGS = `query { tenant { disconnectAfterDays reminderDaysBeforeExpiry } }`;
const SET = `mutation($input: TenantSettingsInput!) { setTenantSettings(input: $input) { id disconnectAfterDays reminderDaysBeforeExpiry } }`;

describe("tenant settings (R9, R10): setTenantSettings and the user template's override", () => {
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

  test("a new tenant removes links 5 days after the end date and sends no reminders", async () => {
    const tenant = await createTenant(t);
    const read = await t.gql(SETTINGS, {}, tenant.key);
    assert.deepEqual(read.data.tenant, { disconnectAfterDays: 5, reminderDaysBeforeExpiry: null });
  });

  test("HR sets each field; a field left out stays as it is; null turns reminders off", async () => {
    const tenant = await createTenant(t);
    const both = await t.gql(SET, { input: { disconnectAfterDays: 0, reminderDaysBeforeExpiry: 2 } }, tenant.key);
    assert.equal(both.errors, undefined);
    assert.equal(both.data.setTenantSettings.disconnectAfterDays, 0);
    assert.equal(both.data.setTenantSettings.reminderDaysBeforeExpiry, 2);

    const one = await t.gql(SET, { input: { disconnectAfterDays: 365 } }, tenant.key);
    assert.equal(one.data.setTenantSettings.reminderDaysBeforeExpiry, 2, "left out: unchanged");
    assert.equal(one.data.setTenantSettings.disconnectAfterDays, 365);

    const off = await t.gql(SET, { input: { reminderDaysBeforeExpiry: null } }, tenant.key);
    assert.deepEqual((await t.gql(SETTINGS, {}, tenant.key)).data.tenant, { disconnectAfterDays: 365, reminderDaysBeforeExpiry: null });
    assert.equal(off.errors, undefined);
  });

  test("values outside the limits are BAD_USER_INPUT and change nothing", async () => {
    const tenant = await createTenant(t);
    for (const input of [{ disconnectAfterDays: -1 }, { disconnectAfterDays: 366 }, { disconnectAfterDays: null }, { reminderDaysBeforeExpiry: 0 }, { reminderDaysBeforeExpiry: 5 }, { disconnectAfterDays: 3, reminderDaysBeforeExpiry: 9 }]) {
      const answer = await t.gql(SET, { input }, tenant.key);
      assert.equal(errorCode(answer), "BAD_USER_INPUT", JSON.stringify(input));
    }
    assert.deepEqual((await t.gql(SETTINGS, {}, tenant.key)).data.tenant, { disconnectAfterDays: 5, reminderDaysBeforeExpiry: null });
  });

  test("only HR_ADMIN may change them, and only its own tenant's", async () => {
    const a = await createTenant(t, { name: "A AB" });
    const b = await createTenant(t, { name: "B AB" });
    const partner = await t.gql(`mutation { createApiKey(input: { name: "Payroll", roles: [PARTNER] }) { apiKey } }`, {}, a.key);
    const denied = await t.gql(SET, { input: { disconnectAfterDays: 1 } }, partner.data.createApiKey.apiKey);
    assert.equal(errorCode(denied), "FORBIDDEN");
    await t.gql(SET, { input: { disconnectAfterDays: 9 } }, a.key);
    assert.equal((await t.gql(SETTINGS, {}, b.key)).data.tenant.disconnectAfterDays, 5, "B is untouched");
  });

  test("a user template may override the tenant's days (0–365)", async () => {
    const tenant = await createTenant(t);
    const create = `mutation($input: CreateUserTemplateInput!) { createUserTemplate(input: $input) { name disconnectAfterDays } }`;
    const own = await t.gql(create, { input: { name: "Consultant", disconnectAfterDays: 0 } }, tenant.key);
    assert.deepEqual(own.data.createUserTemplate, { name: "Consultant", disconnectAfterDays: 0 });
    const inherit = await t.gql(create, { input: { name: "Employee" } }, tenant.key);
    assert.equal(inherit.data.createUserTemplate.disconnectAfterDays, null, "null: the tenant's");
    assert.equal(errorCode(await t.gql(create, { input: { name: "Bad", disconnectAfterDays: 400 } }, tenant.key)), "BAD_USER_INPUT");
  });
});
