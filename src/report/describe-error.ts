import { InputError } from '../config/errors.ts';

/** One line for any failure, and the exit code it maps to (2 bad input, 4 transport, 1 other). */
export function describeError(err: unknown): { line: string; code: number } {
  if (err instanceof InputError) return { line: `${err.message} (nothing was sent to the box)`, code: 2 };
  // A TransportError (src/ssh/errors.ts), recognised by its name and advice: report/ stays free of ssh/.
  const advice = (err as { advice?: unknown } | null)?.advice;
  if (err instanceof Error && err.name === 'TransportError' && typeof advice === 'string') return { line: `${err.message} — ${advice}`, code: 4 };
  return { line: err instanceof Error ? err.message : String(err), code: 1 };
}
