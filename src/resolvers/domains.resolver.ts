import { Arg, Authorized, Ctx, Mutation, Resolver } from "type-graphql";
import type { RequestContext } from "../auth/context.js";
import type { Role } from "../auth/roles.js";
import type { Tenant } from "../entities/tenant.js";
import { TenantType } from "./types/tenant.type.js";

@Resolver()
export class VerifiedDomainResolver {
  @Authorized<Role>("HR_ADMIN")
  @Mutation(() => TenantType, { description: "Addresses in a verified domain are connected at once, without an e-mail (R7)." })
  addVerifiedDomain(@Arg("domain", () => String) domain: string, @Ctx() ctx: RequestContext): Promise<Tenant> {
    return ctx.services.catalog.addVerifiedDomain(ctx.tenant(), domain);
  }

  @Authorized<Role>("HR_ADMIN")
  @Mutation(() => TenantType)
  removeVerifiedDomain(@Arg("domain", () => String) domain: string, @Ctx() ctx: RequestContext): Promise<Tenant> {
    return ctx.services.catalog.removeVerifiedDomain(ctx.tenant(), domain);
  }
}
