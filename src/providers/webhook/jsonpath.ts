/**
 * JSONPath as ESO's webhook provider evaluates it (PaesslerAG/jsonpath v0.1.1, `jsonpath.Get`).
 *
 * The path is parsed here, because PaesslerAG's dialect differs from jsonpath-plus in ways that
 * change results: filters need no parentheses and are not JavaScript, a missing key in a plain path
 * is an error, negative indices count from the end, an out-of-range index gives `null`, and slices
 * with a negative step walk `[max-1 … min]`. jsonpath-plus does the fan-out (`*`, `..`, filter
 * iteration) with `eval` set to a callback that runs our own compiled filter: no JavaScript is ever
 * evaluated ('safe' and 'native' eval stay off).
 */
import { Buffer } from 'node:buffer';
import { JSONPath } from 'jsonpath-plus';
import { JsonPathError } from './errors.ts';

type Key = string | number;
type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

type Segment =
  | { readonly kind: 'key'; readonly key: Key }
  | { readonly kind: 'union'; readonly keys: readonly Key[] }
  | { readonly kind: 'wildcard' }
  | { readonly kind: 'descent' }
  | { readonly kind: 'slice'; readonly start?: number; readonly end?: number; readonly step?: number }
  | { readonly kind: 'filter'; readonly test: Expr };

type Expr =
  | { readonly kind: 'literal'; readonly value: unknown }
  | { readonly kind: 'path'; readonly from: '@' | '$'; readonly keys: readonly Key[] }
  | { readonly kind: 'not'; readonly operand: Expr }
  | { readonly kind: 'and' | 'or'; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly left: Expr; readonly right: Expr };

const NAME = /[\p{L}\p{M}\p{N}_$-]+/uy;
const INTEGER = /-?\d+/y;
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const KEYWORD = /(?:true|false|null)(?![\p{L}\p{N}_$-])/uy;
const COMPARE_OPS: readonly CompareOp[] = ['==', '!=', '<=', '>=', '<', '>'];
const MAX_FILTER_DEPTH = 64;
/** Bounds `$..*..*..*`-style blow-ups on large documents; PaesslerAG has no limit. */
const MAX_NODES = 1_000_000;
const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"', "'": "'", '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t',
};

/** Recursive-descent parser for the path and its filter expressions. */
class PathParser {
  readonly source: string;
  pos = 0;
  private depth = 0;

  constructor(source: string) {
    this.source = source;
  }

  parse(): Segment[] {
    this.expect('$', 'the root "$"');
    const segments: Segment[] = [];
    for (;;) {
      if (this.eat('..')) {
        segments.push({ kind: 'descent' });
        segments.push(this.parseAfterDescent());
      } else if (this.eat('.')) {
        segments.push(this.parseDotMember());
      } else if (this.eat('[')) {
        segments.push(this.parseBracket(false));
      } else {
        break;
      }
    }
    if (this.peek() !== '') this.fail(`unexpected "${this.peek()}"`);
    return segments;
  }

  private parseDotMember(): Segment {
    if (this.eat('*')) return { kind: 'wildcard' };
    if (this.peek() === '(') this.fail('script expressions (...) are not supported');
    return { kind: 'key', key: this.name() };
  }

  private parseAfterDescent(): Segment {
    if (this.eat('*')) return { kind: 'wildcard' };
    if (this.eat('[')) return this.parseBracket(true);
    if (this.peek() === '(') this.fail('script expressions (...) are not supported');
    return { kind: 'key', key: this.name() };
  }

  private parseBracket(afterDescent: boolean): Segment {
    if (this.eat('?')) {
      const test = this.parseOr();
      this.expect(']', '"]" to close the filter');
      return { kind: 'filter', test };
    }
    if (this.peek() === '(') this.fail('script expressions [(...)] are not supported');
    if (this.eat('*')) {
      this.expect(']', '"]" after "*"');
      return { kind: 'wildcard' };
    }
    const first = this.peek() === ':' ? undefined : this.key();
    if (this.eat(':')) {
      if (afterDescent) this.fail('recursive descent cannot be combined with a slice');
      if (typeof first === 'string') this.fail('slice bounds must be integers');
      const end = this.optionalInteger();
      const step = this.eat(':') ? this.optionalInteger() : undefined;
      this.expect(']', '"]" to close the slice');
      return { kind: 'slice', start: first, end, step };
    }
    const keys: Key[] = [first ?? this.key()];
    while (this.eat(',')) keys.push(this.key());
    this.expect(']', '"," or "]"');
    const [only] = keys;
    return keys.length === 1 && only !== undefined ? { kind: 'key', key: only } : { kind: 'union', keys };
  }

  // Filter grammar: or := and ("||" and)* ; and := cmp ("&&" cmp)* ; cmp := unary (op unary)? ;
  // unary := "!" unary | primary ; primary := "(" or ")" | literal | @path | $path
  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.eat('||')) left = { kind: 'or', left, right: this.parseAnd() };
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseCompare();
    while (this.eat('&&')) left = { kind: 'and', left, right: this.parseCompare() };
    return left;
  }

  private parseCompare(): Expr {
    const left = this.parseUnary();
    const op = COMPARE_OPS.find((candidate) => this.eat(candidate));
    return op === undefined ? left : { kind: 'compare', op, left, right: this.parseUnary() };
  }

  private parseUnary(): Expr {
    if (this.peek() === '!' && !this.source.startsWith('!=', this.pos)) {
      this.pos++;
      return { kind: 'not', operand: this.nested(() => this.parseUnary()) };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): Expr {
    const c = this.peek();
    if (c === '(') {
      this.pos++;
      const inner = this.nested(() => this.parseOr());
      this.expect(')', '")"');
      return inner;
    }
    if (c === '@' || c === '$') {
      this.pos++;
      return { kind: 'path', from: c, keys: this.operandKeys() };
    }
    if (c === '"' || c === "'") return { kind: 'literal', value: this.quoted() };
    const keyword = this.match(KEYWORD);
    if (keyword !== undefined) return { kind: 'literal', value: keyword === 'null' ? null : keyword === 'true' };
    const number = this.match(NUMBER);
    if (number !== undefined) return { kind: 'literal', value: Number(number) };
    return this.fail('expected a value, "@" or "$" in the filter');
  }

  /** Keys of a definite path inside a filter (`@.a['b'][0]`). */
  private operandKeys(): Key[] {
    const keys: Key[] = [];
    for (;;) {
      if (this.source.startsWith('..', this.pos) || this.peekAfter('.', '*') || this.peekAfter('[', '*')
        || this.peekAfter('[', '?') || this.peekAfter('[', '(')) {
        this.fail('only definite paths (names and indices) are supported inside filters');
      }
      if (this.eat('.')) {
        keys.push(this.name());
      } else if (this.eat('[')) {
        keys.push(this.key());
        this.expect(']', '"]" (only single names and indices are supported inside filters)');
      } else {
        return keys;
      }
    }
  }

  private nested<T>(parse: () => T): T {
    if (++this.depth > MAX_FILTER_DEPTH) this.fail('filter expression nested too deeply');
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private key(): Key {
    const c = this.peek();
    if (c === '"' || c === "'") return this.quoted();
    const digits = this.match(INTEGER);
    if (digits === undefined) return this.fail('expected a quoted name or an integer index');
    return Number(digits);
  }

  private optionalInteger(): number | undefined {
    const digits = this.match(INTEGER);
    return digits === undefined ? undefined : Number(digits);
  }

  private name(): string {
    return this.match(NAME) ?? this.fail('expected a name, "*" or "["');
  }

  private quoted(): string {
    const quote = this.source[this.pos];
    const start = this.pos++;
    let out = '';
    for (;;) {
      const c = this.source[this.pos++];
      if (c === undefined) {
        this.pos = start;
        return this.fail('unterminated string');
      }
      if (c === quote) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.source[this.pos++] ?? '';
      const simple = ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
      } else if (e === 'u' && /^[\da-fA-F]{4}$/.test(this.source.slice(this.pos, this.pos + 4))) {
        out += String.fromCharCode(Number.parseInt(this.source.slice(this.pos, this.pos + 4), 16));
        this.pos += 4;
      } else {
        this.pos -= 2;
        return this.fail('invalid escape in string');
      }
    }
  }

  private match(re: RegExp): string | undefined {
    this.skipSpace();
    re.lastIndex = this.pos;
    const m = re.exec(this.source);
    if (m === null) return undefined;
    this.pos = re.lastIndex;
    return m[0];
  }

  private skipSpace(): void {
    while (this.pos < this.source.length && /\s/.test(this.source[this.pos] ?? '')) this.pos++;
  }

  private peek(): string {
    this.skipSpace();
    return this.source[this.pos] ?? '';
  }

  private peekAfter(first: string, second: string): boolean {
    if (this.peek() !== first) return false;
    const saved = this.pos++;
    const found = this.peek() === second;
    this.pos = saved;
    return found;
  }

  private eat(token: string): boolean {
    this.skipSpace();
    if (!this.source.startsWith(token, this.pos)) return false;
    this.pos += token.length;
    return true;
  }

  private expect(token: string, what: string): void {
    if (!this.eat(token)) this.fail(`expected ${what}`);
  }

  private fail(reason: string): never {
    throw new JsonPathError(`invalid JSONPath "${this.source}": ${reason} at position ${this.pos}`);
  }
}

function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/** One plain selector step (PaesslerAG `selectValue`): errors name the key and the type, never a value. */
function selectValue(value: unknown, key: Key): unknown {
  if (Array.isArray(value)) {
    const index = typeof key === 'number' ? key : Number(key.trim());
    if (key === '' || !Number.isFinite(index)) {
      throw new JsonPathError(`could not select value, invalid key ${String(key)} for an array`);
    }
    const i = Math.trunc(index);
    const position = i < 0 ? value.length + i : i;
    return position >= 0 && position < value.length ? value[position] : null;
  }
  if (isContainer(value)) {
    const name = String(key);
    if (!Object.hasOwn(value, name)) throw new JsonPathError(`unknown key ${name}`);
    return (value as Record<string, unknown>)[name];
  }
  const type = value === null ? '<nil>' : typeof value === 'number' ? 'float64' : typeof value;
  throw new JsonPathError(
    `unsupported value type ${type} for select, expected map[string]interface{} or []interface{}`,
  );
}

function selectPath(base: unknown, keys: readonly Key[]): unknown {
  let value = base;
  for (const key of keys) value = selectValue(value, key);
  return value;
}

/** gval's bool conversion where it is defined; any other present value counts as "exists". */
function truthy(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (value === null || value === 'false' || value === 'FALSE') return false;
  if (value === 'true' || value === 'TRUE') return true;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value) !== 0;
  return true;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!isContainer(a) || !isContainer(b) || Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  const bRecord = b as Record<string, unknown>;
  return aKeys.length === Object.keys(b).length
    && aKeys.every((k) => Object.hasOwn(b, k) && deepEqual((a as Record<string, unknown>)[k], bRecord[k]));
}

function compare(op: CompareOp, left: unknown, right: unknown): boolean {
  if (op === '==') return deepEqual(left, right);
  if (op === '!=') return !deepEqual(left, right);
  let order: number;
  if (typeof left === 'number' && typeof right === 'number') {
    order = left - right;
  } else if (typeof left === 'string' && typeof right === 'string') {
    order = Buffer.compare(Buffer.from(left), Buffer.from(right)); // Go compares UTF-8 bytes
  } else {
    throw new JsonPathError(`cannot order ${typeof left} and ${typeof right}`);
  }
  switch (op) {
    case '<': return order < 0;
    case '<=': return order <= 0;
    case '>': return order > 0;
    default: return order >= 0;
  }
}

function evalExpr(expr: Expr, current: unknown, root: unknown): unknown {
  switch (expr.kind) {
    case 'literal': return expr.value;
    case 'path': return selectPath(expr.from === '@' ? current : root, expr.keys);
    case 'not': return !truthy(evalExpr(expr.operand, current, root));
    case 'and': return truthy(evalExpr(expr.left, current, root)) && truthy(evalExpr(expr.right, current, root));
    case 'or': return truthy(evalExpr(expr.left, current, root)) || truthy(evalExpr(expr.right, current, root));
    case 'compare': return compare(expr.op, evalExpr(expr.left, current, root), evalExpr(expr.right, current, root));
  }
}

/** Like PaesslerAG, an element whose filter fails (missing key, type mismatch) is skipped. */
function passes(expr: Expr, current: unknown, root: unknown): boolean {
  try {
    return truthy(evalExpr(expr, current, root));
  } catch (error) {
    if (error instanceof JsonPathError) return false;
    throw error;
  }
}

interface FilterSandbox {
  readonly [key: string]: unknown;
  readonly test: (value: unknown) => boolean;
}

// jsonpath-plus caches one wrapper per (eval function source, code): keep a single module-level
// callback and a fixed code, and hand the compiled filter over through the sandbox.
const FILTER_CODE = 'webhookSecretSyncFilter';
const FILTER_PATH = `$[?(${FILTER_CODE})]`;
const runFilter = (_code: string, context: FilterSandbox & { _$_v?: unknown }): boolean => context.test(context._$_v);

function jsonPathPlus(path: string, json: object, sandbox?: FilterSandbox): unknown[] {
  const result = JSONPath({ path, json, wrap: true, eval: sandbox === undefined ? false : runFilter, sandbox });
  return Array.isArray(result) ? result : [];
}

function pushAll(target: unknown[], values: readonly unknown[]): void {
  for (const value of values) target.push(value);
}

/** Negative bounds count from the end; bounds past the end are clamped (PaesslerAG `negmax`). */
function clampBound(n: number, length: number): number {
  if (n < 0) return Math.max(length + n, 0);
  return Math.min(n, length);
}

function sliceOf(array: readonly unknown[], start = 0, end = 2 ** 31 - 1, step = 1): unknown[] {
  const min = clampBound(start, array.length);
  const max = clampBound(end, array.length);
  const by = step === 0 ? 1 : step;
  const out: unknown[] = [];
  if (by > 0) {
    for (let i = min; i < max; i += by) out.push(array[i]);
  } else {
    for (let i = max - 1; i >= min; i += by) out.push(array[i]);
  }
  return out;
}

function expand(segment: Segment, node: unknown, root: unknown, next: unknown[]): void {
  switch (segment.kind) {
    case 'key':
    case 'union':
      for (const key of segment.kind === 'key' ? [segment.key] : segment.keys) {
        try {
          next.push(selectValue(node, key));
        } catch (error) {
          if (!(error instanceof JsonPathError)) throw error;
        }
      }
      return;
    case 'slice':
      if (Array.isArray(node)) pushAll(next, sliceOf(node, segment.start, segment.end, segment.step));
      return;
    case 'wildcard':
      // Object wildcards follow JS property order (document order, integer-like keys first):
      // deterministic, which is better than ESO, where Go map iteration makes `$.*` random.
      if (isContainer(node)) pushAll(next, jsonPathPlus('$.*', node));
      return;
    case 'descent':
      // The node and every container below it, pre-order; scalars can match no later selector.
      if (isContainer(node)) pushAll(next, jsonPathPlus('$..', node));
      return;
    case 'filter':
      if (isContainer(node)) {
        const { test } = segment;
        pushAll(next, jsonPathPlus(FILTER_PATH, node, { test: (value) => passes(test, value, root) }));
      }
      return;
  }
}

function parsePath(path: string): Segment[] {
  return new PathParser(path).parse();
}

/**
 * Whether `path` is a definite ("plain") path: only names and integer indices, so
 * {@link queryJsonPath} returns the value itself rather than an array of matches.
 *
 * @throws JsonPathError when the path does not parse.
 * @example
 * ```ts
 * isDefinitePath('$.result["thesecret"][0]'); // true
 * isDefinitePath('$.secrets[*].value');        // false
 * ```
 */
export function isDefinitePath(path: string): boolean {
  return parsePath(path).every((segment) => segment.kind === 'key');
}

/**
 * Evaluates `path` against parsed JSON the way ESO's `jsonpath.Get` does.
 *
 * - Definite path: the value itself (possibly an array); a missing key throws `unknown key <k>`,
 *   an out-of-range index gives `null`.
 * - Wildcard, `..`, filter, slice or union: an array of matches, possibly empty; elements on
 *   which the rest of the path fails are skipped.
 *
 * Filters take PaesslerAG's form with or without parentheses (`[?@.name=="x"]`,
 * `[?(@.name=="x")]`) and support `@`/`$` paths, string/number/bool/null literals, strict
 * `== != < <= > >=`, `&& || !`, parentheses and a bare operand as a truth/existence test.
 *
 * @throws JsonPathError for unparsable or unsupported paths (the message names the path) and for
 *   definite paths that do not match (the caller prefixes `failed to get response path <path>: `).
 * @example
 * ```ts
 * queryJsonPath({ secrets: [{ name: 'a', value: 'x' }] }, '$.secrets[?@.name=="a"].value'); // ['x']
 * queryJsonPath({ result: { token: 't' } }, '$.result.token');                             // 't'
 * ```
 */
export function queryJsonPath(json: unknown, path: string): unknown {
  const segments = parsePath(path);
  try {
    if (segments.every((segment) => segment.kind === 'key')) {
      return selectPath(json, segments.map((segment) => (segment as { key: Key }).key));
    }
    let nodes: unknown[] = [json];
    for (const segment of segments) {
      const next: unknown[] = [];
      for (const node of nodes) {
        expand(segment, node, json, next);
        if (next.length > MAX_NODES) {
          throw new JsonPathError(`JSONPath "${path}" selects more than ${MAX_NODES} intermediate values`);
        }
      }
      nodes = next;
    }
    return nodes;
  } catch (error) {
    if (error instanceof JsonPathError) throw error;
    // e.g. a stack overflow on a pathologically deep document: report it typed, without its data.
    const reason = error instanceof RangeError ? 'document nested too deeply' : error instanceof Error ? error.name : 'unknown error';
    throw new JsonPathError(`failed to evaluate JSONPath "${path}": ${reason}`, { cause: error });
  }
}
