import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { buildSchema, findBreakingChanges } from "graphql";
import { projectRoot } from "../../src/paths.js";
import { buildAppSchema } from "../../src/schema/build-schema.js";

/**
 * The parts of ../shared/contract/next/lifecycle.graphql that rehires (addEmployment) and bulk resend
 * (resendInvitations) add, as written there, until the whole file lands in test/contract-next/.
 */
const BUILT = `
extend enum InvitationStatus { FAILED }
extend enum ConnectMethod { EXISTING_ACCOUNT }
input AddEmploymentInput { startDate: LocalDate! employmentTemplateId: ID! }
input ResendFilter { statuses: [InvitationStatus!]! startDateFrom: LocalDate startDateTo: LocalDate }
type BulkResendPayload { count: Int! dryRun: Boolean! employments: [Employment!]! }
extend type Mutation {
  addEmployment(employeeId: ID!, input: AddEmploymentInput!): Employment!
  resendInvitations(filter: ResendFilter!, dryRun: Boolean): BulkResendPayload!
}`;

test("the server's schema has addEmployment and resendInvitations as contract/next/lifecycle.graphql writes them", async () => {
  const contract = buildSchema(readFileSync(path.join(projectRoot, "test/contract.graphql"), "utf8") + BUILT);
  const breaking = findBreakingChanges(contract, await buildAppSchema()).map((change) => `${change.type}: ${change.description}`);
  assert.deepEqual(breaking, []);
});
