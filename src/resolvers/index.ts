import { ApiKeyResolver } from "./api-key.resolver.js";
import { VerifiedDomainResolver } from "./domains.resolver.js";
import { HireResolver } from "./hires.resolver.js";
import { InvitationResolver } from "./invitations.resolver.js";
import { ReviewResolver } from "./review.resolver.js";
import { TemplateResolver } from "./templates.resolver.js";
import { TenantResolver } from "./tenant.resolver.js";
import { TestClockResolver } from "./test-clock.resolver.js";
import { VerificationResolver } from "./verification.resolver.js";

/** Every resolver class of the API, for buildSchema. */
export const resolvers = [
  TenantResolver,
  ApiKeyResolver,
  TemplateResolver,
  VerifiedDomainResolver,
  ReviewResolver,
  HireResolver,
  InvitationResolver,
  VerificationResolver,
  TestClockResolver,
] as const;
