import test from "node:test";
import assert from "node:assert";

test("passes", () => {
  assert.strictEqual(1 + 1, 2);
});

test("fails", () => {
  assert.strictEqual(1 + 1, 3);
});

test("skipped", { skip: "not today" }, () => {});
