/** Driver error codes and messages that mean "the database (or the job store) cannot be reached". */
const CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "PROTOCOL_CONNECTION_LOST", "ER_CON_COUNT_ERROR", "57P01", "57P03", "08006", "08001"]);
const MESSAGES = /Connection terminated|connect ECONNREFUSED|Connection lost|closed state|Pool is closed|timeout exceeded when trying to connect/i;

/** Whether `error` (or an error it wraps) says a store is unreachable, rather than that a request was wrong. */
export function isUnreachable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 5) return false;
  const e = error as { code?: unknown; message?: unknown; driverError?: unknown; originalError?: unknown; cause?: unknown };
  if (typeof e.code === "string" && CODES.has(e.code)) return true;
  if (typeof e.message === "string" && MESSAGES.test(e.message)) return true;
  return [e.driverError, e.originalError, e.cause].some((inner) => isUnreachable(inner, depth + 1));
}
