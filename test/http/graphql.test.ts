import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { createLogger } from "../../src/log.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { createTenant } from "../support/fixtures.js";
import { freshMysqlDatabase, services } from "../support/services.js";

interface Answer {
  status: number;
  contentType: string | null;
  body: { data?: unknown; errors?: { message: string; extensions?: { code?: string; reason?: string } }[] };
}

// What GraphQL over HTTP asks of a request that is not a GraphQL document (graphql-http's audits
// 556A, 865D, D586): 4xx, a GraphQL error body, no data; and the server logs no error of its own.
describe("POST /graphql: a request the server cannot read is the client's error (400), not the server's", () => {
  let t: TestApp;
  let key: string;
  const logLines: { level: number; msg: string }[] = [];
  let drop: () => Promise<void>;

  before(async () => {
    const db = await freshMysqlDatabase();
    drop = db.drop;
    const captured = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) logLines.push(JSON.parse(line));
        done();
      },
    });
    t = await startTestApp({ DATABASE_URL: db.url, JOBS_URL: services.redis, OPERATOR_API_KEY: "o".repeat(40) }, { log: createLogger("info", captured) });
    key = (await createTenant(t, { name: "Parser AB" })).key;
  });
  after(async () => {
    await t?.stop();
    await drop?.();
  });

  const post = async (body: string, headers: Record<string, string> = { "content-type": "application/json" }): Promise<Answer> => {
    const response = await fetch(`${t.url}/graphql`, { method: "POST", headers: { authorization: `Bearer ${key}`, accept: "application/graphql-response+json", ...headers }, body });
    return { status: response.status, contentType: response.headers.get("content-type"), body: (await response.json()) as Answer["body"] };
  };
  const errorLines = () => logLines.filter((line) => line.level >= 50).map((line) => line.msg);

  test("a syntax error → 400 BAD_USER_INPUT (GRAPHQL_PARSE_FAILED) without data; nothing logged as an error", async () => {
    const answer = await post(JSON.stringify({ query: "{ tenant { id }" }));
    assert.equal(answer.status, 400);
    assert.match(answer.contentType!, /^application\/graphql-response\+json/);
    assert.equal(answer.body.data, undefined);
    assert.equal(answer.body.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
    assert.equal(answer.body.errors?.[0]?.extensions?.reason, "GRAPHQL_PARSE_FAILED");
    assert.match(answer.body.errors![0]!.message, /^Syntax Error: Expected Name, found <EOF>/);
    assert.deepEqual(errorLines(), []);
  });

  test("a document over the limit of 2 000 tokens → 400 BAD_USER_INPUT saying so; nothing logged as an error", async () => {
    const query = `{ tenant { ${Array.from({ length: 700 }, () => "id name timeZone").join(" ")} } }`;
    const answer = await post(JSON.stringify({ query }));
    assert.equal(answer.status, 400);
    assert.equal(answer.body.data, undefined);
    assert.equal(answer.body.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
    assert.match(answer.body.errors![0]!.message, /Document contains more tha[nt] 2000 tokens/);
    assert.deepEqual(errorLines(), []);
    // a document under the limit still runs
    const within = await post(JSON.stringify({ query: `{ tenant { ${Array.from({ length: 600 }, () => "name").join(" ")} } }` }));
    assert.equal(within.status, 200);
  });
});
