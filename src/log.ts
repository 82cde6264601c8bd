import { pino, type Logger } from "pino";

export type { Logger };

/** Structured JSON logs on stdout; secrets (keys, tokens) never go into a log line. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { pid: process.pid },
    redact: { paths: ["req.headers.authorization", "*.apiKey", "*.token", "apiKey", "token"], censor: "[redacted]" },
  });
}
