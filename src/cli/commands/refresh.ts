/**
 * `refresh NAMESPACE/NAME...`: force a refresh in the deployed stack. By default it invokes the sync
 * function and prints its report; `--async` puts a ForceRefresh event on the bus instead, which the
 * stack routes to the function that owns each ExternalSecret.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import type { Command } from 'commander';
import { forceRefreshEntry, putEvents, type ForceRefreshDetail } from '../../aws/events.ts';
import { FunctionError, invokeFunction } from '../../aws/invoke-function.ts';
import { UsageError } from '../../model/errors.ts';
import { EXIT, type Io } from '../context.ts';
import { table } from '../output.ts';
import { EXTERNAL_SECRET_REF } from '../../model/managed.ts';

interface RefreshOptions {
  async?: boolean;
  all?: boolean;
  function?: string;
  eventBus: string;
  region?: string;
  output: string;
}

interface ReportLike {
  counts?: Record<string, number>;
  synced?: Item[];
  unchanged?: Item[];
  failed?: Item[];
  skipped?: Item[];
  durationMs?: number;
}
interface Item { externalSecret: string; target: string; result: string; reason: string; message: string }


/**
 * @example
 * ```ts
 * registerRefreshCommand(program, processIo, setExit); // refresh apps/db --function wss-1h
 * ```
 */
export function registerRefreshCommand(program: Command, io: Io, setExit: (code: number) => void): void {
  program.command('refresh')
    .description('force a refresh in the deployed stack: invoke the function (prints its report) or, with --async, put a ForceRefresh event')
    .argument('[externalSecrets...]', 'NAMESPACE/NAME of ExternalSecrets to refresh')
    .option('--all', 'refresh every ExternalSecret')
    .option('--async', 'put a ForceRefresh event on the bus and return (the stack routes it to the owning function)')
    .option('--function <name>', 'sync function to invoke (stack output Function<cadence>); needed without --async')
    .option('--event-bus <name>', 'event bus for --async (stack output EventBusName: the stack name)', 'WebhookSecretSync')
    .option('--region <region>', 'AWS region (default from the environment / profile)')
    .option('-o, --output <format>', 'table or json', 'table')
    .action(async (refs: string[], opts: RefreshOptions) => {
      const detail = detailOf(refs, opts.all);
      const region = opts.region ? { region: opts.region } : {};
      if (opts.async) {
        const [id] = await putEvents(new EventBridgeClient(region), [forceRefreshEntry(opts.eventBus, detail)]);
        io.out(opts.output === 'json' ? `${JSON.stringify({ eventId: id, eventBus: opts.eventBus, detail })}\n` : `ForceRefresh event ${id ?? ''} put on bus ${opts.eventBus}\n`);
        setExit(EXIT.ok);
        return;
      }
      if (!opts.function) throw new UsageError('refresh: give --function NAME (the stack output Function<cadence>) or use --async');
      try {
        const report = (await invokeFunction({ client: new LambdaClient(region), functionName: opts.function, payload: detail })) as ReportLike;
        printReport(report, opts.output, io);
        setExit((report.failed?.length ?? 0) > 0 ? EXIT.failed : EXIT.ok);
      } catch (e) {
        if (!(e instanceof FunctionError)) throw e;
        io.err(`${e.message}\n`);
        setExit(EXIT.failed);
      }
    });
}

function detailOf(refs: readonly string[], all: boolean | undefined): ForceRefreshDetail {
  if (all && refs.length > 0) throw new UsageError('refresh: give NAMESPACE/NAME arguments or --all, not both');
  if (all) return { all: true };
  if (refs.length === 0) throw new UsageError('refresh: give at least one NAMESPACE/NAME (or --all)');
  const bad = refs.find((r) => !EXTERNAL_SECRET_REF.test(r));
  if (bad !== undefined) throw new UsageError(`refresh: ${bad}: expected NAMESPACE/NAME of an ExternalSecret`);
  return { externalSecrets: [...new Set(refs)] };
}

function printReport(report: ReportLike, output: string, io: Io): void {
  if (output === 'json') {
    io.out(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const items = [...(report.synced ?? []), ...(report.unchanged ?? []), ...(report.skipped ?? []), ...(report.failed ?? [])];
  io.out(table(['EXTERNALSECRET', 'TARGET', 'RESULT', 'REASON', 'MESSAGE'], items.map((i) => [i.externalSecret, i.target, i.result, i.reason, i.message])));
  io.out(`\n${String(report.synced?.length ?? 0)} synced, ${String(report.unchanged?.length ?? 0)} unchanged, ${String(report.skipped?.length ?? 0)} skipped, ${String(report.failed?.length ?? 0)} failed; ${String(report.durationMs ?? 0)} ms\n`);
}
