// Builds the package into dist/: esbuild turns each src/**/*.ts into one .js file (no bundling,
// so dist/ mirrors src/ and every module exists once, however many subpaths reach it), and
// `tsc` emits the matching .d.ts files. Runs in `prepare`, so `npm ci` and `npm pack` build it.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const started = process.hrtime.bigint();
rmSync(new URL('../dist/', import.meta.url), { recursive: true, force: true });

const sources = readdirSync(new URL('../src/', import.meta.url), { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
  .map((file) => `src/${file}`);

await build({
  absWorkingDir: root,
  entryPoints: sources,
  outdir: 'dist',
  outbase: 'src',
  bundle: false,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
});
chmodSync(new URL('../dist/cli/main.js', import.meta.url), 0o755);

// TypeScript 7's package has no JS API: run its `tsc` binary.
const tsc = createRequire(import.meta.url).resolve('typescript/package.json').replace(/package\.json$/, 'bin/tsc');
const declarations = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (declarations.status !== 0) {
  console.error('slackfuel: emitting declarations failed');
  process.exit(1);
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(`slackfuel: built dist/ (JavaScript and declarations) in ${seconds.toFixed(1)} s`);
