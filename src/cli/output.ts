// Output flags: `-o FILE` (every command that prints something) and `-` meaning standard
// input or output wherever a file is named.
import { readFile, writeFile } from 'node:fs/promises';
import { InputError, UsageError } from './command.js';

/** Splits `-o FILE` / `-oFILE` / `--output FILE` / `--output=FILE` off argv (last one wins). */
export function takeOutputFlag(argv: readonly string[]): { argv: string[]; output: string | undefined } {
  const rest: string[] = [];
  let output: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg === '-o' || arg === '--output') {
      const value = argv[++i];
      if (value === undefined || value === '') throw new UsageError(`${arg} needs a file name (or - for standard output)`);
      output = value;
    } else if (arg.startsWith('--output=')) {
      output = arg.slice('--output='.length);
    } else if (arg.startsWith('-o') && arg.length > 2) {
      output = arg.slice(2);
    } else {
      rest.push(arg);
    }
  }
  return { argv: rest, output };
}

/** Reads standard input to the end. */
export async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Reads a named input (`-`: standard input); a failure is an InputError naming the file. */
export async function readNamed(path: string): Promise<Buffer> {
  if (path === '-') return readStdin();
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : error instanceof Error ? error.message : String(error);
    throw new InputError(`cannot read ${path}: ${why}`);
  }
}

/** Writes a named output (`-`: standard output through `out`); a failure is an InputError. */
export async function writeNamed(path: string, text: string, out: (text: string) => void): Promise<void> {
  if (path === '-') {
    out(text);
    return;
  }
  try {
    await writeFile(path, text);
  } catch (error) {
    throw new InputError(`cannot write ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
