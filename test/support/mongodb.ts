import { createServer } from "node:net";
import { once } from "node:events";
import { services } from "./services.js";

export interface TestMongo {
  url: string;
  stop(): Promise<void>;
}

/** What the MongoDB tests run on, for their names: the MongoDB that MONGODB_URL names, or CongoDB. */
export const testMongoServer: "MONGODB_URL" | "CongoDB" = services.mongodb ? "MONGODB_URL" : "CongoDB";

/**
 * The MongoDB of the job-store test: MONGODB_URL when it is set; otherwise CongoDB, the
 * MongoDB-wire-compatible server of `@push.rocks/smartmongo` (TypeScript, in memory), started in this
 * process. It is not MongoDB: README, "Tests", says what a pass on it does not prove.
 */
export async function startTestMongo(): Promise<TestMongo> {
  if (services.mongodb) return { url: services.mongodb, stop: async () => undefined };
  // CongoDB's own module: the package's main entry would also load SmartMongo (mongodb-memory-server) and smartdata.
  const { CongoServer } = await import("@push.rocks/smartmongo/dist_ts/congodb/index.js");
  for (let attempt = 1; ; attempt++) {
    const server = new CongoServer({ host: "127.0.0.1", port: await freePort() });
    try {
      await server.start();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EADDRINUSE" && attempt < 5) continue; // taken since we looked
      throw error;
    }
    // CongoDB does not stream `hello` (the driver's default monitor fails with "Server ended moreToCome
    // unexpectedly" and clears its pool): the driver must poll.
    const url = `mongodb://127.0.0.1:${server.port}/onboarding?serverMonitoringMode=poll`;
    return { url, stop: () => server.stop() };
  }
}

/** CongoDB reports the port it was given, not the one the system chose for port 0: so we choose. */
async function freePort(): Promise<number> {
  const probe = createServer().listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address() as { port: number };
  probe.close();
  await once(probe, "close");
  return port;
}
