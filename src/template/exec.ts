/** Executes parsed templates with Go `text/template` semantics (a transcription of Go's exec.go). */
import type {
  AnyNode, ArgNode, BranchNode, ChainNode, CommandNode, FieldNode, IdentifierNode, ItemNode, PipeNode, TemplateCallNode,
  VariableNode,
} from './ast.ts';
import { errorContext, nodeToString } from './ast.ts';
import { acceptsLiteral, acceptsValue, GO_TYPE, LITERAL_EXPECTED } from './arg-types.ts';
import { Budget, shallowSize, TemplateBudgetError, withBudget } from './budget.ts';
import { TemplateError } from './errors.ts';
import type { FuncMap, FuncSpec, ParamKind } from './func-spec.ts';
import { LIMITS, type BudgetLimits, type BudgetUsage } from './limits.ts';
import type { ParsedTemplate } from './parser.ts';
import { Scope } from './scope.ts';
import { formatValue, isMap, isNil, isTrue, NO_VALUE, sortedKeys, typeName } from './values.ts';

export interface ExecOptions {
  readonly missingKey: 'default' | 'error';
  readonly funcs: FuncMap;
  /** Builtins whose `and`/`or` short-circuit (user funcs may shadow them). */
  readonly shortCircuit: ReadonlySet<FuncSpec>;
  /** Limits of this execution's budget (default: DEFAULT_BUDGET). */
  readonly budget?: BudgetLimits | undefined;
  /** Clock of the budget's wall-clock backstop (tests pass a fake one). */
  readonly clock?: (() => number) | undefined;
  /** Told what the execution used, whether it succeeded or not. */
  readonly onUsage?: ((usage: BudgetUsage) => void) | undefined;
}

/** Go's `missingVal`: "no final pipeline value". */
const MISSING: unique symbol = Symbol('missing');
type Final = unknown;
type Signal = 'break' | 'continue' | undefined;

class State {
  private tmplName: string;
  private vars = new Scope(NO_VALUE);
  private node: AnyNode | undefined;
  private depth = 0;
  private iterations = 0;
  private readonly out: string[] = [];
  private outLen = 0;
  private readonly parsed: ParsedTemplate;
  private readonly opts: ExecOptions;
  private readonly budget: Budget;

  constructor(parsed: ParsedTemplate, opts: ExecOptions, budget: Budget) {
    this.parsed = parsed;
    this.opts = opts;
    this.budget = budget;
    this.tmplName = parsed.name;
  }

  run(data: unknown): string {
    const dot = isNil(data) ? NO_VALUE : data;
    this.vars = new Scope(dot);
    const root = this.parsed.templates.get(this.parsed.name) ?? this.parsed.root;
    try {
      this.walk(dot, root);
    } catch (err) {
      // A budget error raised outside a function call gets the location of the node being run.
      if (err instanceof TemplateBudgetError) this.errorf(err.message, err);
      throw err;
    }
    return this.out.join('');
  }

  // --- errors -----------------------------------------------------------------------------------
  private at(node: AnyNode): void {
    this.node = node;
  }

  errorf(message: string, cause?: unknown): never {
    const opts = cause === undefined ? undefined : { cause };
    if (this.node === undefined) throw new TemplateError(`template: ${this.tmplName}: ${message}`, opts);
    const { location, context } = errorContext(this.parsed.text, this.parsed.name, this.node);
    throw new TemplateError(`template: ${location}: executing ${JSON.stringify(this.tmplName)} at <${context}>: ${message}`, opts);
  }

  // --- output -----------------------------------------------------------------------------------
  private write(s: string): void {
    this.budget.chargeBytes(s.length);
    this.outLen += s.length;
    if (this.outLen > LIMITS.maxOutput) this.errorf(`template output exceeds ${LIMITS.maxOutput} characters`);
    this.out.push(s);
  }

  // --- variables --------------------------------------------------------------------------------
  private setVar(name: string, value: unknown): void {
    if (!this.vars.set(name, value)) this.errorf(`undefined variable: ${name}`);
  }
  private varValue(name: string): unknown {
    return (this.vars.lookup(name) ?? this.errorf(`undefined variable: ${name}`)).value;
  }

  // --- statements -------------------------------------------------------------------------------
  private walk(dot: unknown, node: ItemNode): Signal {
    this.at(node);
    this.budget.chargeSteps(1);
    switch (node.kind) {
      case 'action': {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.write(formatValue(val));
        return undefined;
      }
      case 'break':
      case 'continue':
        return node.kind;
      case 'if':
      case 'with':
        return this.walkIfOrWith(dot, node);
      case 'list':
        for (const n of node.nodes) {
          const sig = this.walk(dot, n);
          if (sig) return sig;
        }
        return undefined;
      case 'range':
        this.walkRange(dot, node);
        return undefined;
      case 'template':
        this.walkTemplate(dot, node);
        return undefined;
      case 'text':
        this.write(node.text);
        return undefined;
    }
  }

  private walkIfOrWith(dot: unknown, node: BranchNode): Signal {
    const mark = this.vars.mark;
    try {
      const val = this.evalPipeline(dot, node.pipe);
      if (isTrue(val)) return this.walk(node.kind === 'with' ? val : dot, node.list);
      if (node.elseList) return this.walk(dot, node.elseList);
      return undefined;
    } finally {
      this.vars.popTo(mark);
    }
  }

  private walkRange(dot: unknown, node: BranchNode): void {
    this.at(node);
    const outer = this.vars.mark;
    try {
      const val = this.evalPipeline(dot, node.pipe);
      const mark = this.vars.mark;
      const decl = node.pipe.decl;
      const one = (index: unknown, elem: unknown): boolean => {
        this.budget.chargeSteps(1);
        if (++this.iterations > LIMITS.maxRangeIterations) {
          this.at(node);
          this.errorf(`range iteration limit (${LIMITS.maxRangeIterations}) exceeded`);
        }
        const [first, second] = decl;
        if (first) {
          if (node.pipe.isAssign) this.setVar(first.ident[0] ?? '', second ? index : elem);
          else this.vars.setTop(1, elem);
        }
        if (second) {
          if (node.pipe.isAssign) this.setVar(second.ident[0] ?? '', elem);
          else this.vars.setTop(2, index);
        }
        try {
          return this.walk(elem, node.list) === 'break';
        } finally {
          this.vars.popTo(mark);
        }
      };
      let ran = false;
      if (Array.isArray(val) || val instanceof Uint8Array) {
        for (let i = 0; i < val.length; i++) {
          ran = true;
          if (one(i, val[i])) break;
        }
      } else if (isMap(val)) {
        for (const k of sortedKeys(val)) {
          ran = true;
          if (one(k, val[k])) break;
        }
      } else if (typeof val === 'number' && Number.isInteger(val)) {
        if (decl.length > 1) this.errorf(`can't use ${formatValue(val)} to iterate over more than one variable`);
        for (let i = 0; i < val; i++) {
          ran = true;
          if (one(i, i)) break;
        }
      } else if (val !== NO_VALUE && !isNil(val)) {
        this.at(node);
        this.errorf(`range can't iterate over ${formatValue(val)}`);
      }
      if (!ran && node.elseList) this.walk(dot, node.elseList);
    } finally {
      this.vars.popTo(outer);
    }
  }

  private walkTemplate(dot: unknown, node: TemplateCallNode): void {
    this.at(node);
    const tree = this.parsed.templates.get(node.name);
    if (!tree) this.errorf(`template ${JSON.stringify(node.name)} not defined`);
    if (this.depth >= LIMITS.maxTemplateDepth) this.errorf(`exceeded maximum template depth (${LIMITS.maxTemplateDepth})`);
    const newDot = node.pipe ? this.evalPipeline(dot, node.pipe) : NO_VALUE;
    const saved = { vars: this.vars, name: this.tmplName };
    this.depth++;
    this.tmplName = node.name;
    this.vars = new Scope(newDot);
    try {
      this.walk(newDot, tree);
    } finally {
      this.depth--;
      this.vars = saved.vars;
      this.tmplName = saved.name;
    }
  }

  // --- expressions ------------------------------------------------------------------------------
  private evalPipeline(dot: unknown, pipe: PipeNode): unknown {
    this.at(pipe);
    let value: unknown = MISSING;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(dot, cmd, value);
      if (isNil(value)) value = NO_VALUE; // Go turns a nil interface{} into an invalid value here
    }
    for (const v of pipe.decl) {
      if (pipe.isAssign) this.setVar(v.ident[0] ?? '', value);
      else this.vars.push(v.ident[0] ?? '', value);
    }
    return value;
  }

  private notAFunction(args: readonly ArgNode[], final: Final): void {
    if (args.length > 1 || final !== MISSING) this.errorf(`can't give argument to non-function ${nodeToString(args[0] as ArgNode)}`);
  }

  private evalCommand(dot: unknown, cmd: CommandNode, final: Final): unknown {
    const first = cmd.args[0] as ArgNode;
    switch (first.kind) {
      case 'field':
        return this.evalFieldNode(dot, first, cmd.args, final);
      case 'chain':
        return this.evalChainNode(dot, first, cmd.args, final);
      case 'identifier':
        return this.evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariableNode(first, cmd.args, final);
      default:
        break;
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.kind) {
      case 'bool':
      case 'number':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        return this.errorf('nil is not a command');
      case 'string':
        return first.text;
    }
  }

  private evalFieldNode(dot: unknown, field: FieldNode, args: readonly ArgNode[], final: Final): unknown {
    this.at(field);
    return this.evalFieldChain(dot, field.ident, args, final);
  }

  private evalChainNode(dot: unknown, chain: ChainNode, args: readonly ArgNode[], final: Final): unknown {
    this.at(chain);
    if (chain.node.kind === 'nil') this.errorf(`indirection through explicit nil in ${nodeToString(chain)}`);
    const receiver = this.evalArg(dot, 'value', chain.node);
    return this.evalFieldChain(receiver, chain.field, args, final);
  }

  private evalVariableNode(variable: VariableNode, args: readonly ArgNode[], final: Final): unknown {
    this.at(variable);
    const value = this.varValue(variable.ident[0] ?? '');
    if (variable.ident.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(value, variable.ident.slice(1), args, final);
  }

  private evalFieldChain(receiver: unknown, ident: readonly string[], args: readonly ArgNode[], final: Final): unknown {
    let r = receiver;
    for (let i = 0; i < ident.length - 1; i++) r = this.evalField(ident[i] ?? '', [], MISSING, r);
    return this.evalField(ident[ident.length - 1] ?? '', args, final, r);
  }

  private evalField(name: string, args: readonly ArgNode[], final: Final, receiver: unknown): unknown {
    if (receiver === NO_VALUE) {
      if (this.opts.missingKey === 'error') this.errorf(`nil data; no entry for key ${JSON.stringify(name)}`);
      return NO_VALUE;
    }
    if (isNil(receiver)) this.errorf(`nil pointer evaluating interface {}.${name}`);
    if (isMap(receiver)) {
      if (args.length > 1 || final !== MISSING) this.errorf(`${name} is not a method but has arguments`);
      if (Object.hasOwn(receiver, name)) return receiver[name];
      if (this.opts.missingKey === 'error') this.errorf(`map has no entry for key ${JSON.stringify(name)}`);
      return NO_VALUE;
    }
    return this.errorf(`can't evaluate field ${name} in type ${typeName(receiver)}`);
  }

  private evalFunction(dot: unknown, node: IdentifierNode, cmd: AnyNode, args: readonly ArgNode[], final: Final): unknown {
    this.at(node);
    const spec = Object.hasOwn(this.opts.funcs, node.ident) ? this.opts.funcs[node.ident] : undefined;
    if (!spec) this.errorf(`${JSON.stringify(node.ident)} is not a defined function`);
    return this.evalCall(dot, spec, node.ident, cmd, args, final);
  }

  private evalCall(dot: unknown, spec: FuncSpec, name: string, cmd: AnyNode, args: readonly ArgNode[], final: Final): unknown {
    const argNodes = args.slice(1);
    const numIn = argNodes.length + (final === MISSING ? 0 : 1);
    const numFixed = spec.params.length;
    if (spec.variadic !== undefined) {
      if (numIn < numFixed) this.errorf(`wrong number of args for ${name}: want at least ${numFixed} got ${argNodes.length}`);
    } else if (numIn !== numFixed) {
      this.errorf(`wrong number of args for ${name}: want ${numFixed} got ${numIn}`);
    }
    const kindAt = (i: number): ParamKind => spec.params[i] ?? spec.variadic ?? 'any';
    if (this.opts.shortCircuit.has(spec)) {
      let v: unknown = NO_VALUE;
      for (const a of argNodes) {
        v = this.evalArg(dot, 'value', a);
        if (isTrue(v) === (name === 'or')) return v;
      }
      return final === MISSING ? v : final;
    }
    const argv = argNodes.map((a, i) => this.evalArg(dot, kindAt(i), a));
    if (final !== MISSING) argv.push(this.validateType(final, kindAt(argv.length)));
    try {
      this.budget.chargeSteps(1);
      const result = (spec.fn as (...a: unknown[]) => unknown)(...argv);
      // What a call builds is charged; a function that hands back one of its arguments built nothing.
      if (!argv.includes(result)) this.budget.chargeBytes(shallowSize(result));
      return result;
    } catch (err) {
      this.at(cmd);
      this.errorf(`error calling ${name}: ${err instanceof Error ? err.message : String(err)}`, err);
    }
  }

  private validateType(value: unknown, kind: ParamKind): unknown {
    if (value === NO_VALUE) {
      if (kind === 'value') return NO_VALUE;
      if (kind === 'any') return null;
      this.errorf(`invalid value; expected ${GO_TYPE[kind]}`);
    }
    if (!acceptsValue(kind, value)) this.errorf(`wrong type for value; expected ${GO_TYPE[kind]}; got ${isNil(value) ? 'interface {}' : typeName(value)}`);
    return value === undefined ? null : value;
  }

  private evalArg(dot: unknown, kind: ParamKind, n: ArgNode): unknown {
    this.at(n);
    switch (n.kind) {
      case 'dot':
        return this.validateType(dot, kind);
      case 'nil':
        if (kind === 'any' || kind === 'value') return null;
        return this.errorf(`cannot assign nil to ${GO_TYPE[kind]}`);
      case 'field':
        return this.validateType(this.evalFieldNode(dot, n, [n], MISSING), kind);
      case 'variable':
        return this.validateType(this.evalVariableNode(n, [n], MISSING), kind);
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, n), kind);
      case 'identifier':
        return this.validateType(this.evalFunction(dot, n, n, [n], MISSING), kind);
      case 'chain':
        return this.validateType(this.evalChainNode(dot, n, [], MISSING), kind);
      default:
        break;
    }
    const literal = n.kind === 'string' ? n.text : n.value;
    if (!acceptsLiteral(kind, n)) this.errorf(`expected ${LITERAL_EXPECTED[kind]}; found ${nodeToString(n)}`);
    return literal;
  }
}

/** Runs a parsed template over `data`; every failure is a {@link TemplateError}. */
export function execute(parsed: ParsedTemplate, data: unknown, opts: ExecOptions): string {
  const budget = new Budget(opts.budget, opts.clock);
  try {
    return withBudget(budget, () => new State(parsed, opts, budget).run(data));
  } catch (err) {
    if (err instanceof TemplateError) throw err;
    const msg = err instanceof Error ? err.message : String(err);
    throw new TemplateError(`template: ${parsed.name}: execution failed: ${msg}`, { cause: err });
  } finally {
    opts.onUsage?.({ bytes: budget.bytes, steps: budget.steps });
  }
}
