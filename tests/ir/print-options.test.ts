// printFile and the annotated mode for humans; canonical output is unaffected by them.
import test from 'ava';
import { parse, parseFunction, print, printFile } from '../../src/index.js';

const text = `test verifier
set opt_level=none

function %a() {
block0:
    jump block1
block1:
    return
}
function %b(i32) -> i32 {
block0(v0: i32):
    return v0
}
`;

test('printFile writes headers, a blank line, then functions separated by blank lines', (t) => {
  const out = printFile(parse(text));
  t.is(
    out,
    `test verifier
set opt_level=none

function %a() fast {
block0:
    jump block1

block1:
    return
}

function %b(i32) -> i32 fast {
block0(v0: i32):
    return v0
}
`,
  );
  t.is(printFile(parse(out)), out);
});

test('annotations add ; notes after block headers and on instructions', (t) => {
  const fn = parseFunction(text.slice(text.indexOf('function %a'), text.indexOf('function %b')));
  const canonical = print(fn);
  const annotated = print(fn, {
    annotate: (block) => (block === 1 ? 'fuel: 3\nloop header' : undefined),
    annotateInst: (inst) => `inst${inst}`,
  });
  t.is(
    annotated,
    `function %a() fast {
block0:
    jump block1  ; inst0

block1:
    ; fuel: 3
    ; loop header
    return  ; inst1
}
`,
  );
  t.is(print(fn), canonical);
  t.is(print(parseFunction(annotated)), canonical, 'annotated text parses back to the same function');
});

test('non-ASCII text in notes and region descriptions prints exactly, lone surrogates included', (t) => {
  // The printer writes bytes; strings that are not ASCII are kept as strings, not re-encoded.
  const fn = parseFunction('function %f() {\n    region0 = 7 "größe ∑"\nblock0:\n    return\n}\n');
  const note = 'naïve \ud800 note';
  const out = print(fn, { annotate: () => note, annotateInst: () => '→ done' });
  t.true(out.includes('    region0 = 7 "größe ∑"\n'));
  t.true(out.includes(`block0:\n    ; ${note}\n    return  ; → done\n}\n`));
  t.is(print(fn), 'function %f() fast {\n    region0 = 7 "größe ∑"\n\nblock0:\n    return\n}\n');
});
