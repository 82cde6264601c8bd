import { ApiKeyResolver } from "./api-key.resolver.js";
import { VerifiedDomainResolver } from "./domains.resolver.js";
import { EmployeeFieldsResolver, EmploymentFieldsResolver, UserFieldsResolver } from "./hire-fields.resolver.js";
import { EmploymentHistoryResolver } from "./history.resolver.js";
import { HireResolver } from "./hires.resolver.js";
import { InvitationResolver } from "./invitations.resolver.js";
import { ReviewResolver } from "./review.resolver.js";
import { SubscriptionsResolver } from "./subscriptions.resolver.js";
import { TemplateResolver } from "./templates.resolver.js";
import { TenantResolver } from "./tenant.resolver.js";
import { TestClockResolver } from "./test-clock.resolver.js";
import { VerificationResolver } from "./verification.resolver.js";
import { WebhookResolver } from "./webhooks.resolver.js";

/** Every resolver class of the API, for buildSchema. */
export const resolvers = [
  TenantResolver,
  ApiKeyResolver,
  TemplateResolver,
  VerifiedDomainResolver,
  ReviewResolver,
  HireResolver,
  EmployeeFieldsResolver,
  EmploymentFieldsResolver,
  EmploymentHistoryResolver,
  UserFieldsResolver,
  InvitationResolver,
  VerificationResolver,
  TestClockResolver,
  SubscriptionsResolver,
  WebhookResolver,
] as const;
