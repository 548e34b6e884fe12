// Instantiating translated wasm modules on slackfuel's runtime: the CLIF of every function (put
// through the mode's fuel passes), builtin shims, wasm→host trampolines for the imports, and
// the instance state (memory, tables, globals, segments, func-refs) built by the addon.
import { z } from 'zod';
import { DEFAULT_WASM_VMCTX_LAYOUT, NEW_EPOCH_BUILTIN, OUT_OF_FUEL_TRAP, OUT_OF_GAS_BUILTIN, WASM_RUNTIME_SLOTS, wasmVmctxLayoutSchema, type SlotType, type WasmVmctxLayout } from '../abi/index.js';
import { formatFunctionName, parse, print, type Function } from '../ir/index.js';
import type { NativeInstance } from '../native/instance.js';
import type { ClifValue } from '../native/values.js';
import { assemble, assembleParts, type AssemblyPart, type WasmImport } from '../runtime/assemble.js';
import { Engine } from '../runtime/engine.js';
import { ResourceLimitError, RuntimeConfigError } from '../runtime/errors.js';
import { hostStepWaitMicrosSchema, type HostFunction, type Instance } from '../runtime/instance.js';
import { accountsFuel, applyPipeline, defaultPipeline, fuelConvention, meteringModeSchema, type MeteringMode } from '../runtime/metering.js';
import { codeLayoutSeedSchema, Module } from '../runtime/module.js';
import { PassRunError } from '../passes/pass-manager.js';
import { jobsFor, runPipelineOnTexts } from '../passes/parallel/index.js';
import type { CompileCache } from './compile-cache.js';
import { fuelCostsSchema, type FuelCosts } from './fuel-costs.js';
import { clifText, guardBytes, memoryConfigSchema, translate, type MemoryConfig } from './translate.js';
import { splitNativePrefix, type PipelineSplit } from './native-prefix.js';
import { constArithmeticSchema, type ConstArithmetic, type ConstExpr, type TranslatedModule, type WasmFuncType, type WasmValueType } from './schemas.js';
import { asWasmTrap } from './trap-kinds.js';
import { FuncRefGuard } from './func-ref-guard.js';
import { Memory } from './memory.js';
import { Store } from '../runtime/store.js';
import type { CallGate } from '../runtime/call-gate.js';
import { WasmFunction } from './wasm-function.js';
import { Table } from './table.js';
import { Global } from './global.js';

/** What a wasm module imports, by module and name: host functions, and the memories and
 *  functions other instances export (`WasmInstance.memory(name)`, `WasmInstance.func(name)`). */
export type WasmImports = Readonly<Record<string, Readonly<Record<string, HostFunction | Memory | WasmFunction | Table | Global>>>>;

export const resourceLimitsSchema = z
  .object({
    /** Bytes of linear memory (instantiation fails above it; `memory.grow` past it returns -1). */
    maxMemoryBytes: z.number().int().nonnegative().max(2 ** 32).optional(),
    /** Elements per table (instantiation fails above it; `table.grow` past it returns -1).
     *  Default 10,000,000 (80 MB of func-refs): a guest cannot make the host commit gigabytes
     *  of table by default; raise it to allow larger tables. */
    maxTableElements: z.number().int().nonnegative().max(2 ** 32).default(10_000_000),
    /** Live instances of one Engine (instantiation fails at the limit). */
    maxInstances: z.number().int().positive().optional(),
  })
  .strict();
export type ResourceLimits = z.input<typeof resourceLimitsSchema>;

/**
 * Runs a start function that is import `index`: a linked function runs in its instance (its
 * fuel is the store's, charged to instantiation, as Wasmtime charges it); a host function is
 * called with no arguments and charges nothing.
 */
async function startImport(index: number, linked: ReadonlyMap<number, WasmFunction>, host: readonly [number, HostFunction, WasmFuncType, string][], budget: { fuel?: number }): Promise<{ fuelConsumed: number | null }> {
  const f = linked.get(index);
  if (f !== undefined) return f.call(budget);
  const h = host.find(([i]) => i === index);
  if (h === undefined) throw new RuntimeConfigError(`internal error: start function ${index} is neither linked nor a host function`);
  await h[1]();
  return { fuelConsumed: 0 };
}

/** What an import value is, in Wasmtime's words for import errors. */
function kindOf(value: HostFunction | Memory | WasmFunction | Table | Global): string {
  return value instanceof Memory ? 'memory' : value instanceof Table ? 'table' : value instanceof Global ? 'global' : 'func';
}

/** The store to instantiate in: the one given, which must be that of everything it links to. */
function storeFor(given: Store | undefined, linked: readonly (WasmFunction | Table | Global)[]): Store {
  let store = given;
  for (const f of linked) {
    store ??= f.store;
    if (f.store !== store) throw new RuntimeConfigError(`import of ${f.name}: a ${kindOf(f)} of another store cannot be linked (Wasmtime: cross-\`Store\` instantiation is not supported)`);
  }
  return store ?? new Store();
}

/** Func-ref guards per store: a func-ref handed out by one member is valid in every member. */
const guards = new WeakMap<Store, FuncRefGuard>();
function funcRefGuard(store: Store): FuncRefGuard {
  let guard = guards.get(store);
  if (guard === undefined) guards.set(store, (guard = new FuncRefGuard()));
  return guard;
}

/** Live wasm instances per engine (disposed or collected instances leave the count). */
const liveInstances = new WeakMap<Engine, { count: number }>();
const collected = new FinalizationRegistry<{ count: number }>((live) => {
  live.count--;
});

export const wasmInstantiateOptionsSchema = z
  .object({
    metering: meteringModeSchema,
    imports: z
      .record(z.string(), z.record(z.string(), z.union([z.custom<HostFunction>((f) => typeof f === 'function', 'a host function'), z.instanceof(Memory), z.instanceof(WasmFunction), z.instanceof(Table), z.instanceof(Global)])))
      .default({}),
    /** The store to instantiate in (Wasmtime's `Store`: one wasm thread, one fuel counter). By
     *  default the store of the instances whose functions it imports, else a new one. */
    store: z.instanceof(Store).optional(),
    /** Values of imported globals, keyed `module.name` (i64 as bigint, floats as numbers). */
    globals: z.record(z.string(), z.union([z.number(), z.bigint()])).default({}),
    stackBytes: z.number().int().min(256 * 1024).max(2 ** 30).default(8 * 1024 * 1024),
    checkIntervalMs: z.union([z.number().positive().finite().max(60_000), z.literal(false)]).default(1),
    /** The checker's longest wait while the observed fuel rate allows (see the runtime's Module). */
    checkMaxIntervalMs: z.number().positive().finite().max(60_000).optional(),
    /** After a host call, how long (µs) to wait blocked for the next step (the runtime's Module; 0: never block). */
    hostStepWaitMicros: hostStepWaitMicrosSchema,
    /** Run the start function (if any) before returning. */
    runStart: z.boolean().default(true),
    /** Fuel for the start function. */
    startFuel: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
    /**
     * Zeroed i64 counters for code instrumented by `instrumentEdgeCounters` (default: as many
     * as the module's code writes; fewer is an error).
     */
    profileCounters: z.number().int().nonnegative().max(2 ** 24).optional(),
    /** Bytes of stack wasm code may use (Wasmtime's `max_wasm_stack`); deeper recursion traps
     *  with `stack_exhaustion`. Must leave 256 KiB of `stackBytes` for host code. */
    maxWasmStack: z.number().int().min(16 * 1024).max(2 ** 30).default(512 * 1024),
    /** Lay the machine code out by this seed (see the runtime's `instantiate`; benchmarks only). */
    codeLayoutSeed: codeLayoutSeedSchema.optional(),
    /** What the guest may allocate, as Wasmtime's `ResourceLimiter` bounds it. */
    limits: resourceLimitsSchema.prefault({}),
  })
  .strict();
export type WasmInstantiateOptions = z.input<typeof wasmInstantiateOptionsSchema>;

/** A v128 crosses the host boundary as one 16-byte i8x16 slot (a bigint in JavaScript). */
function slotType(t: WasmValueType): SlotType {
  return t === 'funcref' || t === 'externref' ? 'i64' : t === 'v128' ? 'i8x16' : t;
}

const BUILTIN_NAMESPACE = 805306368;

/** The builtins that grow a memory or table (memory_grow, table_grow, memory_grow64): their
 *  cost may be up to i64::MAX, which a pinned counter must not carry past (see builtinShims). */
const GROW_BUILTINS: ReadonlySet<number> = new Set([0, 5, 10]);

/**
 * A tail-convention shim per memory/table builtin that calls the addon's C function. With
 * `fuelCheck` (the pinned modes, which have no inline checks) a grow shim first traps with the
 * out-of-fuel code when the counter the code stored before the call is spent: a grow by a huge
 * (or negative) delta charges up to i64::MAX, and two such charges in a row would wrap the
 * counter back below zero before the asynchronous checker saw it. Vanilla checks inline after
 * the charge, as Wasmtime does; the bulk builtins check in the addon.
 */
function builtinShims(module: TranslatedModule, used: ReadonlySet<string>, fuelCheck: { storeContextPointer: number; fuelConsumed: number } | null): { text: string; names: string[] } {
  const names: string[] = [];
  const parts: string[] = [];
  for (const b of module.builtins) {
    const name = `u${BUILTIN_NAMESPACE}:${b.index}`;
    if (b.index > 10 || !used.has(name)) continue;
    names.push(name);
    const params = b.params.map((t, i) => `v${i + 1}: ${t}`);
    const results = b.results.length > 0 ? ` -> ${b.results.join(', ')}` : '';
    const args = ['v0', ...b.params.map((_, i) => `v${i + 1}`)].join(', ');
    const n = b.params.length + 1;
    const check = fuelCheck !== null && GROW_BUILTINS.has(b.index);
    const m = n + 3;
    parts.push(
      [
        `function ${name}(i64 vmctx${b.params.map((t) => `, ${t}`).join('')})${results} tail {`,
        `    sig0 = (i64${b.params.map((t) => `, ${t}`).join('')})${results} system_v`,
        '',
        `block0(${['v0: i64', ...params].join(', ')}):`,
        ...(check
          ? [
              `    v${m} = load.i64 notrap aligned readonly v0+${fuelCheck.storeContextPointer}`,
              `    v${m + 1} = load.i64 notrap aligned v${m}+${fuelCheck.fuelConsumed}`,
              `    v${m + 3} = iconst.i64 0`,
              `    v${m + 2} = icmp sge v${m + 1}, v${m + 3}`,
              `    trapnz v${m + 2}, ${OUT_OF_FUEL_TRAP}`,
            ]
          : []),
        `    v${n} = load.i64 notrap aligned readonly v0+${WASM_RUNTIME_SLOTS.builtinsPointer}`,
        `    v${n + 1} = load.i64 notrap aligned readonly v${n}+${b.index * 8}`,
        b.results.length > 0 ? `    v${n + 2} = call_indirect sig0, v${n + 1}(${args})` : `    call_indirect sig0, v${n + 1}(${args})`,
        b.results.length > 0 ? `    return v${n + 2}` : '    return',
        '}',
        '',
      ].join('\n'),
    );
  }
  return { text: parts.join('\n'), names };
}

const U64 = (1n << 64n) - 1n;

const isArithmetic = (op: { op: string }): op is { op: ConstArithmetic } => constArithmeticSchema.safeParse(op.op).success;

/** Evaluates constant expressions (globals, offsets, items) against the globals so far. */
class ConstEval {
  readonly values: { bits: bigint; func: number | null; isFuncRef: boolean; unreadable?: string }[] = [];
  eval(e: ConstExpr): { bits: bigint; func: number | null; isFuncRef: boolean } {
    switch (e.op) {
      case 'i32.const':
        return { bits: BigInt(e.value >>> 0), func: null, isFuncRef: false };
      case 'i64.const':
        return { bits: BigInt(e.value) & U64, func: null, isFuncRef: false };
      case 'f32.const':
        return { bits: BigInt(e.bits), func: null, isFuncRef: false };
      case 'f64.const':
        return { bits: BigInt(e.bits), func: null, isFuncRef: false };
      case 'global.get': {
        const v = this.values[e.index];
        if (v === undefined) throw new RuntimeConfigError(`constant expression reads global ${e.index} before it is defined`);
        if (v.unreadable !== undefined) throw new RuntimeConfigError(`a constant expression reads global ${e.index}, which is not supported: ${v.unreadable}`);
        return v;
      }
      case 'ref.null':
        return { bits: 0n, func: null, isFuncRef: e.type === 'funcref' };
      case 'ref.func':
        return { bits: 0n, func: e.index, isFuncRef: true };
      case 'v128.const':
        return { bits: BigInt(e.bits), func: null, isFuncRef: false };
      case 'extended':
        return this.extended(e.ops);
    }
  }
  /** Extended constant expressions: a stack machine over the simple instructions and
   *  i32/i64 add, sub and mul (wrapping, as wasm's). Validation guarantees the shape. */
  private extended(ops: readonly (ConstExpr | { op: ConstArithmetic })[]): { bits: bigint; func: number | null; isFuncRef: boolean } {
    const stack: bigint[] = [];
    for (const op of ops) {
      if (!isArithmetic(op)) {
        stack.push(this.eval(op).bits);
        continue;
      }
      const b = stack.pop();
      const a = stack.pop();
      if (a === undefined || b === undefined) throw new RuntimeConfigError('malformed extended constant expression');
      const [type, kind] = op.op.split('.');
      const value = kind === 'add' ? a + b : kind === 'sub' ? a - b : a * b;
      stack.push(BigInt.asUintN(type === 'i32' ? 32 : 64, value));
    }
    const [bits] = stack;
    if (bits === undefined || stack.length !== 1) throw new RuntimeConfigError('malformed extended constant expression');
    return { bits, func: null, isFuncRef: false };
  }
  /** A segment offset: 32 bits, or 64 for a 64-bit memory (beyond 2^53 it is out of bounds
   * of any memory the runtime holds, so it is clamped to stay exact in JSON). */
  offset(e: ConstExpr, wide = false): number {
    const bits = this.eval(e).bits & (wide ? U64 : 0xffff_ffffn);
    return Number(bits > BigInt(Number.MAX_SAFE_INTEGER) ? BigInt(Number.MAX_SAFE_INTEGER) : bits);
  }
  item(e: ConstExpr): number | null {
    return this.eval(e).func;
  }
}

function hostValueBits(type: WasmValueType, value: number | bigint): bigint {
  switch (type) {
    case 'i32':
      return BigInt(Number(value) >>> 0);
    case 'f32': {
      const view = new DataView(new ArrayBuffer(4));
      view.setFloat32(0, Number(value), true);
      return BigInt(view.getUint32(0, true));
    }
    case 'f64': {
      const view = new DataView(new ArrayBuffer(8));
      view.setFloat64(0, Number(value), true);
      return view.getBigUint64(0, true);
    }
    default:
      return BigInt(value) & U64;
  }
}

/** What an instance links to in its store: functions by import index, tables and globals by
 *  their index (imports come first in each index space). */
interface Links {
  readonly store: Store;
  readonly functions: ReadonlyMap<number, WasmFunction>;
  readonly tables: ReadonlyMap<number, Table>;
  readonly globals: ReadonlyMap<number, Global>;
}

/** The instance state the addon builds (native/src/wasm_state.rs `WasmSetup`). */
function instanceSetup(m: TranslatedModule, layout: WasmVmctxLayout, importedGlobals: Readonly<Record<string, number | bigint>>, profileCounters: number, limits: z.output<typeof resourceLimitsSchema>, enforceFuel: boolean, memoryConfig: MemoryConfig, importedMemories: readonly Memory[], links: Links): unknown {
  // An imported memory is allocated (and limited) by the instance that defines it.
  const memoryMin = Math.max(0, ...m.memories.filter((x) => !x.imported).map((x) => x.minPages)) * 65536;
  if (limits.maxMemoryBytes !== undefined && memoryMin > limits.maxMemoryBytes) {
    throw new ResourceLimitError(`the module's memory needs ${memoryMin} bytes; the limit is ${limits.maxMemoryBytes}`);
  }
  const tableMin = Math.max(0, ...m.tables.filter((t) => !t.imported).map((t) => t.min));
  if (tableMin > limits.maxTableElements) {
    throw new ResourceLimitError(`a table of the module needs ${tableMin} elements; the limit is ${limits.maxTableElements}`);
  }
  const ev = new ConstEval();
  const globals = m.globals.map((g, index) => {
    let value: { bits: bigint; func: number | null; isFuncRef: boolean };
    const linked = links.globals.get(index);
    if (linked !== undefined) {
      // Shared with the exporter: the value lives there. Constant expressions read its value
      // now; a reference (an address in another instance) or a v128 they cannot use.
      const readable = g.type !== 'funcref' && g.type !== 'externref' && g.type !== 'v128';
      ev.values.push(readable ? { bits: linked.bits(), func: null, isFuncRef: false } : { bits: 0n, func: null, isFuncRef: false, unreadable: `global ${index} is linked to another instance's ${g.type} global` });
      return { bits: '0', func: null, isFuncRef: false, imported: true, v128: g.type === 'v128', linked: { member: linked.member, global: linked.index } };
    }
    if (g.imported && g.type === 'v128') {
      throw new RuntimeConfigError(`global ${index} is an imported v128 global: give another instance's (\`instance.global(name)\`); a value from JavaScript is not supported`);
    }
    if (g.imported) {
      const imp = m.imports.filter((i) => i.kind === 'global')[index];
      const key = imp === undefined ? `global ${index}` : `${imp.module}.${imp.name}`;
      const given = importedGlobals[key];
      if (given === undefined) throw new RuntimeConfigError(`missing imported global ${key} (${g.type})`);
      // A func-ref is an address call_ref dereferences; none exists before the instance does.
      if (g.type === 'funcref' && BigInt(given) !== 0n) {
        throw new RuntimeConfigError(`imported global ${key} is a funcref: only null (0) can be given${g.nonNull ? ', and its type (a non-nullable reference) excludes null' : ''}`);
      }
      if (g.nonNull && BigInt(given) === 0n) throw new RuntimeConfigError(`imported global ${key} is a non-nullable reference: null (0) is not a value of its type`);
      value = { bits: hostValueBits(g.type, given), func: null, isFuncRef: false };
    } else {
      if (g.init === null) throw new RuntimeConfigError(`global ${index} has no initialiser`);
      value = ev.eval(g.init);
    }
    ev.values.push(value);
    return { bits: value.bits.toString(), func: value.func, isFuncRef: value.isFuncRef, imported: g.imported, v128: g.type === 'v128' };
  });
  // An import linked to another instance's function: its record holds that function's code and
  // vmctx (the native side reads them from the exporter's func-ref record).
  const importedFunctions = m.imports
    .filter((i) => i.kind === 'func')
    .map((_, i) => {
      const f = links.functions.get(i);
      return f === undefined ? `%sf_import_${i}` : { member: f.member, function: f.index };
    });
  const typeIds = m.typeKeys.map((key) => links.store.typeId(key));
  return {
    statePointer: WASM_RUNTIME_SLOTS.statePointer,
    builtinsPointer: WASM_RUNTIME_SLOTS.builtinsPointer,
    records: {
      memoriesPointer: layout.memoriesPointer,
      memoryStride: layout.memoryStride,
      memoryRecordBase: layout.memoryRecordBase,
      memoryRecordLength: layout.memoryRecordLength,
      tablesPointer: layout.tablesPointer,
      tableStride: layout.tableStride,
      tableBase: layout.tableBase,
      tableLength: layout.tableLength,
      importedFunctionsPointer: layout.importedFunctionsPointer,
      importedFunctionStride: layout.importedFunctionStride,
      importedFunctionCode: layout.importedFunctionCode,
      importedFunctionVmctx: layout.importedFunctionVmctx,
      funcRefsPointer: layout.funcRefsPointer,
      funcRefStride: layout.funcRefStride,
      funcRefCode: layout.funcRefCode,
      funcRefVmctx: layout.funcRefVmctx,
      funcRefTypeId: layout.funcRefTypeId,
      globals: layout.globals,
      typeIdsPointer: layout.typeIdsPointer,
    },
    vmctxBytes: layout.globals + 8 * m.globals.length,
    globals,
    // Imported memories come first in the index space, in import order.
    memories: m.memories.map((x, i) => ({
      minPages: x.minPages,
      maxPages: x.maxPages,
      guardBytes: x.memory64 ? null : guardBytes(memoryConfig),
      memory64: x.memory64,
      imported: x.imported ? (importedMemories[i]?.id ?? null) : null,
    })),
    data: m.dataSegments.map((d) => ({
      offset: d.mode === 'active' ? ev.offset(d.offset, m.memories[d.index]?.memory64 === true) : null,
      memory: d.mode === 'active' ? d.index : 0,
      bytesHex: d.bytesHex,
      dropped: d.mode === 'declared',
    })),
    tables: m.tables.map((t, i) => {
      const linked = links.tables.get(i);
      if (t.imported && linked === undefined) throw new RuntimeConfigError(`internal error: table ${i} is imported but not linked`);
      return { min: t.min, max: t.max, init: t.init === null ? null : ev.item(t.init), ...(linked === undefined ? {} : { imported: { member: linked.member, table: linked.index } }) };
    }),
    elements: m.elementSegments.map((e) => ({
      table: e.mode === 'active' ? e.index : null,
      offset: e.mode === 'active' ? ev.offset(e.offset, m.tables[e.index]?.table64 === true) : null,
      items: e.items.map((i) => ev.item(i)),
      dropped: e.mode === 'declared',
    })),
    functions: m.functionTypes.map((typeIndex, index) => ({
      code: index < m.numImportedFunctions ? `%sf_import_${index}` : `u0:${index}`,
      typeId: typeIds[typeIndex]!,
    })),
    typeIds,
    importedFunctions,
    profileCounters,
    profileCountersPointer: WASM_RUNTIME_SLOTS.profileCounters,
    limits: { maxMemoryBytes: limits.maxMemoryBytes ?? null, maxTableElements: limits.maxTableElements },
    enforceFuel,
  };
}

/** The engine's layout plus the wasm records; the runtime's own vmctx slots must stay free. */
function wasmLayout(engine: Engine): WasmVmctxLayout {
  const layout = wasmVmctxLayoutSchema.parse({ ...DEFAULT_WASM_VMCTX_LAYOUT, ...engine.layout });
  const vmctxFields = [
    layout.storeContextPointer,
    layout.epochCounterPointer,
    layout.memoryBase,
    layout.memoryBound,
    layout.hostDispatch,
    layout.memoriesPointer,
    layout.tablesPointer,
    layout.importedFunctionsPointer,
    layout.funcRefsPointer,
    layout.typeIdsPointer,
    WASM_RUNTIME_SLOTS.statePointer,
    WASM_RUNTIME_SLOTS.builtinsPointer,
    WASM_RUNTIME_SLOTS.profileCounters,
  ];
  if (new Set(vmctxFields).size !== vmctxFields.length || vmctxFields.some((o) => o + 8 > layout.globals)) {
    const slots = Object.values(WASM_RUNTIME_SLOTS).map((o) => `vmctx+${o}`).join(', ');
    throw new RuntimeConfigError(`the engine layout collides with the wasm records or the runtime slots (${slots})`);
  }
  return layout;
}

/** The front-end metering that produces a runtime mode's input (slacked = vanilla + passes). */
function translationMetering(mode: MeteringMode): 'none' | 'vanilla' | 'epoch' {
  return mode === 'none' ? 'none' : mode === 'epoch' ? 'epoch' : 'vanilla';
}

/** The runtime loads memory bases `can_move`, hoisted out of loops, unless told otherwise. */
export const DEFAULT_HOIST_MEMORY_BASE = true;

/** A wasm module compiled for one metering mode. */
export class WasmModule {
  /** Use `compileWasm`. */
  constructor(
    readonly translated: TranslatedModule,
    readonly module: Module,
    /** The layout the code was translated for: the engine's layout plus the wasm records. */
    readonly layout: WasmVmctxLayout,
    /** Time the fuel pipeline took (TypeScript passes, plus the Rust passes with `nativePasses`; 0 when the mode has none, or reused `prepared` CLIF). */
    readonly pipelineMs: number = 0,
    /** Profile counters the code writes (its `transform` instrumented it); instances get at least these. */
    readonly profileCounters: number = 0,
    /** The linear-memory layout the code was compiled for; every instance gets it. */
    readonly memoryConfig: MemoryConfig = memoryConfigSchema.parse({}),
    /** The prepared CLIF came from the compile cache (`pipelineMs` is then the time to read it). */
    readonly fromCache: boolean = false,
  ) {}

  get metering(): MeteringMode {
    return this.module.metering;
  }

  /** Exported functions by name. */
  get exportedFunctions(): string[] {
    return this.translated.exports.filter((e) => e.kind === 'func').map((e) => e.name);
  }

  instantiate(options: Omit<WasmInstantiateOptions, 'metering'> = {}): Promise<WasmInstance> {
    return WasmInstance.create(this, { ...options, metering: this.metering });
  }
}

/** Options of `compileWasm` beyond the mode. */
export interface CompileWasmOptions {
  /**
   * Replaces the mode's fuel pipeline (slacked, count: the default fuel passes; vanilla: none),
   * applied to the CLIF the mode translates to. The benchmark uses it for its variants.
   */
  readonly pipeline?: string;
  /**
   * Runs on the CLIF of the module's functions after the pipeline, before compilation. Code that
   * writes profile counters (`instrumentEdgeCounters`) must say how many: return
   * `{ profileCounters: map.counters }`, and every instance gets that many.
   */
  readonly transform?: (functions: readonly Function[]) => void | { readonly profileCounters: number };
  /**
   * The module's CLIF already put through `pipeline` (by an earlier compileWasm of the same
   * bytes: `module.module.functions`): cloned instead of translating and running the passes
   * again. `pipeline` then only names what was run.
   */
  readonly prepared?: readonly Function[];
  /** Bytes of address space reserved per linear memory (default 4 GiB, Wasmtime's): below 4 GiB
   *  every access is bounds-checked explicitly. */
  readonly memoryReservation?: number;
  /** Inaccessible bytes behind the reservation (default 32 MiB, Wasmtime's): accesses whose
   *  static offset + size fit it need no check. */
  readonly memoryGuardSize?: number;
  /**
   * Reuse and store the module's CLIF after `pipeline` here (`new CompileCache()`: the user's
   * cache directory). Keyed by the bytes, the options, the pipeline and slackfuel's own code,
   * so an entry is only ever reused for exactly what produced it. Not used with `prepared`.
   */
  readonly cache?: CompileCache;
  /**
   * Worker threads for the pipeline (1: run it on this thread). Default: one per core when
   * the module's CLIF is 16 MB or more, else 1. The result is the same either way.
   */
  readonly jobs?: number;
  /** The fuel each operator costs (Wasmtime's `Config::operator_cost`, a partial table keyed by
   *  Wasmtime's operator names; see src/wasm/fuel-costs.ts). Default: Wasmtime's table. */
  readonly fuelCosts?: FuelCosts;
  /**
   * Run the pipeline's leading native passes (`fuel-pinned`, `fuel-drop-checks`, `fuel-place`,
   * `fuel-counted-loops`, plain names) in Rust, on each function before the front end prints it
   * (native/src/fuel_passes); the rest runs in TypeScript. Default: true when the whole pipeline
   * is native (the slacked and count defaults are), so no function is parsed; false runs every
   * pass in TypeScript.
   */
  readonly nativePasses?: boolean;
  /**
   * Load linear-memory bases `can_move` so Cranelift hoists them out of loops, as Wasmtime does
   * (default true, in every mode; false loads the base where it is used).
   */
  readonly hoistMemoryBase?: boolean;
  /**
   * Reserve the pinned register in every mode, even where it carries no counter (default false:
   * only slacked and count reserve it). An A/B of what taking it from the register allocator
   * costs: the bench's `none-pinned`. It changes the machine code, not the CLIF.
   */
  readonly reservePinnedRegister?: boolean;
  /**
   * Threads that translate the function bodies (and run the Rust passes on them): 0, the
   * default, takes the machine's cores, up to 8. The code is the same whatever the number, so
   * it is not part of the compile cache's key.
   */
  readonly threads?: number;
}

/**
 * Which passes run in Rust inside the translation and which in TypeScript: by default the Rust
 * passes take the pipeline only when they can take all of it (then no function is parsed);
 * `true` gives them the native prefix of any pipeline, `false` none.
 */
export function pipelineSplit(pipeline: string, nativePasses: boolean | undefined): PipelineSplit {
  if (nativePasses === false) return { native: '', rest: pipeline };
  const split = splitNativePrefix(pipeline);
  return nativePasses === true || split.rest === '' ? split : { native: '', rest: pipeline };
}

/** Translates and prepares a wasm module for a metering mode (none|vanilla|slacked|count|epoch). */
export async function compileWasm(wasm: Uint8Array, metering: MeteringMode, engine: Engine = new Engine(), options: CompileWasmOptions = {}): Promise<WasmModule> {
  const mode = meteringModeSchema.parse(metering);
  const layout = wasmLayout(engine);
  const memoryConfig = memoryConfigSchema.parse({
    ...(options.memoryReservation === undefined ? {} : { memoryReservation: options.memoryReservation }),
    ...(options.memoryGuardSize === undefined ? {} : { memoryGuardSize: options.memoryGuardSize }),
  });
  const fuelCosts = fuelCostsSchema.safeParse(options.fuelCosts ?? {});
  if (!fuelCosts.success) throw new RuntimeConfigError(`invalid fuelCosts: ${z.prettifyError(fuelCosts.error)}`);
  const fullPipeline = options.pipeline ?? (mode === 'slacked' || mode === 'count' ? await defaultPipeline(mode) : '');
  const split = pipelineSplit(fullPipeline, z.boolean().optional().parse(options.nativePasses));
  const reserve = z.boolean().default(false).safeParse(options.reservePinnedRegister);
  if (!reserve.success) throw new RuntimeConfigError(`invalid reservePinnedRegister: ${z.prettifyError(reserve.error)}`);
  const reservePinnedRegister = reserve.data;
  // Every option of the translation is part of the compile cache's key.
  const translateOptions = {
    metering: translationMetering(mode),
    hoistMemoryBase: options.hoistMemoryBase ?? DEFAULT_HOIST_MEMORY_BASE,
    layout,
    fuelCosts: fuelCosts.data,
    ...memoryConfig,
    ...(split.native === '' ? {} : { nativePasses: split.native }),
  };
  // translate validates both (RuntimeConfigError); the thread count is left out of the key.
  const translated = translate(wasm, { ...translateOptions, ...(options.threads === undefined ? {} : { threads: options.threads }) });
  const nativeMs = (translated.rewriteMicros ?? 0) / 1000;
  const pipeline = split.rest;
  const used = new Set<string>();
  for (const f of translated.functions) for (const m of f.clif.matchAll(/colocated (u805306368:\d+)/g)) used.add(m[1]!);
  const shims = builtinShims(translated, used, fuelConvention(mode) === 'pinned' ? { storeContextPointer: layout.storeContextPointer, fuelConsumed: layout.fuelConsumed } : null);
  const hostImports: WasmImport[] = translated.imports
    .filter((i) => i.kind === 'func')
    .map((imp, i) => {
      const type = translated.types[imp.typeIndex]!;
      const params = type.params.map(slotType);
      const returns = type.results.map(slotType);
      const signature = `(i64 vmctx, i64${params.map((p) => `, ${p}`).join('')})${returns.length > 0 ? ` -> ${returns.join(', ')}` : ''} tail`;
      return { name: `%sf_import_${i}`, signature, params, returns };
    });
  const entryPoints = translated.exports
    .filter((e) => e.kind === 'func' && e.index >= translated.numImportedFunctions)
    .map((e) => `u0:${e.index}`);
  if (translated.start !== null && translated.start >= translated.numImportedFunctions) entryPoints.push(`u0:${translated.start}`);
  const extras = { entryPoints, definitions: shims.text, definedNames: shims.names, hostImports };
  // Text that needs no pass (the translation without a pipeline, or a pipeline's output from
  // the compile cache) is assembled as it is: parsing it only to print it again would cost more
  // than Cranelift's compile (SQLite: 1.2 s of 20 MB). The functions are parsed if someone asks.
  const direct = (parts: readonly AssemblyPart[], texts: readonly string[], ms: number, cached: boolean): WasmModule => {
    const assembled = assembleParts(parts, fuelConvention(mode), engine.layout, extras);
    const lazy = () => (texts.length === 0 ? [] : parse(texts.join('\n')).functions);
    return new WasmModule(translated, new Module(engine, mode, fullPipeline, lazy, assembled, undefined, reservePinnedRegister), layout, ms, 0, memoryConfig, cached);
  };
  let functions: Function[] | undefined;
  let pipelineMs = 0;
  let fromCache = false;
  // Only a pipeline is worth caching: without one the text is the translation's own.
  const cache = options.prepared === undefined && fullPipeline !== '' ? options.cache : undefined;
  const key = cache?.key({ wasm, translateOptions, pipeline: fullPipeline });
  const asText = options.prepared === undefined && options.transform === undefined;
  if (asText && pipeline === '') {
    const texts = translated.functions.map((f) => f.clif);
    const parts = functionParts(texts, shims.names);
    if (parts !== undefined) return direct(parts, texts, nativeMs, false);
  }
  if (asText && cache !== undefined && key !== undefined) {
    const started = performance.now();
    // A function line that does not parse (an entry of another layout) makes it a miss.
    const hit = cache.read(key, (text) => {
      const texts = splitFunctions(text);
      const ours = texts.length === translated.functions.length && texts.every((t, i) => t.startsWith(`function u0:${translated.functions[i]!.index}(`));
      return ours ? { texts, parts: functionParts(texts, shims.names) } : undefined;
    });
    if (hit?.parts !== undefined) return direct(hit.parts, hit.texts, performance.now() - started, true);
    if (hit !== undefined) {
      // Calls the assembly must resolve as imports: parse after all.
      functions = parse(hit.texts.join('\n')).functions;
      fromCache = true;
      pipelineMs = performance.now() - started;
    }
  }
  if (options.prepared !== undefined) {
    if (options.prepared.length !== translated.functions.length) throw new RuntimeConfigError('prepared CLIF: not the functions of this module');
    functions = options.prepared.map((fn) => fn.clone());
  } else if (!asText && cache !== undefined && key !== undefined) {
    const started = performance.now();
    const cached = cache.read(key, (text) => {
      const fns = text === '' ? [] : parse(text).functions;
      return fns.length === translated.functions.length ? fns : undefined;
    });
    if (cached !== undefined) {
      functions = cached;
      fromCache = true;
      pipelineMs = performance.now() - started;
    }
  }
  const jobs = pipeline === '' ? 1 : jobsFor(translated.functions.reduce((n, f) => n + f.clif.length, 0), options.jobs);
  if (functions === undefined && jobs > 1) {
    // Workers parse, run and print; this thread parses their output once.
    const started = performance.now();
    const printed = await pipelineOnWorkers(translated.functions.map((f) => f.clif), pipeline, jobs);
    functions = printed === '' ? [] : parse(printed).functions;
    pipelineMs = nativeMs + performance.now() - started;
    if (cache !== undefined && key !== undefined) cache.write(key, printed);
  }
  if (functions === undefined) {
    functions = translated.functions.length === 0 ? [] : parse(clifText(translated)).functions;
    const started = performance.now();
    await applyPipeline(functions, pipeline);
    pipelineMs = nativeMs + performance.now() - started;
    if (cache !== undefined && key !== undefined) cache.write(key, functions.map((fn) => print(fn)).join('\n'));
  }
  const transformed = options.transform?.(functions);
  const profileCounters = transformed === undefined ? 0 : z.number().int().nonnegative().max(2 ** 24).parse(transformed.profileCounters);
  const assembled = assemble(functions, fuelConvention(mode), engine.layout, extras);
  return new WasmModule(translated, new Module(engine, mode, fullPipeline, functions, assembled, undefined, reservePinnedRegister), layout, pipelineMs, profileCounters, memoryConfig, fromCache);
}

/**
 * Functions' CLIF texts as assembly parts, read without parsing their bodies: the name and
 * signature from each `function` line, the text as printed (by the front end's Cranelift writer,
 * or by our printer into the compile cache). Undefined, so the caller parses, if a function
 * calls anything but these functions, `shimNames` and the builtins the assembly adds (anything
 * else the assembly would have to resolve as an import, which needs the parsed declarations).
 */
function functionParts(texts: readonly string[], shimNames: readonly string[]): AssemblyPart[] | undefined {
  const defined = new Set(shimNames);
  const headers = [];
  for (const text of texts) {
    const header = parse(`${text.slice(0, text.indexOf('\n'))}\n}\n`).functions[0];
    if (header === undefined) return undefined;
    headers.push(header);
    defined.add(formatFunctionName(header.name));
  }
  const parts: AssemblyPart[] = [];
  for (const [i, text] of texts.entries()) {
    const callees: { name: string }[] = [];
    for (const m of text.matchAll(/^\s+fn\d+ = (?:colocated )?([^\s(]+)/gm)) {
      const name = m[1]!;
      if (name === OUT_OF_GAS_BUILTIN || name === NEW_EPOCH_BUILTIN) callees.push({ name });
      else if (!defined.has(name)) return undefined;
    }
    const header = headers[i]!;
    parts.push({ name: formatFunctionName(header.name), signature: header.signature, text: text.endsWith('\n') ? text : `${text}\n`, callees });
  }
  return parts;
}

/** A file of printed functions cut at each `function` line (the compile cache's text). */
function splitFunctions(text: string): string[] {
  return text
    .split(/^(?=function )/m)
    .filter((piece) => piece.trim() !== '')
    .map((piece) => piece.replace(/\n+$/, '\n'));
}

/** The pipeline on worker threads: the functions printed, as the serial path would print them; a failing pass throws its PassRunError. */
async function pipelineOnWorkers(texts: readonly string[], pipeline: string, jobs: number): Promise<string> {
  const printed: string[] = [];
  for (const result of await runPipelineOnTexts(texts, pipeline, jobs)) {
    if (result.kind === 'parse-error') throw new RuntimeConfigError(`the translation's CLIF does not parse: ${result.message}`);
    for (const f of result.functions) {
      if (!f.ok) throw new PassRunError(f.pass, f.function, new Error(f.message));
      printed.push(f.text);
    }
  }
  return printed.join('\n');
}

export interface WasmCallResult {
  readonly results: ClifValue[];
  readonly fuelConsumed: number | null;
  /** With the `resultBits` option: each result's bits, zero-extended (f32/f64 exactly, NaN
   *  payloads included, which a JavaScript number may not keep). */
  readonly resultBits?: readonly bigint[];
}

/** Instantiates; a segment that does not fit (a Trap from the addon) becomes a WasmTrap. */
function instantiateTyped(module: Module, options: Parameters<Module['instantiateWithNative']>[0]): ReturnType<Module['instantiateWithNative']> {
  try {
    return module.instantiateWithNative(options);
  } catch (error) {
    throw asWasmTrap(error);
  }
}

/** A running wasm instance: exported functions, memory access, traps typed as WasmTrap. */
export class WasmInstance {
  readonly #instance: Instance;
  readonly #native: NativeInstance;

  readonly #live: { count: number };
  /** This instance's group for serialising calls once it shares a memory. */
  readonly #gate: CallGate;

  /** The func-refs JavaScript may pass back (see FuncRefGuard). */
  readonly #guard: FuncRefGuard;

  /**
   * Fuel instantiation consumed, as Wasmtime 48 counts it (its startup function: constant
   * expressions it evaluates, segment copies it cannot do from an image, the start function's
   * call and body); 0 when it runs none; null without fuel metering (none, epoch). Wasmtime's
   * store counts it before the first call, so a run's total is this plus the call's fuel.
   */
  #instantiationFuel: number | null = null;

  private constructor(
    readonly module: WasmModule,
    instance: Instance,
    native: NativeInstance,
    live: { count: number },
    guard: FuncRefGuard,
    gate: CallGate,
  ) {
    this.#guard = guard;
    this.#gate = gate;
    this.#instance = instance;
    this.#native = native;
    this.#live = live;
    live.count++;
    collected.register(this, live, this);
  }

  static async create(module: WasmModule, options: WasmInstantiateOptions): Promise<WasmInstance> {
    const parsed = wasmInstantiateOptionsSchema.safeParse(options);
    if (!parsed.success) throw new RuntimeConfigError(`invalid instantiate options: ${z.prettifyError(parsed.error)}`);
    const o = parsed.data;
    const t = module.translated;
    const hostImports: Record<string, HostFunction> = {};
    const linked = new Map<number, WasmFunction>();
    const hostFunctions: [number, HostFunction, WasmFuncType, string][] = [];
    const linkedTables = new Map<number, Table>();
    t.imports
      .filter((i) => i.kind === 'table')
      .forEach((imp, i) => {
        const given = o.imports[imp.module]?.[imp.name];
        const name = `${imp.module}::${imp.name}`;
        if (given === undefined) throw new RuntimeConfigError(`missing import ${imp.module}.${imp.name} (a table)`);
        if (!(given instanceof Table)) throw new RuntimeConfigError(`incompatible import type for \`${name}\`: expected table, found ${kindOf(given)}`);
        given.checkImport(imp.table, name);
        // Imported tables come first in the table index space, in import order.
        linkedTables.set(i, given);
      });
    t.imports
      .filter((i) => i.kind === 'func')
      .forEach((imp, i) => {
        const f = o.imports[imp.module]?.[imp.name];
        if (f === undefined) throw new RuntimeConfigError(`missing import ${imp.module}.${imp.name}`);
        if (f instanceof Memory || f instanceof Table || f instanceof Global) throw new RuntimeConfigError(`incompatible import type for \`${imp.module}::${imp.name}\`: expected func, found ${kindOf(f)}`);
        const type = t.types[imp.typeIndex]!;
        if (f instanceof WasmFunction) {
          f.checkImport(type, t.typeKeys[imp.typeIndex]!, `${imp.module}::${imp.name}`);
          linked.set(i, f);
          // The record calls the function itself; this trampoline is never reached.
          hostImports[`%sf_import_${i}`] = () => {
            throw new RuntimeConfigError(`internal error: the linked import ${imp.module}.${imp.name} was called through the host`);
          };
          return;
        }
        hostFunctions.push([i, f, type, `${imp.module}.${imp.name}`]);
      });
    const linkedGlobals = new Map<number, Global>();
    t.imports
      .filter((i) => i.kind === 'global')
      .forEach((imp, i) => {
        const given = o.imports[imp.module]?.[imp.name];
        if (given === undefined) return; // a value in `globals`, or missing (instanceSetup says)
        const name = `${imp.module}::${imp.name}`;
        if (!(given instanceof Global)) throw new RuntimeConfigError(`incompatible import type for \`${name}\`: expected global, found ${kindOf(given)}`);
        given.checkImport(imp.global, name);
        linkedGlobals.set(i, given);
      });
    const store = storeFor(o.store, [...linked.values(), ...linkedTables.values(), ...linkedGlobals.values()]);
    // Func-refs belong to the store: any member may take one another member handed out.
    const guard = funcRefGuard(store);
    for (const [i, f, type, name] of hostFunctions) hostImports[`%sf_import_${i}`] = guard.wrap(f, type, name);
    const importedMemories = t.imports
      .filter((i) => i.kind === 'memory')
      .map((imp) => {
        const given = o.imports[imp.module]?.[imp.name];
        const name = `${imp.module}::${imp.name}`;
        if (given === undefined) throw new RuntimeConfigError(`missing import ${imp.module}.${imp.name} (a memory)`);
        if (!(given instanceof Memory)) throw new RuntimeConfigError(`incompatible import type for \`${name}\`: expected memory, found ${kindOf(given)}`);
        given.checkImport(imp.memory, name);
        return given;
      });
    const counters = o.profileCounters ?? module.profileCounters;
    if (counters < module.profileCounters) {
      throw new RuntimeConfigError(`the module's code writes ${module.profileCounters} profile counters; profileCounters ${counters} is too few`);
    }
    // The bulk builtins check the budget only where the counter lives in the pinned register
    // (slacked, count: their code has no inline checks). Vanilla checks inline before every
    // bulk operation that Wasmtime checks, and not before one that Wasmtime does not (a
    // constant length costing at most 128), so a builtin check there would stop what
    // Wasmtime runs.
    const setup = instanceSetup(t, module.layout, o.globals, counters, o.limits, fuelConvention(module.metering) === 'pinned', module.memoryConfig, importedMemories, { store, functions: linked, tables: linkedTables, globals: linkedGlobals });
    const m = module.module;
    let live = liveInstances.get(m.engine);
    if (live === undefined) liveInstances.set(m.engine, (live = { count: 0 }));
    if (o.limits.maxInstances !== undefined && live.count >= o.limits.maxInstances) {
      throw new ResourceLimitError(`the engine already has ${live.count} live instance(s); the limit is ${o.limits.maxInstances}`);
    }
    const withSetup = new Module(m.engine, m.metering, m.pipeline, () => m.functions, m.assembled, setup, m.reservePinnedRegister);
    // Instances sharing a memory run their code one at a time (docs/runtime.md), and the data
    // segments are written into an imported memory in the group's turn too.
    const gate = store.gate;
    for (const memory of importedMemories) await gate.join(memory.gate);
    if (importedMemories.length > 0) store.useGate();
    const { instance, native } = await gate.through(async () => instantiateTyped(withSetup, {
      store,
      imports: hostImports,
      memoryBytes: 0,
      stackBytes: o.stackBytes,
      maxWasmStack: o.maxWasmStack,
      stackLimit: module.layout.stackLimit,
      checkIntervalMs: o.checkIntervalMs,
      ...(o.checkMaxIntervalMs === undefined ? {} : { checkMaxIntervalMs: o.checkMaxIntervalMs }),
      hostStepWaitMicros: o.hostStepWaitMicros,
      ...(o.codeLayoutSeed === undefined ? {} : { codeLayoutSeed: o.codeLayoutSeed }),
    }));
    const wasm = new WasmInstance(module, instance, native, live, guard, gate);
    const metered = accountsFuel(module.metering);
    let instantiationFuel = t.startupFuel ?? 0;
    if (o.runStart && t.start !== null) {
      try {
        const budget = o.startFuel === undefined ? {} : { fuel: Math.max(0, o.startFuel - instantiationFuel) };
        const r = t.start < t.numImportedFunctions ? await startImport(t.start, linked, hostFunctions, budget) : await wasm.#callIndex(t.start, [], budget);
        instantiationFuel += r.fuelConsumed ?? 0;
      } catch (error) {
        wasm.dispose();
        throw error;
      }
    }
    wasm.#instantiationFuel = metered ? instantiationFuel : null;
    return wasm;
  }

  async #callIndex(index: number, args: readonly ClifValue[], options: { fuel?: number; resultBits?: boolean }): Promise<WasmCallResult> {
    try {
      return await this.#instance.call(`u0:${index}`, args, options);
    } catch (error) {
      throw asWasmTrap(error);
    }
  }

  /** See `#instantiationFuel`: what instantiating consumed, as Wasmtime counts it. */
  get instantiationFuel(): number | null {
    return this.#instantiationFuel;
  }

  /** Machine-code size of every compiled function (wasm functions are named `u0:N`). */
  get codeSizes(): readonly { readonly name: string; readonly codeSize: number }[] {
    return this.#native.functions.map((f) => ({ name: f.name, codeSize: f.codeSize }));
  }

  /** Where each compiled function starts within its 64-byte cache line (see `codeLayoutSeed`). */
  get lineOffsets(): readonly { readonly name: string; readonly lineOffset: number }[] {
    return this.#native.functions.map((f) => ({ name: f.name, lineOffset: f.lineOffset }));
  }

  /** Calls exported function `name`; rejects with WasmTrap, OutOfFuel, or a host function's error. */
  call(name: string, args: readonly ClifValue[] = [], options: { fuel?: number; resultBits?: boolean } = {}): Promise<WasmCallResult> {
    const e = this.module.translated.exports.find((x) => x.name === name && x.kind === 'func');
    if (e === undefined) throw new RuntimeConfigError(`no exported function ${name} (exports: ${this.module.exportedFunctions.join(', ')})`);
    const t = this.module.translated;
    const type = t.types[t.functionTypes[e.index]!]!;
    this.#guard.check(type.params, args, `${name}'s arguments`, type.nonNullParams);
    return this.#callIndex(e.index, args, options).then((r) => {
      this.#guard.issue(type.results, r.results);
      return r;
    });
  }

  /** Bytes of linear memory 0 (0 without a memory). */
  get memorySize(): number {
    return this.memorySizeOf(0);
  }

  /** Bytes of linear memory `memory` (multi-memory; 0 when the module has no such memory). */
  memorySizeOf(memory: number): number {
    return memory < this.module.translated.memories.length ? this.#native.memorySize(memory) : 0;
  }

  /**
   * The memory exported as `name`, to import into another instance (`imports: { env: { mem } }`).
   * From then on calls into this instance and the importers run one at a time.
   */
  memory(name: string): Memory {
    const e = this.module.translated.exports.find((x) => x.name === name && x.kind === 'memory');
    if (e === undefined) throw new RuntimeConfigError(`no exported memory ${name}`);
    this.#instance.store.useGate();
    return new Memory(this.#native.memory(e.index), this.#gate);
  }

  /**
   * The function exported as `name`, to import into another instance (`imports: { env: { f } }`),
   * which then joins this instance's store and calls it directly (Wasmtime's `Linker`).
   */
  func(name: string): WasmFunction {
    const e = this.module.translated.exports.find((x) => x.name === name && x.kind === 'func');
    if (e === undefined) throw new RuntimeConfigError(`no exported function ${name} (exports: ${this.module.exportedFunctions.join(', ')})`);
    if (this.#instance.disposed) throw new RuntimeConfigError(`the instance exporting ${name} has been disposed`);
    const t = this.module.translated;
    const typeIndex = t.functionTypes[e.index]!;
    const call = (options: { fuel?: number }) => this.#callIndex(e.index, [], options);
    return new WasmFunction(this.#instance.store, this.#instance.member, e.index, t.types[typeIndex]!, t.typeKeys[typeIndex]!, name, call);
  }

  /**
   * The table exported as `name`, to import into another instance (`imports: { env: { t } }`),
   * which then joins this instance's store; both read, grow and call through the one table.
   */
  table(name: string): Table {
    const e = this.module.translated.exports.find((x) => x.name === name && x.kind === 'table');
    if (e === undefined) throw new RuntimeConfigError(`no exported table ${name}`);
    if (this.#instance.disposed) throw new RuntimeConfigError(`the instance exporting ${name} has been disposed`);
    return new Table(this.#instance.store, this.#instance.member, e.index, this.module.translated.tables[e.index]!, name);
  }

  /**
   * The global exported as `name`, to import into another instance (`imports: { env: { g } }`),
   * which then joins this instance's store; both read and write the one value.
   */
  global(name: string): Global {
    const e = this.module.translated.exports.find((x) => x.name === name && x.kind === 'global');
    if (e === undefined) throw new RuntimeConfigError(`no exported global ${name}`);
    if (this.#instance.disposed) throw new RuntimeConfigError(`the instance exporting ${name} has been disposed`);
    const native = this.#native;
    return new Global(this.#instance.store, this.#instance.member, e.index, this.module.translated.globals[e.index]!, name, () => native.globalBits(e.index));
  }

  /** The store this instance belongs to (give it as `store` to instantiate into it). */
  get store(): Store {
    return this.#instance.store;
  }

  /** A copy of linear memory `memory` (call only between calls, or from a host function). */
  readMemory(offset = 0, length = this.memorySize - offset, memory = 0): Uint8Array {
    return this.#native.readMemory(offset, length, memory);
  }

  writeMemory(offset: number, bytes: Uint8Array, memory = 0): void {
    this.#native.writeMemory(offset, bytes, memory);
  }

  /** The edge-profile counters (`profileCounters` of them; call between calls). */
  readProfileCounters(): number[] {
    return this.#native.readProfileCounters();
  }

  /** Whether the instance's wasm thread is still alive (false some time after dispose). */
  get threadAlive(): boolean {
    return this.#instance.threadAlive;
  }

  /** Ends the instance; a call still running is interrupted (it rejects with ModuleDisposedError). */
  dispose(): void {
    if (this.#instance.disposed) return;
    this.#instance.dispose();
    collected.unregister(this);
    this.#live.count--;
  }
}
