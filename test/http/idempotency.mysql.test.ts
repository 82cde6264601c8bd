import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startTestApp, type TestApp } from "../support/app.js";
import { hrTenant, REGISTER } from "../support/hires.js";
import { freshMysqlDatabase, services } from "../support/services.js";
import { hireCount, hireInput, idempotencySuite, postWithKey } from "./idempotency.suite.js";

idempotencySuite("MariaDB with a Redis job store", async () => {
  const db = await freshMysqlDatabase();
  return { env: { DATABASE_URL: db.url, JOBS_URL: services.redis, OPERATOR_API_KEY: "o".repeat(40) }, cleanup: db.drop };
});

describe("Idempotency-Key: the limits of what is kept, on MariaDB", () => {
  let t: TestApp;
  let drop: () => Promise<void>;

  before(async () => {
    const db = await freshMysqlDatabase();
    drop = db.drop;
    const env = { DATABASE_URL: db.url, JOBS_URL: services.redis, OPERATOR_API_KEY: "o".repeat(40), RATE_LIMIT_KEY_PER_MINUTE: "8" };
    t = await startTestApp(env, { idempotency: { maxAnswerBytes: 600 } });
  });
  after(async () => {
    await t?.stop();
    await drop?.();
  });

  test("replayed answers count against the API key's requests a minute: a retry loop is RATE_LIMITED (429)", async () => {
    const tenant = await hrTenant(t); // 3 requests with its key
    const small = `mutation($input: RegisterHireInput!) { registerHire(input: $input) { employee { id } } }`;
    const answers = [];
    for (let i = 0; i < 8; i++) answers.push(await postWithKey(t.url, tenant.key, "loop", small, hireInput(tenant, "Maja")));
    assert.equal(answers[1]!.replayed, true);
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200, 200, 429, 429, 429]);
    assert.equal(answers[7]!.json.errors[0].extensions.code, "RATE_LIMITED");
  });

  test("an answer too large to keep: a retry answers CONFLICT (409) and does not run again", async () => {
    const tenant = await hrTenant(t);
    const first = await postWithKey(t.url, tenant.key, "big", REGISTER, hireInput(tenant, "Nils"));
    assert.equal(first.status, 200);
    assert.ok(first.text.length > 600);
    const retry = await postWithKey(t.url, tenant.key, "big", REGISTER, hireInput(tenant, "Nils"));
    assert.equal(retry.status, 409);
    assert.equal(retry.json.errors[0].extensions.code, "CONFLICT");
    assert.match(retry.json.errors[0].message, /too large to keep/);
    assert.equal(await hireCount(t, tenant), 1);
  });
});
