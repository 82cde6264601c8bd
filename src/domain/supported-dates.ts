// The instants and calendar dates the service plans with. Every instant it derives from them — a
// send at 09:00 on the day before a start date, a link's expiry five days after its send — must be
// storable (MySQL DATETIME ends with 9999-12-31) and an ISO instant of four-digit years; years
// 1970–9000 leave a wide margin for both. Outside, the caller's date is refused before anything is
// written.

export const FIRST_SUPPORTED_DATE = "1970-01-01";
export const LAST_SUPPORTED_DATE = "9000-12-31";
const FIRST_INSTANT = Date.UTC(1970, 0, 1);
const END_INSTANT = Date.UTC(9001, 0, 1);

/** "YYYY-MM-DD" naming a day of the (proleptic Gregorian) calendar: 2028-02-29, not 2026-02-29 or 2026-04-31. */
export function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  return month >= 1 && month <= 12 && day >= 1 && day <= days;
}

/** Why the calendar date "YYYY-MM-DD" `date` is outside the supported years; null when inside. */
export function unsupportedDate(date: string, field: string): string | null {
  if (date >= FIRST_SUPPORTED_DATE && date <= LAST_SUPPORTED_DATE) return null;
  return `${field} must be between ${FIRST_SUPPORTED_DATE} and ${LAST_SUPPORTED_DATE} (got ${date})`;
}

/** Why `instant` is outside the supported years; null when inside. */
export function unsupportedInstant(instant: Date, field: string): string | null {
  const ms = instant.getTime();
  if (ms >= FIRST_INSTANT && ms < END_INSTANT) return null;
  const got = Number.isNaN(ms) ? "an invalid instant" : instant.toISOString();
  return `${field} must be between ${new Date(FIRST_INSTANT).toISOString()} and ${new Date(END_INSTANT - 1).toISOString()} (got ${got})`;
}
