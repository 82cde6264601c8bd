import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../auth/context.js";
import { Tenant } from "../entities/tenant.js";
import { DateTimeScalar } from "../schema/scalars.js";
import type { Role } from "../auth/roles.js";
import { CreateTenantInput, CreateTenantPayloadType, ReviewFlowType, TenantSettingsInput, TenantType } from "./types/tenant.type.js";

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

  @Authorized<Role>("HR_ADMIN")
  @Mutation(() => TenantType, { description: "R9, R10: the tenant's lifecycle settings; a field left out is unchanged." })
  async setTenantSettings(@Arg("input", () => TenantSettingsInput) input: TenantSettingsInput, @Ctx() ctx: RequestContext): Promise<Tenant> {
    const tenant = await ctx.tenant().tenant();
    return ctx.services.tenants.setSettings(tenant.id, input);
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
