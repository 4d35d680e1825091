import { InputError } from '../config/errors.ts';
import { TransportError } from '../ssh/errors.ts';

/** One line for any failure, and the exit code it maps to (2 bad input, 4 transport, 1 other). */
export function describeError(err: unknown): { line: string; code: number } {
  if (err instanceof InputError) return { line: `${err.message} (nothing was sent to the box)`, code: 2 };
  if (err instanceof TransportError) return { line: `${err.message} — ${err.advice}`, code: 4 };
  return { line: err instanceof Error ? err.message : String(err), code: 1 };
}
