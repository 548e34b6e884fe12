// Human-readable rendering of checker results (used by `slackfuel check-fuel`).
import type { FuelCheckResult, FuelDiagnostic, FuelCounterexample, Site } from './types.js';

function site(label: string, s: Site | undefined): string {
  if (s === undefined) return '';
  return `  ${label}: ${s.block}${s.inst === '' ? '' : `: ${s.inst}`}\n`;
}

export function formatCounterexample(c: FuelCounterexample): string {
  if (c.kind === 'negative-increment') {
    return `negative increment ${c.value} in the rewritten function\n  after: ${c.block}: ${c.inst}\n`;
  }
  const head = c.kind === 'cycle' ? `a cycle through ${c.from} charges differently` : `fuel differs from ${c.from} to ${c.to}`;
  return (
    `${head}\n` +
    `  before: ${c.beforeBlocks.join(' -> ')}  charges ${c.beforeTotal}\n` +
    `  after:  ${c.afterBlocks.join(' -> ')}  charges ${c.afterTotal}\n`
  );
}

export function formatDiagnostic(d: FuelDiagnostic): string {
  return `${d.message}\n${site('before', d.before)}${site('after', d.after)}`;
}

/** One paragraph per result: `proven ...`, a counterexample, or a diagnostic. */
export function formatFuelCheck(name: string, result: FuelCheckResult): string {
  if (result.ok) {
    const s = result.stats;
    return `${name}: proven (${s.productPoints} paired points, ${s.observationPoints} observation points; increments ${s.before.increments} before, ${s.after.increments} after)\n`;
  }
  if (result.reason === 'counterexample') return `${name}: NOT EQUIVALENT: ${formatCounterexample(result.counterexample)}`;
  return `${name}: cannot compare: ${formatDiagnostic(result.diagnostic)}`;
}
