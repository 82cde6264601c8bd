import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { buildSchema, findBreakingChanges } from "graphql";
import { projectRoot } from "../../src/paths.js";
import { buildAppSchema, printAppSchema } from "../../src/schema/build-schema.js";

const contractCopy = path.join(projectRoot, "test/contract.graphql");
const sharedContract = path.join(projectRoot, "../shared/contract/schema.graphql");
/** Copies of the contract's additions (../shared/contract/next/) that this code has built: the contract extended by them. */
const nextCopies = path.join(projectRoot, "test/contract-next");
const sharedNext = path.join(projectRoot, "../shared/contract/next");
const landed = readdirSync(nextCopies).filter((file) => file.endsWith(".graphql")).sort();

test("the server's schema contains all of the client contract", async () => {
  const contract = buildSchema(readFileSync(contractCopy, "utf8"));
  const ours = await buildAppSchema();
  const breaking = findBreakingChanges(contract, ours).map((change) => `${change.type}: ${change.description}`);
  assert.deepEqual(breaking, []);
});

test(`the server's schema contains the contract with the additions it has built (${landed.join(", ")})`, async () => {
  const extended = buildSchema([contractCopy, ...landed.map((file) => path.join(nextCopies, file))].map((file) => readFileSync(file, "utf8")).join("\n"));
  const ours = await buildAppSchema();
  const breaking = findBreakingChanges(extended, ours).map((change) => `${change.type}: ${change.description}`);
  assert.deepEqual(breaking, []);
});

test("the committed src/schema/schema.graphql is the schema the code builds (npm run schema:emit)", async () => {
  const committed = readFileSync(path.join(projectRoot, "src/schema/schema.graphql"), "utf8");
  assert.equal(committed, printAppSchema(await buildAppSchema()));
});

test("test/contract.graphql is the current client contract", { skip: !existsSync(sharedContract) && "no ../shared/contract beside this checkout" }, () => {
  assert.equal(readFileSync(contractCopy, "utf8"), readFileSync(sharedContract, "utf8"));
});

for (const file of landed) {
  const shared = path.join(sharedNext, file);
  test(`test/contract-next/${file} is the contract's current ${file}`, { skip: !existsSync(shared) && `no ../shared/contract/next/${file} beside this checkout (folded into schema.graphql?)` }, () => {
    assert.equal(readFileSync(path.join(nextCopies, file), "utf8"), readFileSync(shared, "utf8"));
  });
}
