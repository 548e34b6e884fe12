// What the benchmark writes: the JSON of issue 7 (exactly its shape), a markdown table and an
// SVG bar chart (one group of bars per benchmark, one bar per mode, ratio to none).
import { z } from 'zod';
import { BENCH_MODES, benchModeSchema, type BenchMode } from './modes.js';
import { PEER_MODES, type PeerMode } from './peers.js';
import { geometricMean, type BenchReport } from './suite.js';

const modeEntrySchema = z
  .object({
    medianMs: z.number().nonnegative(),
    ratio: z.number().positive(),
    fuelConsumed: z.number().int().nonnegative().nullable(),
    dynamicIncrements: z.number().int().nonnegative().nullable(),
    codeBytes: z.number().int().nonnegative(),
  })
  .strict();

export const benchJsonSchema = z
  .object({
    geomean: z.partialRecord(benchModeSchema, z.number().positive()),
    incrementsRatio: z.number().positive().nullable(),
    benchmarks: z.array(z.object({ name: z.string(), modes: z.partialRecord(benchModeSchema, modeEntrySchema) }).strict()),
  })
  .strict();
export type BenchJson = z.infer<typeof benchJsonSchema>;

function modesOf(report: BenchReport): BenchMode[] {
  return BENCH_MODES.filter((m) => m in report.geomean);
}

export function toJson(report: BenchReport): BenchJson {
  return benchJsonSchema.parse({
    geomean: report.geomean,
    incrementsRatio: report.incrementsRatio,
    benchmarks: report.benchmarks.map((b) => ({
      name: b.name,
      modes: Object.fromEntries(
        modesOf(report).map((m) => {
          const r = b.modes[m]!;
          return [m, { medianMs: r.medianMs, ratio: r.ratio, fuelConsumed: r.fuelConsumed, dynamicIncrements: r.dynamicIncrements, codeBytes: r.codeBytes }];
        }),
      ),
    })),
  });
}

const f2 = (x: number): string => x.toFixed(2);
const f3 = (x: number): string => x.toFixed(3);
const int = (x: number | null): string => (x === null ? '—' : Math.round(x).toLocaleString('en-US'));

/** One cell: the ratio, then the median and the fastest–slowest repetition in ms (the spread). */
function timeCell(ratio: number, r: { readonly medianMs: number; readonly minMs: number; readonly maxMs: number }): string {
  return `${f3(ratio)} (${r.medianMs.toFixed(1)}; ${r.minMs.toFixed(1)}–${r.maxMs.toFixed(1)})`;
}

/** The run-time table: ratio to none (median ms; fastest–slowest) per benchmark and mode, then the geomeans. */
export function timeTable(report: BenchReport): string {
  const modes = modesOf(report);
  const rows = [`| program | ${modes.join(' | ')} |`, `|---|${modes.map(() => '---:').join('|')}|`];
  for (const b of report.benchmarks) rows.push(`| ${b.name} | ${modes.map((m) => timeCell(b.modes[m]!.ratio, b.modes[m]!)).join(' | ')} |`);
  rows.push(`| **geomean** | ${modes.map((m) => `**${f3(report.geomean[m]!)}**`).join(' | ')} |`);
  return rows.join('\n');
}

/** With peers: every mode's ratio to real Wasmtime's none (median ms; fastest–slowest), and Wasmtime's fuel. */
export function peerTable(report: BenchReport): string {
  const modes = modesOf(report);
  const all: (BenchMode | PeerMode)[] = [...PEER_MODES, ...modes];
  const ratio = (b: BenchReport['benchmarks'][number], m: BenchMode | PeerMode): number => ((PEER_MODES as readonly string[]).includes(m) ? b.peers[m as PeerMode]!.ratioToWasmtime : b.modes[m as BenchMode]!.ratioToWasmtime!);
  const times = (b: BenchReport['benchmarks'][number], m: BenchMode | PeerMode) => ((PEER_MODES as readonly string[]).includes(m) ? b.peers[m as PeerMode]! : b.modes[m as BenchMode]!);
  const rows = [`| program | ${all.join(' | ')} | fuel: Wasmtime − our vanilla |`, `|---|${all.map(() => '---:').join('|')}|---:|`];
  for (const b of report.benchmarks) {
    const wf = b.peers['wasmtime-fuel']?.fuelConsumed ?? null;
    const vf = b.modes.vanilla?.fuelConsumed ?? null;
    const diff = wf === null || vf === null ? '—' : (wf - vf).toLocaleString('en-US');
    rows.push(`| ${b.name} | ${all.map((m) => timeCell(ratio(b, m), times(b, m))).join(' | ')} | ${diff} |`);
  }
  rows.push(`| **geomean** | ${all.map((m) => `**${f3(report.geomeanVsWasmtime[m]!)}**`).join(' | ')} | |`);
  return rows.join('\n');
}

/** Increments: dynamic (executed) and static, as Wasmtime places them and after fuel-place. */
export function incrementsTable(report: BenchReport): string {
  const rows = [
    '| program | fuel consumed | dynamic, as Wasmtime | dynamic, placed | placed / Wasmtime | dynamic, placed with profile | estimate / profile | static, as Wasmtime | static, placed |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  // Placement without counted loops charged in bulk gets two more columns when measured.
  const uncounted = report.benchmarks.some((b) => b.modes['slacked-uncounted']?.dynamicIncrements != null);
  if (uncounted) {
    rows[0] += ' dynamic, without counted loops | uncounted / Wasmtime |';
    rows[1] += '---:|---:|';
  }
  const uncountedRatios: number[] = [];
  for (const b of report.benchmarks) {
    const w = b.modes['slacked-unplaced'] ?? b.modes.vanilla;
    const p = b.modes['slacked-placed'] ?? b.modes.count;
    const ratio = w?.dynamicIncrements && p?.dynamicIncrements ? f3(p.dynamicIncrements / w.dynamicIncrements) : '—';
    const vsProfile = p?.dynamicIncrements && b.profiledIncrements ? f3(p.dynamicIncrements / b.profiledIncrements) : '—';
    let row = `| ${b.name} | ${int(b.modes.vanilla?.fuelConsumed ?? null)} | ${int(w?.dynamicIncrements ?? null)} | ${int(p?.dynamicIncrements ?? null)} | ${ratio} | ${int(b.profiledIncrements)} | ${vsProfile} | ${int(b.modes['slacked-unplaced']?.staticIncrements ?? null)} | ${int(p?.staticIncrements ?? null)} |`;
    if (uncounted) {
      const c = b.modes['slacked-uncounted']?.dynamicIncrements ?? null;
      const r = c !== null && c > 0 && w?.dynamicIncrements ? c / w.dynamicIncrements : null;
      if (r !== null) uncountedRatios.push(r);
      row += ` ${int(c)} | ${r === null ? '—' : r.toPrecision(3)} |`;
    }
    rows.push(row);
  }
  const opt = (x: number | null): string => (x === null ? '—' : f3(x));
  rows.push(`| **geomean** | | | | **${opt(report.incrementsRatio)}** | | **${opt(report.estimateVsProfile)}** | | |${uncounted ? ` | **${uncountedRatios.length === 0 ? '—' : geometricMean(uncountedRatios).toPrecision(3)}** |` : ''}`);
  return rows.join('\n');
}

/** Code bytes of the wasm functions per mode, and pipeline (TypeScript) vs native compile time. */
export function compileTable(report: BenchReport): string {
  const modes = modesOf(report);
  const rows = [
    `| program | code bytes: ${modes.join(' / ')} | TS pipeline ms: ${modes.join(' / ')} | native compile ms: ${modes.join(' / ')} |`,
    '|---|---|---|---|',
  ];
  for (const b of report.benchmarks) {
    const col = (pick: (m: BenchMode) => string): string => modes.map(pick).join(' / ');
    rows.push(`| ${b.name} | ${col((m) => int(b.modes[m]!.codeBytes))} | ${col((m) => b.modes[m]!.pipelineMs.toFixed(0))} | ${col((m) => b.modes[m]!.nativeMs.toFixed(0))} |`);
  }
  return rows.join('\n');
}

export function markdownReport(report: BenchReport, command: string): string {
  return [
    `# Benchmark results (${report.quick ? 'quick sizes' : 'default sizes'}, ${report.repeats} interleaved repetitions, Cranelift opt_level=${report.optLevel})`,
    '',
    `Reproduce: \`${command}\``,
    '',
    'Run time of the measured region (bench.start → bench.end, or the `_start` call of a program that marks no region): ratio to `none` (median ms; fastest–slowest repetition in ms).',
    '',
    timeTable(report),
    '',
    ...(Object.keys(report.geomeanVsWasmtime).length === 0
      ? []
      : [
          'Against real Wasmtime (the `wasmtime` crate 48.x through peers/wasmtime-runner, its default configuration, the same region, interleaved in the same rounds): ratio to `wasmtime-none` (median ms; fastest–slowest). The last column is the fuel Wasmtime reports (instantiation included) minus our vanilla\'s.',
          '',
          peerTable(report),
          '',
        ]),
    `Increments executed (counted by an instrumented run: every increment adds 1) and in the code. Dynamic increments ratio (slacked-placed / vanilla, geometric mean): ${report.incrementsRatio === null ? '—' : f3(report.incrementsRatio)}. "Placed with profile": fuel-place fed the edge profile measured by an instrumented run (edge counters); "estimate / profile": increments executed with the static frequency estimate over those with the profile (1.000: the estimate places as well as the profile)${report.estimateVsProfile === null ? '' : `, geometric mean ${f3(report.estimateVsProfile)}`}.`,
    '',
    incrementsTable(report),
    '',
    'Machine code of the wasm functions, and compile time: the TypeScript fuel pipeline against the native compile (Cranelift, plus instance setup) of the same module.',
    '',
    compileTable(report),
    '',
  ].join('\n');
}

const COLORS: Readonly<Record<BenchMode | PeerMode, string>> = {
  'wasmtime-none': '#404040',
  'wasmtime-fuel': '#9467bd',
  'wasmtime-epoch': '#e377c2',
  none: '#9e9e9e',
  vanilla: '#d62728',
  accounting: '#ff7f0e',
  epoch: '#8c564b',
  'slacked-unplaced': '#1f77b4',
  'slacked-uncounted': '#bcbd22',
  'slacked-placed': '#2ca02c',
  count: '#17becf',
  'none-unhoisted': '#c7c7c7',
  'slacked-unhoisted': '#98df8a',
  'slacked-every-loop': '#dbdb8d',
  'none-pinned': '#636363',
};

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * One group of bars per benchmark (and one for the geomean), one bar per mode: the ratio to our
 * `none`, or (`basis` 'wasmtime-none', with peers measured) to real Wasmtime's `none`.
 */
export function svgChart(report: BenchReport, basis: 'none' | 'wasmtime-none' = 'none'): string {
  const ours = modesOf(report);
  const withPeers = Object.keys(report.geomeanVsWasmtime).length > 0;
  const modes: (BenchMode | PeerMode)[] = withPeers ? [...PEER_MODES, ...ours] : ours;
  const ratioOf = (b: BenchReport['benchmarks'][number], m: BenchMode | PeerMode): number => {
    const peer = (PEER_MODES as readonly string[]).includes(m) ? b.peers[m as PeerMode]! : undefined;
    if (basis === 'wasmtime-none') return peer?.ratioToWasmtime ?? b.modes[m as BenchMode]!.ratioToWasmtime!;
    return peer?.ratio ?? b.modes[m as BenchMode]!.ratio;
  };
  const geo = (m: BenchMode | PeerMode): number => {
    if (basis === 'wasmtime-none') return report.geomeanVsWasmtime[m]!;
    return (PEER_MODES as readonly string[]).includes(m) ? geometricMean(report.benchmarks.map((b) => b.peers[m as PeerMode]!.ratio)) : report.geomean[m as BenchMode]!;
  };
  const groups = [...report.benchmarks.map((b) => ({ name: b.name, ratios: modes.map((m) => ratioOf(b, m)) })), { name: 'geomean', ratios: modes.map(geo) }];
  const bar = 7;
  const gap = 12;
  const groupWidth = modes.length * bar + gap;
  const left = 50;
  const top = withPeers ? 52 : 40;
  const height = 260;
  const width = left + groups.length * groupWidth + 20;
  const maxRatio = Math.max(1.1, ...groups.flatMap((g) => g.ratios));
  const top100 = Math.ceil(maxRatio * 10) / 10;
  const y = (r: number): number => top + height - (r / top100) * height;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${top + height + 110}" viewBox="0 0 ${width} ${top + height + 110}" font-family="sans-serif" font-size="10">`);
  out.push(`<rect width="100%" height="100%" fill="white"/>`);
  out.push(`<text x="${left}" y="16" font-size="13">Run time relative to ${basis === 'none' ? 'our none' : 'real Wasmtime with no metering (wasmtime-none)'} (lower is better)</text>`);
  for (let t = 0; t <= top100 + 1e-9; t += 0.2) {
    const yy = y(t).toFixed(1);
    out.push(`<line x1="${left}" y1="${yy}" x2="${width - 10}" y2="${yy}" stroke="${Math.abs(t - 1) < 1e-9 ? '#000' : '#ddd'}" stroke-width="${Math.abs(t - 1) < 1e-9 ? 1 : 0.5}"/>`);
    out.push(`<text x="${left - 6}" y="${(y(t) + 3).toFixed(1)}" text-anchor="end">${t.toFixed(1)}</text>`);
  }
  groups.forEach((g, gi) => {
    const x0 = left + gi * groupWidth + gap / 2;
    g.ratios.forEach((r, mi) => {
      const mode = modes[mi]!;
      out.push(`<rect class="bar" data-benchmark="${esc(g.name)}" data-mode="${mode}" x="${(x0 + mi * bar).toFixed(1)}" y="${y(r).toFixed(1)}" width="${bar - 1}" height="${(y(0) - y(r)).toFixed(1)}" fill="${COLORS[mode]}"><title>${esc(g.name)} ${mode}: ${r.toFixed(3)}</title></rect>`);
    });
    const cx = x0 + (modes.length * bar) / 2;
    out.push(`<text x="${cx.toFixed(1)}" y="${top + height + 8}" transform="rotate(45 ${cx.toFixed(1)} ${top + height + 8})">${esc(g.name)}</text>`);
  });
  modes.forEach((m, i) => {
    const lx = left + (i % 6) * 110;
    const ly = 22 + Math.floor(i / 6) * 12;
    out.push(`<rect x="${lx}" y="${ly}" width="10" height="10" fill="${COLORS[m]}"/><text x="${lx + 14}" y="${ly + 9}">${m}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
