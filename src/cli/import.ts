import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { Readable, Transform, pipeline } from "node:stream";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { printable } from "./terminal-text.js";

const usage = `usage: npm run import -- FILE [--url URL] [--key KEY]

Imports the new hires of a CSV file (UTF-8; columns firstName, lastName, email, startDate,
employmentTemplate, externalId, endDate) by streaming it to POST {URL}/import/hires.
  --url URL   the service (default: $ONBOARDING_URL, else http://localhost:4000)
  --key KEY   an HR_ADMIN or PARTNER API key of your tenant (default: $ONBOARDING_API_KEY)
Exit code: 0 every row imported, 2 some rows failed (listed), 1 the import itself failed.
Hint: run \`npm run build\` once first; examples/README.md has an example file.`;

interface Report {
  created: number;
  unchanged: number;
  failed: number;
  errors: { row: number; field: string | null; message: string }[];
  errorsTruncated: boolean;
}

interface ErrorBody {
  errors?: { message?: string; extensions?: { code?: string; report?: Report } }[];
}

/** `npm run import -- FILE`: uploads a hire file and prints what became of each row. */
async function main(args: string[]): Promise<number> {
  let options;
  try {
    options = parseArgs({ args, allowPositionals: true, options: { url: { type: "string" }, key: { type: "string" }, help: { type: "boolean", short: "h" } } });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    return 1;
  }
  const { values, positionals } = options;
  if (values.help) {
    console.log(usage);
    return 0;
  }
  if (positionals.length !== 1) {
    console.error(positionals.length === 0 ? `Name the CSV file to import.\n\n${usage}` : `Import one file at a time.\n\n${usage}`);
    return 1;
  }
  const file = positionals[0]!;
  const key = values.key ?? process.env.ONBOARDING_API_KEY;
  if (!key) {
    console.error("An API key is needed: pass --key KEY or set ONBOARDING_API_KEY (an HR_ADMIN or PARTNER key of your tenant).");
    return 1;
  }
  const base = values.url ?? process.env.ONBOARDING_URL ?? "http://localhost:4000";
  let endpoint: URL;
  try {
    endpoint = new URL("import/hires", base.endsWith("/") ? base : `${base}/`);
  } catch {
    console.error(`Not a URL: ${base} (for example --url http://localhost:4000)`);
    return 1;
  }
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (error) {
    console.error(`Cannot read ${file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message}`);
    return 1;
  }

  const progress = uploadProgress(path.basename(file), size);
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "text/csv; charset=utf-8", "content-length": String(size), authorization: `Bearer ${key}` },
      body: fileBody(file, progress.advance),
      duplex: "half",
    });
  } catch (error) {
    progress.stop();
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    console.error(`Import failed: could not send ${file} to ${endpoint.origin}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    return 1;
  }
  progress.stop();
  progress.done();

  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    console.error(`Import failed: HTTP ${response.status} ${printable(response.statusText)}: ${printable(text.split("\n")[0]!.slice(0, 200))}`);
    return 1;
  }
  if (!response.ok) {
    const error = (body as ErrorBody).errors?.[0];
    if (error?.extensions?.report) printReport(error.extensions.report);
    const code = error?.extensions?.code ? `, ${printable(String(error.extensions.code))}` : "";
    console.error(`Import failed (HTTP ${response.status}${code}): ${printable(error?.message ?? text.slice(0, 200))}`);
    return 1;
  }
  const report = body as Report;
  printReport(report);
  return report.failed === 0 ? 0 : 2;
}

/** What the server answered, row by row; its texts through `printable`: they quote the file's cells. */
function printReport(report: Report): void {
  console.log(`created ${report.created}, unchanged ${report.unchanged}, failed ${report.failed}`);
  for (const error of report.errors) console.log(`row ${error.row}${error.field ? `, ${printable(error.field)}` : ""}: ${printable(error.message)}`);
  if (report.errorsTruncated) console.log(`(only the first ${report.errors.length} errors are listed)`);
}

/** The file as a web stream for fetch, counting the bytes as they go. */
function fileBody(file: string, sent: (bytes: number) => void): ReadableStream {
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      sent(chunk.length);
      callback(null, chunk);
    },
  });
  return Readable.toWeb(pipeline(createReadStream(file), counter, () => undefined)) as ReadableStream;
}

/** A bar of bytes sent on stderr when it is a terminal; otherwise one line at the end. */
function uploadProgress(name: string, total: number) {
  let sent = 0;
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar(
        { stream: process.stderr, format: `${name} {bar} {percentage}% | {done} of {size}`, hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(total, 0, { done: formatBytes(0), size: formatBytes(total) });
  return {
    advance(bytes: number) {
      sent += bytes;
      bar?.update(sent, { done: formatBytes(sent) });
    },
    stop() {
      bar?.stop();
    },
    done() {
      if (bar) return; // the bar shows it
      process.stderr.write(sent === total ? `sent ${name} (${formatBytes(total)})\n` : `sent ${formatBytes(sent)} of ${name} (${formatBytes(total)})\n`);
    },
  };
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

process.exitCode = await main(process.argv.slice(2));
