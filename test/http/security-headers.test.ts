import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { startTestApp, type TestApp } from "../support/app.js";
import { freshMysqlDatabase, services } from "../support/services.js";

/** The Content-Security-Policy as directive → values. */
function policyOf(response: Response): Map<string, string[]> {
  const header = response.headers.get("content-security-policy") ?? "";
  return new Map(header.split(";").map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...values]) => [name!, values]));
}

/** What a browser needs to be told so that no other site can frame the page, sniff its type, or read its URL from a Referer. */
function assertNotFramedSniffedOrReferred(response: Response, what: string) {
  assert.equal(response.headers.get("x-frame-options"), "DENY", what);
  assert.equal(response.headers.get("x-content-type-options"), "nosniff", what);
  assert.equal(response.headers.get("referrer-policy"), "no-referrer", what);
}

describe("security headers: the verify page and the job dashboard cannot be framed, sniffed or leak their URL", () => {
  let t: TestApp;
  let drop: () => Promise<void>;

  before(async () => {
    const db = await freshMysqlDatabase();
    drop = db.drop;
    t = await startTestApp({ DATABASE_URL: db.url, JOBS_URL: services.redis, OPERATOR_API_KEY: "o".repeat(40) });
  });
  after(async () => {
    await t?.stop();
    await drop?.();
  });

  test("GET and POST /verify: framed by no one, no sniffing, no Referer; its inline style allowed by hash, no inline script", async () => {
    const shown = await fetch(`${t.url}/verify?token=guess&lang=en`);
    const html = await shown.text();
    const confirmed = await fetch(`${t.url}/verify`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "token=guess&lang=en" });
    for (const [what, response] of [["GET", shown], ["POST", confirmed]] as const) {
      assertNotFramedSniffedOrReferred(response, what);
      const policy = policyOf(response);
      assert.deepEqual(policy.get("frame-ancestors"), ["'none'"], what);
      assert.deepEqual(policy.get("script-src"), ["'self'"], what);
      assert.deepEqual(policy.get("form-action"), ["'self'"], what);
      assert.deepEqual(policy.get("object-src"), ["'none'"], what);
    }
    // a browser applies the page's <style> only if the policy names the hash of its text
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const hash = `'sha256-${createHash("sha256").update(style).digest("base64")}'`;
    assert.deepEqual(policyOf(shown).get("style-src"), ["'self'", hash]);
    assert.doesNotMatch(html, /<script|\sstyle=|\son\w+=/i, "nothing inline that the policy would block");
  });

  test("/admin/jobs/: framed by no one, no sniffing, no Referer; agendash's page loads only its own script and style sheet", async () => {
    const basic = { authorization: `Basic ${Buffer.from(`operator:${t.operatorKey}`).toString("base64")}` };
    const page = await fetch(`${t.url}/admin/jobs/`, { headers: basic });
    assert.equal(page.status, 200);
    assertNotFramedSniffedOrReferred(page, "dashboard");
    const policy = policyOf(page);
    assert.deepEqual(policy.get("frame-ancestors"), ["'none'"]);
    assert.deepEqual(policy.get("script-src"), ["'self'"]);
    assert.deepEqual(policy.get("connect-src"), ["'self'"], "its API calls");
    assert.deepEqual(policy.get("img-src"), ["'self'", "data:"], "Bootstrap's icons are data: URIs");
    // what the page loads is all under ./assets/ of this origin, which 'self' allows
    const html = await page.text();
    const loads = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(loads.length >= 2);
    for (const url of loads) {
      assert.match(url, /^\.\/assets\//);
      const asset = await fetch(new URL(url, `${t.url}/admin/jobs/`), { headers: basic });
      assert.equal(asset.status, 200, url);
      assertNotFramedSniffedOrReferred(asset, url);
    }
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)/, "no inline script");
    const api = await fetch(`${t.url}/admin/jobs/api?limit=1`, { headers: basic });
    assert.equal(api.status, 200);
    assertNotFramedSniffedOrReferred(api, "its API");
  });

  test("JSON answers carry them too: POST /graphql, /healthz", async () => {
    const graphql = await fetch(`${t.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ __typename }" }) });
    assert.equal(graphql.status, 200);
    assertNotFramedSniffedOrReferred(graphql, "/graphql");
    assertNotFramedSniffedOrReferred(await fetch(`${t.url}/healthz`), "/healthz");
  });
});
