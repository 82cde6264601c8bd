import { test } from "node:test";
import assert from "node:assert/strict";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { auditServer, type AuditResult } from "graphql-http";
import { startTestApp } from "../support/app.js";
import { freshMysqlDatabase, services } from "../support/services.js";

const tally = (results: AuditResult[]) => ["ok", "notice", "warn", "error"].map((status) => `${results.filter((r) => r.status === status).length} ${status}`).join(" / ");

test("GraphQL over HTTP (graphql-http's server audit): every audit bare Apollo Server passes, ours passes too, and none fails", async (context) => {
  const db = await freshMysqlDatabase();
  const ours = await startTestApp({ DATABASE_URL: db.url, JOBS_URL: services.redis, OPERATOR_API_KEY: "o".repeat(40) });
  // the anchor: Apollo Server as it comes, with a schema of one field, in the same process
  const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
  const bare = new ApolloServer({ typeDefs: "type Query { hello: String }", resolvers: { Query: { hello: () => "world" } }, logger: silent });
  const { url: bareUrl } = await startStandaloneServer(bare, { listen: { port: 0, host: "127.0.0.1" } });
  try {
    const [mine, anchor] = await Promise.all([auditServer({ url: `${ours.url}/graphql` }), auditServer({ url: bareUrl })]);
    context.diagnostic(`ours: ${tally(mine)}; bare Apollo Server: ${tally(anchor)}`);
    assert.deepEqual(mine.filter((r) => r.status === "error").map((r) => `${r.id} ${r.name}: ${"reason" in r ? r.reason : ""}`), []);
    const passedByAnchor = new Set(anchor.filter((r) => r.status === "ok").map((r) => r.id));
    const worse = mine.filter((r) => r.status !== "ok" && passedByAnchor.has(r.id)).map((r) => `${r.id} ${r.name}: ${"reason" in r ? r.reason : ""}`);
    assert.deepEqual(worse, [], "audits bare Apollo Server passes and ours does not");
  } finally {
    await bare.stop();
    await ours.stop();
    await db.drop();
  }
});
