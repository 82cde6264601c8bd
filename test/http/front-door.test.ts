import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { startTestApp, type TestApp } from "../support/app.js";
import { hrTenant, type HrTenant } from "../support/hires.js";
import { freshMysqlDatabase, services } from "../support/services.js";

// A plain JSON POST to /graphql is answered by the GraphQL endpoint on node's own objects; anything
// else that reaches /graphql (here: a gzipped body) by express (src/http/graphql-endpoint.ts). A
// client must not be able to tell them apart.
describe("POST /graphql: the direct endpoint and express answer alike", () => {
  let t: TestApp;
  let tenant: HrTenant;
  let drop: () => Promise<void>;

  before(async () => {
    const db = await freshMysqlDatabase();
    drop = db.drop;
    t = await startTestApp({ DATABASE_URL: db.url, JOBS_URL: services.redis, OPERATOR_API_KEY: "o".repeat(40) });
    tenant = await hrTenant(t);
  });
  after(async () => {
    await t?.stop();
    await drop?.();
  });

  /** The same body, plain (the direct endpoint) and gzipped (express). */
  async function both(body: string, headers: Record<string, string> = {}) {
    const post = async (content: Buffer | string, extra: Record<string, string>) => {
      const response = await fetch(`${t.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", ...headers, ...extra }, body: content });
      return { response, text: await response.text() };
    };
    return { direct: await post(body, {}), viaExpress: await post(gzipSync(body), { "content-encoding": "gzip" }) };
  }

  test("a query with a key: the same data, status, media type, security headers and request id", async () => {
    const query = JSON.stringify({ query: "{ tenant { id name } }" });
    const { direct, viaExpress } = await both(query, { authorization: `Bearer ${tenant.key}`, "x-request-id": "same-either-way" });
    for (const { response, text } of [direct, viaExpress]) {
      assert.equal(response.status, 200);
      assert.equal(JSON.parse(text).data.tenant.id, tenant.id);
      assert.match(response.headers.get("content-type")!, /^application\/json/);
      assert.equal(response.headers.get("x-frame-options"), "DENY");
      assert.equal(response.headers.get("x-content-type-options"), "nosniff");
      assert.equal(response.headers.get("referrer-policy"), "no-referrer");
      assert.match(response.headers.get("strict-transport-security")!, /max-age=\d+/);
      assert.equal(response.headers.get("x-request-id"), "same-either-way");
      assert.equal(response.headers.get("x-powered-by"), null);
    }
    assert.equal(direct.text, viaExpress.text);
  });

  test("bodies that are not a GraphQL request: the same refusals", async () => {
    for (const body of ["{ not json", "   ", '"a string"', "[]", "{}", JSON.stringify({ query: "{ tenant { id" })]) {
      const { direct, viaExpress } = await both(body, { authorization: `Bearer ${tenant.key}` });
      assert.equal(direct.response.status, viaExpress.response.status, `status for ${body}`);
      assert.equal(direct.text, viaExpress.text, `answer for ${body}`);
      assert.ok(direct.response.status >= 400 && direct.response.status < 500, `${body}: ${direct.response.status}`);
      assert.doesNotMatch(direct.text, /\bat .*\.js:\d+/, "no stack");
    }
  });

  test("no key, a wrong key: the same UNAUTHENTICATED answers", async () => {
    const query = JSON.stringify({ query: "{ tenant { id } }" });
    const callers: Record<string, string>[] = [{}, { authorization: "Bearer obk_not-a-key-of-anyone-here" }, { authorization: "Basic abc" }];
    for (const headers of callers) {
      const { direct, viaExpress } = await both(query, headers);
      assert.equal(direct.response.status, viaExpress.response.status);
      assert.equal(direct.text, viaExpress.text);
      assert.equal(JSON.parse(direct.text).errors[0].extensions.code, "UNAUTHENTICATED");
    }
  });

  test("/metrics counts both under the route /graphql", async () => {
    const scrape = async () => {
      const text = await (await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${t.operatorKey}` } })).text();
      const line = /^onboarding_http_requests_total\{method="POST",route="\/graphql",status="200"\} (\d+)$/m.exec(text);
      return Number(line?.[1] ?? 0);
    };
    const before = await scrape();
    await both(JSON.stringify({ query: "{ tenant { id } }" }), { authorization: `Bearer ${tenant.key}` });
    let counted = before;
    for (let i = 0; i < 20 && counted < before + 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50)); // counted once the answer has gone out
      counted = await scrape();
    }
    assert.equal(counted, before + 2);
  });
});
