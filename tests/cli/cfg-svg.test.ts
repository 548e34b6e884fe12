// cfg --format svg: every label fits its box. Text is measured with the font the SVG names
// (Courier, or any monospace fallback: every glyph advances 600/1000 em) at the size it gives, against the box Graphviz
// drew around it.
import test from 'ava';
import { runCli } from '../helpers/cli.js';

const COURIER_ADVANCE_EM = 0.6;

interface Overflow {
  readonly node: string;
  readonly text: string;
  readonly by: number;
}

function unescape(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#45;/g, '-').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/** Every text of every node that reaches outside the node's (innermost) box, and by how much. */
function overflows(svg: string): { checked: number; overflows: Overflow[] } {
  const found: Overflow[] = [];
  let checked = 0;
  for (const node of svg.matchAll(/<g id="(node\d+)" class="node">([\s\S]*?)<\/g>/g)) {
    const polygons = [...node[2]!.matchAll(/<polygon [^>]*points="([^"]+)"/g)].map((p) => p[1]!.trim().split(/\s+/).map((xy) => Number(xy.split(',')[0])));
    if (polygons.length === 0) continue;
    const box = polygons.reduce((inner, p) => (Math.max(...p) - Math.min(...p) < Math.max(...inner) - Math.min(...inner) ? p : inner));
    const [left, right] = [Math.min(...box), Math.max(...box)];
    for (const text of node[2]!.matchAll(/<text [^>]*text-anchor="(\w+)" x="([-\d.]+)"[^>]*font-family="([^"]+)" font-size="([\d.]+)">([^<]*)<\/text>/g)) {
      const [, anchor, x, family, size, content] = text;
      // Courier and the usual monospace fonts (DejaVu Sans Mono, Liberation Mono) advance 0.6 em.
      if (!/Courier|monospace/.test(family!)) throw new Error(`label in ${family}, not a monospace font: measure it with that font`);
      const width = unescape(content!).length * COURIER_ADVANCE_EM * Number(size);
      const start = anchor === 'start' ? Number(x) : anchor === 'middle' ? Number(x) - width / 2 : Number(x) - width;
      const by = Math.max(left - start, start + width - right);
      checked += 1;
      if (by > 0.5) found.push({ node: node[1]!, text: unescape(content!), by });
    }
  }
  return { checked, overflows: found };
}

for (const [name, args] of [
  ['Wasmtime-shaped fuel', ['cfg', '--format', 'svg', 'examples/wasmtime-fuel.clif']],
  ['host calls', ['cfg', '--format', 'svg', 'examples/wasmtime-host-calls.clif']],
] as const) {
  test(`cfg --format svg: every label fits its box (${name})`, (t) => {
    const r = runCli(args);
    t.is(r.code, 0, r.stderr);
    const result = overflows(r.stdout);
    t.true(result.checked >= 3, `${result.checked} labels measured`);
    t.deepEqual(result.overflows, []);
  });
}

test('cfg --format svg: labels fit after a fuel rewrite too', (t) => {
  const rewritten = runCli(['opt', '--passes', 'fuel-pinned,fuel-drop-checks,fuel-place', 'examples/wasmtime-fuel.clif']);
  const r = runCli(['cfg', '--format', 'svg', '-'], rewritten.stdout);
  t.is(r.code, 0, r.stderr);
  const result = overflows(r.stdout);
  t.true(result.checked >= 3);
  t.deepEqual(result.overflows, []);
});
