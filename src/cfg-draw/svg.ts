// DOT to SVG through Graphviz compiled to WebAssembly (@hpcc-js/wasm-graphviz): no native
// Graphviz install needed. The module is loaded once per process.
import { Graphviz } from '@hpcc-js/wasm-graphviz';

let loaded: Promise<Graphviz> | undefined;

export async function dotToSvg(dot: string): Promise<string> {
  loaded ??= Graphviz.load();
  const graphviz = await loaded;
  return graphviz.dot(dot, 'svg');
}
