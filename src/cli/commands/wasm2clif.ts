import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { UsageError, type Command } from '../command.js';
import { fuelCostsOption } from '../fuel-costs-option.js';
import { DEFAULT_METERING, METERING_MODES_HELP, meteringOptionSchema, meteringSpec } from '../metering-option.js';
import { headersForFunctions, PINNED_REGISTER_HEADER } from '../../abi/file-headers.js';
import { parse, print } from '../../ir/index.js';
import { loadProfile, placeByProfile } from '../../passes/index.js';
import { applyPipeline } from '../../runtime/metering.js';
import { DEFAULT_HOIST_MEMORY_BASE } from '../../wasm/instance.js';
import { clifText, memoryConfigSchema, translate } from '../../wasm/translate.js';

const optionsSchema = z.object({
  metering: meteringOptionSchema,
  metadata: z.boolean(),
  file: z.string().min(1),
  memoryReservation: z.coerce.number().pipe(memoryConfigSchema.shape.memoryReservation.unwrap()),
  memoryGuardSize: z.coerce.number().pipe(memoryConfigSchema.shape.memoryGuardSize.unwrap()),
  fuelCosts: z.string().min(1).optional(),
  profile: z.string().min(1).optional(),
});

export const wasm2clifCommand: Command = {
  name: 'wasm2clif',
  summary: 'Translate a WebAssembly module to Wasmtime-shaped CLIF and print it',
  help: `Usage: slackfuel wasm2clif FILE.wasm [--metering MODE] [--metadata] [-o OUT]
                          [--memory-reservation BYTES] [--memory-guard-size BYTES]
                          [--fuel-costs FILE.json] [--profile PROFILE.json]

Translates a binary WebAssembly module (- reads it from standard input) with slackfuel's front
end (wasmparser and cranelift-frontend, in the native addon) and prints the CLIF of every
defined function, named u0:<function index>, in the shape Wasmtime gives it, then put
through the mode's fuel pipeline: the code run-wasm runs under that mode. Output that uses the
pinned register, or whose mode reserves it (none-pinned), starts with 'set enable_pinned_reg=true',
so it compiles as run-wasm compiles it.

${METERING_MODES_HELP}
(none, vanilla and epoch are the front end's own output; the others are vanilla's put through
their passes, as 'slackfuel opt' would.)

Options:
  --metering MODE  the metering mode (above)
  --metadata       print the module metadata (types, imports, exports, memories, tables,
                   globals, segments, start) as JSON instead of the CLIF
  --memory-reservation BYTES
                   address space reserved per linear memory (default 4294967296, Wasmtime's):
                   below 4 GiB every access gets an explicit bounds check
  --memory-guard-size BYTES
                   inaccessible bytes behind it (default 33554432): accesses whose offset +
                   size fit it get no check (the hardware faults instead)
  --fuel-costs FILE.json
                   the fuel each operator costs, as Wasmtime's Config::operator_cost:
                   a JSON object keyed by Wasmtime's operator names ({"I32Add": 2, "Call": 5,
                   "variable": {"memory_copy_per_byte": 2}}); unset entries keep the defaults
  --profile PROFILE.json
                   slacked-placed, slacked-uncounted, count: the mode's fuel-place places the
                   increments, and its fuel-counted-loops picks the loops, by this edge profile
                   (as run-wasm --profile-out writes it)
  -h, --help       show this help

Errors: a module that is not valid exits with status 1 and 'invalid: ...'; a valid module
using something the front end does not translate gives 'unsupported: <feature> (...)'.

Examples:
  slackfuel wasm2clif tests/fixtures/wasi/wasm/hello.wasm --metering vanilla
  slackfuel wasm2clif prog.wasm --metering vanilla | slackfuel opt - --passes fuel-pinned
  slackfuel wasm2clif prog.wasm -o prog.clif && slackfuel compile prog.clif --isa x86_64`,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        metering: { type: 'string', default: DEFAULT_METERING },
        metadata: { type: 'boolean', default: false },
        'memory-reservation': { type: 'string', default: String(2 ** 32) },
        'memory-guard-size': { type: 'string', default: String(32 * 2 ** 20) },
        'fuel-costs': { type: 'string' },
        profile: { type: 'string' },
      },
    });
    if (positionals.length !== 1) throw new UsageError('give exactly one .wasm file');
    const parsed = optionsSchema.safeParse({
      metering: values.metering,
      metadata: values.metadata,
      file: positionals[0],
      memoryReservation: values['memory-reservation'],
      memoryGuardSize: values['memory-guard-size'],
      fuelCosts: values['fuel-costs'],
      profile: values.profile,
    });
    if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; '));
    const { metering, metadata, file, memoryReservation, memoryGuardSize } = parsed.data;
    const fuelCosts = parsed.data.fuelCosts === undefined ? {} : await fuelCostsOption(parsed.data.fuelCosts);
    const bytes = await io.readBinary(file);
    const spec = meteringSpec(metering);
    if (parsed.data.profile !== undefined && spec.increments !== 'placed' && spec.increments !== 'uncounted') {
      throw new UsageError('--profile applies to --metering slacked-placed, slacked-uncounted or count (the modes that place increments)');
    }
    // The front end instruments for none, epoch or Wasmtime's fuel; every fuel mode starts from the latter.
    const translation = spec.metering === 'none' || spec.metering === 'epoch' ? spec.metering : 'vanilla';
    // The memory base is hoisted as run-wasm compiles it (unless the mode is an unhoisted variant).
    const hoistMemoryBase = spec.hoistMemoryBase ?? DEFAULT_HOIST_MEMORY_BASE;
    const module = translate(bytes, { metering: translation, memoryReservation, memoryGuardSize, fuelCosts, hoistMemoryBase });
    if (metadata) {
      const { functions, ...rest } = module;
      io.out(`${JSON.stringify({ ...rest, functions: functions.map(({ clif: _clif, ...f }) => f) }, null, 2)}\n`);
      return 0;
    }
    // A profile guides the mode's own fuel-place (loaded once: not re-read per function).
    const pipeline = parsed.data.profile === undefined ? (spec.pipeline ?? '') : placeByProfile(spec.pipeline ?? '', loadProfile(resolve(parsed.data.profile)));
    // A mode that reserves the register without using it (none-pinned) differs only in this flag.
    const modeHeaders = spec.reservePinnedRegister === true ? [PINNED_REGISTER_HEADER] : [];
    if (pipeline === '' || module.functions.length === 0) {
      io.out([...modeHeaders.map((h) => `${h}\n`), clifText(module)].join('\n'));
      return 0;
    }
    const functions = parse(clifText(module)).functions;
    await applyPipeline(functions, pipeline);
    const headers = headersForFunctions(modeHeaders, functions);
    io.out([...(headers.length > 0 ? [`${headers.join('\n')}\n`] : []), ...functions.map((fn) => print(fn))].join('\n'));
    return 0;
  },
};

