// Profile-guided placement whenever a profile is given: the profile goes to every fuel-place
// and fuel-counted-loops step of whatever pipeline a mode uses (slacked-placed,
// slacked-uncounted, count, or a user's own), its other steps and options kept, instead of a
// pipeline of its own.
import { parsePipeline, PipelineError } from '../../pipeline-syntax.js';
import type { EdgeProfileFile } from './profile.js';

/** `pipeline` with `profile` as the profile of each of its fuel-place steps; an error when it has none. */
export function placeByProfile(pipeline: string, profile: EdgeProfileFile): string {
  const steps = parsePipeline(pipeline);
  if (!steps.some((s) => s.name === 'fuel-place')) throw new PipelineError(`an edge profile guides fuel-place, which the pipeline '${pipeline}' does not run`);
  return steps
    .map((s) => {
      const options = s.name === 'fuel-place' || s.name === 'fuel-counted-loops' ? { ...s.options, profile } : s.options;
      return options === undefined || Object.keys(options).length === 0 ? s.name : `${s.name}${JSON.stringify(options)}`;
    })
    .join(',');
}
