/**
 * JSONPath as ESO's webhook provider evaluates it (PaesslerAG/jsonpath v0.1.1, `jsonpath.Get`).
 *
 * The path is parsed by `jsonpath-parser.ts`, not by jsonpath-plus, because PaesslerAG's dialect
 * differs from jsonpath-plus in ways that change results: filters need no parentheses and are not JavaScript, a missing key in a plain path
 * is an error, negative indices count from the end, an out-of-range index gives `null`, and slices
 * with a negative step walk `[max-1 … min]`. jsonpath-plus does the fan-out (`*`, `..`, filter
 * iteration) with `eval` set to a callback that runs our own compiled filter: no JavaScript is ever
 * evaluated ('safe' and 'native' eval stay off).
 */
import { Buffer } from 'node:buffer';
import { JSONPath } from 'jsonpath-plus';
import { JsonPathError } from './errors.ts';
import { parsePath, type CompareOp, type Expr, type Key, type Segment } from './jsonpath-parser.ts';

/** Bounds `$..*..*..*`-style blow-ups on large documents; PaesslerAG has no limit. */
const MAX_NODES = 1_000_000;

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
