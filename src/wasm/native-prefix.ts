// Which leading passes of a pipeline the Rust fuel passes can run (native/src/fuel_passes): the
// longest prefix of plain names (no options) the native pipeline has. The rest runs in TypeScript.
import { NATIVE_PASS_NAMES } from '../native/native-passes.js';

export interface PipelineSplit {
  /** Run natively, on each function before it is printed (`''`: nothing). */
  readonly native: string;
  /** Run by the TypeScript pass manager afterwards (`''`: nothing). */
  readonly rest: string;
}

/** The steps of a pipeline text, split at commas outside braces, brackets and parentheses. */
function topLevelSteps(pipeline: string): string[] {
  const steps: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < pipeline.length; i++) {
    const c = pipeline[i];
    if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') depth--;
    else if (c === ',' && depth === 0) {
      steps.push(pipeline.slice(start, i));
      start = i + 1;
    }
  }
  steps.push(pipeline.slice(start));
  return steps.map((s) => s.trim()).filter((s) => s !== '');
}

/** Splits `pipeline` into the prefix the native passes run and the rest. */
export function splitNativePrefix(pipeline: string): PipelineSplit {
  const steps = topLevelSteps(pipeline);
  let n = 0;
  while (n < steps.length && (NATIVE_PASS_NAMES as readonly string[]).includes(steps[n]!)) n++;
  return { native: steps.slice(0, n).join(','), rest: steps.slice(n).join(',') };
}
