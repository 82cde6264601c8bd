import { pino, type DestinationStream, type Logger } from "pino";
import { maskEmail, maskEmailsIn } from "./domain/hire-status.js";

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
    serializers: { err: maskedError },
  };
  return destination ? pino(options, destination) : pino(options);
}

function censor(value: unknown, path: string[]): unknown {
  if (!ADDRESS_KEYS.has(path.at(-1) ?? "")) return "[redacted]";
  const mask = (v: unknown) => (typeof v === "string" && v.includes("@") ? maskEmail(v) : v);
  return Array.isArray(value) ? value.map(mask) : mask(value);
}

/**
 * pino's error serializer, with every address in its texts masked (SMTP servers name the recipient
 * in their errors; nodemailer's errors may carry the envelope), also in causes and nested fields.
 */
function maskedError(error: Error): unknown {
  const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  const mask = (value: unknown, depth: number): unknown => {
    if (typeof value === "string") return maskEmailsIn(value);
    if (depth > 3 || value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) return value.map((v) => mask(v, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, mask(v, depth + 1)]));
  };
  return mask(serialized, 0);
}
