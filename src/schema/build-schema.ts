import "reflect-metadata";
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from "graphql";
import { buildSchema, type PubSub } from "type-graphql";
import { authChecker } from "../auth/auth-checker.js";
import { resolvers } from "../resolvers/index.js";
import { EmploymentEventType } from "../resolvers/types/event.type.js";
import { DateTimeScalar } from "./scalars.js";

/** The server's schema, code-first; it contains all of the client contract (a test checks). */
export function buildAppSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers,
    authChecker,
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    orphanedTypes: [EmploymentEventType], // the contract's event type, also where no field of ours returns it yet
    validate: { forbidUnknownValues: false },
    pubSub: NO_TOPICS,
  });
}

/**
 * type-graphql asks for a PubSub as soon as there is a subscription; ours give their own `subscribe`
 * (src/services/event-subscriptions.ts, fed by the event table), so no topic is ever published.
 */
const NO_TOPICS: PubSub = {
  publish() {
    throw new Error("subscriptions read the event feed; nothing publishes topics");
  },
  subscribe() {
    throw new Error("subscriptions read the event feed; give @Subscription a subscribe function");
  },
};

/** The schema as committed in src/schema/schema.graphql. */
export function printAppSchema(schema: GraphQLSchema): string {
  return `# Emitted from the code by \`npm run schema:emit\`; do not edit. test/schema checks it is current.\n\n${printSchema(lexicographicSortSchema(schema))}\n`;
}
