/**
 * A faithful subset of Go's `text/template` with the Sprig functions External Secrets Operator
 * users write in webhook stores and ExternalSecret templates.
 */
import { BUILTINS } from './builtins.ts';
import { TemplateBudgetError } from './budget.ts';
import { ESO_FUNCS } from './eso-functions.ts';
import { ESO_SPRIG_MORE } from './eso-sprig-more.ts';
import { ESO_SPRIG_CRYPTO } from './eso-sprig-crypto.ts';
import { ESO_SPRIG_RANDOM } from './eso-sprig-random.ts';
import { TemplateError } from './errors.ts';
import { execute } from './exec.ts';
import { variadic, type FuncMap, type FuncSpec, type TemplateFunc } from './func-spec.ts';
import type { BudgetLimits, BudgetUsage } from './limits.ts';
import { parse } from './parser.ts';
import { collectReferences } from './references.ts';
import { SPRIG_COLLECTIONS } from './sprig-collections.ts';
import { SPRIG_ENCODING } from './sprig-encoding.ts';
import { SPRIG_MATH } from './sprig-math.ts';
import { SPRIG_STRINGS } from './sprig-strings.ts';

export { TemplateBudgetError, TemplateError };
export type { BudgetLimits, BudgetUsage, TemplateFunc };
export { DEFAULT_BUDGET } from './limits.ts';
export { goByteLength, goStringAsText, goStringFromBytes, goStringToBytes, hasInvalidUtf8 } from './go-bytes.ts';
export { compareGoStrings, goTypeName, GoJsonError, jsonParseReason, marshalJson, unmarshalJson, type MarshalOptions } from './go-json.ts';

/** Options of {@link parseTemplate} and {@link renderTemplate}. */
export interface TemplateOptions {
  /** Template name used in error messages; default `webhooktemplate` (as ESO). */
  name?: string;
  /** `default`: a missing map key prints `<no value>`; `error`: it fails the execution. */
  missingKey?: 'default' | 'error';
  /** Extra functions (override builtins of the same name); throw to fail the call. */
  funcs?: Record<string, TemplateFunc>;
  /** Limits of each execution's budget; default 16 MiB of values, 1e6 steps, 1 s. */
  budget?: BudgetLimits;
  /** Clock of the budget's wall-clock backstop, in milliseconds (tests pass a fake one). */
  clock?: () => number;
  /** Told what each execution used (values charged, steps), whether it succeeded or not. */
  onUsage?: (usage: BudgetUsage) => void;
}

/** A parsed template, reusable across executions. */
export interface CompiledTemplate {
  /**
   * Renders the template over `data` (plain JSON-like values; Go strings as in go-bytes.ts). Throws
   * {@link TemplateError}, a {@link TemplateBudgetError} cause when the execution's budget ran out.
   *
   * @example
   * ```ts
   * parseTemplate('{{ .remoteRef.key }}').execute({ remoteRef: { key: 'db' } }); // 'db'
   * ```
   */
  execute(data: unknown): string;
  /**
   * Every field chain the template uses, dotted and without the leading dot (`remoteRef.key`),
   * including `$.a.b` and `index .a "b"` with literal keys.
   */
  readonly references: ReadonlySet<string>;
}

const STANDARD: FuncMap = { ...SPRIG_STRINGS, ...SPRIG_COLLECTIONS, ...SPRIG_ENCODING, ...SPRIG_MATH, ...ESO_SPRIG_MORE, ...ESO_SPRIG_CRYPTO, ...ESO_SPRIG_RANDOM, ...ESO_FUNCS, ...BUILTINS };
const SHORT_CIRCUIT: ReadonlySet<FuncSpec> = new Set([BUILTINS.and, BUILTINS.or].filter((f) => f !== undefined));

function funcMap(extra: Record<string, TemplateFunc> | undefined): FuncMap {
  if (!extra) return STANDARD;
  const map: Record<string, FuncSpec> = { ...STANDARD };
  for (const [name, fn] of Object.entries(extra)) {
    if (!/^[\p{L}_][\p{L}\p{Nd}_]*$/u.test(name)) throw new TemplateError(`template: function name ${JSON.stringify(name)} is not a valid identifier`);
    Object.defineProperty(map, name, { value: variadic([], 'any', fn), enumerable: true, writable: true, configurable: true });
  }
  return map;
}

/**
 * Parses Go template text. Throws {@link TemplateError} with Go's message on bad syntax, e.g.
 * `template: webhooktemplate:1: unexpected "}" in operand`.
 *
 * @example
 * ```ts
 * const t = parseTemplate('{{ .auth.token | b64enc }}');
 * t.references.has('auth.token'); // true
 * t.execute({ auth: { token: 'x' } }); // 'eA=='
 * ```
 */
export function parseTemplate(text: string, options: TemplateOptions = {}): CompiledTemplate {
  const name = options.name ?? 'webhooktemplate';
  const funcs = funcMap(options.funcs);
  const has = (fn: string): boolean => Object.hasOwn(funcs, fn);
  let parsed;
  try {
    parsed = parse(text, name, has);
  } catch (err) {
    if (err instanceof TemplateError) throw err;
    throw new TemplateError(`template: ${name}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const references = collectReferences(parsed.templates.values());
  const missingKey = options.missingKey ?? 'default';
  return {
    references,
    execute: (data: unknown): string => execute(parsed, data, { missingKey, funcs, shortCircuit: SHORT_CIRCUIT, budget: options.budget, clock: options.clock, onUsage: options.onUsage }),
  };
}

/**
 * Parses and executes in one go; `''` renders to `''` without parsing, as ESO does.
 *
 * @example
 * ```ts
 * renderTemplate('{{ printf "%s-%s" .a .b }}', { a: 'x', b: 'y' }); // 'x-y'
 * renderTemplate('{{ .remoteRef.missing }}', { remoteRef: {} }); // '<no value>'
 * ```
 */
export function renderTemplate(text: string, data: unknown, options?: TemplateOptions): string {
  if (text === '') return '';
  return parseTemplate(text, options).execute(data);
}

export { compileGoRegexp, goReplaceAll } from './go-regexp.ts';
