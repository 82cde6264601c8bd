import { createHash } from "node:crypto";
import type { EntityManager, EntityMetadata, ObjectLiteral, SelectQueryBuilder } from "typeorm";
import type { ColumnMetadata } from "typeorm/metadata/ColumnMetadata.js";

type Parameters = Record<string, unknown>;

interface Compiled {
  sql: string;
  /** On PostgreSQL: the name it is prepared under, once per connection (see `run`) */
  name?: string;
  /** where each positional parameter of `sql` comes from: a named parameter of run(), or a constant */
  values: ({ name: string } | { constant: unknown })[];
  aliases: { alias: string; metadata: EntityMetadata; columns: { column: ColumnMetadata; key: string }[] }[];
}

/**
 * A SELECT of whole entities that TypeORM's query builder builds once, the first time it runs, and
 * that then runs as plain SQL. On the reads that clients poll, building the SQL text and mapping the
 * rows through the builder cost about three times the query itself (bench/README.md, "bench/status");
 * the text depends only on the dialect. Values are converted exactly as TypeORM converts them
 * (Driver.prepareHydratedValue, column transformers included).
 *
 * `build` gives the FROM, JOINs (without select: `leftJoin`, not `leftJoinAndSelect`), WHERE and
 * ORDER with named parameters; `aliases` are the entities each row returns. A row maps to
 * `{ [alias]: entity | null }` (null: a left join found nothing).
 */
export class CompiledSelect<A extends string> {
  private readonly compiled = new WeakMap<object, Compiled>();

  constructor(
    private readonly build: (manager: EntityManager) => SelectQueryBuilder<ObjectLiteral>,
    private readonly aliases: readonly A[],
  ) {}

  async run(manager: EntityManager, parameters: Parameters): Promise<Record<A, ObjectLiteral | null>[]> {
    const driver = manager.connection.driver;
    let compiled = this.compiled.get(driver);
    if (!compiled) {
      compiled = this.compile(manager, Object.keys(parameters));
      this.compiled.set(driver, compiled);
    }
    const values = compiled.values.map((v) => ("name" in v ? parameters[v.name] : v.constant));
    // On PostgreSQL a named statement: node-postgres parses it once per connection, and after its fifth
    // run the server keeps a generic plan. Planning the six-table join of accountStatus took ~1 ms, its
    // execution ~0.1 ms (bench/README.md). TypeORM hands the query on to node-postgres's client.query
    // unchanged, whose config object carries the name.
    const statement = compiled.name ? ({ text: compiled.sql, name: compiled.name } as unknown as string) : compiled.sql;
    const rows = (await manager.query(statement, values)) as Record<string, unknown>[];
    return rows.map((row) => {
      const entities = {} as Record<A, ObjectLiteral | null>;
      for (const { alias, metadata, columns } of compiled.aliases) {
        if (columns.every(({ key, column }) => !column.isPrimary || row[key] === null || row[key] === undefined)) {
          entities[alias as A] = null;
          continue;
        }
        const entity = metadata.create() as ObjectLiteral;
        for (const { column, key } of columns) column.setEntityValue(entity, driver.prepareHydratedValue(row[key], column));
        entities[alias as A] = entity;
      }
      return entities;
    });
  }

  private compile(manager: EntityManager, names: string[]): Compiled {
    const query = this.build(manager);
    const aliases = this.aliases.map((alias, a) => {
      const metadata = query.expressionMap.findAliasByName(alias).metadata;
      return { alias, metadata, columns: metadata.columns.map((column, c) => ({ column, key: `c${a}_${c}` })) };
    });
    const selections = aliases.flatMap(({ alias, columns }) => columns.map(({ column, key }) => ({ selection: `${alias}.${column.propertyPath}`, key })));
    query.select(selections[0]!.selection, selections[0]!.key);
    for (const { selection, key } of selections.slice(1)) query.addSelect(selection, key);
    // each named parameter gets a unique marker, so that the positions of the markers in the built
    // parameter list say where each value goes (MySQL repeats `?`, PostgreSQL numbers `$n` once)
    const markers = new Map(names.map((name, i) => [`\u0000compiled-select-parameter-${i}`, name]));
    query.setParameters(Object.fromEntries([...markers].map(([marker, name]) => [name, marker])));
    const [sql, built] = query.getQueryAndParameters();
    const values = built.map((value: unknown) => {
      const name = typeof value === "string" ? markers.get(value) : undefined;
      return name !== undefined ? { name } : { constant: value };
    });
    const postgres = manager.connection.driver.options.type === "postgres";
    const name = postgres ? `compiled_${createHash("sha256").update(sql).digest("hex").slice(0, 32)}` : undefined;
    return { sql, name, values, aliases };
  }
}
