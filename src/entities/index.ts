import { ApiKey } from "./api-key.js";
import { EmploymentEvent } from "./employment-event.js";
import { IdempotencyKey } from "./idempotency-key.js";
import { ConnectAccount, Employee, Employment, User } from "./hire.js";
import { Invitation } from "./invitation.js";
import { RateLimitCounter } from "./rate-limit.js";
import { ReviewDecision, ReviewStep } from "./review.js";
import { EmploymentTemplate, UserTemplate, VerifiedDomain } from "./templates.js";
import { Tenant } from "./tenant.js";
import { WebhookDelivery, WebhookEndpoint } from "./webhook.js";

export { ApiKey, ConnectAccount, Employee, Employment, EmploymentEvent, EmploymentTemplate, IdempotencyKey, Invitation, RateLimitCounter, ReviewDecision, ReviewStep, Tenant, User, UserTemplate, VerifiedDomain, WebhookDelivery, WebhookEndpoint };

/** Every entity the data source knows; migrations must produce exactly their schema. */
export const entities = [Tenant, ApiKey, UserTemplate, EmploymentTemplate, VerifiedDomain, Employee, Employment, User, ConnectAccount, Invitation, ReviewStep, ReviewDecision, EmploymentEvent, RateLimitCounter, IdempotencyKey, WebhookEndpoint, WebhookDelivery];
