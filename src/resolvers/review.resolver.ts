import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../auth/context.js";
import type { Role } from "../auth/roles.js";
import type { Employment, ReviewDecision } from "../entities/index.js";
import type { Tenant } from "../entities/tenant.js";
import { AppError } from "../errors.js";
import { EmploymentType } from "./types/employment.type.js";
import { ReviewDecisionType } from "./types/review.type.js";
import { ReviewStepInput, TenantType } from "./types/tenant.type.js";

@Resolver(() => EmploymentType)
export class ReviewResolver {
  @Authorized<Role>("HR_ADMIN")
  @Mutation(() => TenantType, {
    description:
      "LICENSE_REQUIRED without the HRM Employee license; [] turns the flow off. Hires already in review keep the steps they started with.",
  })
  setReviewFlow(@Arg("steps", () => [ReviewStepInput]) steps: ReviewStepInput[], @Ctx() ctx: RequestContext): Promise<Tenant> {
    return ctx.services.reviews.setFlow(ctx.tenant(), steps.map((s) => s.name));
  }

  @Authorized<Role>("HR_ADMIN", "REVIEWER")
  @Mutation(() => EmploymentType, { description: "Approves the next step; the last approval plans the invitation (R4)" })
  approveReviewStep(
    @Arg("employmentId", () => ID) employmentId: string,
    @Ctx() ctx: RequestContext,
    @Arg("step", () => Int, {
      nullable: true,
      description: "The step the reviewer saw (1-based). When another reviewer has decided it meanwhile, the answer is CONFLICT instead of approving the following step.",
    })
    step?: number | null,
  ): Promise<Employment> {
    return ctx.services.reviews.approve(ctx.tenant(), principalOf(ctx), employmentId, step ?? null);
  }

  @Authorized<Role>("HR_ADMIN", "REVIEWER")
  @Mutation(() => EmploymentType, { description: "A rejected employment never gets an invitation or an account" })
  rejectEmployment(
    @Arg("employmentId", () => ID) employmentId: string,
    @Ctx() ctx: RequestContext,
    @Arg("reason", () => String, { nullable: true }) reason?: string | null,
  ): Promise<Employment> {
    if (reason && reason.length > 1000) throw new AppError("BAD_USER_INPUT", "reason is at most 1000 characters", { field: "reason" });
    return ctx.services.reviews.reject(ctx.tenant(), principalOf(ctx), employmentId, reason ?? null);
  }

  @FieldResolver(() => Int, { description: "How many approvals this employment needs (0: no review)." })
  reviewSteps(@Root() employment: Employment): number {
    return employment.reviewSteps;
  }

  @FieldResolver(() => [ReviewDecisionType], { description: "The review's approvals and rejection, in step order." })
  reviewDecisions(@Root() employment: Employment, @Ctx() ctx: RequestContext): Promise<ReviewDecision[]> {
    return ctx.services.reviews.decisions(ctx.tenant(), employment.id);
  }
}

function principalOf(ctx: RequestContext) {
  return ctx.principal!; // @Authorized guarantees a caller
}
