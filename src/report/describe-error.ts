import { InputError, InputErrors } from '../config/errors.ts';

/**
 * One line for any failure (several for several bad inputs: `lines`, one each), and the exit code it maps
 * to (2 bad input, 4 transport, 1 other).
 */
export function describeError(err: unknown, where: 'action' | 'cli' = 'action'): { line: string; lines: string[]; code: number } {
  const text = (e: InputError) => `${(where === 'cli' && e.cliMessage) || e.message} (nothing was sent to the box)`;
  if (err instanceof InputErrors) {
    const lines = err.errors.map(text);
    return { line: lines.join('\n'), lines, code: 2 };
  }
  if (err instanceof InputError) return one(text(err), 2);
  // A TransportError (src/ssh/errors.ts), recognised by its name and advice: report/ stays free of ssh/.
  const advice = (err as { advice?: unknown } | null)?.advice;
  if (err instanceof Error && err.name === 'TransportError' && typeof advice === 'string') return one(`${err.message} — ${advice}`, 4);
  return one(err instanceof Error ? err.message : String(err), 1);
}

function one(line: string, code: number) {
  return { line, lines: [line], code };
}
