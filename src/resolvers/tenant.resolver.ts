import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../auth/context.js";
import { Tenant } from "../entities/tenant.js";
import { DateTimeScalar } from "../schema/scalars.js";
import { CreateTenantInput, CreateTenantPayloadType, ReviewFlowType, TenantType } from "./types/tenant.type.js";

@Resolver(() => TenantType)
export class TenantResolver {
  @Authorized()
  @Query(() => TenantType, { description: "The caller's tenant" })
  tenant(@Ctx() ctx: RequestContext): Promise<Tenant> {
    return ctx.tenant().tenant();
  }

  @Authorized("OPERATOR")
  @Mutation(() => CreateTenantPayloadType)
  createTenant(@Arg("input", () => CreateTenantInput) input: CreateTenantInput, @Ctx() ctx: RequestContext) {
    return ctx.services.tenants.create(input);
  }

  @Authorized("OPERATOR")
  @Mutation(() => TenantType)
  setEmployeeLicense(
    @Arg("tenantId", () => ID) tenantId: string,
    @Arg("enabled", () => Boolean) enabled: boolean,
    @Ctx() ctx: RequestContext,
  ): Promise<Tenant> {
    return ctx.services.tenants.setEmployeeLicense(tenantId, enabled);
  }

  @FieldResolver(() => DateTimeScalar)
  clockNow(@Root() tenant: Tenant, @Ctx() ctx: RequestContext): Date {
    return ctx.services.clock.nowFor(tenant);
  }

  @FieldResolver(() => [String])
  verifiedDomains(@Root() tenant: Tenant, @Ctx() ctx: RequestContext): Promise<string[]> {
    return ctx.services.catalog.verifiedDomains(ctx.services.scope(tenant.id));
  }

  @FieldResolver(() => ReviewFlowType, { nullable: true, description: "The active review flow; null without steps or without the license." })
  async reviewFlow(@Root() tenant: Tenant, @Ctx() ctx: RequestContext): Promise<ReviewFlowType | null> {
    const steps = await ctx.services.reviews.activeSteps(ctx.services.scope(tenant.id), tenant);
    return steps.length ? { steps: steps.map(({ position, name }) => ({ position, name })) } : null;
  }
}
