/** Collects the data paths a template refers to (best effort, static). */
import type { ArgNode, ItemNode, ListNode, PipeNode } from './ast.ts';

function addArg(refs: Set<string>, node: ArgNode): void {
  switch (node.kind) {
    case 'field':
      refs.add(node.ident.join('.'));
      return;
    case 'variable':
      if (node.ident[0] === '$' && node.ident.length > 1) refs.add(node.ident.slice(1).join('.'));
      return;
    case 'chain':
      addArg(refs, node.node);
      return;
    case 'pipe':
      addPipe(refs, node);
      return;
    default:
      return;
  }
}

/** Static path of a field / `$` node, if any (for `index .a "b"`). */
function basePath(node: ArgNode | undefined): string[] | undefined {
  if (node?.kind === 'field') return [...node.ident];
  if (node?.kind === 'variable' && node.ident[0] === '$') return node.ident.slice(1);
  if (node?.kind === 'dot') return [];
  return undefined;
}

function addPipe(refs: Set<string>, pipe: PipeNode): void {
  for (const cmd of pipe.cmds) {
    for (const arg of cmd.args) addArg(refs, arg);
    const [fn, target, ...keys] = cmd.args;
    if (fn?.kind === 'identifier' && fn.ident === 'index') {
      const base = basePath(target);
      if (base === undefined) continue;
      const path = [...base];
      for (const k of keys) {
        if (k.kind !== 'string') break;
        path.push(k.text);
        refs.add(path.join('.'));
      }
    }
  }
}

function addItem(refs: Set<string>, node: ItemNode): void {
  switch (node.kind) {
    case 'action':
      addPipe(refs, node.pipe);
      return;
    case 'if':
    case 'range':
    case 'with':
      addPipe(refs, node.pipe);
      addList(refs, node.list);
      if (node.elseList) addList(refs, node.elseList);
      return;
    case 'template':
      if (node.pipe) addPipe(refs, node.pipe);
      return;
    case 'list':
      addList(refs, node);
      return;
    default:
      return;
  }
}

function addList(refs: Set<string>, list: ListNode): void {
  for (const n of list.nodes) addItem(refs, n);
}

/** Every dotted field chain used in the given trees, e.g. `remoteRef.key`. */
export function collectReferences(trees: Iterable<ListNode>): ReadonlySet<string> {
  const refs = new Set<string>();
  for (const t of trees) addList(refs, t);
  return refs;
}
