// A CLIF harness to run a Wasmtime-shaped fixture function under the JIT: stub callees named
// like the fixture's external functions (the JIT resolves references by name within a
// module), a fake vmctx and store context in stack slots, and a driver that sets the counter to
// -budget (in memory, and for the pinned form also in the pinned register), calls the function
// and returns its results plus the final counter.
export interface ImportSlot {
  /** vmctx offset of the function pointer; the callee vmctx goes at offset + 8. */
  readonly offset: number;
  /** The signature of the call_indirect through it, e.g. `(i64 vmctx, i64, i32) -> i32 tail`. */
  readonly signature: string;
}

export interface HarnessSpec {
  /** Offset of the counter in the context vmctx+8 points to (2026: 0, VMRuntimeLimits 2022: 8). */
  readonly fuelOffset: number;
  /** Wasmtime 2022 builtins array at vmctx+32 (memory.grow at +0, out of gas at +96). */
  readonly builtins2022: boolean;
  readonly imports: readonly ImportSlot[];
}

interface ParsedSignature {
  readonly params: readonly string[];
  readonly returns: readonly string[];
  readonly callConv: string;
}

/** `(i64 vmctx, i64, i32) -> i32 tail` → params, returns, calling convention. */
export function parseSignature(text: string): ParsedSignature {
  const m = /^\((.*?)\)\s*(?:->\s*(.*?))?\s*([a-z_]+)?$/.exec(text.trim());
  if (m === null) throw new Error(`cannot read signature ${text}`);
  const types = (list: string | undefined) =>
    (list ?? '')
      .split(',')
      .map((p) => p.trim().split(/\s+/)[0]!)
      .filter((p) => p !== '');
  return { params: types(m[1]), returns: types(m[2]), callConv: m[3] ?? 'system_v' };
}

/** A callee that ignores fuel and returns values derived from its i32 arguments. */
function stub(name: string, signature: string, salt: number): string {
  const sig = parseSignature(signature);
  const params = sig.params.map((t, i) => `p${i}: ${t}`).join(', ');
  const lines: string[] = [`function ${name}${signature.replace(/\s*[a-z_]+$/, '')} ${sig.callConv} {`, `block0(${params}):`];
  const i32 = sig.params.findIndex((t, i) => t === 'i32' && i > 0);
  const results: string[] = [];
  sig.returns.forEach((t, i) => {
    if (t === 'i32' && i32 !== -1) {
      lines.push(`    k${i} = iconst.i32 ${salt}`, `    r${i} = iadd p${i32}, k${i}`);
    } else {
      lines.push(`    r${i} = iconst.${t} 1`);
    }
    results.push(`r${i}`);
  });
  lines.push(`    return ${results.join(', ')}`.trimEnd(), '}', '');
  // Value names must be vN in CLIF: rename our readable ones.
  let n = 0;
  const names = new Map<string, string>();
  return lines
    .join('\n')
    .replace(/\b([pkr]\d+)\b/g, (word) => {
      if (!names.has(word)) names.set(word, `v${n++}`);
      return names.get(word)!;
    });
}

/** A small number per callee name, so each stub returns something of its own. */
function salt(name: string): number {
  let h = 7;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) % 97;
  return h + 1;
}

/** The external functions a function text declares: name and signature text. */
export function externalFunctions(text: string): Array<{ name: string; signature: string }> {
  const sigs = new Map<string, string>();
  for (const m of text.matchAll(/^\s*(sig\d+) = (\(.*)$/gm)) sigs.set(m[1]!, m[2]!.trim());
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^\s*fn\d+ = (?:colocated )?(\S+) (sig\d+)/gm)) out.set(m[1]!, sigs.get(m[2]!)!);
  return [...out].map(([name, signature]) => ({ name, signature }));
}

/**
 * The whole module: `fnText` (one function, current dialect), stubs for its callees, and
 * `%harness(user params..., i64 budget) -> (results..., i64 counter)`.
 */
export function harnessModule(fnText: string, spec: HarnessSpec, pinned: boolean): string {
  const header = /^function (\S+?)(\(.*)$/m.exec(fnText);
  if (header === null) throw new Error('no function header');
  const fnName = header[1]!;
  const fnSig = parseSignature(header[2]!.replace(/\s*\{\s*$/, ''));
  const user = fnSig.params.slice(2);
  const parts: string[] = [fnText.trimEnd(), ''];
  for (const ext of externalFunctions(fnText)) parts.push(stub(ext.name, ext.signature, salt(ext.name)));
  const importStubs = spec.imports.map((imp, i) => ({ name: `%import${i}`, ...imp }));
  for (const imp of importStubs) parts.push(stub(imp.name, imp.signature, salt(imp.name)));
  if (spec.builtins2022) {
    parts.push(stub('%oog2022', '(i64 vmctx) fast', 0));
    parts.push(stub('%grow2022', '(i64 vmctx, i64, i32) -> i64 system_v', 0));
  }

  const decl: string[] = ['    ss0 = explicit_slot 256', '    ss1 = explicit_slot 64', '    ss2 = explicit_slot 128'];
  decl.push(`    sig0 = ${header[2]!.replace(/\s*\{\s*$/, '')}`, `    fn0 = ${fnName} sig0`);
  const extra: Array<{ fnRef: string; name: string }> = [];
  const addFn = (name: string, signature: string) => {
    const k = extra.length + 1;
    decl.push(`    sig${k} = ${signature}`, `    fn${k} = ${name} sig${k}`);
    extra.push({ fnRef: `fn${k}`, name });
    return `fn${k}`;
  };
  const body: string[] = [];
  let next = 0;
  const v = () => `v${next++}`;
  const params = user.map((t) => ({ name: v(), type: t }));
  const budget = v();
  const vmctx = v();
  const ctx = v();
  const builtins = v();
  const zero = v();
  body.push(`    ${vmctx} = stack_addr.i64 ss0`, `    ${ctx} = stack_addr.i64 ss1`, `    ${builtins} = stack_addr.i64 ss2`, `    ${zero} = iconst.i64 0`);
  for (const [slot, size] of [[vmctx, 256], [ctx, 64], [builtins, 128]] as const) {
    for (let off = 0; off < size; off += 8) body.push(`    store notrap aligned ${zero}, ${slot}+${off}`);
  }
  body.push(`    store notrap aligned ${ctx}, ${vmctx}+8`);
  if (spec.builtins2022) {
    body.push(`    store notrap aligned ${builtins}, ${vmctx}+32`);
    for (const [name, sig, off] of [['%oog2022', '(i64 vmctx) fast', 96], ['%grow2022', '(i64 vmctx, i64, i32) -> i64 system_v', 0]] as const) {
      const f = addFn(name, sig);
      const a = v();
      body.push(`    ${a} = func_addr.i64 ${f}`, `    store notrap aligned ${a}, ${builtins}+${off}`);
    }
  }
  for (const imp of importStubs) {
    const f = addFn(imp.name, imp.signature);
    const a = v();
    body.push(`    ${a} = func_addr.i64 ${f}`, `    store notrap aligned ${a}, ${vmctx}+${imp.offset}`, `    store notrap aligned ${vmctx}, ${vmctx}+${imp.offset + 8}`);
  }
  const start = v();
  body.push(`    ${start} = ineg ${budget}`, `    store notrap aligned ${start}, ${ctx}+${spec.fuelOffset}`);
  if (pinned) body.push(`    set_pinned_reg ${start}`);
  const results = fnSig.returns.map(() => v());
  const call = `call fn0(${[vmctx, vmctx, ...params.map((p) => p.name)].join(', ')})`;
  body.push(results.length > 0 ? `    ${results.join(', ')} = ${call}` : `    ${call}`);
  const counter = v();
  body.push(pinned ? `    ${counter} = get_pinned_reg.i64` : `    ${counter} = load.i64 notrap aligned ${ctx}+${spec.fuelOffset}`);
  body.push(`    return ${[...results, counter].join(', ')}`);
  const signature = `(${[...user, 'i64'].join(', ')}) -> ${[...fnSig.returns, 'i64'].join(', ')}`;
  const entry = `block0(${[...params.map((p) => `${p.name}: ${p.type}`), `${budget}: i64`].join(', ')}):`;
  parts.push([`function %harness${signature} {`, ...decl, '', entry, ...body, '}', ''].join('\n'));
  return parts.join('\n');
}
