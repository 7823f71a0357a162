/**
 * Runs the sync for one scenario size in its own process, so its peak RSS is the sync's alone (the
 * control plane, endpoint and metrics scraping live in the parent). Driven over IPC by bench/run.ts:
 * setup -> run* -> finish. The gateway and transport are kept across runs, as the Lambda keeps them warm.
 */
import { readFileSync } from 'node:fs';
import { gatewayFromKubeconfigText } from '../src/app/kubeconfig-text.ts';
import { runOnce } from '../src/app/run.ts';
import { loadConfig } from '../src/config/load.ts';
import type { Config } from '../src/config/types.ts';
import type { HttpsGateway } from '../src/kube/https-gateway.ts';
import { NodeHttpTransport } from '../src/providers/webhook/transport.ts';
import type { Selection } from '../src/sync/due.ts';
import type { RunSummary } from '../src/sync/result.ts';

export type WorkerRequest =
  | { readonly type: 'setup'; readonly manifests: string; readonly kubeconfig: string; readonly concurrencyPerHost: number }
  | { readonly type: 'run'; readonly selection: Selection }
  | { readonly type: 'finish' };

export interface WorkerRun {
  readonly wallMs: number;
  readonly counts: RunSummary['counts'];
  /** Client-side counts (the parent also counts at the endpoint). */
  readonly endpointRequests: number;
  readonly entriesFetched: number;
  readonly apiserverConnections: number;
  readonly endpointConnections: number;
  /** A few failure messages, if any (never secret values: the sync's messages do not carry them). */
  readonly failures: readonly string[];
}

export type WorkerReply =
  | { readonly type: 'ready'; readonly loadConfigMs: number; readonly externalSecrets: number; readonly rssAfterImportsKb: number; readonly rssAfterConfigKb: number }
  | { readonly type: 'ran'; readonly run: WorkerRun }
  | { readonly type: 'finished'; readonly maxRssKb: number; readonly vmHwmKb: number | undefined; readonly peakHeapUsedKb: number }
  | { readonly type: 'error'; readonly message: string };

let config: Config | undefined;
let gateway: HttpsGateway | undefined;
let http: NodeHttpTransport | undefined;
let apiserverConnections = 0;
// Peak RSS alone cannot tell live data from garbage V8 has not collected yet; the sampled heap can.
let peakHeapUsed = 0;
const rssAfterImportsKb = process.resourceUsage().maxRSS;
const sampler = setInterval(() => { peakHeapUsed = Math.max(peakHeapUsed, process.memoryUsage().heapUsed); }, 50);
sampler.unref();

function reply(message: WorkerReply): void {
  process.send?.(message);
}

function vmHwmKb(): number | undefined {
  const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
  return match?.[1] ? Number(match[1]) : undefined;
}

async function handle(message: WorkerRequest): Promise<void> {
  if (message.type === 'setup') {
    const t = performance.now();
    config = loadConfig([{ source: 'bench.yaml', text: message.manifests }]);
    const loadConfigMs = performance.now() - t;
    gateway = await gatewayFromKubeconfigText(message.kubeconfig, () => { apiserverConnections++; });
    http = new NodeHttpTransport({ concurrencyPerHost: message.concurrencyPerHost });
    reply({ type: 'ready', loadConfigMs, externalSecrets: config.externalSecrets.length, rssAfterImportsKb, rssAfterConfigKb: process.resourceUsage().maxRSS });
    return;
  }
  if (message.type === 'run') {
    if (!config || !gateway || !http) throw new Error('run before setup');
    const api0 = apiserverConnections;
    const http0 = http.connections;
    const t = performance.now();
    const summary = await runOnce({ gateway, config, source: 'bench', selection: message.selection, http });
    const wallMs = performance.now() - t;
    reply({
      type: 'ran',
      run: {
        wallMs,
        counts: summary.counts,
        endpointRequests: summary.endpointRequests,
        entriesFetched: summary.entriesFetched,
        apiserverConnections: apiserverConnections - api0,
        endpointConnections: http.connections - http0,
        failures: summary.outcomes.filter((o) => o.result === 'failed').slice(0, 3).map((o) => `${o.externalSecret}: ${o.message}`),
      },
    });
    return;
  }
  await gateway?.close();
  await http?.close();
  clearInterval(sampler);
  reply({ type: 'finished', maxRssKb: process.resourceUsage().maxRSS, vmHwmKb: vmHwmKb(), peakHeapUsedKb: Math.round(peakHeapUsed / 1024) });
  process.disconnect();
}

process.on('message', (message: WorkerRequest) => {
  handle(message).catch((error: unknown) => {
    reply({ type: 'error', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  });
});
