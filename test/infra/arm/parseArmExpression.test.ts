import { describe, expect, it } from "vitest";

import {
  ArmExpressionError,
  collectCalls,
  formatArmNode,
  isArmExpression,
  parseArmExpression,
  tryParseArmExpression,
} from "./parseArmExpression.js";

describe("isArmExpression", () => {
  it.each([
    ["[parameters('a')]", true],
    ["[[not an expression]", false],
    ["plain", false],
    ["[unterminated", false],
  ])("%s → %s", (text, expected) => {
    expect(isArmExpression(text)).toBe(expected);
  });
});

describe("parseArmExpression", () => {
  it("parses nested calls, property access and indexing", () => {
    const node = parseArmExpression(
      "[reference(variables('ids')[copyIndex()], '2023-01-31').properties.clientId]",
    );
    expect(formatArmNode(node)).toBe(
      "reference(variables('ids')[copyIndex()],'2023-01-31').properties.clientId",
    );
    expect(collectCalls(node).map((call) => call.name)).toEqual(["reference", "variables", "copyIndex"]);
  });

  it("reads '' inside a string literal as one quote, and numbers as numbers", () => {
    expect(parseArmExpression("concat('it''s', 42, -1.5)")).toEqual({
      kind: "call",
      name: "concat",
      args: [
        { kind: "string", value: "it's" },
        { kind: "number", value: 42 },
        { kind: "number", value: -1.5 },
      ],
    });
  });

  it("reads each '.name' after a call as its own property", () => {
    expect(parseArmExpression("reference('x').logsIngestion.endpoint")).toMatchObject({
      kind: "property",
      name: "endpoint",
      target: { kind: "property", name: "logsIngestion", target: { kind: "call", name: "reference" } },
    });
  });

  it("accepts namespaced user functions and spaces between tokens", () => {
    expect(formatArmNode(parseArmExpression("[ my.fn ( 'a' , parameters( 'b' ) ) ]"))).toBe(
      "my.fn('a',parameters('b'))",
    );
  });

  it.each([
    ["[format('{0}', parameters('a')]", "',' or ')' in the arguments of format"],
    ["parameters('a'", "',' or ')' in the arguments of parameters"],
    ["[concat('a)]", "a closing quote"],
    ["[variables]", "'(' after variables"],
    ["[parameters('a')) ]", "the end of the expression"],
  ])("rejects %s, saying what it expected", (text, expected) => {
    expect(() => parseArmExpression(text)).toThrow(ArmExpressionError);
    expect(() => parseArmExpression(text)).toThrow(`expected ${expected}`);
    expect(tryParseArmExpression(text)).toBeUndefined();
  });
});
