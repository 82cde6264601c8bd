import { Arg, Authorized, ID, Mutation, Query, Resolver } from "type-graphql";
import type { Role } from "../auth/roles.js";
import { AppError } from "../errors.js";
import { EmailAddressScalar, LocalDateScalar } from "../schema/scalars.js";
import { AccountStatusType } from "./types/account.type.js";
import { EmployeeType } from "./types/employee.type.js";
import { EmploymentType } from "./types/employment.type.js";
import { RegisterHireInput, RegisterHirePayloadType } from "./types/hire.type.js";
import { ImportHiresPayloadType } from "./types/import.type.js";

@Resolver()
export class HireResolver {
  @Authorized()
  @Query(() => EmployeeType, { nullable: true })
  async employee(@Arg("id", () => ID) _id: string): Promise<EmployeeType | null> {
    throw new AppError("NOT_IMPLEMENTED", "employee is not available on this server yet");
  }

  @Authorized()
  @Query(() => EmploymentType, { nullable: true })
  async employment(@Arg("id", () => ID) _id: string): Promise<EmploymentType | null> {
    throw new AppError("NOT_IMPLEMENTED", "employment is not available on this server yet");
  }

  @Authorized()
  @Query(() => AccountStatusType)
  async accountStatus(@Arg("employeeId", () => ID) _employeeId: string): Promise<AccountStatusType> {
    throw new AppError("NOT_IMPLEMENTED", "accountStatus is not available on this server yet");
  }

  @Authorized<Role>("HR_ADMIN", "PARTNER")
  @Mutation(() => RegisterHirePayloadType)
  async registerHire(@Arg("input", () => RegisterHireInput) _input: RegisterHireInput): Promise<RegisterHirePayloadType> {
    throw new AppError("NOT_IMPLEMENTED", "registerHire is not available on this server yet");
  }

  // validate: false — a bad row must be reported in `errors` and skipped, not fail the whole
  // import; the rows are validated one by one (class-validator's validate(row)) instead.
  @Authorized<Role>("HR_ADMIN", "PARTNER")
  @Mutation(() => ImportHiresPayloadType)
  async importHires(
    @Arg("rows", () => [RegisterHireInput], { validate: false }) _rows: RegisterHireInput[],
  ): Promise<ImportHiresPayloadType> {
    throw new AppError("NOT_IMPLEMENTED", "importHires is not available on this server yet");
  }

  @Authorized<Role>("HR_ADMIN", "PARTNER")
  @Mutation(() => EmploymentType)
  async changeStartDate(
    @Arg("employmentId", () => ID) _employmentId: string,
    @Arg("startDate", () => LocalDateScalar) _startDate: string,
  ): Promise<EmploymentType> {
    throw new AppError("NOT_IMPLEMENTED", "changeStartDate is not available on this server yet");
  }

  @Authorized<Role>("HR_ADMIN", "PARTNER")
  @Mutation(() => EmployeeType)
  async changeEmail(
    @Arg("employeeId", () => ID) _employeeId: string,
    @Arg("email", () => EmailAddressScalar) _email: string,
  ): Promise<EmployeeType> {
    throw new AppError("NOT_IMPLEMENTED", "changeEmail is not available on this server yet");
  }

  @Authorized<Role>("HR_ADMIN", "PARTNER")
  @Mutation(() => EmploymentType)
  async cancelEmployment(@Arg("employmentId", () => ID) _employmentId: string): Promise<EmploymentType> {
    throw new AppError("NOT_IMPLEMENTED", "cancelEmployment is not available on this server yet");
  }
}
