/** A unique key refused the row (MySQL/MariaDB ER_DUP_ENTRY, PostgreSQL 23505). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; errno?: number; driverError?: { code?: string; errno?: number } };
  const code = e.driverError?.code ?? e.code;
  const errno = e.driverError?.errno ?? e.errno;
  return code === "23505" || code === "ER_DUP_ENTRY" || errno === 1062;
}
