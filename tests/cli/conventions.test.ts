// The command line's conventions, the same in every command: --version and `help COMMAND`,
// `-` for standard input and output, `-o FILE`, one exit code and one message format per kind
// of error (usage 2, input 1, trap 134), and output that the next tool accepts as it is.
import test from 'ava';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { runCli } from '../helpers/cli.js';
import { commands } from '../../src/cli/commands/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const example = 'examples/wasmtime-fuel.clif';
const hello = 'tests/fixtures/wasi/wasm/hello.wasm';
const scratch = mkdtempSync(join(tmpdir(), 'slackfuel-cli-'));
test.after.always(() => rmSync(scratch, { recursive: true, force: true }));

test('--version prints the package version; help COMMAND prints that command\'s help', (t) => {
  const manifest = z.object({ version: z.string() }).parse(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')));
  const version = runCli(['--version']);
  t.is(version.code, 0);
  t.is(version.stdout, `slackfuel ${manifest.version}\n`);
  for (const name of ['print', 'run-wasm']) {
    const command = commands.find((c) => c.name === name)!;
    const help = runCli(['help', name]);
    t.is(help.code, 0, name);
    t.true(help.stdout.startsWith(`${command.help}\n`), name);
    t.is(help.stdout, runCli([name, '--help']).stdout, name);
  }
  t.regex(runCli(['help', 'print']).stdout, /\nEvery command: -o FILE \(--output FILE\) writes the output to FILE/);
  const unknown = runCli(['help', 'frobnicate']);
  t.is(unknown.code, 2);
  t.regex(unknown.stderr, /^slackfuel help: unknown command 'frobnicate'/);
  const none = runCli([]);
  t.is(none.code, 2);
  t.regex(none.stderr, /^Usage: slackfuel <command>/);
});

test('one exit code and one message format per kind of error', (t) => {
  // Usage: bad flags, whatever parses them.
  for (const args of [['print', '--frobnicate', example], ['bench', '--modes', 'fast'], ['wasm2clif', '--metering', 'turbo', hello], ['run-wasm', '--frobnicate', hello]]) {
    const r = runCli(args);
    t.is(r.code, 2, args.join(' '));
    t.regex(r.stderr, new RegExp(`^slackfuel ${args[0]}: .*\\nRun 'slackfuel help ${args[0]}' for usage\\.\\n$`), args.join(' '));
  }
  // Input: a file that is not there, read by any command.
  for (const args of [['print', 'nope.clif'], ['compile', '--isa', 'x86_64', 'nope.clif'], ['cfg', 'nope.clif'], ['wasm2clif', 'nope.wasm'], ['run-wasm', 'nope.wasm']]) {
    const r = runCli(args);
    t.is(r.code, 1, args.join(' '));
    t.regex(r.stderr, new RegExp(`^slackfuel ${args[0]}: cannot read nope\\.(clif|wasm): no such file\\n$`), args.join(' '));
  }
  // Trap: out of fuel in run-wasm and in run --fn.
  const wasm = runCli(['run-wasm', '--metering', 'vanilla', '--fuel', '10', hello]);
  t.is(wasm.code, 134);
  t.regex(wasm.stderr, /^slackfuel run-wasm: trap: OutOfFuel: .*\n$/);
  const clif = runCli(['run', example, '--fn', 'u0:0', '--args', '1000', '--fuel', '10', '--metering', 'vanilla']);
  t.is(clif.code, 134);
  t.regex(clif.stderr, /^slackfuel run: trap: OutOfFuel: .*\n$/);
});

test('- reads standard input: CLIF text and wasm bytes', (t) => {
  const text = readFileSync(join(root, example), 'utf8');
  const fromFile = runCli(['print', example]);
  t.is(runCli(['print', '-'], text).stdout, fromFile.stdout);
  t.is(runCli(['opt', '--passes', 'dce', '-'], text).code, 0);
  t.is(runCli(['cfg', '-'], text).stdout, runCli(['cfg', example]).stdout);
  t.is(runCli(['compile', '--isa', 'x86_64', '-'], text).code, 0);
  const bytes = readFileSync(join(root, hello));
  const translated = runCli(['wasm2clif', '--metering', 'vanilla', '-'], undefined, { stdin: bytes });
  t.is(translated.code, 0, translated.stderr);
  t.is(translated.stdout, runCli(['wasm2clif', '--metering', 'vanilla', hello]).stdout);
  const ran = runCli(['run-wasm', '--metering', 'none', '-'], undefined, { stdin: bytes });
  t.is(ran.code, 0, ran.stderr);
  t.regex(ran.stdout, /^hello from stdout\n/);
});

test('-o FILE writes the output there, on every command that prints; -o - is standard output', (t) => {
  const cases: [string, string[]][] = [
    ['print', ['print', example]],
    ['opt', ['opt', '--passes', 'fuel-pinned,fuel-drop-checks', example]],
    ['cfg', ['cfg', example]],
    ['compile', ['compile', '--isa', 'x86_64', example]],
    ['check-fuel', ['check-fuel', example, example]],
    ['wasm2clif', ['wasm2clif', '--metering', 'vanilla', hello]],
  ];
  for (const [name, args] of cases) {
    const out = join(scratch, `${name}.out`);
    const direct = runCli(args);
    const toFile = runCli([args[0]!, '-o', out, ...args.slice(1)]);
    t.is(toFile.code, direct.code, `${name}: ${toFile.stderr}`);
    t.is(toFile.stdout, '', name);
    t.is(readFileSync(out, 'utf8'), direct.stdout, name);
    t.is(runCli([args[0]!, '-o', '-', ...args.slice(1)]).stdout, direct.stdout, name);
  }
  const program = join(scratch, 'program.out');
  const ran = runCli(['run-wasm', '--metering', 'none', '-o', program, hello]);
  t.is(ran.code, 0, ran.stderr);
  t.is(ran.stdout, '');
  t.regex(readFileSync(program, 'utf8'), /^hello from stdout\n/);
  t.regex(ran.stderr, /hello from stderr/, 'the program\'s stderr still goes to stderr');
});

test('opt output compiles as it is: pinned-register code carries set enable_pinned_reg=true', (t) => {
  const pinned = runCli(['opt', '--passes', 'fuel-pinned,fuel-drop-checks,fuel-place', example]);
  t.is(pinned.code, 0, pinned.stderr);
  t.regex(pinned.stdout, /^set enable_pinned_reg=true\n\nfunction u0:0/);
  const compiled = runCli(['compile', '--isa', 'x86_64', '-'], pinned.stdout);
  t.is(compiled.code, 0, compiled.stderr);
  t.regex(compiled.stdout, /u0:0: \d+ bytes/);
  // With a target line, the setting goes before it (a set applies to the targets after it).
  const withTarget = runCli(['opt', '--passes', 'fuel-pinned', '-'], `test compile\nset opt_level=speed\ntarget x86_64\n\n${readFileSync(join(root, example), 'utf8')}`);
  t.regex(withTarget.stdout, /^test compile\nset opt_level=speed\nset enable_pinned_reg=true\ntarget x86_64\n\nfunction/);
  t.is(runCli(['compile', '--isa', 'x86_64', '-'], withTarget.stdout).code, 0);
  // Code that does not use the pinned register gets no such line.
  t.notRegex(runCli(['opt', '--passes', 'dce', example]).stdout, /enable_pinned_reg/);
  // wasm2clif's pinned modes likewise.
  const translated = runCli(['wasm2clif', '--metering', 'slacked', hello]);
  t.regex(translated.stdout, /^set enable_pinned_reg=true\n/);
  t.is(runCli(['compile', '--isa', 'x86_64', '-'], translated.stdout).code, 0);
});

test('bench writes nothing into the working directory without --out, and warns that short runs are noise', (t) => {
  const cwd = mkdtempSync(join(scratch, 'bench-'));
  const r = runCli(['bench', '--wasm', join(root, hello), '--modes', 'none', '--repeats', '1', '--no-profile'], undefined, { cwd });
  t.is(r.code, 0, r.stderr);
  t.deepEqual(readdirSync(cwd), []);
  t.regex(r.stderr, /warning: short runs with 1 repetition: differences of a few percent are within the noise/);
  // Each median comes with its spread: ratio (median; fastest–slowest).
  t.regex(r.stdout, /\| hello \| 1\.000 \(\d+\.\d; \d+\.\d–\d+\.\d\) \|/);
});
