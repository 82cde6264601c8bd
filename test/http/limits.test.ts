import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { errorCode, startTestApp, type TestApp } from "../support/app.js";
import { createTenant } from "../support/fixtures.js";
import { freshMysqlDatabase, services } from "../support/services.js";
import { startTcpProxy } from "../support/tcp-proxy.js";

describe("limits and abuse", () => {
  let t: TestApp;
  let production: TestApp;
  let drop: () => Promise<void>;

  before(async () => {
    const db = await freshMysqlDatabase();
    drop = db.drop;
    const env = { DATABASE_URL: db.url, JOBS_URL: services.redis, OPERATOR_API_KEY: "o".repeat(40) };
    t = await startTestApp({ ...env, RATE_LIMIT_PUBLIC_PER_MINUTE: "30", RATE_LIMIT_KEY_PER_MINUTE: "40" });
    production = await startTestApp({ ...env, NODE_ENV: "production" });
  });
  after(async () => {
    await t?.stop();
    await production?.stop();
    await drop?.();
  });

  test("a token-guessing run of 10 000 attempts finds nothing and is throttled after 30", async () => {
    const linkInfo = `query($token: String!) { linkInfo(token: $token) { state } }`;
    const states = new Map<string, number>();
    const attempts = Array.from({ length: 10_000 }, (_, i) => `guess-${i}-${Math.random().toString(36).slice(2)}`);
    for (let i = 0; i < attempts.length; i += 100) {
      const answers = await Promise.all(attempts.slice(i, i + 100).map((token) => t.gql(linkInfo, { token })));
      for (const answer of answers) {
        const outcome = answer.data?.linkInfo?.state ?? errorCode(answer) ?? "?";
        states.set(outcome, (states.get(outcome) ?? 0) + 1);
      }
    }
    assert.equal(states.get("VALID"), undefined, "no guess finds a link");
    assert.equal(states.get("INVALID"), 30, "30 answers a minute, then …");
    assert.equal(states.get("RATE_LIMITED"), 9_970, "… RATE_LIMITED");

    const verify = await t.gql(`mutation { verifyInvitation(token: "guess") { connectAccount { id } } }`);
    assert.equal(errorCode(verify), "RATE_LIMITED", "the same budget covers verifyInvitation");
    const page = await fetch(`${t.url}/verify?token=guess&lang=en`);
    assert.equal(page.status, 429, "and the verification page");
    assert.ok(Number(page.headers.get("retry-after")) > 0);
    assert.match(await page.text(), /data-outcome="RATE_LIMITED"/);
  });

  test("an API key over its requests a minute gets RATE_LIMITED (429) with a retry time; other keys are not affected", async () => {
    const a = await createTenant(t, { name: "Busy AB" });
    const b = await createTenant(t, { name: "Calm AB" });
    const answers = await Promise.all(Array.from({ length: 45 }, () => t.gql(`{ tenant { id } }`, {}, a.key)));
    const limited = answers.filter((r) => errorCode(r) === "RATE_LIMITED");
    assert.equal(limited.length, 5);
    assert.equal(limited[0]!.status, 429);
    assert.match(limited[0]!.errors![0]!.message, /try again in \d+ s/);
    assert.equal((await t.gql(`{ tenant { name } }`, {}, b.key)).data.tenant.name, "Calm AB");
  });

  test("too deep, too many aliases, or batched requests are refused with BAD_USER_INPUT", async () => {
    const tenant = await createTenant(production, { name: "Deep AB" });
    const deep = `{ employee(id: "x") { employments { employee { employments { employee { employments { employee { employments { employee { employments { id } } } } } } } } } } }`;
    const tooDeep = await production.gql(deep, {}, tenant.key);
    assert.equal(errorCode(tooDeep), "BAD_USER_INPUT");
    assert.match(tooDeep.errors![0]!.message, /depth/i);
    const aliases = `{ ${Array.from({ length: 25 }, (_, i) => `a${i}: tenant { id }`).join(" ")} }`;
    assert.equal(errorCode(await production.gql(aliases, {}, tenant.key)), "BAD_USER_INPUT");
    const batch = await fetch(`${production.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${tenant.key}` },
      body: JSON.stringify([{ query: "{ tenant { id } }" }, { query: "{ tenant { id } }" }]),
    });
    assert.equal(batch.status, 400);
  });

  test("introspection is off in production (NODE_ENV=production) and on in development", async () => {
    const introspect = `{ __schema { queryType { name } } }`;
    assert.equal(errorCode(await production.gql(introspect)), "BAD_USER_INPUT");
    assert.equal((await t.gql(introspect)).data.__schema.queryType.name, "Query");
  });

  test("a request body over the size limit is refused with 413", async () => {
    const response = await fetch(`${t.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ tenant { id } }", variables: { padding: "x".repeat(11 * 1024 * 1024) } }),
    });
    assert.equal(response.status, 413);
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    assert.equal(body.errors[0]!.extensions.code, "BAD_USER_INPUT");
  });
});

describe("public rate limits shared by several api processes", () => {
  const linkInfo = `query($token: String!) { linkInfo(token: $token) { state } }`;

  test("two processes on one database give an address one budget, not one each; when the database is gone each counts alone", async () => {
    const db = await freshMysqlDatabase();
    const dbLine = await startTcpProxy(db.url);
    const env = { DATABASE_URL: dbLine.via(db.url), JOBS_URL: services.redis, OPERATOR_API_KEY: "o".repeat(40), RATE_LIMIT_PUBLIC_PER_MINUTE: "10" };
    const a = await startTestApp(env);
    const b = await startTestApp(env);
    try {
      const guesses = async (app: TestApp, n: number) => {
        const answers = [];
        for (let i = 0; i < n; i++) {
          const answer = await app.gql(linkInfo, { token: `guess-${Math.random().toString(36).slice(2)}` });
          answers.push(answer.data?.linkInfo?.state ?? errorCode(answer) ?? "?");
        }
        return answers;
      };
      assert.deepEqual(await guesses(a, 6), Array(6).fill("INVALID"));
      assert.deepEqual(await guesses(b, 5), [...Array(4).fill("INVALID"), "RATE_LIMITED"], "the second process counts on from the first one's 6");
      assert.deepEqual(await guesses(a, 2), ["RATE_LIMITED", "RATE_LIMITED"], "and the first one knows the address is over");
      const page = await fetch(`${b.url}/verify?token=guess&lang=en`);
      assert.equal(page.status, 429, "the verification page shares the budget");

      // the database gone: the counts go on in each process's memory (a limit, not an outage, answers)
      const c = await startTestApp({ ...env, RATE_LIMIT_PUBLIC_PER_MINUTE: "3" });
      try {
        dbLine.cut();
        assert.deepEqual(await guesses(c, 4), [...Array(3).fill("SERVICE_UNAVAILABLE"), "RATE_LIMITED"]);
      } finally {
        dbLine.restore();
        await c.stop();
      }
    } finally {
      await a.stop();
      await b.stop();
      await dbLine.close();
      await db.drop();
    }
  });

  test("two processes on one database give an API key one budget: each adds its counts to the shared ones every sync", async () => {
    const db = await freshMysqlDatabase();
    const env = { DATABASE_URL: db.url, JOBS_URL: services.redis, OPERATOR_API_KEY: "o".repeat(40), RATE_LIMIT_KEY_PER_MINUTE: "10" };
    const syncMs = 100;
    const a = await startTestApp(env, { rateLimitSyncMs: syncMs });
    const b = await startTestApp(env, { rateLimitSyncMs: syncMs });
    try {
      const tenant = await createTenant(a, { name: "Polling AB" }); // the operator key is not limited
      const asks = async (app: TestApp, n: number) => {
        const answers = [];
        for (let i = 0; i < n; i++) answers.push(errorCode(await app.gql(`{ tenant { id } }`, {}, tenant.key)) ?? "OK");
        return answers;
      };
      const synced = () => new Promise((resolve) => setTimeout(resolve, syncMs * 4));
      assert.deepEqual(await asks(a, 6), Array(6).fill("OK"));
      await synced();
      assert.deepEqual(await asks(b, 4), Array(4).fill("OK"), "6 + 4: the last of the budget, whenever the second process syncs");
      await synced();
      const refused = await b.gql(`{ tenant { id } }`, {}, tenant.key);
      assert.equal(errorCode(refused), "RATE_LIMITED", "10 of 10 in total: the second process refuses the key at 5 of its own");
      assert.equal(refused.status, 429);
      assert.match(refused.errors![0]!.message, /try again in \d+ s/);
      // the first process learns it when it next adds its own count (one request, then a sync)
      assert.deepEqual(await asks(a, 1), ["OK"]);
      await synced();
      assert.deepEqual(await asks(a, 2), ["RATE_LIMITED", "RATE_LIMITED"], "and so does the first one, at 8 of its own");
    } finally {
      await a.stop();
      await b.stop();
      await db.drop();
    }
  });
});
