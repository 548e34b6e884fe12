// Builds a pipeline from text or specs (validating every pass name and its options up front)
// and runs it over functions, keeping analyses cached between passes until one reports a CFG
// change.
import { z } from 'zod';
import { AnalysisCache } from '../analysis/cache.js';
import type { FrequencyOptions } from '../analysis/frequency.js';
import { formatFunctionName, type Function } from '../ir/index.js';
import { functionFlowGraph } from './flow-graph.js';
import type { Pass, PassContext } from './pass.js';
import { parsePipeline, PipelineError, type PassSpec } from './pipeline-syntax.js';
import { defaultRegistry, type PassRegistry } from './registry.js';

export { parsePipeline, PipelineError, PipelineSyntaxError, type PassSpec } from './pipeline-syntax.js';

export class UnknownPassError extends PipelineError {
  override readonly name = 'UnknownPassError';
  constructor(
    readonly passName: string,
    readonly known: readonly string[],
  ) {
    super(`unknown pass '${passName}'; valid passes: ${known.join(', ')}`);
  }
}

export class PassOptionsError extends PipelineError {
  override readonly name = 'PassOptionsError';
  constructor(
    readonly passName: string,
    readonly issues: readonly string[],
    readonly schema: string,
  ) {
    super(`bad options for pass '${passName}': ${issues.join('; ')}\n${schema}`);
  }
}

/** A pass failed on a function; `cause` is the pass's own (typed) error. */
export class PassRunError extends Error {
  override readonly name = 'PassRunError';
  constructor(
    readonly passName: string,
    readonly functionName: string,
    override readonly cause: unknown,
  ) {
    super(`${passName} failed on ${functionName}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** A pass with validated options. */
export interface ConfiguredPass {
  readonly pass: Pass;
  readonly options: unknown;
}

export interface PassRunRecord {
  readonly pass: string;
  readonly changed: boolean;
  readonly cfgChanged: boolean;
}

export interface FunctionRunResult {
  /** `u0:3` or `%name`. */
  readonly function: string;
  readonly changed: boolean;
  readonly passes: readonly PassRunRecord[];
  /** Figures recorded by passes through `ctx.stat`, in recording order. */
  readonly stats: ReadonlyMap<string, number>;
  /** How many analyses were computed (lower means more cache hits). */
  readonly analysisComputations: number;
}

export interface RunOptions {
  /** Cold blocks and an optional edge profile for the frequency analysis (default: layout cold flags). */
  readonly frequency?: (fn: Function) => FrequencyOptions;
}

interface JsonSchemaProperty {
  type?: unknown;
  enum?: unknown;
  const?: unknown;
  default?: unknown;
  description?: unknown;
  items?: JsonSchemaProperty;
  anyOf?: JsonSchemaProperty[];
  properties?: Record<string, JsonSchemaProperty>;
}

/** A short type name: `"a" | "b"`, `list of string`, `{name, contextOffset}`, `integer`. */
function typeName(p: JsonSchemaProperty): string {
  if (Array.isArray(p.anyOf)) return p.anyOf.map(typeName).join(' | ');
  if (p.const !== undefined) return JSON.stringify(p.const);
  if (Array.isArray(p.enum)) return p.enum.map((e) => JSON.stringify(e)).join(' | ');
  if (p.type === 'array') return `list of ${p.items === undefined ? 'value' : typeName(p.items)}`;
  if (p.type === 'object' && p.properties !== undefined) return `{${Object.keys(p.properties).join(', ')}}`;
  return typeof p.type === 'string' ? p.type : 'value';
}

/** The option list of a pass, one line per option, for help and error messages. */
export function describeOptions(pass: Pass): string {
  let props: Record<string, JsonSchemaProperty> = {};
  try {
    const json = z.toJSONSchema(pass.options, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, JsonSchemaProperty> };
    props = json.properties ?? {};
  } catch {
    props = {};
  }
  const names = Object.keys(props);
  if (names.length === 0) return `options of ${pass.name}: none`;
  const lines = names.map((key) => {
    const p = props[key]!;
    const dflt = p.default === undefined ? '' : ` (default ${JSON.stringify(p.default)})`;
    const desc = typeof p.description === 'string' ? ` — ${p.description}` : '';
    return `  ${key}: ${typeName(p)}${dflt}${desc}`;
  });
  return `options of ${pass.name}:\n${lines.join('\n')}`;
}

/** Validates `options` against the pass's schema, filling in defaults. */
function configureOptions(pass: Pass, options: Readonly<Record<string, unknown>>): ConfiguredPass {
  const parsed = pass.options.safeParse(options);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.length > 0 ? `${i.path.join('.')}: ` : ''}${i.message}`);
    throw new PassOptionsError(pass.name, issues, describeOptions(pass));
  }
  return { pass, options: parsed.data };
}

/** Validates one step against the registry. */
export function configurePass(spec: PassSpec, registry: PassRegistry = defaultRegistry): ConfiguredPass {
  const pass = registry.get(spec.name);
  if (pass === undefined) throw new UnknownPassError(spec.name, registry.names());
  return configureOptions(pass, spec.options ?? {});
}

/**
 * One step of a pipeline given as data: a registered pass by name (`{ name, options }`), a pass
 * object, registered or not (run with its default options), or a pass object with options.
 */
export type PipelineStep = PassSpec | Pass | PassWithOptions;

/** A pass object and the options to run it with. */
export interface PassWithOptions {
  readonly pass: Pass;
  readonly options?: Readonly<Record<string, unknown>>;
}

function isPassObject(step: PipelineStep): step is Pass {
  return 'run' in step && typeof step.run === 'function';
}

function configureStep(step: PipelineStep, registry: PassRegistry): ConfiguredPass {
  if (isPassObject(step)) return configureOptions(step, {});
  if ('pass' in step) return configureOptions(step.pass, step.options ?? {});
  return configurePass(step, registry);
}

export class PassManager {
  constructor(readonly steps: readonly ConfiguredPass[]) {}

  /**
   * Builds a pipeline from `"a,b{key=value}"` (names looked up in `registry`) or from a list of
   * steps, where each step is a spec, a pass object or a pass object with options. Every error
   * is a PipelineError.
   */
  static build(pipeline: string | readonly PipelineStep[], registry: PassRegistry = defaultRegistry): PassManager {
    const steps: readonly PipelineStep[] = typeof pipeline === 'string' ? parsePipeline(pipeline) : pipeline;
    return new PassManager(steps.map((step) => configureStep(step, registry)));
  }

  /** Runs every step on `fn` in order. A failing pass throws PassRunError (the function may be half edited). */
  run(fn: Function, options: RunOptions = {}): FunctionRunResult {
    const name = formatFunctionName(fn.name);
    const analyses = new AnalysisCache(
      () => functionFlowGraph(fn),
      () => options.frequency?.(fn) ?? { cold: (b: number) => fn.layout.isCold(b) },
    );
    const stats = new Map<string, number>();
    const records: PassRunRecord[] = [];
    let changed = false;
    for (const step of this.steps) {
      const ctx: PassContext<unknown> = {
        options: step.options,
        analyses,
        stat: (key, value) => void stats.set(key, value),
        invalidate: () => analyses.invalidate(),
      };
      let result;
      try {
        result = step.pass.run(fn, ctx);
      } catch (error) {
        throw new PassRunError(step.pass.name, name, error);
      }
      if (result.cfgChanged) analyses.invalidate();
      changed ||= result.changed || result.cfgChanged;
      records.push({ pass: step.pass.name, changed: result.changed || result.cfgChanged, cfgChanged: result.cfgChanged });
    }
    return { function: name, changed, passes: records, stats, analysisComputations: analyses.computations };
  }

  runAll(fns: readonly Function[], options: RunOptions = {}): FunctionRunResult[] {
    return fns.map((fn) => this.run(fn, options));
  }
}
