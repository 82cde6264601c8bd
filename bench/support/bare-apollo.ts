// The anchor of bench/wrk: a bare Apollo Server 5 answering the constant query `{ status }`, in a process
// of its own. Started by bench/wrk.ts with NODE_ENV=production and PORT; answers GET /healthz once it listens.
//   BARE=standalone (default): Apollo's own `startStandaloneServer` (node:http + body-parser, no express):
//     the fastest way Apollo Server 5 serves, the anchor issue #16 names;
//   BARE=express: express 5 + `@as-integrations/express5`, as the service serves it;
//   BARE=roundtrip: the standalone server whose resolver asks MariaDB (BARE_MYSQL_URL, a mysql2 pool of
//     10) `SELECT 'ok'` once per request: what no service that reads its database per request can beat
//     here, the physical limit of issue #16.
import { createServer } from "node:http";
import express from "express";
import { ApolloServer } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import { startStandaloneServer } from "@apollo/server/standalone";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import mysql, { type RowDataPacket } from "mysql2/promise";

const typeDefs = `type Query { status: String! }`;
const kind = process.env.BARE ?? "standalone";
const pool = kind === "roundtrip" ? mysql.createPool({ uri: process.env.BARE_MYSQL_URL, connectionLimit: 10 }) : null;
const resolvers = {
  Query: {
    status: pool ? async () => ((await pool.query<RowDataPacket[]>("SELECT 'ok' AS status"))[0][0]!.status as string) : () => "ok",
  },
};
const port = Number(process.env.PORT ?? 0);

if (kind === "standalone" || kind === "roundtrip") {
  const apollo = new ApolloServer({ typeDefs, resolvers });
  // the standalone server answers every path; a GET of /healthz is a GraphQL GET without a query (400): ready is "it answers"
  await startStandaloneServer(apollo, { listen: { port, host: "127.0.0.1" } });
  process.once("SIGTERM", () => void apollo.stop().then(() => process.exit(0)));
} else {
  const httpServer = createServer();
  const apollo = new ApolloServer({ typeDefs, resolvers, plugins: [ApolloServerPluginDrainHttpServer({ httpServer })] });
  await apollo.start();
  const app = express();
  app.get("/healthz", (_req, res) => void res.send("ok"));
  app.use("/graphql", express.json({ limit: "1mb" }), expressMiddleware(apollo));
  httpServer.on("request", app);
  httpServer.listen(port, "127.0.0.1");
  process.once("SIGTERM", () => void apollo.stop().then(() => process.exit(0)));
}
