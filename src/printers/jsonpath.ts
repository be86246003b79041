/**
 * kubectl's JSONPath templates (`-o jsonpath=…`, and the expressions of
 * `-o custom-columns=…`), as k8s.io/client-go/util/jsonpath reads them:
 * text outside `{…}` is printed as is; inside, `.field`, `..field`
 * (recursive), `['key']`, `[n]` (negative from the end), `[a:b]`, `[*]`,
 * `.*`, `[?(@.x == "y")]` filters (==, !=, <, <=, >, >=, or the existence
 * of `@.x`), `[a,b]` unions, `@` and `$`, `"literals"` with `\n`/`\t`
 * escapes, and `range …` / `end`. Several results of one expression are
 * joined by a space; maps and lists print as JSON; a missing key prints
 * nothing (kubectl get allows missing keys).
 */

type Value = unknown;

type Step =
  | { t: "field"; name: string }
  | { t: "recursive"; name: string }
  | { t: "wildcard" }
  | { t: "index"; indexes: (number | string)[] }
  | { t: "slice"; start?: number; end?: number; step?: number }
  | { t: "filter"; left: Operand; op?: string; right?: Operand };

type Operand = { t: "path"; root: "@" | "$"; steps: Step[] } | { t: "literal"; value: Value };

interface Path {
  root: "@" | "$";
  steps: Step[];
}

type Node =
  | { t: "text"; text: string }
  | { t: "path"; path: Path }
  | { t: "literal"; text: string }
  | { t: "range"; path: Path; body: Node[] };

export class JSONPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "JSONPathError";
  }
}

class Reader {
  i = 0;
  constructor(readonly s: string) {}
  get done(): boolean {
    return this.i >= this.s.length;
  }
  peek(n = 0): string {
    return this.s[this.i + n] ?? "";
  }
  skipSpace(): void {
    while (/\s/.test(this.peek())) this.i++;
  }
  startsWith(t: string): boolean {
    return this.s.startsWith(t, this.i);
  }
  fail(what: string): never {
    throw new JSONPathError(`${what} at column ${this.i + 1} of ${JSON.stringify(this.s)}`);
  }
}

function readQuoted(r: Reader): string {
  const q = r.peek();
  r.i++;
  let out = "";
  while (!r.done && r.peek() !== q) {
    const c = r.peek();
    if (c === "\\") {
      const n = r.peek(1);
      out += n === "n" ? "\n" : n === "t" ? "\t" : n === "r" ? "\r" : n;
      r.i += 2;
    } else {
      out += c;
      r.i++;
    }
  }
  if (r.done) r.fail("unterminated string");
  r.i++;
  return out;
}

function readName(r: Reader): string {
  let out = "";
  // kubectl's field names: anything up to `.`, `[`, `}`, space, `)` or an operator; `\.` escapes a dot.
  while (!r.done) {
    const c = r.peek();
    if (c === "\\" && r.peek(1) === ".") {
      out += ".";
      r.i += 2;
      continue;
    }
    if (/[.[\]}(),\s=!<>]/.test(c)) break;
    out += c;
    r.i++;
  }
  return out;
}

function readNumber(r: Reader): number | undefined {
  const m = /^-?\d+/.exec(r.s.slice(r.i));
  if (!m) return undefined;
  r.i += m[0].length;
  return Number(m[0]);
}

function readBracket(r: Reader): Step {
  r.i++; // [
  r.skipSpace();
  if (r.peek() === "*") {
    r.i++;
    r.skipSpace();
    if (r.peek() !== "]") r.fail("expected ]");
    r.i++;
    return { t: "wildcard" };
  }
  if (r.peek() === "?") {
    r.i++;
    r.skipSpace();
    if (r.peek() !== "(") r.fail("expected ( after ?");
    r.i++;
    const step = readFilter(r);
    r.skipSpace();
    if (r.peek() !== ")") r.fail("expected ) closing the filter");
    r.i++;
    r.skipSpace();
    if (r.peek() !== "]") r.fail("expected ]");
    r.i++;
    return step;
  }
  const indexes: (number | string)[] = [];
  let slice: { start?: number; end?: number; step?: number } | undefined;
  for (;;) {
    r.skipSpace();
    const c = r.peek();
    if (c === "'" || c === '"') indexes.push(readQuoted(r));
    else if (c === ":" || /[-\d]/.test(c)) {
      const parts: (number | undefined)[] = [readNumber(r)];
      while (r.peek() === ":") {
        r.i++;
        parts.push(readNumber(r));
      }
      if (parts.length === 1) indexes.push(parts[0] as number);
      else {
        slice = {};
        if (parts[0] !== undefined) slice.start = parts[0];
        if (parts[1] !== undefined) slice.end = parts[1];
        if (parts[2] !== undefined) slice.step = parts[2];
      }
    } else {
      const name = readName(r);
      if (name === "") r.fail("unexpected character in [ ]");
      indexes.push(name);
    }
    r.skipSpace();
    if (r.peek() === ",") {
      r.i++;
      continue;
    }
    if (r.peek() !== "]") r.fail("expected ]");
    r.i++;
    break;
  }
  if (slice) return { t: "slice", ...slice };
  return { t: "index", indexes };
}

function readSteps(r: Reader, stopAtOperator: boolean): Step[] {
  const steps: Step[] = [];
  while (!r.done) {
    const c = r.peek();
    if (c === "." && r.peek(1) === ".") {
      r.i += 2;
      steps.push({ t: "recursive", name: readName(r) });
    } else if (c === ".") {
      r.i++;
      if (r.peek() === "*") {
        r.i++;
        steps.push({ t: "wildcard" });
      } else if (r.peek() === "[") {
        // `.[0]`: the bracket follows.
      } else {
        const name = readName(r);
        if (name !== "") steps.push({ t: "field", name });
      }
    } else if (c === "[") steps.push(readBracket(r));
    else if (!stopAtOperator && /[A-Za-z_]/.test(c)) steps.push({ t: "field", name: readName(r) });
    else break;
  }
  return steps;
}

function readPath(r: Reader, stopAtOperator = false): Path {
  let root: "@" | "$" = "@";
  if (r.peek() === "@" || r.peek() === "$") {
    root = r.peek() as "@" | "$";
    r.i++;
  }
  return { root, steps: readSteps(r, stopAtOperator) };
}

function readOperand(r: Reader): Operand {
  r.skipSpace();
  const c = r.peek();
  if (c === "'" || c === '"') return { t: "literal", value: readQuoted(r) };
  if (c === "@" || c === "$" || c === ".") {
    const p = readPath(r, true);
    return { t: "path", root: p.root, steps: p.steps };
  }
  const m = /^(-?\d+(?:\.\d+)?|true|false|null)/.exec(r.s.slice(r.i));
  if (!m) r.fail("expected a value in the filter");
  r.i += m[0].length;
  return { t: "literal", value: JSON.parse(m[0]) as Value };
}

function readFilter(r: Reader): Step {
  const left = readOperand(r);
  r.skipSpace();
  const m = /^(==|!=|<=|>=|<|>)/.exec(r.s.slice(r.i));
  if (!m) return { t: "filter", left };
  r.i += m[0].length;
  return { t: "filter", left, op: m[0], right: readOperand(r) };
}

/** Parses a template into nodes; `range` bodies nest until their `end`. */
export function parseTemplate(template: string): Node[] {
  const r = new Reader(template);
  const stack: Node[][] = [[]];
  const ranges: { t: "range"; path: Path; body: Node[] }[] = [];
  const top = () => stack[stack.length - 1] as Node[];
  while (!r.done) {
    const open = template.indexOf("{", r.i);
    if (open < 0) {
      top().push({ t: "text", text: template.slice(r.i) });
      break;
    }
    if (open > r.i) top().push({ t: "text", text: template.slice(r.i, open) });
    r.i = open + 1;
    r.skipSpace();
    if (r.startsWith("range") && /[\s.@$[]/.test(r.peek(5))) {
      r.i += 5;
      r.skipSpace();
      const node = { t: "range" as const, path: readPath(r), body: [] as Node[] };
      top().push(node);
      ranges.push(node);
      stack.push(node.body);
    } else if (r.startsWith("end") && /[\s}]/.test(r.peek(3))) {
      r.i += 3;
      if (!ranges.pop()) r.fail("end without range");
      stack.pop();
    } else if (r.peek() === '"' || r.peek() === "'") {
      top().push({ t: "literal", text: readQuoted(r) });
    } else {
      top().push({ t: "path", path: readPath(r) });
    }
    r.skipSpace();
    if (r.peek() !== "}") r.fail("expected }");
    r.i++;
  }
  if (ranges.length > 0) throw new JSONPathError(`range without end in ${JSON.stringify(template)}`);
  return stack[0] as Node[];
}

const isObj = (v: Value): v is Record<string, Value> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function recursive(v: Value, name: string, out: Value[]): void {
  if (Array.isArray(v)) for (const x of v) recursive(x, name, out);
  else if (isObj(v)) {
    if (name === "" || name === "*") out.push(...Object.values(v));
    else if (name in v) out.push(v[name]);
    for (const x of Object.values(v)) recursive(x, name, out);
  }
}

function compare(a: Value, op: string, b: Value): boolean {
  switch (op) {
    case "==":
      return a === b || (typeof a === "number" && typeof b === "string" && String(a) === b);
    case "!=":
      return !compare(a, "==", b);
    default: {
      if (typeof a !== typeof b || (typeof a !== "number" && typeof a !== "string")) return false;
      const x = a as number | string;
      const y = b as number | string;
      return op === "<" ? x < y : op === "<=" ? x <= y : op === ">" ? x > y : x >= y;
    }
  }
}

function applyStep(values: Value[], step: Step, root: Value): Value[] {
  const out: Value[] = [];
  for (const v of values) {
    switch (step.t) {
      case "field":
        if (isObj(v) && step.name in v) out.push(v[step.name]);
        break;
      case "recursive":
        recursive(v, step.name, out);
        break;
      case "wildcard":
        if (Array.isArray(v)) out.push(...v);
        else if (isObj(v)) out.push(...Object.values(v));
        break;
      case "index":
        for (const ix of step.indexes) {
          if (typeof ix === "number") {
            if (!Array.isArray(v)) continue;
            const i = ix < 0 ? v.length + ix : ix;
            if (i >= 0 && i < v.length) out.push(v[i]);
          } else if (isObj(v) && ix in v) out.push(v[ix]);
        }
        break;
      case "slice": {
        if (!Array.isArray(v)) break;
        const n = v.length;
        const norm = (x: number | undefined, d: number) =>
          x === undefined ? d : Math.min(n, Math.max(0, x < 0 ? n + x : x));
        const by = step.step ?? 1;
        if (by <= 0) break;
        for (let i = norm(step.start, 0); i < norm(step.end, n); i += by) out.push(v[i]);
        break;
      }
      case "filter": {
        const items = Array.isArray(v) ? v : isObj(v) ? Object.values(v) : [];
        for (const item of items) {
          const left = operand(step.left, item, root);
          if (step.op === undefined || step.right === undefined) {
            if (left.length > 0) out.push(item);
            continue;
          }
          const right = operand(step.right, item, root);
          const op = step.op;
          if (left.some((a) => right.some((b) => compare(a, op, b)))) out.push(item);
        }
        break;
      }
    }
  }
  return out;
}

function operand(o: Operand, current: Value, root: Value): Value[] {
  if (o.t === "literal") return [o.value];
  return evalPath({ root: o.root, steps: o.steps }, current, root);
}

function evalPath(p: Path, current: Value, root: Value): Value[] {
  let values: Value[] = [p.root === "$" ? root : current];
  for (const s of p.steps) values = applyStep(values, s, root);
  return values;
}

/** A result as kubectl prints it: strings raw, maps and lists as JSON. */
export function valueText(v: Value): string {
  if (typeof v === "string") return v;
  if (v === undefined) return "";
  if (v === null) return "<nil>";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

function render(nodes: readonly Node[], current: Value, root: Value): string {
  let out = "";
  for (const n of nodes) {
    switch (n.t) {
      case "text":
      case "literal":
        out += n.text;
        break;
      case "path":
        out += evalPath(n.path, current, root).map(valueText).join(" ");
        break;
      case "range":
        for (const item of evalPath(n.path, current, root)) out += render(n.body, item, root);
        break;
    }
  }
  return out;
}

/** The compiled template: `execute(obj)` is what `kubectl get -o jsonpath=TEMPLATE` prints for obj. */
export function compileTemplate(template: string): { execute(input: Value): string } {
  const nodes = parseTemplate(template);
  return { execute: (input) => render(nodes, input, input) };
}

/** The values of one expression (custom-columns): `{.a.b}`, `.a.b` or `a.b`. */
export function compileExpression(expression: string): (input: Value) => Value[] {
  const m = /^\{?(\.?[^{}]*)\}?$/.exec(expression.trim());
  if (!m)
    throw new JSONPathError(
      `unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}': ${JSON.stringify(expression)}`,
    );
  const body = (m[1] ?? "").startsWith(".") ? (m[1] ?? "") : `.${m[1] ?? ""}`;
  const nodes = parseTemplate(`{${body}}`);
  const node = nodes[0];
  if (nodes.length !== 1 || node?.t !== "path")
    throw new JSONPathError(`not a path: ${JSON.stringify(expression)}`);
  return (input) => evalPath(node.path, input, input);
}
