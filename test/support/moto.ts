/**
 * moto_server (AWS emulation) on a free 127.0.0.1 port for one test file, plus small helpers to
 * capture EventBridge deliveries in an SQS queue. Install: `python3 -m pip install 'moto[server]'`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { freePort, spawnLogged, stopProcess } from '../../src/local/processes.ts';
import { recordOutput } from './leak.ts';

export const MOTO_REGION = 'us-east-1';
export const MOTO_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' } as const;

export interface Moto {
  readonly endpoint: string;
  /** Options for any SDK v3 client. */
  readonly client: { endpoint: string; region: string; credentials: typeof MOTO_CREDENTIALS };
  /** Environment for a child process whose SDK should talk to moto. */
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

export function motoServerPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v moto_server'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error("moto_server not found: install it with `python3 -m pip install 'moto[server]'`");
  }
}

/** Starts moto_server and waits until it answers. */
export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'wss-moto-'));
  const proc = spawnLogged({ command: motoServerPath(), args: ['-H', '127.0.0.1', '-p', String(port)], logPath: join(dir, 'moto.log') });
  const endpoint = `http://127.0.0.1:${String(port)}`;
  const until = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${endpoint}/moto-api/`)).status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`moto_server did not start on ${endpoint} (log: ${dir}/moto.log)`);
    await sleep(200);
  }
  return {
    endpoint,
    client: { endpoint, region: MOTO_REGION, credentials: MOTO_CREDENTIALS },
    env: { AWS_ENDPOINT_URL: endpoint, AWS_REGION: MOTO_REGION, AWS_DEFAULT_REGION: MOTO_REGION, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' },
    close: () => stopProcess({ pid: proc.pid, graceMs: 2_000 }),
  };
}

export interface EventCapture {
  readonly queueUrl: string;
  /** Waits for `count` events delivered to the queue (parsed EventBridge envelopes). */
  receive(count: number, timeoutMs?: number): Promise<Record<string, unknown>[]>;
}

/**
 * A bus (created unless it is `default`) with a rule of `pattern` whose target is a fresh SQS queue.
 *
 * @example
 * ```ts
 * const capture = await captureEvents(moto, { busName: 'wss', pattern: { 'detail-type': ['ForceRefresh'] } });
 * ```
 */
export async function captureEvents(moto: Moto, o: { busName: string; pattern: unknown; createBus?: boolean; name?: string }): Promise<EventCapture> {
  const eb = new EventBridgeClient(moto.client);
  const sqs = new SQSClient(moto.client);
  const name = o.name ?? `capture-${Math.random().toString(36).slice(2, 8)}`;
  if (o.createBus ?? true) await eb.send(new CreateEventBusCommand({ Name: o.busName })).catch((e: unknown) => { if ((e as Error).name !== 'ResourceAlreadyExistsException') throw e; });
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  const queueUrl = QueueUrl ?? '';
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  await eb.send(new PutRuleCommand({ Name: name, EventBusName: o.busName, EventPattern: JSON.stringify(o.pattern) }));
  await eb.send(new PutTargetsCommand({ Rule: name, EventBusName: o.busName, Targets: [{ Id: 'sqs', Arn: attrs.Attributes?.QueueArn ?? '' }] }));
  return {
    queueUrl,
    async receive(count, timeoutMs = 10_000) {
      const out: Record<string, unknown>[] = [];
      const until = Date.now() + timeoutMs;
      while (out.length < count && Date.now() < until) {
        const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
        for (const m of got.Messages ?? []) {
          recordOutput('eventbridge result event', m.Body ?? '');
          out.push(JSON.parse(m.Body ?? '{}') as Record<string, unknown>);
          await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
        }
      }
      return out;
    },
  };
}
