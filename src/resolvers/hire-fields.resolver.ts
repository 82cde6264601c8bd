import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../auth/context.js";
import type { ConnectStatus } from "../domain/hire-status.js";
import type { ConnectAccount, Employee, Employment, EmploymentTemplate, Invitation, User } from "../entities/index.js";
import { notFound } from "../errors.js";
import { ConnectAccountType, UserType } from "./types/account.type.js";
import { EmployeeType } from "./types/employee.type.js";
import { EmploymentType } from "./types/employment.type.js";
import { ConnectStatus as ConnectStatusEnum } from "./types/enums.js";
import { InvitationType } from "./types/invitation.type.js";
import { EmploymentTemplateType } from "./types/template.type.js";

/** The nested fields of a hire, each read through the caller's tenant scope. */
@Resolver(() => EmployeeType)
export class EmployeeFieldsResolver {
  @FieldResolver(() => UserType, { nullable: true })
  user(@Root() employee: Employee & { user?: User | null }, @Ctx() ctx: RequestContext): Promise<User | null> {
    if (employee.user !== undefined) return Promise.resolve(employee.user); // loaded with an invitation list
    return ctx.services.queries.userOf(ctx.tenant(), employee.id);
  }

  @FieldResolver(() => [EmploymentType])
  employments(@Root() employee: Employee, @Ctx() ctx: RequestContext): Promise<Employment[]> {
    return ctx.services.queries.employmentsOf(ctx.tenant(), employee.id);
  }
}

@Resolver(() => EmploymentType)
export class EmploymentFieldsResolver {
  @FieldResolver(() => EmployeeType)
  async employee(@Root() employment: Employment, @Ctx() ctx: RequestContext): Promise<Employee> {
    const employee = await ctx.services.queries.employee(ctx.tenant(), employment.employeeId);
    if (!employee) throw notFound("Employee");
    return employee;
  }

  @FieldResolver(() => EmploymentTemplateType)
  async template(@Root() employment: Employment, @Ctx() ctx: RequestContext): Promise<EmploymentTemplate> {
    const template = await ctx.services.queries.template(ctx.tenant(), employment.templateId);
    if (!template) throw notFound("Employment template");
    return template;
  }

  @FieldResolver(() => ConnectStatusEnum)
  connectStatus(@Root() employment: Employment, @Ctx() ctx: RequestContext): Promise<ConnectStatus> {
    return ctx.services.queries.connectStatus(ctx.tenant(), employment);
  }

  @FieldResolver(() => InvitationType, { nullable: true })
  invitation(@Root() employment: Employment, @Ctx() ctx: RequestContext): Promise<Invitation | null> {
    return ctx.services.queries.currentInvitation(ctx.tenant(), employment);
  }
}

@Resolver(() => UserType)
export class UserFieldsResolver {
  @FieldResolver(() => ConnectStatusEnum)
  async connectStatus(@Root() user: User, @Ctx() ctx: RequestContext): Promise<ConnectStatus> {
    const scope = ctx.tenant();
    return ctx.services.queries.connectStatus(scope, await ctx.services.queries.decisiveEmployment(scope, user.employeeId));
  }

  @FieldResolver(() => ConnectAccountType, { nullable: true })
  connectAccount(@Root() user: User, @Ctx() ctx: RequestContext): Promise<ConnectAccount | null> {
    return ctx.services.queries.connectAccountOf(ctx.tenant(), user.id);
  }
}
