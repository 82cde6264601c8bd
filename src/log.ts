import { pino, type DestinationStream, type Logger } from "pino";
import { maskEmail } from "./domain/hire-status.js";

export type { Logger };

/** Fields that hold a secret: never shown. */
const SECRET_PATHS = ["req.headers.authorization", "req.headers.cookie", "*.apiKey", "*.token", "apiKey", "token"];
/** Fields that hold an e-mail address: shown masked ("a***@acme.se"), enough to tell hires apart. */
const ADDRESS_PATHS = ["to", "*.to", "email", "*.email"];
const ADDRESS_KEYS = new Set(["to", "email"]);

/**
 * Structured JSON logs on stdout (or `destination`, for tests); secrets (keys, tokens) never go into
 * a log line, and e-mail addresses only masked.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { pid: process.pid },
    redact: { paths: [...SECRET_PATHS, ...ADDRESS_PATHS], censor },
  };
  return destination ? pino(options, destination) : pino(options);
}

function censor(value: unknown, path: string[]): unknown {
  if (!ADDRESS_KEYS.has(path.at(-1) ?? "")) return "[redacted]";
  const mask = (v: unknown) => (typeof v === "string" && v.includes("@") ? maskEmail(v) : v);
  return Array.isArray(value) ? value.map(mask) : mask(value);
}
