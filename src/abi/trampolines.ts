// CLIF generators for the trampolines between the host and wasm code, per signature.
//
// Wasm functions follow Wasmtime's shape: `(i64 vmctx, i64 caller_vmctx, params...) -> results
// tail`. Under the pinned convention the fuel counter F lives in the pinned register while wasm
// runs, and the trampolines are the only places where it meets memory:
//   host→wasm: load F from the store context, set the pinned register, check it (F >= 0 traps
//              before any wasm runs), call, then store the pinned register back and check again;
//   wasm→host: store F, check it before the host function runs, call the native dispatcher,
//              reload F afterwards (the host may charge fuel).
// Under the memory convention (vanilla fuel, or no fuel) the code keeps F in memory itself and
// the trampolines only pass values through.
import { z } from 'zod';
import { DEFAULT_VMCTX_LAYOUT, type VmctxLayout } from './vmctx-layout.js';
import { HOST_FAILED_TRAP, OUT_OF_FUEL_TRAP } from './trap-codes.js';

export const fuelConventionSchema = z.enum(['pinned', 'memory']);
export type FuelConvention = z.infer<typeof fuelConventionSchema>;

/** CLIF types a trampoline can move through 16-byte slots (i8x16: wasm's v128). */
export const slotTypeSchema = z.enum(['i8', 'i16', 'i32', 'i64', 'i128', 'f32', 'f64', 'i8x16']);
export type SlotType = z.infer<typeof slotTypeSchema>;

/** Bytes per value slot in the host-call buffer (the same slots the addon uses). */
export const HOST_SLOT_BYTES = 16;

export interface HostToWasmOptions {
  /** The trampoline's own name, e.g. `%sf_enter_0`. */
  readonly name: string;
  /** The wasm function as CLIF names it (`u0:0`, `%sum`). */
  readonly target: string;
  /** The wasm function's full signature as CLIF prints it (`(i64 vmctx, i64, i32) -> i32 tail`). */
  readonly targetSignature: string;
  /** Types of the wasm parameters after the two vmctx parameters, and of the results. */
  readonly params: readonly SlotType[];
  readonly returns: readonly SlotType[];
  readonly fuel: FuelConvention;
  readonly layout?: VmctxLayout;
}

export interface WasmToHostOptions {
  /** The name the wasm code calls (`%log`, `u1:0`); the trampoline is defined under it. */
  readonly name: string;
  /** The signature the call sites use, as CLIF prints it; the trampoline has exactly this one. */
  readonly signature: string;
  readonly params: readonly SlotType[];
  readonly returns: readonly SlotType[];
  /** Index of the host function in the instance's import table. */
  readonly hostIndex: number;
  readonly fuel: FuelConvention;
  readonly layout?: VmctxLayout;
}

/** Numbers fresh SSA values. */
class Values {
  #next = 0;
  fresh(): string {
    return `v${this.#next++}`;
  }
}

const MEM = 'notrap aligned';

/** The host→wasm trampoline: `(i64 vmctx, params...) -> results`, callable from the addon. */
export function hostToWasmTrampoline(o: HostToWasmOptions): string {
  const layout = o.layout ?? DEFAULT_VMCTX_LAYOUT;
  const v = new Values();
  const vmctx = v.fresh();
  const params = o.params.map(() => v.fresh());
  const head = [`${vmctx}: i64`, ...params.map((p, i) => `${p}: ${o.params[i]}`)].join(', ');
  // More results than the C convention returns in registers: use `tail`, which returns the rest
  // on the stack (multi-value wasm functions).
  const conv = o.returns.length > 2 ? ' tail' : '';
  const sig = `(i64${o.params.map((t) => `, ${t}`).join('')})${o.returns.length > 0 ? ` -> ${o.returns.join(', ')}` : ''}${conv}`;
  const body: string[] = [];
  let store = '';
  let zero = '';
  if (o.fuel === 'pinned') {
    store = v.fresh();
    const fuel = v.fresh();
    zero = v.fresh();
    const exhausted = v.fresh();
    body.push(
      `${store} = load.i64 ${MEM} readonly ${vmctx}+${layout.storeContextPointer}`,
      `${fuel} = load.i64 ${MEM} ${store}+${layout.fuelConsumed}`,
      `set_pinned_reg ${fuel}`,
      `${zero} = iconst.i64 0`,
      `${exhausted} = icmp sge ${fuel}, ${zero}`,
      `trapnz ${exhausted}, ${OUT_OF_FUEL_TRAP}`,
    );
  }
  const results = o.returns.map(() => v.fresh());
  const call = `call fn0(${[vmctx, vmctx, ...params].join(', ')})`;
  body.push(results.length > 0 ? `${results.join(', ')} = ${call}` : call);
  if (o.fuel === 'pinned') {
    const after = v.fresh();
    const exhausted = v.fresh();
    body.push(
      `${after} = get_pinned_reg.i64`,
      `store ${MEM} ${after}, ${store}+${layout.fuelConsumed}`,
      `${exhausted} = icmp sge ${after}, ${zero}`,
      `trapnz ${exhausted}, ${OUT_OF_FUEL_TRAP}`,
    );
  }
  body.push(results.length > 0 ? `return ${results.join(', ')}` : 'return');
  return [
    `function ${o.name}${sig} {`,
    `    sig0 = ${o.targetSignature}`,
    `    fn0 = ${o.target} sig0`,
    '',
    `block0(${head}):`,
    ...body.map((line) => `    ${line}`),
    '}',
    '',
  ].join('\n');
}

/** The wasm→host trampoline, defined under the name the wasm code calls. */
export function wasmToHostTrampoline(o: WasmToHostOptions): string {
  const layout = o.layout ?? DEFAULT_VMCTX_LAYOUT;
  const v = new Values();
  const vmctx = v.fresh();
  const caller = v.fresh();
  const params = o.params.map(() => v.fresh());
  const head = [`${vmctx}: i64`, `${caller}: i64`, ...params.map((p, i) => `${p}: ${o.params[i]}`)].join(', ');
  const slots = Math.max(o.params.length, o.returns.length, 1);
  const body: string[] = [];
  let store = '';
  if (o.fuel === 'pinned') {
    store = v.fresh();
    const fuel = v.fresh();
    const zero = v.fresh();
    const exhausted = v.fresh();
    body.push(
      `${store} = load.i64 ${MEM} readonly ${vmctx}+${layout.storeContextPointer}`,
      `${fuel} = get_pinned_reg.i64`,
      `store ${MEM} ${fuel}, ${store}+${layout.fuelConsumed}`,
      `${zero} = iconst.i64 0`,
      `${exhausted} = icmp sge ${fuel}, ${zero}`,
      `trapnz ${exhausted}, ${OUT_OF_FUEL_TRAP}`,
    );
  }
  const buffer = v.fresh();
  body.push(`${buffer} = stack_addr.i64 ss0`);
  params.forEach((p, i) => body.push(`store ${MEM} ${p}, ${buffer}+${i * HOST_SLOT_BYTES}`));
  const dispatch = v.fresh();
  const index = v.fresh();
  const nparams = v.fresh();
  const nreturns = v.fresh();
  const status = v.fresh();
  body.push(
    `${dispatch} = load.i64 ${MEM} readonly ${vmctx}+${layout.hostDispatch}`,
    `${index} = iconst.i64 ${o.hostIndex}`,
    `${nparams} = iconst.i64 ${o.params.length}`,
    `${nreturns} = iconst.i64 ${o.returns.length}`,
    `${status} = call_indirect sig0, ${dispatch}(${vmctx}, ${index}, ${buffer}, ${nparams}, ${nreturns})`,
    `trapnz ${status}, ${HOST_FAILED_TRAP}`,
  );
  if (o.fuel === 'pinned') {
    const reloaded = v.fresh();
    body.push(`${reloaded} = load.i64 ${MEM} ${store}+${layout.fuelConsumed}`, `set_pinned_reg ${reloaded}`);
  }
  const results = o.returns.map((t, i) => {
    const r = v.fresh();
    body.push(`${r} = load.${t} ${MEM} ${buffer}+${i * HOST_SLOT_BYTES}`);
    return r;
  });
  body.push(results.length > 0 ? `return ${results.join(', ')}` : 'return');
  return [
    `function ${o.name}${o.signature} {`,
    `    ss0 = explicit_slot ${slots * HOST_SLOT_BYTES}, align = 16`,
    '    sig0 = (i64, i64, i64, i64, i64) -> i32 system_v',
    '',
    `block0(${head}):`,
    ...body.map((line) => `    ${line}`),
    '}',
    '',
  ].join('\n');
}
