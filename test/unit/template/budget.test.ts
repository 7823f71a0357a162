import { describe, expect, it } from 'vitest';
import { renderTemplate, TemplateError, type BudgetUsage } from '../../../src/template/index.ts';

// Issue #16 item 3: one budget per execution. Each doubling loop below used to reach hundreds of MB
// or gigabytes (printf: 3.6 GB and "Invalid array length"; concat: 884 MB); now each fails on the
// budget. Assertions are on the error and on memory, never on speed.
const DOUBLING: readonly { fn: string; tpl: string; want: RegExp }[] = [
  { fn: 'printf', tpl: '{{ $s := "0123456789abcdef" }}{{ range until 64 }}{{ $s = printf "%s%s" $s $s }}{{ end }}', want: /error calling printf: exceeds the template budget \(16 MiB of values\)/ },
  { fn: 'concat', tpl: '{{ $l := list 1 2 3 4 }}{{ range until 64 }}{{ $l = concat $l $l }}{{ end }}', want: /error calling concat: exceeds the template budget \(16 MiB of values\)/ },
  { fn: 'cat', tpl: '{{ $s := "0123456789abcdef" }}{{ range until 64 }}{{ $s = cat $s $s }}{{ end }}', want: /error calling cat: exceeds the template budget/ },
  { fn: 'repeat', tpl: '{{ $s := "0123456789abcdef" }}{{ range until 64 }}{{ $s = repeat 4 $s }}{{ end }}', want: /error calling repeat: (exceeds the template budget|result exceeds 1048576 characters)/ },
  { fn: 'repeat (one huge call)', tpl: '{{ repeat 1000000000 "abc" }}', want: /error calling repeat: exceeds the template budget \(16 MiB of values\)/ },
  { fn: 'replace', tpl: '{{ $s := "xxxxxxxx" }}{{ range until 64 }}{{ $s = replace "x" "xx" $s }}{{ end }}', want: /error calling replace: (exceeds the template budget|result exceeds)/ },
  { fn: 'join', tpl: '{{ $s := "0123456789abcdef" }}{{ range until 64 }}{{ $s = join $s (list $s $s) }}{{ end }}', want: /error calling join: (exceeds the template budget|result exceeds)/ },
  { fn: 'toJson', tpl: '{{ $s := "<&>" }}{{ range until 64 }}{{ $s = toJson (list $s $s) }}{{ end }}', want: /error calling toJson: exceeds the template budget/ },
  { fn: 'append', tpl: '{{ $l := list }}{{ range $i := until 100000 }}{{ $l = append $l $i }}{{ end }}', want: /error calling append: exceeds the template budget/ },
  { fn: 'list (a shared tree, then printed)', tpl: '{{ $l := list "abcdefgh" }}{{ range until 60 }}{{ $l = list $l $l }}{{ end }}{{ $l }}', want: /exceeds the template budget/ },
  { fn: 'dict (a shared tree, then toJson)', tpl: '{{ $d := dict "k" "v" }}{{ range until 60 }}{{ $d = dict "a" $d "b" $d }}{{ end }}{{ toJson $d }}', want: /error calling toJson: exceeds the template budget/ },
  { fn: 'dict (a shared tree, then toYaml)', tpl: '{{ $d := dict "k" "v" }}{{ range until 60 }}{{ $d = dict "a" $d "b" $d }}{{ end }}{{ toYaml $d }}', want: /error calling toYaml: exceeds the template budget/ },
  { fn: 'deepEqual (a shared tree)', tpl: '{{ $a := list 1 }}{{ $b := list 1 }}{{ range until 60 }}{{ $a = list $a $a }}{{ $b = list $b $b }}{{ end }}{{ deepEqual $a $b }}', want: /error calling deepEqual: exceeds the template budget \(1000000 steps\)/ },
  { fn: 'b32enc', tpl: '{{ $s := "0123456789abcdef" }}{{ range until 64 }}{{ $s = b32enc $s }}{{ end }}', want: /error calling b32enc: exceeds the template budget/ },
  { fn: 'urlquery', tpl: '{{ $s := "%%%%" }}{{ range until 64 }}{{ $s = urlquery $s $s }}{{ end }}', want: /error calling urlquery: exceeds the template budget/ },
  { fn: 'splitList then join', tpl: '{{ $s := "abcdefgh" }}{{ range until 64 }}{{ $s = splitList "" (cat $s $s) | join "," }}{{ end }}', want: /error calling (splitList|join|cat): (exceeds the template budget|result exceeds)/ },
  { fn: 'title over a growing string', tpl: '{{ $s := "ab cd " }}{{ range until 64 }}{{ $s = title (printf "%s%s" $s $s) }}{{ end }}', want: /error calling printf: exceeds the template budget/ },
  { fn: 'printf width from a built format', tpl: '{{ $f := repeat 2000 "%[1]65536s" }}{{ printf $f "x" }}', want: /error calling printf: exceeds the template budget/ },
];

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('one budget per template execution', () => {
  it.each(DOUBLING)('a $fn doubling loop fails on the budget with little memory', ({ tpl, want }) => {
    // Prepare
    const before = process.memoryUsage().rss;
    let usage: BudgetUsage | undefined;
    // Act
    const error = errorOf(() => renderTemplate(tpl, {}, { name: 'tls.crt', onUsage: (u) => { usage = u; } }));
    // Assess
    expect(error).toBeInstanceOf(TemplateError);
    expect(error.message).toMatch(want);
    expect(error.message).toMatch(/^template: tls\.crt:1:\d+: executing "tls\.crt" at </);
    // The function has 1 GB; 16 MiB of values may cost a few times that in V8 (UTF-16, garbage).
    expect(process.memoryUsage().rss - before).toBeLessThan(400 * 2 ** 20);
    expect(usage?.steps).toBeGreaterThan(0);
  });

  it('fails on the step limit of a custom budget, naming it', () => {
    // Act
    const act = () => renderTemplate('{{ range until 5000 }}x{{ end }}', {}, { budget: { maxBytes: 1 << 20, maxSteps: 1000, maxMillis: 60_000 } });
    // Assess
    expect(act).toThrow(/^template: webhooktemplate:1:\d+: executing "webhooktemplate" at <.*>: exceeds the template budget \(1000 steps\)$/);
  });

  it('stops at the wall-clock bound, which is read from the clock it is given (a fake one here)', () => {
    // Prepare: every look at the clock is 10 ms later, so the 1 s bound passes after 100 looks.
    let now = 0;
    const clock = (): number => (now += 10);
    // Act
    const act = () => renderTemplate('{{ range until 90000 }}{{ end }}', {}, { clock });
    // Assess
    expect(act).toThrow(/exceeds the template budget \(1000 ms\)$/);
  });

  it('charges the output too: a template writing more than the budget fails', () => {
    // Act
    const act = () => renderTemplate('{{ range until 90000 }}{{ $.s }}{{ end }}', { s: 'x'.repeat(256) }, { budget: { maxBytes: 1 << 20, maxSteps: 1e6, maxMillis: 60_000 } });
    // Assess
    expect(act).toThrow(/exceeds the template budget \(1 MiB of values\)/);
  });

  it('does not charge a value handed back unchanged, so big inputs pass through any number of times', () => {
    // Prepare: 256 KiB of input, passed through 200 times (50 MiB if each pass were charged).
    const big = 'k'.repeat(256 * 1024);
    let usage: BudgetUsage | undefined;
    // Act
    const out = renderTemplate('{{ range until 200 }}{{ $x := $.v | default "" | toString }}{{ end }}{{ len .v }}', { v: big }, { onUsage: (u) => { usage = u; } });
    // Assess
    expect(out).toBe(String(big.length));
    expect(usage?.bytes).toBeLessThan(64 * 1024);
  });

  it('lets an ordinary keystore template through: a 700 KiB value, b64enc, sha256sum and toJson', () => {
    // Prepare
    const ks = 'A'.repeat(700 * 1024);
    // Act
    const out = renderTemplate('{{ .ks | b64enc | len }} {{ .ks | sha256sum | len }} {{ dict "k" .ks | toJson | len }}', { ks });
    // Assess
    expect(out).toBe(`${String(Math.ceil(ks.length / 3) * 4)} 64 ${String(ks.length + 8)}`);
  });
});
