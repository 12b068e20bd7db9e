import { describe, expect, it } from "vitest";

import { classifyQueryFailure, saysTooLarge } from "../../../../lib/adapters/azure/classifyAzureError.js";

describe("saysTooLarge", () => {
  it.each([
    ["E_QUERY_RESULT_SET_TOO_LARGE", true],
    ["ResponsePayloadTooLarge: the response exceeds the maximum allowed size", true],
    ["Query result set has exceeded the limit of 500000 records", true],
    ["BadArgumentError: syntax", false],
  ])("recognises %j as too large: %s", (message, expected) => {
    expect(saysTooLarge(message)).toBe(expected);
  });
});

describe("classifyQueryFailure", () => {
  const rest = (statusCode: number) => Object.assign(new Error("x"), { statusCode });
  it.each([
    [rest(504), "timeout"],
    [Object.assign(new Error("aborted"), { name: "AbortError" }), "timeout"],
    [rest(429), "unavailable"],
    [rest(503), "unavailable"],
    [new Error("socket hang up"), "unavailable"],
    [rest(400), "refused"],
    [rest(403), "refused"],
  ] as const)("%s is %s", (error, expected) => {
    expect(classifyQueryFailure(error, error.message)).toBe(expected);
  });

  it("puts a too-large answer first, whatever the status", () => {
    expect(classifyQueryFailure(rest(400), "ResponsePayloadTooLarge")).toBe("tooLarge");
  });
});
