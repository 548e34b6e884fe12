// The package as a user gets it: `npm pack`, installed into an empty project with no network
// (its runtime dependencies are packed from our own node_modules, so nothing is fetched), and the
// README's library example run verbatim from JavaScript and from type-checked TypeScript.
// The install skips scripts (the addon build takes minutes and has its own test); the addon
// this checkout built is copied in where the install script would have put it.
import test from 'ava';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { runCli } from '../helpers/cli.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'slackfuel-install-'));
const app = join(work, 'app');
const installed = join(app, 'node_modules', 'slackfuel');
test.after.always(() => rmSync(work, { recursive: true, force: true }));

function run(command: string, args: readonly string[], options: SpawnSyncOptions = {}): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd: app, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  return { code: result.status ?? -1, stdout: String(result.stdout), stderr: String(result.stderr ?? result.error?.message ?? '') };
}

const packSchema = z.array(z.object({ filename: z.string(), entryCount: z.number(), size: z.number(), files: z.array(z.object({ path: z.string(), size: z.number() })) }));

function pack(directory: string): z.infer<typeof packSchema>[number] {
  const result = run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work, directory], { cwd: root });
  if (result.code !== 0) throw new Error(`npm pack ${directory} failed: ${result.stderr}`);
  return packSchema.parse(JSON.parse(result.stdout))[0]!;
}

/** The first fenced code block after the README's "## Library" heading, byte for byte. */
function readmeExample(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Library'));
  const match = /```js\n([\s\S]*?)```/.exec(section);
  if (match === null) throw new Error('README.md has no ```js block under "## Library"');
  return match[1]!;
}

const manifest = z.object({ version: z.string(), dependencies: z.record(z.string(), z.string()) }).parse(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')));
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

// One serial setup: build, pack, install. Every test below reads the installed copy.
const setup = (() => {
  const build = run(process.execPath, ['scripts/build.mjs'], { cwd: root });
  if (build.code !== 0) throw new Error(`build failed: ${build.stderr}`);
  const tarball = pack(root);
  const dependencies = Object.keys(manifest.dependencies).map((name) => join(work, pack(join(root, 'node_modules', name)).filename));
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  const install = run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', ...dependencies, join(work, tarball.filename)]);
  if (install.code !== 0) throw new Error(`offline install failed: ${install.stderr}`);
  copyFileSync(join(root, 'native', 'slackfuel.node'), join(installed, 'native', 'slackfuel.node'));
  return tarball;
})();

test('the tarball holds what runs and nothing else', (t) => {
  const paths = setup.files.map((f) => f.path);
  for (const needed of ['dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'native/src/lib.rs', 'native/src/call_shim.c', 'native/vendor/cranelift-codegen/src/isa/x64/lower.isle', 'native/Cargo.lock', 'scripts/build-native.mjs', 'examples/wasmtime-fuel.clif', 'bench/manifest.json']) {
    t.true(paths.includes(needed), needed);
  }
  const stray = paths.filter((p) => /^(tests|src|\.ci|peers|docs)\/|\.map$|\.node$|^native\/target\/|^native\/frontend\/tests\//.test(p));
  t.deepEqual(stray, []);
  // About 1.2 MiB and 230 files of it are the vendored cranelift-codegen the addon builds from;
  // the rest is two files (.js, .d.ts) per source module plus the Rust sources. The bounds catch
  // a whole directory packed by mistake, not the growth of one module at a time.
  t.true(setup.size < 2.5 * 1024 * 1024, `${setup.size} bytes packed`);
  t.true(setup.entryCount < 800, `${setup.entryCount} files`);
});

test("the README's library example runs verbatim as a plain .mjs file", (t) => {
  writeFileSync(join(app, 'example.mjs'), readmeExample());
  const result = run(process.execPath, ['example.mjs']);
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, /^function u0:0\(i64 vmctx, i64, i32\) -> i32 tail \{/);
  t.notRegex(result.stdout, /load\.i64 notrap aligned v\d+\+8/, 'the counter no longer lives in memory');
  t.regex(result.stdout, /\ntrue\ntrue\n$/);
});

for (const exact of [false, true]) {
  test(`the README's example type-checks and runs as strict TypeScript (exactOptionalPropertyTypes: ${exact})`, (t) => {
    const dir = join(app, exact ? 'ts-exact' : 'ts');
    mkdirSync(dir);
    writeFileSync(join(dir, 'example.ts'), readmeExample());
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          exactOptionalPropertyTypes: exact,
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          outDir: 'out',
          // The consumer brings @types/node, as any Node project does; skipLibCheck stays off so
          // errors inside slackfuel's own .d.ts files count.
          typeRoots: [join(root, 'node_modules', '@types')],
          types: ['node'],
          skipLibCheck: false,
        },
        files: ['example.ts'],
      }),
    );
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    const check = run(process.execPath, [tsc, '-p', dir]);
    t.is(check.code, 0, check.stdout + check.stderr);
    const result = run(process.execPath, [join(dir, 'out', 'example.js')]);
    t.is(result.code, 0, result.stderr);
    t.regex(result.stdout, /\ntrue\ntrue\n$/);
  });
}

test('CommonJS can require the package, and every subpath in exports loads', (t) => {
  writeFileSync(join(app, 'example.cjs'), "const { parse, print } = require('slackfuel');\nprocess.stdout.write(print(parse('function %f() {\\nblock0:\\n    return\\n}\\n').functions[0]));\n");
  const cjs = run(process.execPath, ['example.cjs']);
  t.is(cjs.code, 0, cjs.stderr);
  t.is(cjs.stdout, 'function %f() fast {\nblock0:\n    return\n}\n');
  const subpaths = ['ir', 'analysis', 'passes', 'runtime', 'abi', 'native', 'wasm', 'wasi'];
  const script = subpaths.map((s) => `import * as m_${s} from 'slackfuel/${s}'; if (Object.keys(m_${s}).length === 0) throw new Error('${s} is empty');`).join('\n');
  writeFileSync(join(app, 'subpaths.mjs'), `${script}\nimport { defaultRegistry } from 'slackfuel';\nif (m_passes.defaultRegistry !== defaultRegistry) throw new Error('two registries');\n`);
  const esm = run(process.execPath, ['subpaths.mjs']);
  t.is(esm.code, 0, esm.stderr);
});

test('a user-written pass runs from the installed package (examples/custom-pass.mjs)', (t) => {
  const result = run(process.execPath, [join(installed, 'examples', 'custom-pass.mjs')]);
  t.is(result.code, 0, result.stderr);
  t.regex(result.stdout, /\nblock1 cold:\n    trap user1\n/);
  t.regex(result.stdout, /cold-traps marked 1 block\(s\)/);
  t.regex(result.stdout, /same result through the registry/);
});

test('the installed slackfuel command prints as the source CLI does', (t) => {
  const bin = join(app, 'node_modules', '.bin', 'slackfuel');
  const installedRun = run(bin, ['print', join(root, 'examples', 'wasmtime-fuel.clif')]);
  t.is(installedRun.code, 0, installedRun.stderr);
  t.is(installedRun.stdout, runCli(['print', 'examples/wasmtime-fuel.clif']).stdout);
  const version = run(bin, ['--version']);
  t.is(version.stdout, `slackfuel ${manifest.version}\n`);
});
