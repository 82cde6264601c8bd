import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { buildSchema, findBreakingChanges } from "graphql";
import { projectRoot } from "../../src/paths.js";
import { buildAppSchema, printAppSchema } from "../../src/schema/build-schema.js";

const contractCopy = path.join(projectRoot, "test/contract.graphql");
const sharedContract = path.join(projectRoot, "../shared/contract/schema.graphql");

test("the server's schema contains all of the client contract", async () => {
  const contract = buildSchema(readFileSync(contractCopy, "utf8"));
  const ours = await buildAppSchema();
  const breaking = findBreakingChanges(contract, ours).map((change) => `${change.type}: ${change.description}`);
  assert.deepEqual(breaking, []);
});

test("the committed src/schema/schema.graphql is the schema the code builds (npm run schema:emit)", async () => {
  const committed = readFileSync(path.join(projectRoot, "src/schema/schema.graphql"), "utf8");
  assert.equal(committed, printAppSchema(await buildAppSchema()));
});

test("test/contract.graphql is the current client contract", { skip: !existsSync(sharedContract) && "no ../shared/contract beside this checkout" }, () => {
  assert.equal(readFileSync(contractCopy, "utf8"), readFileSync(sharedContract, "utf8"));
});
