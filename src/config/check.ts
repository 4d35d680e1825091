import { parseAudit } from './audit.ts';
import { parseCollect } from './collect.ts';
import { parseConnection, type Inputs } from './connection.ts';
import { defaultsOf } from './defaults.ts';
import { InputError } from './errors.ts';
import type { Phase } from './inputs.ts';
import { parseLaunch, readSecrets } from './launch.ts';
import { parseHeader, parsePatrol, parseReportTo } from './patrol.ts';
import { parseTeardown } from './teardown.ts';
import { parseChatOps } from '../chatops/phase.ts';

/**
 * Each phase's input checks: the same parsers its phase.ts runs first, and nothing that reads a file or the
 * network, so they can run again and again. A phase's own checks that need its ports (report-to without the
 * GitHub API, an artifact without the service) stay in the phase.
 */
export const CHECKS: Record<Phase, (inputs: Inputs, env: Inputs) => void> = {
  audit: (inputs, env) => {
    parseAudit(inputs);
    parseConnection(inputs, env);
  },
  launch: (inputs, env) => {
    const cfg = parseLaunch(inputs);
    parseReportTo(inputs['report-to']);
    readSecrets(cfg.secretNames, env);
    if (cfg.audit) parseAudit(inputs);
    parseConnection(inputs, env);
  },
  patrol: (inputs, env) => {
    const cfg = parsePatrol(inputs);
    if (!cfg.config && !cfg.registry) parseConnection(inputs, env);
  },
  collect: (inputs, env) => {
    parseCollect(inputs);
    parseConnection(inputs, env);
  },
  chatops: (inputs, env) => {
    parseChatOps(inputs);
    if ((inputs['host'] ?? '').trim()) parseConnection(inputs, env);
  },
  teardown: (inputs, env) => {
    parseTeardown(inputs, env);
    parseReportTo(inputs['report-to']);
    parseHeader(inputs['header']);
  },
};

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
export function allInputErrors(phase: Phase, inputs: Inputs, env: Inputs, check = CHECKS[phase]): InputError[] {
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
