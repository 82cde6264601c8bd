// The anchor of bench/wrk: a bare Apollo Server 5 (express 5, as the service serves it) answering the
// constant query `{ status }`, in a process of its own. Started by bench/wrk.ts with NODE_ENV=production
// and PORT; answers GET /healthz once it listens.
import { createServer } from "node:http";
import express from "express";
import { ApolloServer } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";

const httpServer = createServer();
const apollo = new ApolloServer({
  typeDefs: `type Query { status: String! }`,
  resolvers: { Query: { status: () => "ok" } },
  plugins: [ApolloServerPluginDrainHttpServer({ httpServer })],
});
await apollo.start();
const app = express();
app.get("/healthz", (_req, res) => void res.send("ok"));
app.use("/graphql", express.json({ limit: "1mb" }), expressMiddleware(apollo));
httpServer.on("request", app);
httpServer.listen(Number(process.env.PORT ?? 0), "127.0.0.1");
process.once("SIGTERM", () => void apollo.stop().then(() => process.exit(0)));
