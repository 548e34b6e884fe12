// Writes the filetests that go upstream with docs/cranelift/pinned-increment.patch, in
// Cranelift's `test compile precise-output` format, from the vendored Cranelift's own VCode
// listing (`npm run cranelift:filetests`). The `; Disassembled:` half of each expectation
// needs Cranelift's capstone build: upstream, `CRANELIFT_TEST_BLESS=1` adds it.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parse, print } from '../src/ir/index.js';
import { compile, type Isa } from '../src/native/index.js';

const source = readFileSync(new URL('../tests/fixtures/native/pinned-increment.clif', import.meta.url), 'utf8');
const functions = parse(source).functions;
const outDir = new URL('../docs/cranelift/filetests/', import.meta.url);

const targets: Record<Isa, string> = { x86_64: 'x64', aarch64: 'aarch64' };

for (const [isa, dir] of Object.entries(targets) as [Isa, string][]) {
  const sections = [`test compile precise-output\nset enable_pinned_reg=true\ntarget ${isa}\n`];
  for (const fn of functions) {
    const text = print(fn);
    const [compiled] = compile(`set enable_pinned_reg=true\n\n${text}`, { isa });
    const vcode = compiled!.disassembly
      .trimEnd()
      .split('\n')
      .map((line) => `; ${line.replace(/^ {2}/, '  ')}`.trimEnd());
    sections.push(`${text.trimEnd()}\n\n; VCode:\n${vcode.join('\n')}\n`);
  }
  mkdirSync(new URL(`${dir}/`, outDir), { recursive: true });
  writeFileSync(new URL(`${dir}/pinned-reg-add.clif`, outDir), `${sections.join('\n')}`);
}

// The run test: the same functions and run lines, for every target.
mkdirSync(new URL('runtests/', outDir), { recursive: true });
writeFileSync(
  new URL('runtests/pinned-reg-add.clif', outDir),
  source.replace('set enable_pinned_reg=true\n', 'set enable_pinned_reg=true\ntarget x86_64\ntarget aarch64\n'),
);
console.log('wrote docs/cranelift/filetests/{x64,aarch64,runtests}/pinned-reg-add.clif');
