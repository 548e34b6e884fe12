// Canonical CLIF printer: reproduces Cranelift 0.135.8's `write_function` byte for byte (preamble
// order, srcloc columns, type suffixes, constant comments, number formats). Legacy opcodes print
// in the syntax of the releases that had them. An optional annotation hook adds `;` notes.
import type { Block, Inst, Value } from './entities.js';
import type { ClifFile, Function } from './function.js';
import { formatFunctionName } from './function.js';
import {
  bytesToBigint,
  formatConstantData,
  formatFloat,
  formatImm64,
  formatOffset32,
  formatUimm,
  IEEE128,
  IEEE16,
  IEEE32,
  IEEE64,
  signExtendFromWidth,
} from './immediates.js';
import { formatBlockCall, type BlockCall, type InstructionData } from './instruction.js';
import { formatMemFlags, type MemFlags } from './memflags.js';
import { formatSpec, opcodeInfo, requiresTypevarOperand, legacyOpcodeInfo, type OpcodeInfo } from './opcode-table.js';
import { formatGlobalValue, formatHeap, formatJumpTableDecl, formatStackSlot, formatTable } from './preamble.js';
import { formatSignature } from './signature.js';
import { ValueKind } from './dfg.js';

export interface PrintOptions {
  /**
   * Notes for humans: called per block; a returned string is printed as `; ...` comment lines
   * right after the block header (one per line of the string). Canonical output when absent.
   */
  annotate?: (block: Block) => string | undefined;
  /** Notes per instruction, printed as a trailing `; ...` comment on the instruction's line. */
  annotateInst?: (inst: Inst) => string | undefined;
}

/** Prints one function exactly as Cranelift's writer does (ends with `}\n`). */
export function print(fn: Function, options: PrintOptions = {}): string {
  return new Printer(fn, options).run();
}

/** Prints a whole file: header lines, a blank line, then every function separated by blank lines. */
export function printFile(file: ClifFile, options: PrintOptions = {}): string {
  const parts: string[] = [];
  if (file.headers.length > 0) parts.push(`${file.headers.join('\n')}\n`);
  for (const fn of file.functions) parts.push(print(fn, options));
  return parts.join('\n');
}

const SPACES = ' '.repeat(64);

function pad(n: number): string {
  return n <= 64 ? SPACES.slice(0, n) : ' '.repeat(n);
}

class Printer {
  private out = '';
  private readonly aliases: Map<Value, Value[]> | null;
  private readonly indent: number;
  private readonly srclocBase: number | null;
  /** Instructions of the current block printed so far (the reader infers types only from those). */
  private readonly printedInBlock = new Set<Inst>();

  constructor(
    private readonly fn: Function,
    private readonly options: PrintOptions,
  ) {
    this.aliases = aliasMap(fn);
    this.indent = fn.srclocs.size === 0 && fn.debugTags.size === 0 ? 4 : 36;
    this.srclocBase = fn.srclocBase;
  }

  run(): string {
    const fn = this.fn;
    this.out = `function ${formatFunctionName(fn.name)}${formatSignature(fn.signature)} {\n`;
    let any = this.preamble();
    for (const block of fn.layout.blocks()) {
      if (any) this.out += '\n';
      this.block(block);
      any = true;
    }
    this.out += '}\n';
    return this.out;
  }

  private preamble(): boolean {
    const fn = this.fn;
    let any = false;
    const line = (entity: string, value: string) => {
      this.out += `    ${entity} = ${value}\n`;
      any = true;
    };
    fn.dynamicStackSlots.forEach((d, i) => line(`dss${i}`, `explicit_dynamic_slot dt${d.dynamicType}`));
    fn.stackSlots.forEach((s, i) => line(`ss${i}`, formatStackSlot(s)));
    fn.aliasRegions.forEach((r, i) => line(`region${i}`, `${r.userId} "${r.description}"`));
    fn.globalValues.forEach((g, i) => line(`gv${i}`, formatGlobalValue(g)));
    fn.heaps.forEach((h, i) => line(`heap${i}`, formatHeap(h)));
    fn.tables.forEach((t, i) => line(`table${i}`, formatTable(t)));
    fn.signatures.forEach((s, i) => line(`sig${i}`, formatSignature(s)));
    fn.extFuncs.forEach((f, i) => {
      if (f.signature === null) return;
      let name: string;
      if (f.name.kind === 'testcase') name = `%${f.name.name}`;
      else {
        const user = fn.userNamedFuncs[f.name.ref];
        name = user === undefined ? `userextname${f.name.ref}` : `u${user.namespace}:${user.index}`;
      }
      line(`fn${i}`, `${f.colocated ? 'colocated ' : ''}${f.patchable ? 'patchable ' : ''}${name} sig${f.signature}`);
    });
    fn.jumpTables.forEach((entries, i) => line(`jt${i}`, formatJumpTableDecl(entries)));
    const handles = [...fn.constants.keys()].sort((a, b) => a - b);
    for (const h of handles) line(`const${h}`, formatConstantData(fn.constants.get(h)!));
    if (fn.stackLimit !== null) line('stack_limit', `gv${fn.stackLimit}`);
    return any;
  }

  private block(block: Block): void {
    const fn = this.fn;
    const dfg = fn.dfg;
    let header = `${pad(this.indent - 4)}block${block}`;
    const params = dfg.blockParams(block);
    if (params.length > 0) {
      header += '(';
      for (let i = 0; i < params.length; i++) {
        const v = params[i]!;
        header += `${i === 0 ? '' : ', '}v${v}: ${dfg.valueType(v).writerName}`;
      }
      header += ')';
    }
    this.out += `${header}${fn.layout.isCold(block) ? ' cold' : ''}:\n`;
    const note = this.options.annotate?.(block);
    if (note !== undefined) for (const l of note.split('\n')) this.out += `${pad(this.indent)}; ${l}\n`;
    if (this.aliases !== null) for (const p of params) this.writeAliases(p, this.indent);
    this.printedInBlock.clear();
    for (const inst of fn.layout.blockInsts(block)) {
      this.instruction(inst, block);
      this.printedInBlock.add(inst);
    }
  }

  private writeAliases(target: Value, indent: number): void {
    const stack = [target];
    while (stack.length > 0) {
      const t = stack.pop()!;
      const list = this.aliases!.get(t);
      if (list === undefined) continue;
      for (const a of list) {
        this.out += `${pad(indent)}v${a} -> v${t}\n`;
        stack.push(a);
      }
    }
  }

  private instruction(inst: Inst, block: Block): void {
    const fn = this.fn;
    const dfg = fn.dfg;
    const data = dfg.insts[inst]!;
    let indent = this.indent;
    let prefix = '';
    const loc = fn.srclocs.get(inst);
    if (loc !== undefined && this.srclocBase !== null && ((loc - this.srclocBase) >>> 0) !== 0xffff_ffff) {
      prefix = `@${loc.toString(16).padStart(4, '0')} `;
    }
    const tags = fn.debugTags.get(inst);
    if (tags !== undefined && tags.length > 0) {
      const s = `<${tags.map((t) => (t.kind === 'user' ? String(t.value) : `ss${t.slot}`)).join(', ')}> `;
      this.out += s;
      indent = Math.max(0, indent - s.length);
    }
    let line = prefix.length >= indent ? prefix : prefix + pad(indent - prefix.length);
    const results = dfg.instResults(inst);
    if (results.length > 0) {
      for (let i = 0; i < results.length; i++) line += `${i === 0 ? 'v' : ', v'}${results[i]!}`;
      line += ' = ';
    }
    const info = infoFor(data);
    line += data.opcode;
    if (info !== undefined && info.polymorphic) {
      const suffix = this.typeSuffix(inst, block, data, info);
      if (suffix !== null) line += `.${suffix}`;
    }
    line += this.operands(inst, data, info);
    line += this.constantComments(inst);
    const note = this.options.annotateInst?.(inst);
    if (note !== undefined) line += `  ; ${note.replaceAll('\n', ' ')}`;
    this.out += `${line}\n`;
    if (this.aliases !== null) for (const r of results) this.writeAliases(r, indent);
  }

  /** Cranelift's `type_suffix`: omitted when the typevar operand is defined in this block. */
  private typeSuffix(inst: Inst, block: Block, data: InstructionData, info: OpcodeInfo): string | null {
    const dfg = this.fn.dfg;
    const spec = formatSpec(info);
    if (info.useTypevarOperand && spec.typevarOperand !== null) {
      const operand = data.args[spec.typevarOperand];
      if (operand !== undefined) {
        const def = dfg.definingData(operand);
        let defBlock: number | undefined;
        // Cranelift's test is "defined in this block"; in valid CLIF that means "above". For
        // invalid input (a use of its own result, or of a later one) the reader could not infer
        // the type, so the suffix stays.
        if (def !== undefined && def.kind === ValueKind.Result && this.printedInBlock.has(def.owner)) defBlock = this.fn.layout.instBlock(def.owner);
        else if (def !== undefined && def.kind === ValueKind.Param) defBlock = def.owner;
        if (defBlock !== undefined && defBlock === block) return null;
      }
    }
    const ctrl = this.ctrlType(inst, data, info);
    return ctrl === null ? null : ctrl;
  }

  /** Cranelift's `ctrl_typevar`: the typevar operand's type, or the first result's. */
  private ctrlType(inst: Inst, data: InstructionData, info: OpcodeInfo): string | null {
    const dfg = this.fn.dfg;
    if (requiresTypevarOperand(info)) {
      const spec = formatSpec(info);
      const operand = spec.typevarOperand === null ? undefined : data.args[spec.typevarOperand];
      const t = operand === undefined ? undefined : dfg.values[operand]?.type;
      return t === undefined || t === null ? null : t.writerName;
    }
    const first = dfg.instResults(inst)[0];
    const t = first === undefined ? undefined : dfg.values[first]?.type;
    return t === undefined || t === null ? null : t.writerName;
  }

  private ctrlBits(inst: Inst): number {
    const dfg = this.fn.dfg;
    const first = dfg.instResults(inst)[0];
    const t = first === undefined ? null : (dfg.values[first]?.type ?? null);
    return t === null ? 0 : t.bits;
  }

  private operands(inst: Inst, d: InstructionData, info: OpcodeInfo | undefined): string {
    const a = d.args;
    const format = info === undefined ? '' : formatSpec(info).name;
    switch (format) {
      // Cranelift's writer leaves out the memflags of these two.
      case 'AtomicRmw':
        return ` ${d.atomicOp} v${a[0]!}, v${a[1]!}`;
      case 'AtomicCas':
        return ` v${a[0]!}, v${a[1]!}, v${a[2]!}`;
      case 'LoadNoOffset':
        return `${flags(d.flags)} v${a[0]!}`;
      case 'StoreNoOffset':
        return `${flags(d.flags)} v${a[0]!}, v${a[1]!}`;
      case 'Unary':
        return ` v${a[0]!}`;
      case 'UnaryImm': {
        const bits = this.ctrlBits(inst);
        return ` ${formatImm64(bits !== 0 ? signExtendFromWidth(d.imm, bits) : d.imm)}`;
      }
      case 'UnaryIeee16':
        return ` ${formatFloat(d.floatBits, IEEE16)}`;
      case 'UnaryIeee32':
        return ` ${formatFloat(d.floatBits, IEEE32)}`;
      case 'UnaryIeee64':
        return ` ${formatFloat(d.floatBits, IEEE64)}`;
      case 'UnaryGlobalValue':
        return ` gv${d.globalValue}`;
      case 'UnaryConst':
        return ` const${d.constant}`;
      case 'Binary':
        return ` v${a[0]!}, v${a[1]!}`;
      case 'BinaryImm8':
        return ` v${a[0]!}, ${d.lane}`;
      case 'Ternary':
        return ` v${a[0]!}, v${a[1]!}, v${a[2]!}`;
      case 'MultiAry':
        return a.length === 0 ? '' : ` ${valueList(a)}`;
      case 'NullAry':
        return ' ';
      case 'TernaryImm8':
        return ` v${a[0]!}, v${a[1]!}, ${d.lane}`;
      case 'Shuffle':
        return ` v${a[0]!}, v${a[1]!}, ${formatConstantData(d.mask ?? [])}`;
      case 'IntCompare':
      case 'FloatCompare':
        return ` ${d.cond} v${a[0]!}, v${a[1]!}`;
      case 'IntAddTrap':
        return ` v${a[0]!}, v${a[1]!}, ${d.trapCode}`;
      case 'Jump':
        return ` ${call(d.destinations?.[0])}`;
      case 'Brif':
        return ` v${a[0]!}, ${call(d.destinations?.[0])}, ${call(d.destinations?.[1])}`;
      case 'BranchTable': {
        const t = d.table;
        if (t === null) return ` v${a[0]!}`;
        return ` v${a[0]!}, ${formatBlockCall(t.default)}, [${t.entries.map(formatBlockCall).join(', ')}]`;
      }
      case 'Call':
        return ` fn${d.funcRef}(${valueList(a)})${stackMap(d)}`;
      case 'CallIndirect':
        return ` sig${d.sigRef}, v${a[0]!}(${valueList(a.slice(1))})${stackMap(d)}`;
      case 'TryCall':
        return ` fn${d.funcRef}(${valueList(a)}), ${exceptionTable(d)}${stackMap(d)}`;
      case 'TryCallIndirect':
        return ` v${a[0]!}(${valueList(a.slice(1))}), ${exceptionTable(d)}${stackMap(d)}`;
      case 'FuncAddr':
        return ` fn${d.funcRef}`;
      case 'StackAddr':
      case 'StackLoad':
        return ` ss${d.stackSlot}${formatOffset32(d.offset)}`;
      case 'DynamicStackAddr':
      case 'DynamicStackLoad':
        return ` dss${d.dynamicStackSlot}`;
      case 'Load':
        return `${flags(d.flags)} v${a[0]!}${formatOffset32(d.offset)}`;
      case 'Store':
        return `${flags(d.flags)} v${a[0]!}, v${a[1]!}${formatOffset32(d.offset)}`;
      case 'Trap':
        return ` ${d.trapCode}`;
      case 'CondTrap':
        return ` v${a[0]!}, ${d.trapCode}`;
      case 'ExceptionHandlerAddress':
        return ` block${d.block}, ${formatImm64(d.imm)}`;
      // Legacy dialect.
      case 'BinaryImm64':
        return ` v${a[0]!}, ${formatImm64(d.imm)}`;
      case 'IntCompareImm':
        return ` ${d.cond} v${a[0]!}, ${formatImm64(d.imm)}`;
      case 'StackStore':
        return ` v${a[0]!}, ss${d.stackSlot}${formatOffset32(d.offset)}`;
      case 'DynamicStackStore':
        return ` v${a[0]!}, dss${d.dynamicStackSlot}`;
      case 'Branch':
        return ` v${a[0]!}, ${call(d.destinations?.[0])}`;
      case 'BranchInt':
      case 'BranchFloat':
        return ` ${d.cond} v${a[0]!}, ${call(d.destinations?.[0])}`;
      case 'BranchIcmp':
        return ` ${d.cond} v${a[0]!}, v${a[1]!}, ${call(d.destinations?.[0])}`;
      case 'IntCond':
      case 'FloatCond':
        return ` ${d.cond} v${a[0]!}`;
      case 'IntSelect':
        return ` ${d.cond} v${a[0]!}, v${a[1]!}, v${a[2]!}`;
      case 'IntCondTrap':
      case 'FloatCondTrap':
        return ` ${d.cond} v${a[0]!}, ${d.trapCode}`;
      case 'UnaryBool':
        return d.imm !== 0n ? ' true' : ' false';
      case 'LegacyBranchTable':
        return ` v${a[0]!}, block${d.table?.default.block ?? 0}, jt${d.legacyRef}`;
      case 'HeapAddr':
        return ` heap${d.legacyRef}, v${a[0]!}, ${formatUimm(d.imm)}${d.accessSize >= 0 ? `, ${formatUimm(d.accessSize)}` : ''}`;
      case 'TableAddr':
        return ` table${d.legacyRef}, v${a[0]!}${d.offset !== 0 ? `, ${formatOffset32(d.offset)}` : ''}`;
      default:
        return a.length === 0 ? '' : ` ${valueList(a)}`;
    }
  }

  /** `  ; v7 = 1, v9 = 0` for operands defined by constant instructions. */
  private constantComments(inst: Inst): string {
    const dfg = this.fn.dfg;
    const data = dfg.insts[inst]!;
    this.comment = '';
    for (let i = 0; i < data.args.length; i++) this.commentFor(data.args[i]!);
    if (data.destinations !== null || data.table !== null || data.exceptionTable !== null) {
      const values = dfg.instValues(inst);
      for (let i = data.args.length; i < values.length; i++) this.commentFor(values[i]!);
    }
    return this.comment;
  }

  private comment = '';

  private commentFor(arg: Value): void {
    const dfg = this.fn.dfg;
    const def = dfg.definingData(arg);
    if (def === undefined || def.kind !== ValueKind.Result) return;
    const src = dfg.insts[def.owner];
    if (src === undefined) return;
    const text = this.constantText(def.owner, src);
    if (text === null) return;
    this.comment += `${this.comment === '' ? '  ; ' : ', '}v${arg} = ${text}`;
  }

  private constantText(src: Inst, d: InstructionData): string | null {
    const info = infoFor(d);
    if (info === undefined) return null;
    switch (info.format) {
      case 'UnaryImm': {
        const bits = this.ctrlBits(src);
        return formatImm64(bits !== 0 ? signExtendFromWidth(d.imm, bits) : d.imm);
      }
      case 'UnaryIeee16':
        return formatFloat(d.floatBits, IEEE16);
      case 'UnaryIeee32':
        return formatFloat(d.floatBits, IEEE32);
      case 'UnaryIeee64':
        return formatFloat(d.floatBits, IEEE64);
      case 'UnaryConst': {
        if (d.opcode === 'f128const') {
          const bytes = this.fn.constants.get(d.constant);
          return bytes === undefined ? `const${d.constant}` : formatFloat(bytesToBigint(bytes), IEEE128);
        }
        return `const${d.constant}`;
      }
      default:
        return null;
    }
  }
}

function infoFor(d: InstructionData): OpcodeInfo | undefined {
  if (d.opcode === 'brif' && d.cond !== '') return legacyOpcodeInfo('brif');
  if (d.opcode === 'br_table' && d.legacyRef >= 0) return legacyOpcodeInfo('br_table');
  return opcodeInfo(d.opcode);
}

function flags(f: MemFlags | null): string {
  return f === null ? '' : formatMemFlags(f);
}

function call(c: BlockCall | undefined): string {
  return c === undefined ? '' : formatBlockCall(c);
}

function valueList(values: readonly Value[]): string {
  let out = '';
  for (let i = 0; i < values.length; i++) out += `${i === 0 ? 'v' : ', v'}${values[i]!}`;
  return out;
}

function stackMap(d: InstructionData): string {
  if (d.stackMap === null) return '';
  return `, stack_map=[${d.stackMap.map((e) => `${e.type.writerName} @ ss${e.slot}+${e.offset}`).join(', ')}]`;
}

function exceptionTable(d: InstructionData): string {
  const t = d.exceptionTable;
  if (t === null) return '';
  let out = `sig${t.sig}, ${formatBlockCall(t.normalReturn)}, [`;
  let first = true;
  for (const item of t.items) {
    out += first ? ' ' : ', ';
    first = false;
    if (item.kind === 'tag') out += `tag${item.tag}: ${formatBlockCall(item.dest)}`;
    else if (item.kind === 'default') out += `default: ${formatBlockCall(item.dest)}`;
    else out += `context v${item.value}`;
  }
  return `${out}${first ? '' : ' '}]`;
}

/** Aliases by their immediate target, in value-number order; null when the function has none. */
function aliasMap(fn: Function): Map<Value, Value[]> | null {
  let map: Map<Value, Value[]> | null = null;
  const values = fn.dfg.values;
  for (let v = 0; v < values.length; v++) {
    const d = values[v]!;
    if (d.kind !== ValueKind.Alias) continue;
    map ??= new Map();
    const list = map.get(d.owner);
    if (list === undefined) map.set(d.owner, [v]);
    else list.push(v);
  }
  return map;
}
