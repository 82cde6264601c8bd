import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../auth/context.js";
import type { Role } from "../auth/roles.js";
import type { EmploymentTemplate, UserTemplate } from "../entities/index.js";
import { CreateEmploymentTemplateInput, CreateUserTemplateInput, EmploymentTemplateType, UserTemplateType } from "./types/template.type.js";

@Resolver(() => EmploymentTemplateType)
export class TemplateResolver {
  @Authorized<Role>("HR_ADMIN")
  @Mutation(() => UserTemplateType)
  createUserTemplate(@Arg("input", () => CreateUserTemplateInput) input: CreateUserTemplateInput, @Ctx() ctx: RequestContext): Promise<UserTemplate> {
    return ctx.services.catalog.createUserTemplate(ctx.tenant(), input.name, input.disconnectAfterDays ?? null);
  }

  @Authorized<Role>("HR_ADMIN")
  @Mutation(() => EmploymentTemplateType)
  createEmploymentTemplate(
    @Arg("input", () => CreateEmploymentTemplateInput) input: CreateEmploymentTemplateInput,
    @Ctx() ctx: RequestContext,
  ): Promise<EmploymentTemplate> {
    return ctx.services.catalog.createEmploymentTemplate(ctx.tenant(), input.name, input.userTemplateId);
  }

  @FieldResolver(() => UserTemplateType, { nullable: true })
  userTemplate(@Root() template: EmploymentTemplate, @Ctx() ctx: RequestContext): Promise<UserTemplate | null> | null {
    return template.userTemplateId ? ctx.services.queries.userTemplate(ctx.tenant(), template.userTemplateId) : null;
  }
}
