import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../auth/context.js";
import type { Role } from "../auth/roles.js";
import { planInvitation, type InvitationPlan } from "../domain/invitation-policy.js";
import { visibleInvitationStatus } from "../domain/hire-status.js";
import { unsupportedDate } from "../domain/supported-dates.js";
import type { Employee, Employment, Invitation } from "../entities/index.js";
import { badInput, notFound } from "../errors.js";
import { EmployeeType } from "./types/employee.type.js";
import { EmploymentType } from "./types/employment.type.js";
import { EmailAddressScalar, LocalDateScalar } from "../schema/scalars.js";
import { InvitationStatus } from "./types/enums.js";
import { InvitationConnectionType, InvitationPlanType, InvitationType } from "./types/invitation.type.js";

@Resolver(() => InvitationType)
export class InvitationResolver {
  @Authorized()
  @Query(() => InvitationConnectionType, { description: "The tenant's invitations, newest first" })
  async invitations(
    @Ctx() ctx: RequestContext,
    @Arg("status", () => InvitationStatus, { nullable: true }) status?: InvitationStatus | null,
    @Arg("first", () => Int, { nullable: true }) first?: number | null,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ): Promise<InvitationConnectionType> {
    const page = await ctx.services.queries.invitations(ctx.tenant(), status ?? null, first ?? 50, after ?? null);
    return {
      edges: page.items.map(({ cursor, invitation }) => ({ cursor, node: invitation as unknown as InvitationType })),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.items.at(-1)?.cursor ?? null },
      totalCount: page.totalCount,
    };
  }

  @Authorized()
  @Query(() => InvitationPlanType, { description: "What registering a hire with this start date and address now would do" })
  async invitationPlan(
    @Ctx() ctx: RequestContext,
    @Arg("startDate", () => LocalDateScalar) startDate: string,
    @Arg("email", () => EmailAddressScalar, { nullable: true }) email?: string | null,
  ): Promise<InvitationPlan> {
    const outOfRange = unsupportedDate(startDate, "startDate");
    if (outOfRange) throw badInput(outOfRange, "startDate");
    const scope = ctx.tenant();
    const tenant = await scope.tenant();
    return planInvitation({
      startDate,
      email: email ?? null,
      hasUser: true,
      timeZone: tenant.timeZone,
      verifiedDomains: await ctx.services.catalog.verifiedDomains(scope),
      reviewPending: false,
      now: ctx.services.clock.nowFor(tenant),
    });
  }

  @Authorized<Role>("HR_ADMIN")
  @Mutation(() => InvitationType, { description: "Sends a new link now; every earlier link of the employment stops working" })
  resendInvitation(@Arg("employmentId", () => ID) employmentId: string, @Ctx() ctx: RequestContext): Promise<Invitation> {
    return ctx.services.hires.resend(ctx.tenant(), ctx.principal!, employmentId);
  }

  @FieldResolver(() => EmploymentType, { description: "The employment this invitation is for" })
  async employment(@Root() invitation: Invitation & { employment?: Employment }, @Ctx() ctx: RequestContext): Promise<Employment> {
    const employment = invitation.employment ?? (await ctx.services.queries.employment(ctx.tenant(), invitation.employmentId));
    if (!employment) throw notFound("Employment");
    return employment;
  }

  @FieldResolver(() => EmployeeType, { description: "The hire this invitation is for" })
  async employee(@Root() invitation: Invitation & { employee?: Employee }, @Ctx() ctx: RequestContext): Promise<Employee> {
    if (invitation.employee) return invitation.employee; // loaded with the list, in the same statement
    const employment = await this.employment(invitation, ctx);
    const employee = await ctx.services.queries.employee(ctx.tenant(), employment.employeeId);
    if (!employee) throw notFound("Employee");
    return employee;
  }

  @FieldResolver(() => String, { nullable: true, description: "Why the mail server refused it, when FAILED (no full address)" })
  failureReason(@Root() invitation: Invitation): string | null {
    return invitation.status === "FAILED" ? invitation.lastError : null;
  }

  @FieldResolver(() => InvitationStatus)
  async status(@Root() invitation: Invitation, @Ctx() ctx: RequestContext): Promise<string> {
    return visibleInvitationStatus(invitation, await ctx.services.queries.now(ctx.tenant()));
  }
}
