/** How template functions are declared: Go-like parameter types drive argument checking. */
import { LIMITS } from './limits.ts';

/**
 * Parameter type of a template function. `any` is Go's `interface{}` (a missing value arrives as
 * `null`); `value` is Go's `reflect.Value` (arrives untouched, possibly `NO_VALUE`); the others are
 * checked like Go's `validateType` (`int` accepts integral numbers).
 */
export type ParamKind = 'any' | 'value' | 'string' | 'int' | 'number' | 'bool';

/** A user-supplied template function: plain JS, throw to fail (wrapped as "error calling <fn>: …"). */
export type TemplateFunc = (...args: never[]) => unknown;

export interface FuncSpec {
  readonly params: readonly ParamKind[];
  /** Kind of the trailing variadic parameter, when the function is variadic. */
  readonly variadic?: ParamKind | undefined;
  readonly fn: TemplateFunc;
}

export type FuncMap = Readonly<Record<string, FuncSpec>>;

/** Declares a fixed-arity function. */
export function fixed(params: readonly ParamKind[], fn: TemplateFunc): FuncSpec {
  return { params, fn };
}

/** Declares a variadic function: `params` fixed ones then any number of `rest`. */
export function variadic(params: readonly ParamKind[], rest: ParamKind, fn: TemplateFunc): FuncSpec {
  return { params, variadic: rest, fn };
}

/** Largest string a function may build (keeps `repeat 1e9 "x"` from exhausting memory). */
export const MAX_STRING = LIMITS.maxString;

export function checkSize(s: string): string {
  if (s.length > MAX_STRING) throw new Error(`result exceeds ${MAX_STRING} characters`);
  return s;
}
