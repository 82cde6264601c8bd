import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { openJobStore, type JobStore } from "../../src/jobs/job-store.js";
import { EmbeddedPostgres } from "../../src/db/embedded-postgres.js";
import { createLogger } from "../../src/log.js";
import { freshDataDir, freshPostgresDatabase, services } from "../support/services.js";
import { startTestMongo, testMongoServer } from "../support/mongodb.js";

const log = createLogger("silent");

/**
 * The job round trip on every job store: a job scheduled 1 s ahead runs once, when due, and its
 * state is kept in the store (a new process reading the store sees it finished).
 */
async function roundTrip(open: () => Promise<JobStore>): Promise<void> {
  const name = `roundtrip-${randomBytes(4).toString("hex")}`;
  const store = await open();
  const runs: { at: number; data: unknown }[] = [];
  // a short lock lifetime: Agenda's liveness check of a finished job otherwise keeps a timer for minutes
  store.agenda.define(name, async (job) => {
    runs.push({ at: Date.now(), data: job.attrs.data });
  }, { lockLifetime: 2000 });
  await store.agenda.ready;
  await store.agenda.start();
  try {
    const due = Date.now() + 1000;
    await store.agenda.schedule(new Date(due), name, { hire: "anna" });
    await once(store.agenda, `complete:${name}`, { signal: AbortSignal.timeout(15_000) }).catch((error: unknown) => {
      throw new Error(`the job did not complete within 15 s; it started ${runs.length} times`, { cause: error });
    });
    await sleep(2500); // two more polling rounds: a second run would happen here
    assert.equal(runs.length, 1, "the job runs exactly once");
    assert.ok(runs[0]!.at >= due, "not before it is due");
    assert.deepEqual(runs[0]!.data, { hire: "anna" });
  } finally {
    await store.agenda.stop();
    await store.close();
  }

  const reader = await open(); // another process's view of the same store
  await reader.agenda.ready;
  try {
    const { jobs } = await reader.agenda.queryJobs({ name });
    assert.equal(jobs.length, 1);
    assert.equal(jobs[0]!.state, "completed");
    assert.ok(jobs[0]!.lastFinishedAt, "finish time is kept");
  } finally {
    await reader.close();
  }
}

describe("Agenda job round trip", () => {
  test("on PostgreSQL", async () => {
    const db = await freshPostgresDatabase();
    try {
      await roundTrip(() => openJobStore(db.url, false, { name: "test", log }));
    } finally {
      await db.drop();
    }
  });

  test("on Redis", async () => {
    await roundTrip(() => openJobStore(services.redis, false, { name: "test", log }));
  });

  test("on the embedded job store", async () => {
    const data = await freshDataDir();
    const embedded = await EmbeddedPostgres.start(data.dir, log);
    try {
      await roundTrip(() => openJobStore(embedded.url, true, { name: "test", log }));
    } finally {
      await embedded.stop();
      await data.remove();
    }
  });

  test(`on MongoDB (${testMongoServer === "CongoDB" ? "CongoDB in this process: MONGODB_URL is not set" : "MONGODB_URL"})`, async () => {
    const mongo = await startTestMongo();
    try {
      await roundTrip(() => openJobStore(mongo.url, false, { name: "test", log }));
    } finally {
      await mongo.stop();
    }
  });
});
