/** A node of an ARM template expression (`[format('{0}-x', parameters('appName'))]`). */
export type ArmNode =
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "number"; readonly value: number }
  | { readonly kind: "call"; readonly name: string; readonly args: readonly ArmNode[] }
  | { readonly kind: "property"; readonly target: ArmNode; readonly name: string }
  | { readonly kind: "index"; readonly target: ArmNode; readonly index: ArmNode };

/** Raised for text that is not a well-formed ARM expression; says what was expected and where. */
export class ArmExpressionError extends Error {
  override readonly name = "ArmExpressionError";
}

/**
 * True for a template string ARM evaluates: `[...]`, but not the `[[...` escape that stands for a literal
 * string starting with `[`.
 */
export function isArmExpression(value: string): boolean {
  return value.startsWith("[") && value.endsWith("]") && !value.startsWith("[[");
}

/**
 * Parses an ARM template expression (with or without its surrounding brackets) into a tree, so checks can
 * find the functions it calls (`parameters('x')`, `resourceId(...)`) instead of matching text.
 */
export function parseArmExpression(source: string): ArmNode {
  const text = isArmExpression(source) ? source.slice(1, -1) : source;
  let position = 0;

  const fail = (expected: string): never => {
    throw new ArmExpressionError(`expected ${expected} at ${position} in "${text}"`);
  };
  const skipSpaces = (): void => {
    while (/\s/.test(text[position] ?? "")) position += 1;
  };
  const take = (char: string): boolean => {
    skipSpaces();
    if (text[position] !== char) return false;
    position += 1;
    return true;
  };
  // A function name may be namespaced (`ns.fn`); a property name after '.' is one identifier.
  const identifier = (what: "a function name" | "a property name"): string => {
    skipSpaces();
    const pattern =
      what === "a function name" ? /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*/ : /^[A-Za-z_$][\w$]*/;
    const match = pattern.exec(text.slice(position));
    if (match === null) return fail(what);
    position += match[0].length;
    return match[0];
  };
  const stringLiteral = (): ArmNode => {
    let value = "";
    position += 1;
    for (;;) {
      const char = text[position];
      if (char === undefined) return fail("a closing quote");
      position += 1;
      if (char !== "'") {
        value += char;
      } else if (text[position] === "'") {
        value += "'"; // '' is an escaped quote
        position += 1;
      } else {
        return { kind: "string", value };
      }
    }
  };
  const primary = (): ArmNode => {
    skipSpaces();
    const char = text[position];
    if (char === "'") return stringLiteral();
    const number = /^-?\d+(?:\.\d+)?/.exec(text.slice(position));
    if (number !== null) {
      position += number[0].length;
      return { kind: "number", value: Number(number[0]) };
    }
    const name = identifier("a function name");
    if (!take("(")) return fail(`'(' after ${name}`);
    const args: ArmNode[] = [];
    if (!take(")")) {
      do {
        args.push(expression());
      } while (take(","));
      if (!take(")")) fail(`',' or ')' in the arguments of ${name}`);
    }
    return { kind: "call", name, args };
  };
  const expression = (): ArmNode => {
    let node = primary();
    for (;;) {
      if (take(".")) node = { kind: "property", target: node, name: identifier("a property name") };
      else if (take("[")) {
        node = { kind: "index", target: node, index: expression() };
        if (!take("]")) fail("']'");
      } else return node;
    }
  };

  const root = expression();
  skipSpaces();
  if (position !== text.length) fail("the end of the expression");
  return root;
}

/** Canonical text of a node (no spaces, names as written), for comparing two expressions. */
export function formatArmNode(node: ArmNode): string {
  switch (node.kind) {
    case "string":
      return `'${node.value.replaceAll("'", "''")}'`;
    case "number":
      return String(node.value);
    case "call":
      return `${node.name}(${node.args.map(formatArmNode).join(",")})`;
    case "property":
      return `${formatArmNode(node.target)}.${node.name}`;
    case "index":
      return `${formatArmNode(node.target)}[${formatArmNode(node.index)}]`;
  }
}

/** Every function call in a node, the node itself included, outermost first. */
export function collectCalls(node: ArmNode): Extract<ArmNode, { kind: "call" }>[] {
  switch (node.kind) {
    case "call":
      return [node, ...node.args.flatMap(collectCalls)];
    case "property":
      return collectCalls(node.target);
    case "index":
      return [...collectCalls(node.target), ...collectCalls(node.index)];
    default:
      return [];
  }
}

/** Parses an expression, or gives undefined for a malformed one (which `checkReferences` reports). */
export function tryParseArmExpression(expression: string): ArmNode | undefined {
  try {
    return parseArmExpression(expression);
  } catch (error) {
    if (error instanceof ArmExpressionError) return undefined;
    throw error;
  }
}
