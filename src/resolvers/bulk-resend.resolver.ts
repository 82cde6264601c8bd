import { Arg, Authorized, Ctx, Mutation, Resolver } from "type-graphql";
import type { RequestContext } from "../auth/context.js";
import type { Role } from "../auth/roles.js";
import type { BulkResend } from "../services/bulk-resend.service.js";
import { BulkResendPayloadType, ResendFilterInput } from "./types/bulk-resend.type.js";

@Resolver()
export class BulkResendResolver {
  @Authorized<Role>("HR_ADMIN")
  @Mutation(() => BulkResendPayloadType, {
    description: "Resends every matching invitation as resendInvitation does (a new five-day window each); dryRun: says how many and which, sends nothing",
  })
  resendInvitations(
    @Arg("filter", () => ResendFilterInput) filter: ResendFilterInput,
    @Ctx() ctx: RequestContext,
    @Arg("dryRun", () => Boolean, { nullable: true }) dryRun?: boolean | null,
  ): Promise<BulkResend> {
    const { statuses, startDateFrom, startDateTo } = filter;
    return ctx.services.bulkResends.resend(ctx.tenant(), ctx.principal!, { statuses, startDateFrom: startDateFrom ?? null, startDateTo: startDateTo ?? null }, dryRun ?? false);
  }
}
