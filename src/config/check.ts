import type { Inputs } from './connection.ts';
import { defaultsOf } from './defaults.ts';
import { InputError, InputErrors } from './errors.ts';
import type { Phase } from './inputs.ts';

/** Values known to pass, put in place of a refused required input so the checks can go on to the others. */
const STAND_INS: Record<string, string> = {
  'run-id': 'stand-in',
  command: 'true',
  host: 'stand-in.invalid',
  'host-key-fingerprint': `SHA256:${'A'.repeat(43)}`,
  'run-ids': 'stand-in',
  'instance-id': 'stand-in',
  'dest-dir': 'stand-in',
};

/**
 * All input errors of a call, not only the first: the checks run, and each input they refuse is set back to
 * its default (or a stand-in that passes, or empty) and the checks run again, until they pass or refuse an input twice (a required
 * input, or one whose problem is another's). Bounded by the number of inputs. Pure but for `check`.
 */
export function allInputErrors(phase: Phase, inputs: Inputs, env: Inputs, check: (inputs: Inputs, env: Inputs) => unknown): InputError[] {
  const errors: InputError[] = [];
  const refused = new Set<string>();
  const used: string[] = [];
  const defaults = defaultsOf(phase);
  const cur: Inputs = { ...inputs };
  for (let round = 0; round <= Object.keys(inputs).length + 1; round++) {
    try {
      check(cur, env);
      return errors;
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      if (refused.has(err.input)) return errors;
      refused.add(err.input);
      // A problem that names a stand-in is the stand-in's, not the caller's (a known_hosts without a line
      // for it): not reported, though its input is reset all the same.
      if (!used.some((s) => err.message.includes(s))) errors.push(err);
      const next = defaults[err.input] ?? STAND_INS[err.input] ?? '';
      if (next && next === STAND_INS[err.input]) used.push(next);
      cur[err.input] = next;
    }
  }
  return errors;
}

/**
 * Parses a phase's inputs once: its typed config, or every bad input at once (InputErrors), before anything
 * touches a box or an API.
 */
export function parseAll<C>(phase: Phase, inputs: Inputs, env: Inputs, parse: (inputs: Inputs, env: Inputs) => C): C {
  let first: InputError;
  try {
    return parse(inputs, env);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    first = err;
  }
  const errors = allInputErrors(phase, inputs, env, parse);
  if (errors.length > 1) throw new InputErrors(errors);
  throw errors[0] ?? first;
}
