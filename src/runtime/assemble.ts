// Assembles the text the addon compiles for one instance: the (transformed) wasm functions,
// one host→wasm trampoline per exported wasm function, one wasm→host trampoline per host
// import, and the Wasmtime builtins the code references.
import {
  hostToWasmTrampoline,
  newEpochBuiltin,
  NEW_EPOCH_BUILTIN,
  outOfGasBuiltin,
  OUT_OF_GAS_BUILTIN,
  slotTypeSchema,
  wasmToHostTrampoline,
  type FuelConvention,
  type SlotType,
  type VmctxLayout,
} from '../abi/index.js';
import { formatFunctionName, print, type Function } from '../ir/index.js';
import { formatSignature, type Signature } from '../ir/signature.js';
import { RuntimeConfigError } from './errors.js';

/** A wasm-shaped function the host can call: `(i64 vmctx, i64, params...) -> results tail`. */
export interface WasmExport {
  /** As CLIF prints it: `u0:0`, `%sum`. */
  readonly name: string;
  readonly params: readonly SlotType[];
  readonly returns: readonly SlotType[];
  /** The host→wasm trampoline's name in the assembled text. */
  readonly entry: string;
}

/** A function the wasm code calls that the file does not define: a host function. */
export interface WasmImport {
  readonly name: string;
  readonly signature: string;
  readonly params: readonly SlotType[];
  readonly returns: readonly SlotType[];
}

export interface Assembled {
  readonly text: string;
  readonly exports: readonly WasmExport[];
  readonly imports: readonly WasmImport[];
  /** The wasm functions (metered code under the pinned convention). */
  readonly wasmFunctions: readonly string[];
}

function slotTypes(types: readonly string[], what: string): SlotType[] {
  return types.map((t) => {
    const parsed = slotTypeSchema.safeParse(t);
    if (!parsed.success) throw new RuntimeConfigError(`${what}: type ${t} cannot cross the host boundary`);
    return parsed.data;
  });
}

/** Whether a signature has Wasmtime's shape: two leading i64 (vmctx, caller vmctx), `tail`. */
function isWasmShaped(sig: Signature): boolean {
  const [a, b] = sig.params;
  return sig.callConv === 'tail' && a !== undefined && b !== undefined && a.type.name === 'i64' && b.type.name === 'i64';
}

function calleeName(fn: Function, index: number): string | undefined {
  const ext = fn.extFuncs[index];
  if (ext === undefined) return undefined;
  if (ext.name.kind === 'testcase') return `%${ext.name.name}`;
  const user = fn.userNamedFuncs[ext.name.ref];
  return user === undefined ? undefined : `u${user.namespace}:${user.index}`;
}

/** What a translated wasm module adds to the plain-CLIF assembly (src/wasm). */
export interface AssembleExtras {
  /** Only these functions get a host→wasm trampoline (default: every wasm-shaped one). */
  readonly entryPoints?: readonly string[];
  /** CLIF text of further functions (builtin shims), compiled as is, and the names it defines. */
  readonly definitions?: string;
  readonly definedNames?: readonly string[];
  /** Host imports reached through records rather than by name; host index = position after the named ones. */
  readonly hostImports?: readonly WasmImport[];
}

/**
 * One function as the assembly sees it: its name, signature and printed text, and the functions
 * it calls by name (what `assemble` reads from a parsed function's declarations).
 */
export interface AssemblyPart {
  readonly name: string;
  readonly signature: Signature;
  readonly text: string;
  /** A callee's signature is needed only if it turns out to be a host import. */
  readonly callees: readonly { readonly name: string; readonly signature?: Signature }[];
}

/** A parsed function as an assembly part. */
export function assemblyPart(f: Function): AssemblyPart {
  const callees: { name: string; signature: Signature }[] = [];
  f.extFuncs.forEach((ext, i) => {
    const name = calleeName(f, i);
    if (name !== undefined && ext.signature !== null) callees.push({ name, signature: f.signatures[ext.signature]! });
  });
  return { name: formatFunctionName(f.name), signature: f.signature, text: print(f), callees };
}

export function assemble(functions: readonly Function[], fuel: FuelConvention, layout: VmctxLayout, extras: AssembleExtras = {}): Assembled {
  return assembleParts(functions.map(assemblyPart), fuel, layout, extras);
}

/** `assemble` on functions already printed (see AssemblyPart). */
export function assembleParts(functions: readonly AssemblyPart[], fuel: FuelConvention, layout: VmctxLayout, extras: AssembleExtras = {}): Assembled {
  const defined = new Set([...functions.map((f) => f.name), ...(extras.definedNames ?? [])]);
  const entryPoints = extras.entryPoints === undefined ? undefined : new Set(extras.entryPoints);
  const exports: WasmExport[] = [];
  const parts: string[] = functions.map((f) => f.text);
  const entries: string[] = [];
  functions.forEach((f, k) => {
    if (!isWasmShaped(f.signature)) return;
    const name = f.name;
    if (entryPoints !== undefined && !entryPoints.has(name)) return;
    const params = slotTypes(f.signature.params.slice(2).map((p) => p.type.name), name);
    const returns = slotTypes(f.signature.returns.map((p) => p.type.name), name);
    const entry = `%sf_enter_${k}`;
    exports.push({ name, params, returns, entry });
    entries.push(hostToWasmTrampoline({ name: entry, target: name, targetSignature: formatSignature(f.signature), params, returns, fuel, layout }));
  });
  const imports = new Map<string, WasmImport>();
  let builtins = '';
  const needed = new Set<string>();
  for (const f of functions) {
    for (const { name, signature: sig } of f.callees) {
      if (defined.has(name)) continue;
      if (name === OUT_OF_GAS_BUILTIN || name === NEW_EPOCH_BUILTIN) {
        needed.add(name);
        continue;
      }
      if (sig === undefined) throw new RuntimeConfigError(`${name} is not defined in the file and its signature is not known`);
      const signature = formatSignature(sig);
      const known = imports.get(name);
      if (known !== undefined) {
        if (known.signature !== signature) throw new RuntimeConfigError(`${name} is called with two signatures: ${known.signature} and ${signature}`);
        continue;
      }
      if (!isWasmShaped(sig)) throw new RuntimeConfigError(`${name} is not defined in the file and its signature ${signature} is not a wasm import's (i64 vmctx, i64, ...) tail`);
      imports.set(name, {
        name,
        signature,
        params: slotTypes(sig.params.slice(2).map((p) => p.type.name), name),
        returns: slotTypes(sig.returns.map((p) => p.type.name), name),
      });
    }
  }
  if (needed.has(OUT_OF_GAS_BUILTIN)) builtins += outOfGasBuiltin();
  if (needed.has(NEW_EPOCH_BUILTIN)) builtins += newEpochBuiltin(layout);
  const importList = [...imports.values(), ...(extras.hostImports ?? [])];
  const hostTrampolines = importList.map((imp, hostIndex) => wasmToHostTrampoline({ ...imp, hostIndex, fuel, layout }));
  return {
    text: [...parts, ...entries, ...hostTrampolines, builtins, extras.definitions ?? ''].join('\n'),
    exports,
    imports: importList,
    wasmFunctions: functions.filter((f) => isWasmShaped(f.signature)).map((f) => f.name),
  };
}
