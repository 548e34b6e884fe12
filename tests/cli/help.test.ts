import test from 'ava';
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
