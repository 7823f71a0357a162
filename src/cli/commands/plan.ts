import type { Command } from 'commander';
import { planRun } from '../../providers/webhook/plan.ts';
import { addManifestOptions, EXIT, loadFromOptions, type Io } from '../context.ts';
import { table } from '../output.ts';

/** `plan -f PATH...`: cadences, ExternalSecrets per cadence, and the requests one run makes. */
export function registerPlanCommand(program: Command, io: Io, setExit: (code: number) => void): void {
  addManifestOptions(program.command('plan').description('show cadences and the requests one run makes, calling nothing'))
    .option('-o, --output <format>', 'text or json', 'text')
    .action(async (opts: { filename: string[]; namespace: string; output: string }) => {
      const config = await loadFromOptions(opts);
      const plan = planRun(config);
      if (opts.output === 'json') {
        io.out(`${JSON.stringify(plan, null, 2)}\n`);
      } else {
        io.out(table(['CADENCE', 'EXTERNALSECRETS'], plan.cadences.map((c) => [c.cadence, c.externalSecrets.join(', ')])));
        io.out(`\n${String(plan.requests.length)} request(s) per run after de-duplication (ESO would send ${String(plan.esoRequestCount)}):\n`);
        io.out(table(['METHOD', 'URL', 'HEADERS', 'STORE', 'USED BY'], plan.requests.map((r) => [r.method, r.url, r.headerNames.join(',') || '-', r.store, r.usedBy.join(', ')])));
        for (const u of plan.unrenderable) io.err(`cannot render ${u.entry}: ${u.error}\n`);
      }
      setExit(plan.unrenderable.length > 0 ? EXIT.failed : EXIT.ok);
    });
}
