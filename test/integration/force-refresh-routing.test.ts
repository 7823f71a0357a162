/**
 * The ForceRefresh rules, taken from the synthesized template, installed on a moto EventBridge bus
 * with SQS targets standing in for the functions (moto never runs Lambda code); the event is the
 * one `refresh --async` puts. Every function receives a named ForceRefresh; what each then runs is
 * the function's own routing (functions/sync/owned.ts) against the config of the moment.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Command } from 'commander';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseEvent } from '../../functions/sync/event.ts';
import { routeFor } from '../../functions/sync/owned.ts';
import { loadConfigFromPaths } from '../../src/config/load.ts';
import type { Config } from '../../src/config/types.ts';
import { buildApp } from '../../infra/app.ts';
import { registerRefreshCommand } from '../../src/cli/commands/refresh.ts';
import { captureEvents, startMoto, type EventCapture, type Moto } from '../support/moto.ts';

const BUS = 'wss-routing';
/** The manifests at deploy time. */
const DEPLOYED = { db: '15m', api: '1h' } as const;

function manifests(intervals: Readonly<Record<string, string>> = DEPLOYED): string {
  const dir = mkdtempSync(join(tmpdir(), 'wss-routing-'));
  const store = { apiVersion: 'external-secrets.io/v1', kind: 'SecretStore', metadata: { name: 'store', namespace: 'apps' }, spec: { provider: { webhook: { url: 'https://secrets.example.com/{{ .remoteRef.key }}', result: { jsonPath: '$.value' } } } } };
  const es = (name: string, refreshInterval: string) => ({ apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name, namespace: 'apps' }, spec: { refreshInterval, secretStoreRef: { name: 'store' }, data: [{ secretKey: 'k', remoteRef: { key: name } }] } });
  writeFileSync(join(dir, 'all.yaml'), [store, ...Object.entries(intervals).map(([name, interval]) => es(name, interval))].map((d) => stringify(d)).join('---\n'));
  return dir;
}

/** The cadence (WSS_CADENCE of the target function) -> that rule's EventPattern, from the template. */
async function patternsByCadence(): Promise<Map<string, unknown[]>> {
  const { app, stack } = await buildApp(new App({ context: { 'aws:cdk:bundling-stacks': [], manifests: manifests(), eksCluster: 'prod' } }));
  app.synth();
  const template = Template.fromStack(stack);
  const fns = template.findResources('AWS::Lambda::Function');
  const cadenceOf = (logicalId: string): string => (fns[logicalId] as { Properties: { Environment: { Variables: Record<string, string> } } }).Properties.Environment.Variables.WSS_CADENCE ?? '';
  const out = new Map<string, unknown[]>();
  for (const rule of Object.values(template.findResources('AWS::Events::Rule'))) {
    const p = (rule as { Properties: { EventPattern: unknown; Targets: { Arn: { 'Fn::GetAtt': [string, string] } }[] } }).Properties;
    const cadence = cadenceOf(p.Targets[0]?.Arn['Fn::GetAtt'][0] ?? '');
    out.set(cadence, [...(out.get(cadence) ?? []), p.EventPattern]);
  }
  return out;
}

async function cli(argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  let code = -1;
  const program = new Command().exitOverride();
  registerRefreshCommand(program, { out: (t) => { out += t; }, err: (t) => { out += t; } }, (c) => { code = c; });
  await program.parseAsync(argv, { from: 'user' });
  return { code, out };
}

describe('ForceRefresh routing (mock AWS: moto EventBridge with SQS targets standing in for the functions)', () => {
  let moto: Moto;
  const queues = new Map<string, EventCapture>();
  const savedEnv = { ...process.env };

  let deployed: Config;

  beforeAll(async () => {
    deployed = await loadConfigFromPaths([manifests()], { defaultNamespace: 'default' });
    moto = await startMoto();
    Object.assign(process.env, moto.env);
    const patterns = await patternsByCadence();
    let first = true;
    for (const [cadence, list] of patterns) {
      // One queue per function; every rule of that function targets it.
      for (const [i, pattern] of list.entries()) {
        const capture = await captureEvents(moto, { busName: BUS, pattern, createBus: first, name: `fn-${cadence}-${String(i)}` });
        first = false;
        queues.set(`${cadence}:${String(i)}`, capture);
      }
    }
  }, 120_000);

  afterAll(async () => {
    process.env = savedEnv;
    await moto?.close();
  });

  const received = async (prefix: string, wait: number) => {
    const all = await Promise.all([...queues].filter(([k]) => k.startsWith(`${prefix}:`)).map(([, q]) => q.receive(1, wait)));
    // Each queue is waited on for at most `wait`; an empty answer means no rule of that function matched.
    return all.flat();
  };

  /** What each deployed function does with the event it received, against the config of now. */
  const routedBy = (events: readonly unknown[], cadence: string, now: Config) => events.map((e) => {
    const { trigger, selection } = parseEvent(e);
    return routeFor(trigger, selection, now, { cadence, scheduledCadences: ['15m', '1h'] });
  });

  // Intentional change (#15 item 2): a named ForceRefresh reaches every function and each keeps
  // what it owns in the current config; before, the rules listed the names known at synth time.
  it('`refresh apps/db --async` reaches every function; only the 15m one (the owner) runs it', async () => {
    // Act
    const { code, out } = await cli(['refresh', 'apps/db', '--async', '--event-bus', BUS]);
    // Assess
    expect(code).toBe(0);
    expect(out).toMatch(/^ForceRefresh event \S+ put on bus wss-routing\n$/u);
    const [to15m, to1h] = [await received('15m', 5_000), await received('1h', 5_000)];
    expect(to15m).toEqual([expect.objectContaining({ 'detail-type': 'ForceRefresh', source: 'webhook-secret-sync.cli', detail: { externalSecrets: ['apps/db'] } })]);
    expect(routedBy(to15m, '15m', deployed)).toEqual([{ selection: { externalSecrets: ['apps/db'] }, unserved: [] }]);
    expect(routedBy(to1h, '1h', deployed)).toEqual([{ selection: undefined, unserved: [] }]);
  });

  it('reaches ExternalSecrets added or moved after deploy: the function owning them now runs them', async () => {
    // Prepare: since the deploy, apps/new was added at 1h and apps/db moved from 15m to 1h.
    const now = await loadConfigFromPaths([manifests({ db: '1h', api: '1h', new: '1h' })], { defaultNamespace: 'default' });
    // Act
    await cli(['refresh', 'apps/new', 'apps/db', '--async', '--event-bus', BUS]);
    // Assess
    expect(routedBy(await received('1h', 5_000), '1h', now)).toEqual([{ selection: { externalSecrets: ['apps/new', 'apps/db'] }, unserved: [] }]);
    expect(routedBy(await received('15m', 5_000), '15m', now)).toEqual([{ selection: undefined, unserved: [] }]);
  });

  it('`refresh --all --async` reaches the shortest cadence only (it syncs everything once)', async () => {
    await cli(['refresh', '--all', '--async', '--event-bus', BUS]);
    expect(await received('15m', 5_000)).toEqual([expect.objectContaining({ detail: { all: true } })]);
    expect(await received('1h', 1_500)).toEqual([]);
  });

  it('an ExternalSecret no manifest names runs nowhere and is reported once, by the shortest cadence', async () => {
    await cli(['refresh', 'apps/unknown', '--async', '--event-bus', BUS]);
    expect(routedBy(await received('15m', 5_000), '15m', deployed)).toEqual([{ selection: undefined, unserved: ['apps/unknown'] }]);
    expect(routedBy(await received('1h', 5_000), '1h', deployed)).toEqual([{ selection: undefined, unserved: [] }]);
  });

  it.each([
    [['refresh', 'not-a-ref', '--async'], /expected NAMESPACE\/NAME/u],
    [['refresh', 'apps/db'], /give --function NAME/u],
    [['refresh', '--async'], /at least one NAMESPACE\/NAME/u],
  ])('refuses %j with a usage error', async (argv, message) => {
    await expect(cli(argv)).rejects.toThrow(message);
  });
});
