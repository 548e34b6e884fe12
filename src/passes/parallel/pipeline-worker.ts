// A pipeline worker: parses each function text it is sent, runs the pipeline on it and sends
// back the printed result. Started by pool.ts with the pipeline in its workerData.
import { parentPort, workerData } from 'node:worker_threads';
import { usesPinnedRegister } from '../../abi/file-headers.js';
import { ClifParseError, parseEach, print } from '../../ir/index.js';
import { PassManager, PassRunError } from '../pass-manager.js';
import { taskSchema, workerSetupSchema, type FunctionResult, type Reply, type TextResult } from './protocol.js';

const setup = workerSetupSchema.parse(workerData);
const manager = PassManager.build(setup.pipeline);

function runText(headers: string, text: string): TextResult {
  const functions: FunctionResult[] = [];
  try {
    for (const fn of parseEach(headers + text).functions) {
      try {
        manager.run(fn);
      } catch (error) {
        if (!(error instanceof PassRunError)) throw error;
        // As the serial path does: the function is left out, the others go on.
        const cause = error.cause instanceof Error ? error.cause.message : String(error.cause);
        functions.push({ ok: false, pass: error.passName, function: error.functionName, message: cause });
        continue;
      }
      functions.push({ ok: true, text: print(fn), pinned: usesPinnedRegister(fn) });
    }
  } catch (error) {
    if (error instanceof ClifParseError) return { kind: 'parse-error', message: error.message };
    throw error;
  }
  return { kind: 'functions', functions };
}

parentPort?.on('message', (message: unknown) => {
  const task = taskSchema.parse(message);
  const reply: Reply = { id: task.id, results: task.texts.map((text) => runText(task.headers, text)) };
  parentPort?.postMessage(reply);
});
