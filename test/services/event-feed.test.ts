import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { QueryRunner } from "typeorm";
import { EmploymentEvent } from "../../src/entities/index.js";
import { createLogger } from "../../src/log.js";
import { EmploymentEventFeed } from "../../src/services/event-feed.js";
import { EventSubscriptions } from "../../src/services/event-subscriptions.js";
import { employmentEvent, SYSTEM } from "../../src/services/history.js";
import type { TailedEvent } from "../../src/sql/tailEmploymentEvents.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { address, hrTenant, register } from "../support/hires.js";
import { freshMysqlDatabase, freshPostgresDatabase, services } from "../support/services.js";

/** Waits until `check` holds; throws after `ms`. */
async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

for (const [label, fresh] of [
  ["MariaDB", freshMysqlDatabase],
  ["PostgreSQL", freshPostgresDatabase],
] as const) {
  describe(`the event feed on ${label}: every committed event once, also one that commits after later ones`, () => {
    let t: TestApp;
    let drop: () => Promise<void>;
    let tenantId: string;
    let employmentId: string;
    let feed: EmploymentEventFeed;

    before(async () => {
      const db = await fresh();
      drop = db.drop;
      t = await startTestApp({ DATABASE_URL: db.url, JOBS_URL: services.redis, OPERATOR_API_KEY: "o".repeat(40) });
      const tenant = await hrTenant(t);
      tenantId = tenant.id;
      employmentId = (await register(t, tenant, { email: address("feed"), startDate: "2030-01-10" })).employment.id;
      feed = new EmploymentEventFeed(t.app.dataSource, { pollMs: 20, overlapMs: 5000 }, createLogger("silent"));
    });
    after(async () => {
      await feed?.stop();
      await t?.stop();
      await drop?.();
    });

    const newEvent = () =>
      employmentEvent({ tenantId, employmentId, kind: "RESENT", at: new Date(), actor: SYSTEM }, { employeeId: "x", externalId: null, connectStatus: "INVITATION_SCHEDULED" });
    const begin = async (): Promise<QueryRunner> => {
      const runner = t.app.dataSource.createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      return runner;
    };
    const commitOne = async () => {
      const event = newEvent();
      await t.app.dataSource.manager.insert(EmploymentEvent, event);
      return event.id;
    };

    test("an event inserted first but committed after later ones is delivered once, when it commits", async () => {
      const heard: string[] = [];
      const stopListening = feed.listen(tenantId, (tailed: TailedEvent) => heard.push(tailed.event.id));
      try {
        const first = await commitOne();
        await until(() => heard.includes(first), "the feed runs");

        const slow = await begin();
        const late = newEvent(); // its id is older than the next ones
        await slow.manager.insert(EmploymentEvent, late);
        const b = await commitOne();
        const c = await commitOne();
        await until(() => heard.includes(c), "the later events are heard");
        assert.ok(!heard.includes(late.id), "not heard before it commits");
        assert.ok(late.id < b, "the late event's id is below the cursor");

        await slow.commitTransaction();
        await slow.release();
        await until(() => heard.includes(late.id), "the late event is heard once committed");
        const d = await commitOne();
        await until(() => heard.includes(d), "and the feed carries on");
        assert.deepEqual(heard, [first, b, c, late.id, d]);
      } finally {
        stopListening();
      }
    });

    test("a subscriber that does not take its events is ended (tooSlow) once 5 wait; another subscriber of the feed hears all of them", async () => {
      const subscriptions = new EventSubscriptions(feed, t.app.services.queries, 5);
      const scope = t.app.services.scope(tenantId);
      let tooSlow = 0;
      const slow = await subscriptions.employmentEvents(scope, null, () => tooSlow++);
      const fast = await subscriptions.employmentEvents(scope, employmentId, () => assert.fail("the fast one is not too slow"));
      const heard: string[] = [];
      const reading = (async () => {
        for await (const event of fast) if (heard.push(event.id) >= 20) return;
      })();
      const written: string[] = [];
      for (let i = 0; i < 20; i++) {
        const id = await commitOne();
        written.push(id);
        // one at a time, as a reader that keeps up sees them (a poll that brings more than 5 at once would overflow even a fast one)
        await until(() => heard.includes(id) || heard.length >= 20, "the fast one hears it");
      }
      await reading;
      assert.deepEqual(heard, written.slice(-heard.length), "the fast one hears every event from when it subscribed");
      assert.equal(tooSlow, 1, "the slow one is told once");
      const left: string[] = [];
      for await (const event of slow) left.push(event.id);
      assert.equal(left.length, 0, "and ends: what waited is dropped, its connection is closed (4008)");
    });

    test("40 rounds of 8 writers whose transactions commit in random order, some rolled back: each committed event heard exactly once, none rolled back", async () => {
      const heard: string[] = [];
      const stopListening = feed.listen(tenantId, (tailed: TailedEvent) => heard.push(tailed.event.id));
      const committed: string[] = [];
      const rolledBack: string[] = [];
      try {
        const warm = await commitOne();
        await until(() => heard.includes(warm), "the feed runs");
        committed.push(warm);
        for (let round = 0; round < 40; round++) {
          await Promise.all(
            Array.from({ length: 8 }, async (_, writer) => {
              const runner = await begin();
              const events = [newEvent(), newEvent()];
              await runner.manager.insert(EmploymentEvent, events);
              await new Promise((resolve) => setTimeout(resolve, Math.random() * 60));
              if ((round + writer) % 7 === 0) {
                await runner.rollbackTransaction();
                rolledBack.push(...events.map((e) => e.id));
              } else {
                await runner.commitTransaction();
                committed.push(...events.map((e) => e.id));
              }
              await runner.release();
            }),
          );
        }
        await until(() => committed.every((id) => heard.includes(id)), `every committed event heard (${committed.length})`, 20_000);
        assert.equal(new Set(heard).size, heard.length, "none twice");
        assert.ok(!rolledBack.some((id) => heard.includes(id)), "nothing rolled back");
        // an earlier test's last events, committed just before this listener came, may reach it too (one
        // poll's worth, at least once): what this test wrote is heard exactly as committed
        const ours = new Set([...committed, ...rolledBack]);
        assert.deepEqual(heard.filter((id) => ours.has(id)).sort(), [...committed].sort());
      } finally {
        stopListening();
      }
    });
  });
}
