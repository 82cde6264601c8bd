import { test } from "node:test";
import assert from "node:assert/strict";
import { WriteGroups } from "../../src/services/send-window.js";

/** A write that waits until the test lets it finish, and remembers each group it was given. */
function heldWrites() {
  const groups: number[][] = [];
  const finish: ((fail?: Error) => void)[] = [];
  const write = (items: number[]) => {
    groups.push(items);
    return new Promise<(item: number) => string>((resolve, reject) => finish.push((fail) => (fail ? reject(fail) : resolve((item) => `written ${item}`))));
  };
  return { groups, finish, write };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

test("a lone item is written at once; the items that arrive while a write runs are written together in the next, each answered with its own result", async () => {
  const { groups, finish, write } = heldWrites();
  const writes = new WriteGroups(write);
  const first = writes.add(1);
  await turn();
  assert.deepEqual(groups, [[1]], "written at once, waiting for nobody");
  const later = [writes.add(2), writes.add(3), writes.add(4)];
  await turn();
  assert.deepEqual(groups, [[1]], "one write at a time");
  finish[0]!();
  assert.equal(await first, "written 1");
  await turn();
  assert.deepEqual(groups, [[1], [2, 3, 4]]);
  finish[1]!();
  assert.deepEqual(await Promise.all(later), ["written 2", "written 3", "written 4"]);
});

test("a write that fails rejects the items of its group only; the next group is written as usual", async () => {
  const { groups, finish, write } = heldWrites();
  const writes = new WriteGroups(write);
  const first = writes.add(1);
  await turn();
  const second = writes.add(2);
  finish[0]!(new Error("the database went away"));
  await assert.rejects(first, /the database went away/);
  await turn();
  assert.deepEqual(groups, [[1], [2]]);
  finish[1]!();
  assert.equal(await second, "written 2");
});
