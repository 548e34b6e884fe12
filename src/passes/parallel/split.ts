// Cuts a CLIF file into its header lines and one text per function without parsing it: a
// function starts at a line beginning with `function`, which nothing else in CLIF does. A
// text that is not valid CLIF is caught when a worker parses it.
export function splitFunctions(text: string): { headers: string; functions: string[] } {
  const starts: number[] = [];
  for (const m of text.matchAll(/^function\b/gm)) starts.push(m.index);
  if (starts.length === 0) return { headers: text, functions: [] };
  const functions = starts.map((start, i) => text.slice(start, starts[i + 1] ?? text.length));
  return { headers: text.slice(0, starts[0]), functions };
}
