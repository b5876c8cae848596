import { test } from "node:test";
import assert from "node:assert/strict";
import { maybePythonLiteral, parsePythonLiteral } from "../../src/core/python-literal.ts";

test("parses nested dicts, lists, tuples and Python constants", () => {
  assert.deepEqual(parsePythonLiteral("{'a': [1, 2.5, -3e-2], 'b': (True, False, None), \"c\": 'x'}"), {
    a: [1, 2.5, -0.03],
    b: [true, false, null],
    c: "x",
  });
});

test("recovers repr floats exactly, and nan/inf", () => {
  assert.equal(parsePythonLiteral("0.1"), 0.1);
  assert.equal(parsePythonLiteral("-1.2345678901234567e-300"), -1.2345678901234567e-300);
  assert.ok(Number.isNaN(parsePythonLiteral("nan")));
  assert.equal(parsePythonLiteral("-inf"), -Infinity);
});

test("rejects malformed text with the offset", () => {
  assert.throws(() => parsePythonLiteral("{'a': [1, 2"), /column/);
  assert.throws(() => parsePythonLiteral("[1, 2] x"), /column/);
});

test("maybePythonLiteral leaves plain strings alone", () => {
  assert.equal(maybePythonLiteral("AutoNCP(16, 2)"), "AutoNCP(16, 2)");
  assert.deepEqual(maybePythonLiteral("[1, 2]"), [1, 2]);
  assert.equal(maybePythonLiteral(3), 3);
});
