import type { EntityManager } from "typeorm";
import { CompiledSelect } from "../db/compiled-select.js";
import { Employee, Employment, EmploymentEvent } from "../entities/index.js";

/** An event as the subscription feed reads it: with its employment and employee (whose `registeredByPartner` decides which partner may hear it, R12). */
export interface TailedEvent {
  event: EmploymentEvent;
  employment: Employment;
  employee: Employee;
}

const withHire = (manager: EntityManager) =>
  manager
    .createQueryBuilder(EmploymentEvent, "e")
    .innerJoin(Employment, "m", "m.id = e.employmentId AND m.tenantId = e.tenantId")
    .innerJoin(Employee, "p", "p.id = m.employeeId AND p.tenantId = m.tenantId");

/** The most events one read returns; a full read is followed by another at once. */
export const FEED_BATCH = 500;

/** Every tenant's events with an id in (`after`, `before`), in id order, at most FEED_BATCH (a range of the primary key). Reads only. */
const AFTER = new CompiledSelect((manager) => withHire(manager).where("e.id > :after AND e.id < :before").orderBy("e.id", "ASC").limit(FEED_BATCH), ["e", "m", "p"]);

/** The ids of every tenant's events in (`from`, `upTo`]: what the feed has seen there, or not yet. Reads only. */
const IDS_BETWEEN = (manager: EntityManager, from: string, upTo: string) =>
  manager.createQueryBuilder(EmploymentEvent, "e").select("e.id", "id").where("e.id > :from AND e.id <= :upTo", { from, upTo }).orderBy("e.id", "ASC").getRawMany<{ id: string }>();

/** Events committed since the feed's cursor (ids up to `before`): the one statement an api process runs per poll, for all its subscribers. */
export async function eventsAfter(manager: EntityManager, after: string, before: string): Promise<TailedEvent[]> {
  const rows = await AFTER.run(manager, { after, before });
  return rows.map((row) => ({ event: row.e as EmploymentEvent, employment: row.m as Employment, employee: row.p as Employee }));
}

/** The ids in (`from`, `upTo`], oldest first: the overlap the feed reads again for events that committed after later ones. */
export async function eventIdsBetween(manager: EntityManager, from: string, upTo: string): Promise<string[]> {
  return (await IDS_BETWEEN(manager, from, upTo)).map((row) => row.id);
}

/** The events with these ids, in id order (those the overlap found unseen). */
export async function eventsWithIds(manager: EntityManager, ids: string[]): Promise<TailedEvent[]> {
  if (!ids.length) return [];
  const events = await manager
    .createQueryBuilder(EmploymentEvent, "e")
    .innerJoinAndMapOne("e.employment", Employment, "m", "m.id = e.employmentId AND m.tenantId = e.tenantId")
    .innerJoinAndMapOne("m.employee", Employee, "p", "p.id = m.employeeId AND p.tenantId = m.tenantId")
    .where("e.id IN (:...ids)", { ids })
    .orderBy("e.id", "ASC")
    .getMany();
  return events.map((event) => {
    const { employment, ...rest } = event as EmploymentEvent & { employment: Employment & { employee: Employee } };
    const { employee, ...bare } = employment;
    return { event: Object.assign(new EmploymentEvent(), rest), employment: Object.assign(new Employment(), bare), employee };
  });
}
