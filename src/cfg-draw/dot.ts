// The CFG of one function as Graphviz DOT: one box per block with its fuel (constant charge,
// run-time charges, checks), observation points (entry, calls, returns: double border), loop
// headers (bold) and back edges (bold red), out-of-fuel edges (dashed). Output depends only on
// the function, so it is stable across runs.
import { buildControlFlow, buildLoopForest, type FlowGraph } from '../analysis/index.js';
import { branchDestinations, formatFunctionName, type Block, type Function } from '../ir/index.js';
import { fuelNotes } from './fuel-notes.js';

function quote(text: string): string {
  return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/** Left-justified multi-line label (`\l` ends each line). */
function label(lines: readonly string[]): string {
  const escape = (l: string) => l.replaceAll('\\', '\\\\').replaceAll('"', '\\"');
  return `"${lines.map(escape).join('\\l')}\\l"`;
}

function blockHeader(fn: Function, block: Block): string {
  const params = fn.dfg.blockParams(block).map((v) => `v${v}: ${fn.dfg.valueType(v).name}`);
  return `block${block}${params.length > 0 ? `(${params.join(', ')})` : ''}${fn.layout.isCold(block) ? ' cold' : ''}`;
}

interface DrawnEdge {
  readonly from: Block;
  readonly to: Block;
  readonly label: string;
}

function edgesOf(fn: Function, block: Block): DrawnEdge[] {
  const out: DrawnEdge[] = [];
  for (const inst of fn.layout.blockInsts(block)) {
    const data = fn.dfg.insts[inst]!;
    const dests = branchDestinations(data);
    dests.forEach((d, i) => {
      let text = '';
      if (data.opcode === 'brif' && dests.length === 2) text = i === 0 ? 'then' : 'else';
      else if (data.table !== null) text = i === 0 ? 'default' : `[${i - 1}]`;
      else if (data.exceptionTable !== null) text = i === 0 ? 'normal' : 'exception';
      else if (data.opcode !== 'jump') text = data.opcode;
      out.push({ from: block, to: d.block, label: text });
    });
  }
  return out;
}

export interface DotOptions {
  /** Graph title; defaults to the function's name. */
  readonly title?: string;
}

export function cfgToDot(fn: Function, options: DotOptions = {}): string {
  const blocks = fn.layout.blockList();
  const entry = fn.layout.entryBlock();
  const edges = new Map<Block, DrawnEdge[]>(blocks.map((b) => [b, edgesOf(fn, b)]));
  const graph: FlowGraph = {
    entry: entry ?? -1,
    nodes: blocks,
    successors: (b) => (edges.get(b) ?? []).map((e) => e.to).filter((t) => fn.layout.isBlockInserted(t)),
  };
  const notes = fuelNotes(fn);
  const title = options.title ?? formatFunctionName(fn.name);
  const lines: string[] = [];
  lines.push(`digraph ${quote(title)} {`);
  const graphLabel = `${title}: fuel ${notes.form === null ? `not recognized (${notes.problem ?? ''})` : notes.form}`;
  // Courier: the one monospace font whose metrics Graphviz knows without a font library (it
  // sizes boxes for it exactly, 0.6 em a character), and its SVG names "Courier,monospace", so
  // labels fit their boxes in the picture. Sized for an unknown font, they overflowed.
  lines.push(`  graph [fontname="Courier", labelloc=t, label=${quote(graphLabel)}];`);
  lines.push('  node [shape=box, fontname="Courier"];');
  lines.push('  edge [fontname="Courier"];');
  if (entry === undefined) {
    lines.push('}');
    return `${lines.join('\n')}\n`;
  }
  const cfg = buildControlFlow(graph);
  const loops = buildLoopForest(cfg);
  // Blocks entered only when a check finds the fuel exhausted: their calls are not observation points.
  const outOfFuel = new Set<Block>();
  for (const key of notes.outOfFuelEdges) outOfFuel.add(Number(key.slice(key.indexOf('->') + 2)));
  for (const block of blocks) {
    const note = notes.blocks.get(block)!;
    const text = [blockHeader(fn, block)];
    const marks: string[] = [];
    if (block === entry) text.push('entry (observed)');
    if (loops.isHeader(block)) text.push(`loop header (depth ${loops.depth(block)})`);
    if (note.increments > 0) text.push(`fuel +${note.constant}${note.dynamic > 0 ? ` +${note.dynamic} run-time` : ''}`);
    if (note.check) text.push('fuel check');
    for (const c of note.calls) text.push(`call ${c} ${outOfFuel.has(block) ? '(out-of-fuel path)' : '(observed)'}`);
    if (note.returns) text.push('return (observed)');
    if (note.traps) text.push('trap');
    if (!cfg.isReachable(block)) text.push('unreachable');
    const observed = block === entry || (note.calls.length > 0 && !outOfFuel.has(block)) || note.returns;
    if (observed) marks.push('peripheries=2');
    if (loops.isHeader(block)) marks.push('style=bold');
    if (!cfg.isReachable(block)) marks.push('color=gray', 'fontcolor=gray');
    lines.push(`  block${block} [label=${label(text)}${marks.length > 0 ? `, ${marks.join(', ')}` : ''}];`);
  }
  for (const e of cfg.edges) {
    const drawn = edges.get(e.from)!.filter((d) => fn.layout.isBlockInserted(d.to))[e.index]!;
    const attrs: string[] = [];
    const oog = notes.outOfFuelEdges.has(`${e.from}->${e.to}`);
    if (oog) attrs.push('label="out of fuel"', 'style=dashed');
    else if (drawn.label !== '') attrs.push(`label=${quote(drawn.label)}`);
    if (loops.isBackEdge(e)) attrs.push('style=bold', 'color=red');
    lines.push(`  block${e.from} -> block${e.to}${attrs.length > 0 ? ` [${attrs.join(', ')}]` : ''};`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
