// Cranelift's own writer: the oracle the TypeScript printer is compared against.
import { addon } from './addon.js';
import { throughNative } from './native-errors.js';
import { canonicalPrintSchema } from './schemas.js';

/** Each function of `clifText` as Cranelift's writer prints it (one string per function). */
export function canonicalPrint(clifText: string): string[] {
  return canonicalPrintSchema.parse(throughNative(() => addon().canonicalPrint(clifText)));
}
