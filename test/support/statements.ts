import type { Logger as TypeOrmLogger } from "typeorm";
import type { TestApp } from "./app.js";

/**
 * The SQL statements the service sends while `work` runs, as its TypeORM logger sees them: transaction
 * brackets, `SELECT 1` probes and the webhook relay's background polls (a ROLE=all process polls for
 * undelivered events) left out. A named statement (PostgreSQL) counts by its text.
 */
export async function statementsDuring(t: TestApp, work: () => Promise<unknown>): Promise<string[]> {
  const dataSource = t.app.dataSource;
  const original = dataSource.logger;
  const seen: string[] = [];
  const textOf = (query: unknown) => (typeof query === "string" ? query : String((query as { text?: unknown }).text));
  dataSource.logger = new Proxy(original, {
    get: (target, property, receiver) =>
      property === "logQuery" ? (query: string, ...rest: unknown[]) => (seen.push(textOf(query)), target.logQuery(query, ...(rest as []))) : Reflect.get(target, property, receiver),
  }) as TypeOrmLogger;
  try {
    await work();
  } finally {
    dataSource.logger = original;
  }
  return seen.filter((q) => !/^(START TRANSACTION|BEGIN|COMMIT|ROLLBACK|SELECT 1)/i.test(q) && !/webhooksPending|webhook_delivery/.test(q));
}
