import { describe } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import { createDataSource } from "../../src/db/data-source.js";
import { migrate } from "../../src/db/migrate.js";
import { Employment, EmploymentEvent } from "../../src/entities/index.js";
import { createLogger } from "../../src/log.js";
import { insertMany } from "../../src/sql/insertMany.js";
import { testOnEveryDatabase } from "../support/services.js";

const log = createLogger("silent");

const employment = (over: Partial<Employment> = {}): Employment =>
  Object.assign(new Employment(), {
    id: randomUUID(),
    tenantId: randomUUID(),
    employeeId: randomUUID(),
    templateId: randomUUID(),
    startDate: "2030-09-01",
    status: "ACTIVE",
    reviewStatus: "NOT_REQUIRED",
    approvedSteps: 0,
    reviewSteps: 2,
    currentInvitationId: null,
    createdAt: new Date("2026-03-29T00:59:59.999Z"), // the millisecond, on the night a zone changes its clock
    cancelledAt: null,
    endDate: "2031-02-28",
    disconnectAt: new Date("2031-03-02T23:00:00.000Z"),
    // disconnectDoneAt left undefined: the column's default
    ...over,
  });

const event = (employmentId: string, webhooksPending: boolean): EmploymentEvent =>
  Object.assign(new EmploymentEvent(), {
    id: randomUUID(),
    tenantId: randomUUID(),
    employmentId,
    kind: "REGISTERED",
    at: new Date("2026-11-29T18:00:00.123Z"),
    actorKeyId: null,
    actor: "HR 'import' \\ key", // quotes and a backslash travel as data
    detail: "start 2030-09-01, a…@example.org",
    type: webhooksPending ? "employment.registered" : null,
    employeeId: randomUUID(),
    externalId: null,
    connectStatus: "INVITATION_SCHEDULED",
    webhooksPending,
  });

/** insertMany (the import's many-row INSERT) stores exactly what TypeORM's own insert stores. */
async function sameAsTypeOrmInsert(url: string): Promise<void> {
  const dataSource: DataSource = await createDataSource(url);
  await dataSource.initialize();
  try {
    await migrate(dataSource, log);
    const byTypeOrm = [employment(), employment({ reviewStatus: "PENDING", endDate: null, disconnectAt: null })];
    const byInsertMany = byTypeOrm.map((e) => ({ ...e, id: randomUUID() }) as Employment);
    await dataSource.manager.insert(Employment, byTypeOrm);
    await dataSource.transaction((m) => insertMany(m, Employment, byInsertMany));
    const read = async (ids: string[]) => (await dataSource.manager.findBy(Employment, ids.map((id) => ({ id })))).map(({ id, ...rest }) => ({ at: ids.indexOf(id), ...rest }));
    const expected = await read(byTypeOrm.map((e) => e.id));
    assert.equal(expected.length, 2);
    assert.deepEqual(
      (await read(byInsertMany.map((e) => e.id))).sort((a, b) => a.at - b.at),
      expected.sort((a, b) => a.at - b.at),
    );

    const events = [event(byTypeOrm[0]!.id, true), event(byTypeOrm[1]!.id, false)];
    await insertMany(dataSource.manager, EmploymentEvent, events);
    const stored = await dataSource.manager.findBy(EmploymentEvent, events.map(({ id }) => ({ id })));
    assert.deepEqual(
      stored.sort((a, b) => Number(b.webhooksPending) - Number(a.webhooksPending)),
      events.map((e) => Object.assign(new EmploymentEvent(), e)),
    );
    await insertMany(dataSource.manager, EmploymentEvent, []); // nothing to insert: no statement, no error
  } finally {
    await dataSource.destroy();
  }
}

describe("insertMany stores what TypeORM's insert stores", () => testOnEveryDatabase(sameAsTypeOrmInsert));
