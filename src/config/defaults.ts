/**
 * Every input's default, from its row in the input table (config/inputs.ts). action.yml declares these
 * (`default:`, written by scripts/gen-actions.ts), runPhase fills them into any input left empty before a phase
 * parses its inputs, and test/unit/defaults.test.ts checks each parser's own fallback agrees.
 */
import { inputDef, PHASE_INPUTS, type Phase } from './inputs.ts';

/** The defaults of one phase's inputs. */
export function defaultsOf(phase: Phase): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of PHASE_INPUTS[phase]) {
    const def = inputDef(n);
    if (def?.default !== undefined && !def.noDefaultIn?.includes(phase)) out[n] = def.default;
  }
  return out;
}

/** The inputs with each empty one replaced by its default (what GitHub does with action.yml's `default:`). */
export function withDefaults(phase: Phase, inputs: Record<string, string | undefined>): Record<string, string | undefined> {
  const out = { ...inputs };
  for (const [k, d] of Object.entries(defaultsOf(phase))) if (!(out[k] ?? '').trim()) out[k] = d;
  return out;
}
