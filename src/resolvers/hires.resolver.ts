import { Arg, Authorized, Ctx, Extensions, ID, Mutation, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../auth/context.js";
import type { Role } from "../auth/roles.js";
import type { Employee, Employment } from "../entities/index.js";
import { AppError, notFound } from "../errors.js";
import { ROW_CHECKED_ARGUMENTS } from "../schema/nul-arguments.js";
import { EmailAddressScalar, LocalDateScalar } from "../schema/scalars.js";
import type { Hire } from "../services/registration.service.js";
import type { ImportReport } from "../services/import.service.js";

/** Rows per importHires request: 10 000 save well within a request's time on this hardware (bench/import). */
const MAX_IMPORT_ROWS = 10_000;
import { AccountStatusType } from "./types/account.type.js";
import { EmployeeType } from "./types/employee.type.js";
import { EmploymentType } from "./types/employment.type.js";
import { RegisterHireInput, RegisterHirePayloadType } from "./types/hire.type.js";
import { ImportHiresPayloadType } from "./types/import.type.js";

@Resolver()
export class HireResolver {
  @Authorized()
  @Query(() => EmployeeType, { nullable: true })
  employee(@Arg("id", () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Employee | null> {
    return ctx.services.queries.employee(ctx.tenant(), id);
  }

  @Authorized()
  @Query(() => EmploymentType, { nullable: true })
  employment(@Arg("id", () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Employment | null> {
    return ctx.services.queries.employment(ctx.tenant(), id);
  }

  @Authorized()
  @Query(() => AccountStatusType, { description: "Where this employee's account stands" })
  async accountStatus(@Arg("employeeId", () => ID) employeeId: string, @Ctx() ctx: RequestContext): Promise<AccountStatusType> {
    const status = await ctx.services.queries.accountStatus(ctx.tenant(), employeeId);
    if (!status) throw notFound("Employee");
    const { employee, connectStatus, invitation, connectAccount } = status;
    return { employeeId: employee.id, connectStatus, email: employee.email, invitation, connectAccount } as AccountStatusType;
  }

  @Authorized<Role>("HR_ADMIN", "PARTNER")
  @Mutation(() => RegisterHirePayloadType, { description: "Registers a hire; the same externalId again returns the first hire and sends nothing" })
  registerHire(@Arg("input", () => RegisterHireInput, { validate: false }) input: RegisterHireInput, @Ctx() ctx: RequestContext): Promise<Hire> {
    return ctx.services.registrations.registerOne(ctx.tenant(), ctx.principal!, input);
  }

  // validate: false — the rows are checked by the one rule set of src/domain/hire-row.ts (registerHire's
  // too); a bad row is reported in `errors` and skipped, not failing the whole import.
  @Authorized<Role>("HR_ADMIN", "PARTNER")
  @Extensions({ [ROW_CHECKED_ARGUMENTS]: ["rows"] }) // a NUL in a row fails that row (hire-row), not the request
  @Mutation(() => ImportHiresPayloadType, {
    description: `Registers up to ${MAX_IMPORT_ROWS} hires with the rules of registerHire; bad rows are reported and skipped, the good ones saved`,
  })
  importHires(@Arg("rows", () => [RegisterHireInput], { validate: false }) rows: RegisterHireInput[], @Ctx() ctx: RequestContext): Promise<ImportReport> {
    if (rows.length > MAX_IMPORT_ROWS) {
      throw new AppError("BAD_USER_INPUT", `At most ${MAX_IMPORT_ROWS} rows per request (got ${rows.length}); split the import, or use POST /import/hires with a CSV file`, { field: "rows" });
    }
    const importRows = rows.map(({ employmentTemplateId, ...row }) => ({ ...row, employmentTemplate: employmentTemplateId }));
    return ctx.services.imports.importRows(ctx.tenant(), importRows, 1, { templateField: "employmentTemplateId", caller: ctx.principal! });
  }

  @Authorized<Role>("HR_ADMIN", "PARTNER")
  @Mutation(() => EmploymentType, { description: "Before the invitation is sent it is re-planned from now; a sent link stands" })
  changeStartDate(
    @Arg("employmentId", () => ID) employmentId: string,
    @Arg("startDate", () => LocalDateScalar) startDate: string,
    @Ctx() ctx: RequestContext,
  ): Promise<Employment> {
    return ctx.services.hires.changeStartDate(ctx.tenant(), ctx.principal!, employmentId, startDate);
  }

  @Authorized<Role>("HR_ADMIN", "PARTNER")
  @Mutation(() => EmployeeType, { description: "Also adds a first address; after sending, the old link stops working and the new address gets one at once" })
  changeEmail(
    @Arg("employeeId", () => ID) employeeId: string,
    @Arg("email", () => EmailAddressScalar) email: string,
    @Ctx() ctx: RequestContext,
  ): Promise<Employee> {
    return ctx.services.hires.changeEmail(ctx.tenant(), ctx.principal!, employeeId, email);
  }

  @Authorized<Role>("HR_ADMIN", "PARTNER")
  @Mutation(() => EmploymentType, { description: "Cancels the pending invitation or the sent link; repeating it changes nothing" })
  cancelEmployment(@Arg("employmentId", () => ID) employmentId: string, @Ctx() ctx: RequestContext): Promise<Employment> {
    return ctx.services.hires.cancel(ctx.tenant(), ctx.principal!, employmentId);
  }
}
