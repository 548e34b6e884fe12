// Instruction text for diagnostics: the printer's own rendering of one instruction, so messages
// show exactly what the user sees in `slackfuel print` (without source location or indent).
import { print, type Function, type Inst } from '../../../ir/index.js';

const MARK = '\u0001inst';

/** Lazily prints a function once and hands out the text of single instructions. */
export class InstTexts {
  private lines: Map<Inst, string> | undefined;

  constructor(private readonly fn: Function) {}

  /** `v6 = iadd v4, v5`. */
  text(inst: Inst): string {
    this.lines ??= this.build();
    return this.lines.get(inst) ?? `inst${inst}`;
  }

  private build(): Map<Inst, string> {
    const lines = new Map<Inst, string>();
    const text = print(this.fn, { annotateInst: (i) => `${MARK}${i}` });
    for (const line of text.split('\n')) {
      const at = line.lastIndexOf(`  ; ${MARK}`);
      if (at < 0) continue;
      const id = Number(line.slice(at + 4 + MARK.length));
      let body = line.slice(0, at).trim();
      body = body.replace(/^@[0-9a-f]+\s+/, '').replace(/^<[^>]*>\s*/, '');
      // Drop the printer's constant comments (`; v5 = 3`): the operands already name the values.
      const comment = body.indexOf('  ; ');
      lines.set(id, comment < 0 ? body : body.slice(0, comment));
    }
    return lines;
  }
}
