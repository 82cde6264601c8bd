import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Clock } from "../../src/services/clock.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { hrTenant, REGISTER, type HrTenant } from "../support/hires.js";

const INVITATIONS = `{ invitations(first: 50) { totalCount } }`;
const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey } }`;

export interface Answer {
  status: number;
  text: string;
  json: any;
  replayed: boolean;
}

/** POSTs a GraphQL request with an Idempotency-Key header, as a client that retries would. */
export async function postWithKey(url: string, apiKey: string, idempotencyKey: string | null, query: string, variables?: Record<string, unknown>): Promise<Answer> {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}`, ...(idempotencyKey === null ? {} : { "idempotency-key": idempotencyKey }) },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text), replayed: response.headers.get("idempotent-replayed") === "true" };
}

/** A registration of a hire starting far ahead: planned, nothing mailed. */
export const hireInput = (tenant: HrTenant, firstName: string) => ({
  input: { firstName, lastName: "Berg", email: `${firstName.toLowerCase()}@example.org`, startDate: "2031-06-02", employmentTemplateId: tenant.templateId },
});

export async function hireCount(t: TestApp, tenant: HrTenant): Promise<number> {
  const response = await t.gql(INVITATIONS, {}, tenant.key);
  return response.data.invitations.totalCount as number;
}

/**
 * contract/next/events.graphql: a mutation's `Idempotency-Key` answers the first answer again for 24 hours
 * and changes nothing; another body, or a first request still running, answers CONFLICT. Through HTTP.
 */
export function idempotencySuite(label: string, environment: () => Promise<{ env: Record<string, string>; cleanup: () => Promise<void> }>): void {
  describe(`Idempotency-Key on mutations, on ${label}`, () => {
    let t: TestApp;
    let cleanup: () => Promise<void>;
    const clock = new Clock();

    before(async () => {
      const e = await environment();
      cleanup = e.cleanup;
      t = await startTestApp(e.env, { clock });
    });
    after(async () => {
      await t?.stop();
      await cleanup?.();
    });

    test("the same key and body twice → one hire, and the first answer again, status and body alike", async () => {
      const tenant = await hrTenant(t);
      const first = await postWithKey(t.url, tenant.key, "hire-anna-1", REGISTER, hireInput(tenant, "Anna"));
      const again = await postWithKey(t.url, tenant.key, "hire-anna-1", REGISTER, hireInput(tenant, "Anna"));
      assert.equal(first.status, 200);
      assert.ok(first.json.data.registerHire.employee.id);
      assert.equal(first.replayed, false);
      assert.equal(again.status, first.status);
      assert.equal(again.text, first.text, "the same JSON body");
      assert.equal(again.replayed, true, "marked Idempotent-Replayed");
      assert.equal(await hireCount(t, tenant), 1, "registered once");
    });

    test("a refusal is an answer too: the same key again answers the same refusal, without running", async () => {
      const tenant = await hrTenant(t);
      const bad = { input: { ...hireInput(tenant, "Bo").input, employmentTemplateId: "00000000-0000-4000-8000-000000000000" } };
      const first = await postWithKey(t.url, tenant.key, "bad-template", REGISTER, bad);
      assert.ok(first.json.errors?.length, "refused");
      const again = await postWithKey(t.url, tenant.key, "bad-template", REGISTER, bad);
      assert.equal(again.text, first.text);
      assert.equal(again.replayed, true);
    });

    test("the same key with another body → CONFLICT (HTTP 422), and nothing is done", async () => {
      const tenant = await hrTenant(t);
      await postWithKey(t.url, tenant.key, "k-1", REGISTER, hireInput(tenant, "Cecilia"));
      const other = await postWithKey(t.url, tenant.key, "k-1", REGISTER, hireInput(tenant, "David"));
      assert.equal(other.status, 422);
      assert.equal(other.json.errors[0].extensions.code, "CONFLICT");
      assert.match(other.json.errors[0].message, /another request/);
      assert.equal(other.json.data, undefined);
      assert.equal(await hireCount(t, tenant), 1, "David was not registered");
    });

    test("ten requests with the same key at once → one hire; the others answer its answer or CONFLICT (HTTP 409) while it runs", async () => {
      const tenant = await hrTenant(t);
      const answers = await Promise.all(Array.from({ length: 10 }, () => postWithKey(t.url, tenant.key, "burst", REGISTER, hireInput(tenant, "Erik"))));
      const ran = answers.filter((a) => a.status === 200 && !a.replayed);
      assert.equal(ran.length, 1, "one ran");
      for (const answer of answers) {
        if (answer.status === 409) {
          assert.equal(answer.json.errors[0].extensions.code, "CONFLICT");
          assert.match(answer.json.errors[0].message, /still running/);
        } else {
          assert.equal(answer.text, ran[0]!.text);
        }
      }
      assert.equal(await hireCount(t, tenant), 1);
      const later = await postWithKey(t.url, tenant.key, "burst", REGISTER, hireInput(tenant, "Erik"));
      assert.equal(later.text, ran[0]!.text, "once it has answered, its answer");
    });

    test("another API key with the same key value does not see the first's answer: its request runs, the first key's retry does not", async () => {
      const tenant = await hrTenant(t);
      const created = await t.gql(CREATE_KEY, { input: { name: "Second desk", roles: ["HR_ADMIN"] } }, tenant.key);
      const secondKey = created.data.createApiKey.apiKey as string;
      const first = await postWithKey(t.url, tenant.key, "shared-value", REGISTER, hireInput(tenant, "Frida"));
      const retry = await postWithKey(t.url, tenant.key, "shared-value", REGISTER, hireInput(tenant, "Frida"));
      assert.equal(retry.replayed, true, "the first key's retry gets its answer");
      const second = await postWithKey(t.url, secondKey, "shared-value", REGISTER, hireInput(tenant, "Frida"));
      assert.equal(second.status, 200);
      assert.equal(second.replayed, false);
      assert.notEqual(second.json.data.registerHire.employee.id, first.json.data.registerHire.employee.id);
      assert.equal(await hireCount(t, tenant), 2);
    });

    test("a key of 255 characters is taken; one of 256, or an empty one → BAD_USER_INPUT (HTTP 400), nothing done", async () => {
      const tenant = await hrTenant(t);
      const long = await postWithKey(t.url, tenant.key, "x".repeat(256), REGISTER, hireInput(tenant, "Gustav"));
      assert.equal(long.status, 400);
      assert.equal(long.json.errors[0].extensions.code, "BAD_USER_INPUT");
      assert.match(long.json.errors[0].message, /Idempotency-Key/);
      const empty = await postWithKey(t.url, tenant.key, "", REGISTER, hireInput(tenant, "Gustav"));
      assert.equal(empty.status, 400);
      assert.equal(empty.json.errors[0].extensions.code, "BAD_USER_INPUT");
      assert.equal(await hireCount(t, tenant), 0);
      const ok = await postWithKey(t.url, tenant.key, "x".repeat(255), REGISTER, hireInput(tenant, "Gustav"));
      assert.equal(ok.status, 200);
      assert.equal(await hireCount(t, tenant), 1);
    });

    test("keys differ by case: 'Key-A' and 'key-a' are two keys", async () => {
      const tenant = await hrTenant(t);
      await postWithKey(t.url, tenant.key, "Key-A", REGISTER, hireInput(tenant, "Hanna"));
      const lower = await postWithKey(t.url, tenant.key, "key-a", REGISTER, hireInput(tenant, "Ivar"));
      assert.equal(lower.status, 200);
      assert.equal((await postWithKey(t.url, tenant.key, "Key-A", REGISTER, hireInput(tenant, "Hanna"))).replayed, true);
      assert.equal((await postWithKey(t.url, tenant.key, "key-a", REGISTER, hireInput(tenant, "Hanna"))).status, 422);
      assert.equal(await hireCount(t, tenant), 2);
    });

    test("queries ignore the header: a long key is not refused, and a mutation's key does not answer a query", async () => {
      const tenant = await hrTenant(t);
      const long = await postWithKey(t.url, tenant.key, "q".repeat(300), INVITATIONS);
      assert.equal(long.status, 200);
      assert.equal(long.json.data.invitations.totalCount, 0);
      await postWithKey(t.url, tenant.key, "mixed", REGISTER, hireInput(tenant, "Jonas"));
      const query = await postWithKey(t.url, tenant.key, "mixed", INVITATIONS);
      assert.equal(query.status, 200);
      assert.equal(query.replayed, false);
      assert.equal(query.json.data.invitations.totalCount, 1);
      const retry = await postWithKey(t.url, tenant.key, "mixed", REGISTER, hireInput(tenant, "Jonas"));
      assert.equal(retry.replayed, true, "the query did not take the mutation's key");
    });

    // last: it moves the app's clock a day ahead
    test("after 24 hours the key is free again: another body runs", async () => {
      const tenant = await hrTenant(t);
      await postWithKey(t.url, tenant.key, "daily", REGISTER, hireInput(tenant, "Karin"));
      clock.setNow(new Date(clock.now().getTime() + 23 * 3600_000));
      const within = await postWithKey(t.url, tenant.key, "daily", REGISTER, hireInput(tenant, "Lars"));
      assert.equal(within.status, 422, "23 hours later the key is still taken");
      clock.setNow(new Date(clock.now().getTime() + 3600_000 + 1000));
      const after = await postWithKey(t.url, tenant.key, "daily", REGISTER, hireInput(tenant, "Lars"));
      assert.equal(after.status, 200);
      assert.equal(after.replayed, false);
      assert.equal(after.json.data.registerHire.employee.firstName, "Lars");
      assert.equal(await hireCount(t, tenant), 2);
    });
  });
}
