import test from 'ava';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.js';
import { commands } from '../../src/cli/commands/index.js';

test('top-level --help lists every command', (t) => {
  const { code, stdout } = runCli(['--help']);
  t.is(code, 0);
  for (const command of commands) t.regex(stdout, new RegExp(`^  ${command.name}\\b`, 'm'));
});

test('every command answers --help with a usage line', (t) => {
  for (const command of commands) {
    const { code, stdout } = runCli([command.name, '--help']);
    t.is(code, 0, command.name);
    t.regex(stdout, /^Usage: slackfuel /, command.name);
  }
});

test('an unknown command exits 2 and says so', (t) => {
  const { code, stderr } = runCli(['no-such-command']);
  t.is(code, 2);
  t.regex(stderr, /unknown command 'no-such-command'/);
});

test('run-wasm: --help after the module belongs to the program, not to slackfuel', (t) => {
  const { code, stdout } = runCli(['run-wasm', '--metering', 'none', 'tests/fixtures/wasi/wasm/args_env.wasm', '--help']);
  t.is(code, 0);
  t.notRegex(stdout, /^Usage: slackfuel/m);
  t.regex(stdout, /--help/);
});

test('a reader that closes the pipe early ends the output quietly', (t) => {
  const result = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" --import=tsx src/cli/main.ts print ${'examples/wasmtime-fuel.clif '.repeat(400)}| head -c 1 > /dev/null`], {
    cwd: fileURLToPath(new URL('../../', import.meta.url)),
    encoding: 'utf8',
  });
  t.is(result.status, 0, result.stderr);
  t.notRegex(result.stderr, /EPIPE|Error/);
});
