import { Foundation1795566685363 } from "./1795566685363-Foundation.js";
import { Hires1795567103079 } from "./1795567103079-Hires.js";
import { Review1795568461356 } from "./1795568461356-Review.js";
import { History1795569554096 } from "./1795569554096-History.js";
import { TenantDueIndex1795578098063 } from "./1795578098063-TenantDueIndex.js";
import { RateLimit1795588294263 } from "./1795588294263-RateLimit.js";
import { StateMachine1795950989104 } from "./1795950989104-StateMachine.js";
import { DomainProof1795953098335 } from "./1795953098335-DomainProof.js";
import { PartnerScope1795953336786 } from "./1795953336786-PartnerScope.js";
import { IdempotencyKey1795955643723 } from "./1795955643723-IdempotencyKey.js";
import { DeliveryFailure1795960000000 } from "./1795960000000-DeliveryFailure.js";
import { Events1796000000000 } from "./1796000000000-Events.js";
import { Webhooks1796000000001 } from "./1796000000001-Webhooks.js";

/** MySQL / MariaDB migrations, oldest first. Generate new ones with `npx typeorm migration:generate` (README). */
export const mysqlMigrations = [Foundation1795566685363, Hires1795567103079, Review1795568461356, History1795569554096, TenantDueIndex1795578098063, RateLimit1795588294263, StateMachine1795950989104, DomainProof1795953098335, PartnerScope1795953336786, IdempotencyKey1795955643723, DeliveryFailure1795960000000, Events1796000000000, Webhooks1796000000001];
