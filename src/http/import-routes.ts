import { Transform, type Readable } from "node:stream";
import express, { type Router } from "express";
import { CsvError, parse } from "csv-parse";
import type { Principal } from "../auth/principal.js";
import type { Role } from "../auth/roles.js";
import { badInput } from "../errors.js";
import type { Logger } from "../log.js";
import type { Services } from "../services/index.js";
import type { ImportRow, ImportRowError } from "../services/import.service.js";
import type { TenantScope } from "../services/tenant-scope.js";
import { Refusal, refusalOf, sendError } from "./refusals.js";
import { callerOf, requireKey } from "./require-key.js";

export interface ImportLimits {
  /** Data rows per file (the header is not a row). */
  maxRows: number;
  /** Bytes per file. */
  maxBytes: number;
  /** Size of one row, its quoted line breaks included (csv-parse's max_record_size): the parser holds a row whole. */
  maxRowBytes: number;
}

/**
 * 64 KiB a row: a hire's longest valid row is under 1 KiB (two names of 100 characters, an address of
 * 254, a date, a template name and an externalId of 100), so no real file comes near it, while a cell
 * of 49 MiB (or a quote left open to the end of the file) is refused at 64 KiB instead of held whole.
 */
export const defaultImportLimits: ImportLimits = { maxRows: 100_000, maxBytes: 50 * 1024 * 1024, maxRowBytes: 64 * 1024 };

/** What `POST /import/hires` answers: totals over the whole file, the first errors. */
export interface HireFileReport {
  created: number;
  unchanged: number;
  failed: number;
  errors: ImportRowError[];
  errorsTruncated: boolean;
}

export const hireFileColumns = ["firstName", "lastName", "email", "startDate", "employmentTemplate", "externalId", "endDate"] as const;
export type HireFileColumn = (typeof hireFileColumns)[number];
const requiredColumns: readonly HireFileColumn[] = ["firstName", "lastName", "startDate", "employmentTemplate"];
const importRoles: readonly Role[] = ["HR_ADMIN", "PARTNER"];
const BATCH_ROWS = 500;
const MAX_REPORTED_ERRORS = 1000;

/**
 * `POST /import/hires`: a CSV file of new hires for HR staff. The file is streamed through the parser
 * and registered 500 rows at a time, each batch awaited before more is read, so a file of any
 * allowed size is imported in bounded memory.
 */
export function importRoutes(services: Services, log: Logger, limits: Partial<ImportLimits> = {}): Router {
  const max: ImportLimits = { ...defaultImportLimits, ...limits };
  const router = express.Router();

  const importer = requireKey(services, log, { action: "Importing hires", roles: importRoles, tenant: true });
  router.post("/import/hires", importer, async (req, res) => {
    const principal = callerOf(res);
    const scope = services.scopeOf({ ...principal, tenantId: principal.tenantId! }); // requireKey({ tenant: true }) lets only a tenant's key in
    let upload: HireFileUpload | undefined;
    try {
      checkBody(req.headers["content-type"], req.headers["content-length"], max.maxBytes);
      upload = new HireFileUpload(services, scope, principal, max, log);
      const report = await upload.read(req);
      log.info({ tenantId: scope.tenantId, rows: upload.rowsDone, created: report.created, unchanged: report.unchanged, failed: report.failed }, "hire file imported");
      res.json(report);
    } catch (error) {
      const refusal = refusalOf(error, log);
      if (upload?.rowsDone) log.warn({ rows: upload.rowsDone, code: refusal.code, reason: refusal.message }, "hire file import stopped");
      sendError(res, refusal, log);
    }
  });
  return router;
}

/** The file's columns in order, from its header row (names case-insensitive, trimmed, any order). */
export function readHeader(cells: string[]): HireFileColumn[] {
  const byName = new Map(hireFileColumns.map((column) => [column.toLowerCase(), column]));
  const columns: HireFileColumn[] = [];
  const unknown: string[] = [];
  const repeated: string[] = [];
  cells.forEach((cell, index) => {
    const name = cell.trim();
    const column = byName.get(name.toLowerCase());
    if (!column) unknown.push(name === "" ? `(column ${index + 1} has no name)` : JSON.stringify(name));
    else if (columns.includes(column)) repeated.push(column);
    else columns.push(column);
  });
  const missing = requiredColumns.filter((column) => !columns.includes(column));
  const problems = [
    unknown.length ? `unknown columns ${unknown.join(", ")}` : "",
    repeated.length ? `repeated columns ${repeated.join(", ")}` : "",
    missing.length ? `missing columns ${missing.join(", ")}` : "",
  ].filter(Boolean);
  if (problems.length) {
    throw badInput(`The header row has ${problems.join("; ")}. The columns are ${hireFileColumns.join(", ")} (${requiredColumns.join(", ")} required)`);
  }
  return columns;
}

/** One data row, by column name, as the import service takes it: cells trimmed, empty cells null. */
export function csvRowToImportRow(record: Record<string, string | undefined>): ImportRow {
  const cell = (column: HireFileColumn) => record[column]?.trim() || null;
  return {
    firstName: cell("firstName"),
    lastName: cell("lastName"),
    email: cell("email"),
    startDate: cell("startDate"),
    employmentTemplate: cell("employmentTemplate"),
    externalId: cell("externalId"),
    endDate: cell("endDate"),
  };
}

/** importRows itself failed: its batch is not retried. */
class BatchFailed extends Error {
  constructor(readonly reason: unknown) {
    super("importRows failed");
  }
}

type ParsedItem = { record: string[] } | { malformed: string };

/** One upload: the header, then data rows in batches; totals and the first errors kept, nothing else. */
class HireFileUpload {
  private columns: HireFileColumn[] | undefined;
  private pending: ImportRow[] = [];
  private pendingFirstRow = 1;
  private rowsRead = 0;
  /** Every data row up to this one was imported or reported as failed. */
  rowsDone = 0;
  private readonly report: HireFileReport = { created: 0, unchanged: 0, failed: 0, errors: [], errorsTruncated: false };

  constructor(
    private readonly services: Services,
    private readonly scope: TenantScope,
    private readonly caller: Principal,
    private readonly limits: ImportLimits,
    private readonly log: Logger,
  ) {}

  async read(body: express.Request): Promise<HireFileReport> {
    const parser = csvParser(this.limits.maxRowBytes);
    const guard = new UploadGuard(this.limits.maxBytes, () => body.unpipe(guard));
    body.on("error", () => parser.destroy(interrupted()));
    body.on("close", () => {
      if (!body.complete) parser.destroy(interrupted());
    });
    body.pipe(guard).pipe(parser);
    // One item is held back: when the guard cuts the upload short, the last one may be a cut row.
    let held: ParsedItem | undefined;
    try {
      for await (const item of parser as AsyncIterable<ParsedItem>) {
        if (held) await this.accept(held);
        held = item;
      }
      if (guard.stop) throw guard.stop;
      if (held) await this.accept(held);
      if (!this.columns) throw badInput(`The file is empty: its first row must name the columns (${hireFileColumns.join(", ")})`);
      await this.flush();
      return this.report;
    } catch (caught) {
      const error = isRowTooLong(caught) ? await this.rowTooLong(held) : caught;
      if (!this.columns && error !== guard.stop) throw error; // a bad header: nothing was read
      throw await this.stopped(error);
    } finally {
      body.unpipe(guard);
      guard.unpipe(parser);
      parser.destroy();
    }
  }

  private async accept(item: ParsedItem): Promise<void> {
    if (this.columns) return this.take(item);
    this.columns = "malformed" in item ? headerNotCsv(item.malformed) : readHeader(item.record);
  }

  private async take(item: ParsedItem): Promise<void> {
    if ("record" in item && item.record.every((cell) => cell.trim() === "")) return; // a blank line
    const row = ++this.rowsRead;
    if (row > this.limits.maxRows) {
      throw new Refusal(413, "BAD_USER_INPUT", `The file has more rows than the limit of ${this.limits.maxRows}`, { limit: "maxRows", maxRows: this.limits.maxRows });
    }
    if ("malformed" in item) return this.rejectRow(row, item.malformed);
    const columns = this.columns!;
    if (item.record.length !== columns.length) {
      return this.rejectRow(row, `The row has ${item.record.length} cells but the header has ${columns.length} columns`);
    }
    if (this.pending.length === 0) this.pendingFirstRow = row;
    this.pending.push(csvRowToImportRow(Object.fromEntries(columns.map((column, i) => [column, item.record[i]]))));
    if (this.pending.length === BATCH_ROWS) await this.flush();
  }

  /**
   * The parser stopped inside a row over `maxRowBytes`. The item it gave before is a whole row (the
   * parser gives none it has not finished), so it is imported; the answer names the long row.
   */
  private async rowTooLong(held: ParsedItem | undefined): Promise<unknown> {
    try {
      if (held) await this.accept(held);
    } catch (error) {
      return error; // that row broke a rule of its own (the row limit, a bad header): that is the answer
    }
    const limit = `the limit of ${formatBytes(this.limits.maxRowBytes)}`;
    if (!this.columns) return badInput(`The header row is longer than ${limit}`);
    const row = this.rowsRead + 1;
    return new Refusal(400, "BAD_USER_INPUT", `Row ${row} is longer than ${limit} (a hire's row is far shorter: is a quote left open?)`, {
      limit: "maxRowBytes",
      maxRowBytes: this.limits.maxRowBytes,
      row,
    });
  }

  /** A row the parser could not read: reported here, after the rows before it (row numbers of a batch are consecutive). */
  private async rejectRow(row: number, message: string): Promise<void> {
    await this.flush();
    this.report.failed += 1;
    this.addErrors([{ row, field: null, message }]);
    this.rowsDone = row;
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    let batch;
    try {
      batch = await this.services.imports.importRows(this.scope, rows, this.pendingFirstRow, { caller: this.caller });
    } catch (error) {
      throw new BatchFailed(error);
    }
    this.report.created += batch.created;
    this.report.unchanged += batch.unchanged;
    this.report.failed += batch.failed;
    this.addErrors(batch.errors);
    this.rowsDone = this.pendingFirstRow + rows.length - 1;
  }

  private addErrors(errors: ImportRowError[]): void {
    const room = MAX_REPORTED_ERRORS - this.report.errors.length;
    this.report.errors.push(...errors.slice(0, Math.max(room, 0)).map(({ row, field, message }) => ({ row, field, message })));
    if (errors.length > room) this.report.errorsTruncated = true;
  }

  /**
   * The import stopped part-way. Every complete row read before the stop is still imported (unless
   * importing is what failed), so the answer can say exactly where the rest of the file begins.
   */
  private async stopped(error: unknown): Promise<Refusal> {
    if (!(error instanceof BatchFailed)) {
      try {
        await this.flush();
      } catch (flushError) {
        error = flushError;
      }
    }
    const cause = refusalOf(
      error instanceof CsvError ? badInput(`The file is not valid CSV after row ${this.rowsRead}: ${error.message}`) : error instanceof BatchFailed ? error.reason : error,
      this.log,
    );
    const done = this.rowsDone;
    const imported = done === 0 ? "nothing was imported" : done === 1 ? "the first row was imported" : `the first ${done} rows were imported`;
    const next =
      cause.extensions.limit === "maxRowBytes"
        ? `; correct it and import the rest, from row ${done + 1}`
        : cause.status !== 413
          ? ""
          : done === 0
            ? "; split the file"
            : `; split the file and import the rest, from row ${done + 1}`;
    // a message that is whole sentences (503's) goes on with one more, the others with ": …"
    const message = cause.message.endsWith(".") ? `${cause.message} ${imported[0]!.toUpperCase()}${imported.slice(1)}${next}.` : `${cause.message}: ${imported}${next}`;
    return new Refusal(cause.status, cause.code, message, { ...cause.extensions, importedRows: done, report: this.report });
  }
}

/** Rows as `{ record: cells }`; a row the parser cannot read becomes a `malformed` item in its place. */
function csvParser(maxRowBytes: number) {
  let lastSkipped: string | null = null;
  const parser = parse({
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    skip_records_with_error: true,
    raw: true,
    max_record_size: maxRowBytes,
    on_record: (record) => {
      lastSkipped = null;
      return record; // with `raw`: { record: cells, raw }
    },
    on_skip: (error: CsvError | undefined, raw = "") => {
      if (error instanceof CsvError && error.code === "CSV_MAX_RECORD_SIZE") throw error; // no way to resynchronise
      // The parser may complain more than once about one row: the same row's raw text only grows.
      const sameRow = lastSkipped !== null && raw.length > lastSkipped.length && raw.startsWith(lastSkipped);
      lastSkipped = raw;
      if (!sameRow) parser.push({ malformed: error?.message ?? "The row is not valid CSV" });
      return undefined;
    },
  });
  return parser;
}

/**
 * Counts the bytes against the limit and checks that they are UTF-8, before the parser sees them.
 * Past the limit, or at bytes that are not UTF-8, it ends the input there and keeps the reason in
 * `stop` (a stream error would throw away rows the parser has already read).
 */
class UploadGuard extends Transform {
  stop: Error | undefined;
  private bytes = 0;
  private readonly decoder = new TextDecoder("utf-8", { fatal: true });

  constructor(
    private readonly maxBytes: number,
    private readonly stopReading: () => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null, data?: Buffer) => void): void {
    if (this.stop) return callback();
    const allowed = chunk.subarray(0, Math.max(this.maxBytes - this.bytes, 0));
    this.bytes += chunk.length;
    if (!this.utf8(allowed)) return this.halt(notUtf8(), callback);
    if (allowed.length < chunk.length) return this.halt(tooLarge(this.maxBytes), callback, allowed);
    callback(null, chunk);
  }

  override _flush(callback: (error?: Error | null) => void): void {
    if (!this.stop && !this.utf8()) this.stop = notUtf8();
    callback();
  }

  private utf8(bytes?: Buffer): boolean {
    try {
      if (bytes) this.decoder.decode(bytes, { stream: true });
      else this.decoder.decode();
      return true;
    } catch {
      return false;
    }
  }

  private halt(reason: Error, callback: (error?: Error | null) => void, last?: Buffer): void {
    this.stop = reason;
    this.stopReading();
    if (last?.length) this.push(last);
    this.push(null);
    callback();
  }
}

const isRowTooLong = (error: unknown) => error instanceof CsvError && error.code === "CSV_MAX_RECORD_SIZE";

const notUtf8 = () => badInput('The file is not UTF-8 text (in Excel: save as "CSV UTF-8")');

function checkBody(contentType: string | undefined, contentLength: string | undefined, maxBytes: number): void {
  const [mediaType = "", ...parameters] = (contentType ?? "").split(";").map((part) => part.trim().toLowerCase());
  if (mediaType !== "text/csv" && mediaType !== "application/octet-stream") {
    throw new Refusal(415, "BAD_USER_INPUT", "Send the CSV file as the request body with Content-Type: text/csv");
  }
  const charset = parameters.find((p) => p.startsWith("charset="))?.slice("charset=".length).replace(/"/g, "");
  if (charset && charset !== "utf-8" && charset !== "utf8") {
    throw new Refusal(415, "BAD_USER_INPUT", `The file must be UTF-8, not ${charset}`);
  }
  if (Number(contentLength) > maxBytes) {
    const refusal = tooLarge(maxBytes);
    throw new Refusal(413, refusal.code, `${refusal.message}: nothing was imported; split the file`, { ...refusal.extensions, importedRows: 0 });
  }
}

function tooLarge(maxBytes: number): Refusal {
  return new Refusal(413, "BAD_USER_INPUT", `The file is larger than the limit of ${formatBytes(maxBytes)}`, { limit: "maxBytes", maxBytes });
}

const interrupted = () => badInput("The upload was interrupted");

function headerNotCsv(message: string): never {
  throw badInput(`The header row is not valid CSV: ${message}`);
}

function formatBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
