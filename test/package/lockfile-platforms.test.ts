/**
 * Issue #12 item 1: `npm ci` works on linux-x64, linux-arm64, darwin-arm64 and darwin-x64. A package
 * limited to some platforms must be optional (npm skips it elsewhere instead of stopping), and each
 * of the four platforms gets a pinned Node 24 from the lockfile.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

interface LockEntry {
  version?: string;
  // npm writes one value as a string, several as a list.
  os?: string | string[];
  cpu?: string | string[];
  optional?: boolean;
  devOptional?: boolean;
  bin?: Record<string, string>;
}

const lock = JSON.parse(await readFile(new URL('../../package-lock.json', import.meta.url), 'utf8')) as { packages: Record<string, LockEntry> };
const entries = Object.entries(lock.packages).filter(([path]) => path !== '');

/** Whether npm would install the entry on `os`/`cpu` (a `!x` entry excludes x). */
function allows(limit: string | string[] | undefined, value: string): boolean {
  const list = limit === undefined ? [] : [limit].flat();
  if (list.length === 0) return true;
  if (list.includes(`!${value}`)) return false;
  return list.some((v) => !v.startsWith('!')) ? list.includes(value) : true;
}

const PLATFORMS = [['linux', 'x64'], ['linux', 'arm64'], ['darwin', 'arm64'], ['darwin', 'x64']] as const;

describe('package-lock.json on every supported platform', () => {
  it('has no non-optional package limited by os or cpu', () => {
    const limited = entries.filter(([, e]) => (e.os ?? e.cpu) !== undefined && !e.optional && !e.devOptional).map(([path, e]) => `${path} (os ${String(e.os)}, cpu ${String(e.cpu)})`);
    expect(limited).toEqual([]);
  });

  it.each(PLATFORMS)('installs exactly one Node 24 binary on %s-%s', (os, cpu) => {
    const nodes = entries.filter(([path, e]) => /^node_modules\/node-(bin-)?[a-z]+-[a-z0-9]+$/u.test(path) && e.bin?.node !== undefined
      && allows(e.os, os) && allows(e.cpu, cpu));
    expect(nodes.map(([path]) => path)).toHaveLength(1);
    expect(nodes[0]?.[1].version).toMatch(/^24\./u);
    expect(nodes[0]?.[1].optional).toBe(true);
  });
});
