import { Arg, Authorized, ID, Resolver, Root, Subscription, type SubscribeResolverData } from "type-graphql";
import type { RequestContext } from "../auth/context.js";
import type { Role } from "../auth/roles.js";
import type { EmploymentEventView } from "../domain/events.js";
import type { AccountStatus } from "../services/hire-queries.js";
import { AccountStatusType } from "./types/account.type.js";
import { EmploymentEventType } from "./types/event.type.js";

type Subscribed<Args> = SubscribeResolverData<unknown, Args, RequestContext>;

/** R11's subscriptions over graphql-ws (src/http/subscriptions.ts), each read through the caller's tenant scope. */
@Resolver()
export class SubscriptionsResolver {
  @Authorized<Role>("HR_ADMIN", "PARTNER", "REVIEWER")
  @Subscription(() => EmploymentEventType, {
    description: "The tenant's events as they happen (a partner's key: its hires'), or one employment's",
    subscribe: ({ args, context }: Subscribed<{ employmentId?: string | null }>) =>
      context.services.subscriptions.employmentEvents(context.tenant(), args.employmentId ?? null, context.subscriberTooSlow ?? (() => undefined)),
  })
  employmentEvents(@Root() event: EmploymentEventView, @Arg("employmentId", () => ID, { nullable: true }) _employmentId?: string): EmploymentEventType {
    return EmploymentEventType.of(event);
  }

  @Authorized()
  @Subscription(() => AccountStatusType, {
    description: "The employee's account status as accountStatus answers it: now, then after every change of it",
    subscribe: ({ args, context }: Subscribed<{ employeeId: string }>) => context.services.subscriptions.accountStatusChanges(context.tenant(), args.employeeId),
  })
  accountStatusChanged(@Root() status: AccountStatus, @Arg("employeeId", () => ID) _employeeId: string): AccountStatusType {
    const { employee, connectStatus, invitation, connectAccount } = status;
    return { employeeId: employee.id, connectStatus, email: employee.email, invitation, connectAccount } as AccountStatusType;
  }
}
