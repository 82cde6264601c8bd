import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../auth/context.js";
import type { Role } from "../auth/roles.js";
import type { WebhookDelivery, WebhookEndpoint } from "../entities/webhook.js";
import {
  CreateWebhookEndpointInput,
  CreateWebhookEndpointPayload,
  WebhookDeliveryConnectionType,
  WebhookDeliveryType,
  WebhookEndpointType,
  type WebhookDeliveryStatus,
} from "./types/webhook.type.js";

/** HR's webhook endpoints and their delivery log (R11). */
@Resolver()
export class WebhookResolver {
  @Authorized<Role>("HR_ADMIN")
  @Query(() => [WebhookEndpointType], { description: "The tenant's webhook endpoints, oldest first." })
  async webhookEndpoints(@Ctx() ctx: RequestContext): Promise<WebhookEndpointType[]> {
    return (await ctx.services.webhooks.endpoints(ctx.tenant())).map(endpointType);
  }

  @Authorized<Role>("HR_ADMIN")
  @Query(() => WebhookDeliveryConnectionType, { description: "An endpoint's deliveries, newest first." })
  async webhookDeliveries(
    @Ctx() ctx: RequestContext,
    @Arg("endpointId", () => ID) endpointId: string,
    @Arg("first", () => Int, { nullable: true }) first?: number | null,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ): Promise<WebhookDeliveryConnectionType> {
    const page = await ctx.services.webhooks.deliveries(ctx.tenant(), endpointId, first ?? 50, after ?? null);
    return {
      edges: page.items.map(({ cursor, delivery }) => ({ cursor, node: deliveryType(delivery) })),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.items.at(-1)?.cursor ?? null },
      totalCount: page.totalCount,
    };
  }

  @Authorized<Role>("HR_ADMIN")
  @Mutation(() => CreateWebhookEndpointPayload, { description: "A new endpoint; its secret is in this answer only." })
  async createWebhookEndpoint(@Ctx() ctx: RequestContext, @Arg("input", () => CreateWebhookEndpointInput) input: CreateWebhookEndpointInput): Promise<CreateWebhookEndpointPayload> {
    const { endpoint, secret } = await ctx.services.webhooks.create(ctx.tenant(), input);
    return { endpoint: endpointType(endpoint), secret };
  }

  @Authorized<Role>("HR_ADMIN")
  @Mutation(() => CreateWebhookEndpointPayload, { description: "A new secret, in this answer only; the old one keeps signing beside it for 24 hours." })
  async rotateWebhookSecret(@Ctx() ctx: RequestContext, @Arg("id", () => ID) id: string): Promise<CreateWebhookEndpointPayload> {
    const { endpoint, secret } = await ctx.services.webhooks.rotateSecret(ctx.tenant(), id);
    return { endpoint: endpointType(endpoint), secret };
  }

  @Authorized<Role>("HR_ADMIN")
  @Mutation(() => WebhookEndpointType, { description: "Enabled again (after a 410): its waiting deliveries go out, in order." })
  async enableWebhookEndpoint(@Ctx() ctx: RequestContext, @Arg("id", () => ID) id: string): Promise<WebhookEndpointType> {
    return endpointType(await ctx.services.webhooks.enable(ctx.tenant(), id));
  }

  @Authorized<Role>("HR_ADMIN")
  @Mutation(() => Boolean, { description: "The endpoint and its delivery log are removed." })
  deleteWebhookEndpoint(@Ctx() ctx: RequestContext, @Arg("id", () => ID) id: string): Promise<boolean> {
    return ctx.services.webhooks.delete(ctx.tenant(), id);
  }

  @Authorized<Role>("HR_ADMIN")
  @Mutation(() => WebhookDeliveryType, { description: "Delivers that event to the endpoint again (the same webhook-id)." })
  async replayWebhookEvent(@Ctx() ctx: RequestContext, @Arg("endpointId", () => ID) endpointId: string, @Arg("eventId", () => ID) eventId: string): Promise<WebhookDeliveryType> {
    return deliveryType(await ctx.services.webhooks.replay(ctx.tenant(), endpointId, eventId));
  }
}

function endpointType(endpoint: WebhookEndpoint): WebhookEndpointType {
  const { id, url, enabled, disabledReason, createdAt } = endpoint;
  return { id, url, enabled, disabledReason, createdAt, eventTypes: endpoint.eventTypes ? endpoint.eventTypes.split(",") : [] };
}

function deliveryType(delivery: WebhookDelivery): WebhookDeliveryType {
  const { id, eventId, eventType, attempts, lastResponseStatus, lastAttemptAt, nextAttemptAt } = delivery;
  return { id, eventId, eventType, attempts, lastResponseStatus, lastAttemptAt, nextAttemptAt, status: delivery.status as WebhookDeliveryStatus };
}
