import { emailAddressProblem } from "./email-address.js";
import { hasNul, nulProblem } from "./input-text.js";
import { isCalendarDate, unsupportedDate } from "./supported-dates.js";

// One new hire as a caller gives it — registerHire, a row of importHires, a line of a CSV file —
// checked by one rule set, whatever the door it came in by.

/** One row as given: nothing is trusted yet. */
export interface HireRowInput {
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  startDate?: string | null;
  /** An employment template's id or name. */
  employmentTemplate?: string | null;
  externalId?: string | null;
  /** R9: the last day, when already known ("YYYY-MM-DD"); as endEmployment right after the registration. */
  endDate?: string | null;
}

/** A row that passed: trimmed, its template found. */
export interface CheckedHireRow<T> {
  firstName: string;
  lastName: string;
  email: string | null;
  startDate: string;
  template: T;
  externalId: string | null;
  endDate: string | null;
}

/** Why a row was refused; `unknownTemplate`: the template named is not the tenant's (registerHire answers NOT_FOUND for an id). */
export interface HireRowProblem {
  field: string;
  message: string;
  unknownTemplate?: true;
}

export const MAX_NAME = 100;
export const MAX_EXTERNAL_ID = 100;

/** Checks one row against the rules; `templates` are the tenant's, found by id or (case-insensitive) name. */
export function checkHireRow<T extends { id: string; name: string }>(
  row: HireRowInput,
  templates: readonly T[],
  templateField = "employmentTemplate",
): CheckedHireRow<T> | HireRowProblem {
  const text = (value: string | null | undefined) => (typeof value === "string" ? value.trim() : "");
  const problem = (field: string, message: string): HireRowProblem => ({ field, message });
  // a NUL fails only its own row (in an import, the rest of the chunk is saved)
  const cells: [string, string | null | undefined][] = [
    ["firstName", row.firstName],
    ["lastName", row.lastName],
    ["email", row.email],
    ["startDate", row.startDate],
    [templateField, row.employmentTemplate],
    ["externalId", row.externalId],
    ["endDate", row.endDate],
  ];
  const withNul = cells.find(([, value]) => typeof value === "string" && hasNul(value));
  if (withNul) return problem(withNul[0], nulProblem(withNul[0]));
  const firstName = text(row.firstName);
  const lastName = text(row.lastName);
  const email = text(row.email) || null;
  const startDate = text(row.startDate);
  const templateKey = text(row.employmentTemplate);
  const externalId = text(row.externalId) || null;
  const endDate = text(row.endDate) || null;

  if (!firstName) return problem("firstName", "firstName must not be empty");
  if (firstName.length > MAX_NAME) return problem("firstName", `firstName must be at most ${MAX_NAME} characters`);
  if (!lastName) return problem("lastName", "lastName must not be empty");
  if (lastName.length > MAX_NAME) return problem("lastName", `lastName must be at most ${MAX_NAME} characters`);
  const emailProblem = email === null ? null : emailAddressProblem(email);
  if (emailProblem) return problem("email", emailProblem);
  if (!isCalendarDate(startDate)) {
    return problem("startDate", `startDate must be a calendar date YYYY-MM-DD (got "${startDate.slice(0, 40)}")`);
  }
  const outOfRange = unsupportedDate(startDate, "startDate");
  if (outOfRange) return problem("startDate", outOfRange);
  if (!templateKey) return problem(templateField, `${templateField} must name an employment template`);
  const template = templates.find((t) => t.id === templateKey) ?? templates.find((t) => t.name.toLowerCase() === templateKey.toLowerCase());
  if (!template) return { field: templateField, message: `No employment template "${templateKey.slice(0, 100)}"`, unknownTemplate: true };
  if (externalId && externalId.length > MAX_EXTERNAL_ID) return problem("externalId", `externalId must be at most ${MAX_EXTERNAL_ID} characters`);
  if (endDate !== null) {
    if (!isCalendarDate(endDate)) {
      return problem("endDate", `endDate must be a calendar date YYYY-MM-DD (got "${endDate.slice(0, 40)}")`);
    }
    const endOutOfRange = unsupportedDate(endDate, "endDate");
    if (endOutOfRange) return problem("endDate", endOutOfRange);
    if (endDate < startDate) return problem("endDate", `endDate ${endDate} is before the start date ${startDate}`);
  }
  return { firstName, lastName, email, startDate, template, externalId, endDate };
}

export const isHireRowProblem = <T>(checked: CheckedHireRow<T> | HireRowProblem): checked is HireRowProblem => "message" in checked;
