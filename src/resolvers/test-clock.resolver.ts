import { Arg, Authorized, Ctx, Mutation, Resolver } from "type-graphql";
import type { RequestContext } from "../auth/context.js";
import type { Role } from "../auth/roles.js";
import type { Tenant } from "../entities/tenant.js";
import { DateTimeScalar } from "../schema/scalars.js";
import { TenantType } from "./types/tenant.type.js";

@Resolver()
export class TestClockResolver {
  @Authorized<Role>("HR_ADMIN")
  @Mutation(() => TenantType, { description: "Sandbox tenants only: moves the test clock forward and runs everything due up to `to` first" })
  advanceTestClock(@Arg("to", () => DateTimeScalar) to: Date, @Ctx() ctx: RequestContext): Promise<Tenant> {
    return ctx.services.testClocks.advance(ctx.tenant(), to);
  }
}
