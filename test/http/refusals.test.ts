import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startTestApp, type TestApp } from "../support/app.js";
import { hrTenant, type HrTenant } from "../support/hires.js";
import { freshMysqlDatabase, services } from "../support/services.js";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy.js";

const FILE = "firstName,lastName,email,startDate,employmentTemplate,externalId\nNils,Lund,,2027-01-04,Consultant,R-1\n";

interface JsonError {
  message: string;
  extensions: { code: string; importedRows?: number; [k: string]: unknown };
}

async function importFile(t: TestApp, key: string): Promise<{ status: number; error: JsonError; text: string }> {
  const response = await fetch(`${t.url}/import/hires`, { method: "POST", headers: { "content-type": "text/csv", authorization: `Bearer ${key}` }, body: FILE });
  const text = await response.text();
  return { status: response.status, error: (JSON.parse(text) as { errors: JsonError[] }).errors[0]!, text };
}

describe("non-GraphQL routes: failures answered by the one mapping", () => {
  let t: TestApp;
  let tenant: HrTenant;
  let dbLine: TcpProxy;
  let cleanUp: () => Promise<void>;

  before(async () => {
    const db = await freshMysqlDatabase();
    dbLine = await startTcpProxy(db.url);
    // a key found valid is remembered for a minute: with the database cut, the import itself fails, not the key lookup
    t = await startTestApp({ DATABASE_URL: dbLine.via(db.url), JOBS_URL: services.redis, OPERATOR_API_KEY: "o".repeat(40), API_KEY_CACHE_SECONDS: "60" });
    tenant = await hrTenant(t);
    cleanUp = async () => {
      await t?.stop();
      await dbLine?.close();
      await db.drop();
    };
  });
  after(() => cleanUp?.());

  test("a body that is not JSON → 400 BAD_USER_INPUT as a JSON error, not an HTML page", async () => {
    const response = await fetch(`${t.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: "{ not json" });
    assert.equal(response.status, 400);
    assert.match(response.headers.get("content-type")!, /^application\/json/);
    const body = (await response.json()) as { errors: JsonError[] };
    assert.deepEqual(body.errors, [{ message: "The request body is not valid JSON", extensions: { code: "BAD_USER_INPUT" } }]);
  });

  test("the database is cut: /import/hires → 503 SERVICE_UNAVAILABLE (JSON, no stack), the verify page → 503; back, the file imports", async () => {
    await importFile(t, tenant.key); // the key is now remembered
    dbLine.cut();
    try {
      const importing = await importFile(t, tenant.key);
      assert.equal(importing.status, 503);
      assert.equal(importing.error.extensions.code, "SERVICE_UNAVAILABLE");
      assert.match(importing.error.message, /temporarily unavailable.*Nothing was imported\.$/);
      assert.equal(importing.error.extensions.importedRows, 0);
      assert.doesNotMatch(importing.text, /\bat .*\.js:\d+/, "no stack");

      const unknownKey = await importFile(t, "obk_never-seen-so-looked-up");
      assert.equal(unknownKey.status, 503, "a key that must be looked up: 503, not 401");
      assert.equal(unknownKey.error.extensions.code, "SERVICE_UNAVAILABLE");

      const page = await fetch(`${t.url}/verify?token=guess&lang=en`);
      assert.equal(page.status, 503);
      assert.match(page.headers.get("content-type")!, /^text\/html/);
      assert.match(await page.text(), /data-outcome="ERROR"/);
    } finally {
      dbLine.restore();
    }
    const again = await fetch(`${t.url}/import/hires`, { method: "POST", headers: { "content-type": "text/csv", authorization: `Bearer ${tenant.key}` }, body: FILE });
    assert.equal(again.status, 200);
    assert.equal(((await again.json()) as { unchanged: number }).unchanged, 1, "the row imported before the cut is there, once");
  });
});
