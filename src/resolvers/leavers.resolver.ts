import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from "type-graphql";
import type { RequestContext } from "../auth/context.js";
import type { Role } from "../auth/roles.js";
import type { Employment } from "../entities/index.js";
import { LocalDateScalar } from "../schema/scalars.js";
import { EmploymentType } from "./types/employment.type.js";

/** Leavers (R9). */
@Resolver()
export class LeaverResolver {
  @Authorized<Role>("HR_ADMIN", "PARTNER")
  @Mutation(() => EmploymentType, {
    description: "R9: the employment's last day; the Connect link is removed at 00:00 tenant-local on endDate + 1 + disconnectAfterDays. null withdraws the end",
  })
  endEmployment(
    @Arg("employmentId", () => ID) employmentId: string,
    @Arg("endDate", () => LocalDateScalar, { nullable: true }) endDate: string | null | undefined,
    @Ctx() ctx: RequestContext,
  ): Promise<Employment> {
    return ctx.services.leavers.end(ctx.tenant(), ctx.principal!, employmentId, endDate ?? null);
  }
}
