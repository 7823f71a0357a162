/** Go's argument type checks (`validateType`, literal coercion) for the declared parameter kinds. */
import type { ArgNode } from './ast.ts';
import type { ParamKind } from './func-spec.ts';

/** The Go type each parameter kind stands for, as error messages name it. */
export const GO_TYPE: Readonly<Record<ParamKind, string>> = {
  any: 'interface {}', value: 'reflect.Value', string: 'string', int: 'int', number: 'float64', bool: 'bool',
};

/** Go's wording in "expected X; found <literal>". */
export const LITERAL_EXPECTED: Readonly<Record<ParamKind, string>> = {
  any: 'interface {}', value: 'reflect.Value', string: 'string', int: 'integer', number: 'float', bool: 'bool',
};

/** Whether a runtime value may be passed to a parameter of this kind. */
export function acceptsValue(kind: ParamKind, value: unknown): boolean {
  switch (kind) {
    case 'any':
    case 'value':
      return true;
    case 'string':
      return typeof value === 'string';
    case 'int':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'bool':
      return typeof value === 'boolean';
  }
}

/** Whether a literal node (bool, number, string) may be passed to a parameter of this kind. */
export function acceptsLiteral(kind: ParamKind, n: ArgNode): boolean {
  switch (kind) {
    case 'any':
    case 'value':
      return true;
    case 'string':
      return n.kind === 'string';
    case 'int':
      return n.kind === 'number' && n.isInt;
    case 'number':
      return n.kind === 'number';
    case 'bool':
      return n.kind === 'bool';
  }
}
