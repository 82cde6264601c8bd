import type { EntityManager, EntityTarget, ObjectLiteral } from "typeorm";

/**
 * Inserts new rows of one entity in one multi-row INSERT: every column the entity maps, each value
 * converted by the driver as TypeORM's own insert converts it (a property left undefined takes the
 * column's DEFAULT). Written out here instead of `manager.insert` because TypeORM's insert builder
 * names every value as a parameter and rewrites the statement name by name: for an import's 500
 * hires a chunk that was most of the import's time (bench/README.md, "bench/import").
 */
export async function insertMany<T extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<T>, rows: readonly T[]): Promise<void> {
  if (rows.length === 0) return;
  const driver = manager.connection.driver;
  const metadata = manager.connection.getMetadata(entity);
  const columns = metadata.columns.filter((column) => column.isInsert && !column.isVirtual);
  const parameters: unknown[] = [];
  const tuples = rows.map((row) => {
    const values = columns.map((column) => {
      const value = column.getEntityValue(row);
      if (value === undefined) return "DEFAULT";
      parameters.push(driver.preparePersistentValue(value, column));
      return driver.createParameter(`p${parameters.length}`, parameters.length - 1);
    });
    return `(${values.join(", ")})`;
  });
  const table = metadata.tablePath.split(".").map((part) => driver.escape(part)).join(".");
  const names = columns.map((column) => driver.escape(column.databaseName)).join(", ");
  await manager.query(`INSERT INTO ${table} (${names}) VALUES ${tuples.join(", ")}`, parameters);
}
