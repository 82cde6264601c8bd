import { Arg, Authorized, ID, Mutation, Resolver } from "type-graphql";
import type { Role } from "../auth/roles.js";
import { AppError } from "../errors.js";
import { EmploymentType } from "./types/employment.type.js";
import { ReviewStepInput, TenantType } from "./types/tenant.type.js";

@Resolver()
export class ReviewResolver {
  @Authorized<Role>("HR_ADMIN")
  @Mutation(() => TenantType, { description: "LICENSE_REQUIRED without the employee license; [] turns the flow off." })
  async setReviewFlow(@Arg("steps", () => [ReviewStepInput]) _steps: ReviewStepInput[]): Promise<TenantType> {
    throw new AppError("NOT_IMPLEMENTED", "setReviewFlow is not available on this server yet");
  }

  @Authorized<Role>("HR_ADMIN", "REVIEWER")
  @Mutation(() => EmploymentType)
  async approveReviewStep(@Arg("employmentId", () => ID) _employmentId: string): Promise<EmploymentType> {
    throw new AppError("NOT_IMPLEMENTED", "approveReviewStep is not available on this server yet");
  }

  @Authorized<Role>("HR_ADMIN", "REVIEWER")
  @Mutation(() => EmploymentType)
  async rejectEmployment(
    @Arg("employmentId", () => ID) _employmentId: string,
    @Arg("reason", () => String, { nullable: true }) _reason?: string | null,
  ): Promise<EmploymentType> {
    throw new AppError("NOT_IMPLEMENTED", "rejectEmployment is not available on this server yet");
  }
}
