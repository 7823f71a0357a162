/** ExternalSecret documents -> ExternalSecretDef: ESO's admission rules plus what the webhook provider cannot do. */
import { createHash } from 'node:crypto';
import { formatDuration, parseGoDuration } from '../model/duration.ts';
import { ExternalSecretSpec } from '../model/manifests.ts';
import type { IssueSink } from './issues.ts';
import { compileGoRegexp } from '../template/index.ts';
import { checkTemplate } from './validate-store.ts';
import type { ExternalSecretDef, Origin } from './types.ts';

export interface ExternalSecretDocument {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly spec: unknown;
  readonly origin: Origin;
}

/**
 * Validates one ExternalSecret. Returns undefined only when the spec cannot be read at all; a def
 * with field problems is still returned so its store references are checked too (every error is
 * reported in one pass; the loader refuses the config when any issue was recorded).
 */
export function validateExternalSecret(doc: ExternalSecretDocument, sink: IssueSink): ExternalSecretDef | undefined {
  const object = `ExternalSecret ${doc.namespace}/${doc.name}`;
  const add = (path: string, message: string): void => {
    sink.add(doc.origin, object, path, message);
  };
  const parsed = ExternalSecretSpec.safeParse(doc.spec ?? {});
  if (!parsed.success) {
    sink.addZod(doc.origin, object, 'spec', parsed.error);
    return undefined;
  }
  const spec = parsed.data;
  let refreshMs = 0;
  try {
    refreshMs = parseGoDuration(spec.refreshInterval);
    if (refreshMs < 0) add('spec.refreshInterval', `expected a duration of 0 or more, got "${spec.refreshInterval}"`);
  } catch (e) {
    add('spec.refreshInterval', (e as Error).message);
  }
  if ((spec.data?.length ?? 0) === 0 && (spec.dataFrom?.length ?? 0) === 0) {
    add('spec', 'expected at least one entry in data or dataFrom');
  }
  checkUnsupported(spec, add);
  checkPolicies(spec, add);
  checkDuplicateKeys(spec, add);
  for (const [i, d] of (spec.dataFrom ?? []).entries()) {
    for (const [j, r] of (d.rewrite ?? []).entries()) {
      const at = `spec.dataFrom[${String(i)}].rewrite[${String(j)}]`;
      if (r.regexp) {
        try {
          compileGoRegexp(r.regexp.source);
        } catch (e) {
          add(`${at}.regexp.source`, `invalid regular expression "${r.regexp.source}": ${(e as Error).message}`);
        }
      }
      if (r.transform) checkTemplate(r.transform.template, `${at}.transform.template`, add);
    }
  }
  const tpl = spec.target.template;
  for (const [k, v] of Object.entries(tpl?.data ?? {})) checkTemplate(v, `spec.target.template.data.${k}`, add, k);
  for (const [k, v] of Object.entries(tpl?.metadata?.labels ?? {})) checkTemplate(v, `spec.target.template.metadata.labels.${k}`, add, k);
  for (const [k, v] of Object.entries(tpl?.metadata?.annotations ?? {})) checkTemplate(v, `spec.target.template.metadata.annotations.${k}`, add, k);
  if (tpl?.type) checkTemplate(tpl.type, 'spec.target.template.type', add);

  const targetName = spec.target.name ?? doc.name;
  return {
    namespace: doc.namespace,
    name: doc.name,
    labels: doc.labels,
    annotations: doc.annotations,
    spec,
    refreshMs,
    cadence: formatDuration(refreshMs),
    targetName,
    specHash: hashOf({ spec, labels: doc.labels, annotations: doc.annotations }),
    origin: doc.origin,
  };
}

function checkUnsupported(spec: ExternalSecretSpec, add: (path: string, message: string) => void): void {
  for (const [i, d] of (spec.dataFrom ?? []).entries()) {
    const at = `spec.dataFrom[${String(i)}]`;
    if (d.find !== undefined) add(`${at}.find`, 'dataFrom[].find is not supported by the webhook provider (it cannot list secrets); use extract');
    if (d.sourceRef?.generatorRef !== undefined) add(`${at}.sourceRef.generatorRef`, 'generators are not supported; only the webhook provider is');
    const kinds = [d.extract, d.find, d.sourceRef?.generatorRef].filter((x) => x !== undefined).length;
    if (kinds !== 1) add(at, 'expected exactly one of extract, find or sourceRef.generatorRef');
    for (const [j, r] of (d.rewrite ?? []).entries()) {
      if (r.merge !== undefined) add(`${at}.rewrite[${String(j)}].merge`, 'rewrite.merge is not supported yet; use regexp or transform');
    }
  }
  if (spec.target.template?.templateFrom !== undefined) add('spec.target.template.templateFrom', 'templateFrom is not supported yet; use template.data');
  if (spec.target.manifest !== undefined) add('spec.target.manifest', 'only Secret targets are supported');
  if (spec.syncWindows !== undefined) add('spec.syncWindows', 'syncWindows are not supported; use the schedule of the cadence instead');
  for (const [i, d] of (spec.data ?? []).entries()) {
    if (d.sourceRef?.generatorRef !== undefined) add(`spec.data[${String(i)}].sourceRef.generatorRef`, 'generators are not supported; only the webhook provider is');
  }
}

function checkPolicies(spec: ExternalSecretSpec, add: (path: string, message: string) => void): void {
  const { creationPolicy, deletionPolicy } = spec.target;
  if (deletionPolicy === 'Delete' && ['Merge', 'None', 'CreateOrMerge'].includes(creationPolicy)) {
    add('spec.target.deletionPolicy', `deletionPolicy=Delete is not allowed with creationPolicy=${creationPolicy}`);
  }
  if (deletionPolicy === 'Merge' && creationPolicy === 'None') {
    add('spec.target.deletionPolicy', 'deletionPolicy=Merge is not allowed with creationPolicy=None');
  }
}

function checkDuplicateKeys(spec: ExternalSecretSpec, add: (path: string, message: string) => void): void {
  if (spec.target.deletionPolicy !== 'Retain') return;
  const seen = new Map<string, number>();
  for (const [i, d] of (spec.data ?? []).entries()) {
    const first = seen.get(d.secretKey);
    if (first !== undefined) add(`spec.data[${String(i)}].secretKey`, `duplicate secretKey "${d.secretKey}" (also spec.data[${String(first)}])`);
    else seen.set(d.secretKey, i);
  }
}

/** A stable hash of a JSON-like value (object keys sorted). */
export function hashOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 32);
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}
