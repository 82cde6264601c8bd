import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from "type-graphql";
import type { RequestContext } from "../auth/context.js";
import type { Role } from "../auth/roles.js";
import type { Employment } from "../entities/index.js";
import { AddEmploymentInput } from "./types/add-employment.type.js";
import { EmploymentType } from "./types/employment.type.js";

@Resolver()
export class RehireResolver {
  @Authorized<Role>("HR_ADMIN", "PARTNER")
  @Mutation(() => EmploymentType, {
    description: "A rehire or a new employment of an existing employee; one whose Connect account exists is re-linked to it (EXISTING_ACCOUNT, no e-mail)",
  })
  async addEmployment(
    @Arg("employeeId", () => ID) employeeId: string,
    @Arg("input", () => AddEmploymentInput, { validate: false }) input: AddEmploymentInput,
    @Ctx() ctx: RequestContext,
  ): Promise<Employment> {
    return (await ctx.services.registrations.addEmployment(ctx.tenant(), ctx.principal!, employeeId, input)).employment;
  }
}
