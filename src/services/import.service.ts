import { checkHireRow, isHireRowProblem, type HireRowInput } from "../domain/hire-row.js";
import { EmploymentTemplate, type Employment } from "../entities/index.js";
import type { Caller } from "./history.js";
import type { HireRow, RegistrationService } from "./registration.service.js";
import type { TenantScope } from "./tenant-scope.js";

/** One row of an import, as given (CSV cells or GraphQL input): nothing is trusted yet. */
export type ImportRow = HireRowInput;

export interface ImportRowError {
  /** 1-based position of the row in the whole import. */
  row: number;
  field: string | null;
  message: string;
}

export interface ImportReport {
  /** Rows this import registered (a row another registration created at the same moment is `unchanged`). */
  created: number;
  unchanged: number;
  failed: number;
  errors: ImportRowError[];
  /** The employment of each created or unchanged row, in row order. */
  employments: Employment[];
}

export interface ImportOptions {
  /** The name the caller knows the template column by (GraphQL: employmentTemplateId). */
  templateField?: string;
  /** Who imports: recorded in each hire's history. */
  caller: Caller;
}

/**
 * Registers many hires at once through the one registration path: every good row is saved, every
 * bad one reported (1-based row, field, message), none half-saved; a known externalId is
 * `unchanged`. Rows are checked first (src/domain/hire-row.ts, as registerHire's), then registered
 * in chunks of multi-row INSERTs, and the sends go to the job store as one job per send time.
 */
export class ImportService {
  constructor(private readonly registrations: RegistrationService) {}

  /** `firstRow` is the 1-based number of rows[0] in the whole import (for the error report). */
  async importRows(scope: TenantScope, rows: ImportRow[], firstRow: number, options: ImportOptions): Promise<ImportReport> {
    const templates = await scope.find(EmploymentTemplate);
    const errors: ImportRowError[] = [];
    const valid: HireRow[] = [];
    rows.forEach((row, index) => {
      const checked = checkHireRow(row, templates, options.templateField ?? "employmentTemplate");
      if (isHireRowProblem(checked)) errors.push({ row: firstRow + index, field: checked.field, message: checked.message });
      else valid.push(checked);
    });
    const registered = await this.registrations.register(scope, options.caller, valid, { bulk: true });
    const created = registered.filter((r) => r.created).length;
    return { created, unchanged: registered.length - created, failed: errors.length, errors, employments: registered.map((r) => r.employment) };
  }
}
