import { Foundation1795566686323 } from "./1795566686323-Foundation.js";
import { Hires1795567103951 } from "./1795567103951-Hires.js";
import { Review1795568462231 } from "./1795568462231-Review.js";
import { History1795569555286 } from "./1795569555286-History.js";
import { TenantDueIndex1795578098923 } from "./1795578098923-TenantDueIndex.js";
import { RateLimit1795588295521 } from "./1795588295521-RateLimit.js";
import { StateMachine1795950991249 } from "./1795950991249-StateMachine.js";
import { DomainProof1795953101132 } from "./1795953101132-DomainProof.js";
import { PartnerScope1795953339894 } from "./1795953339894-PartnerScope.js";
import { IdempotencyKey1795955644747 } from "./1795955644747-IdempotencyKey.js";
import { DeliveryFailure1795960000000 } from "./1795960000000-DeliveryFailure.js";
import { Events1796000000000 } from "./1796000000000-Events.js";
import { Webhooks1796000000001 } from "./1796000000001-Webhooks.js";

/** PostgreSQL migrations (also the embedded database), oldest first. */
export const postgresMigrations = [Foundation1795566686323, Hires1795567103951, Review1795568462231, History1795569555286, TenantDueIndex1795578098923, RateLimit1795588295521, StateMachine1795950991249, DomainProof1795953101132, PartnerScope1795953339894, IdempotencyKey1795955644747, DeliveryFailure1795960000000, Events1796000000000, Webhooks1796000000001];
