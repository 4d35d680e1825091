import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseConnection, type Inputs } from '../config/connection.ts';
import { InputError } from '../config/errors.ts';
import { parsePatrol } from '../config/patrol.ts';
import { readMemory } from '../patrol/memory.ts';
import { tick } from '../patrol/tick.ts';
import { ESCALATE, renderPatrol, renderStatusText, stateText } from '../report/patrol.ts';
import type { Reporter } from '../report/reporter.ts';
import { loadCredential } from '../ssh/keys.ts';
import { probeHost } from './probe.ts';

export const STATUS_MARKER = '<!-- tether:status -->';

/**
 * The patrol phase for one host: one read-only probe, a verdict per run, status on every tick.
 * Tick memory is read from and written to `state-file` when given (the sticky comment keeps it on GitHub).
 * Returns the exit code: 1 when a run is in a `fail-on` state, else 0.
 */
export async function patrolPhase(inputs: Inputs, env: Inputs, reporter: Reporter, mode: 'markdown' | 'text' = 'markdown'): Promise<number> {
  const cfg = parsePatrol(inputs);
  if (inputs['ssh-key']) reporter.mask(inputs['ssh-key']);
  const conn = parseConnection(inputs, env);
  const cred = loadCredential(conn.key);
  let previous: string | undefined;
  if (cfg.stateFile && existsSync(cfg.stateFile)) {
    try {
      previous = readFileSync(cfg.stateFile, 'utf8');
    } catch (err) {
      throw new InputError('state-file', `cannot read ${JSON.stringify(cfg.stateFile)}: ${(err as Error).message}`);
    }
  }
  const memory = readMemory(previous);
  const label = `${conn.user}@${conn.host}:${conn.port}`;
  const now = new Date();
  const result = await tick(
    [{ label, runIds: cfg.runIds }],
    memory,
    (_t, runs) => probeHost(conn, cred, cfg.runRoot, runs, 60_000),
    { stallAfterS: cfg.stallAfterS, progressRegexes: cfg.progressRegexes },
    now,
  );
  const body = renderPatrol(result.verdicts, result.memory, now, STATUS_MARKER);
  if (cfg.stateFile) writeFileSync(cfg.stateFile, body);
  reporter.summary(mode === 'text' ? renderStatusText(result.verdicts, now) : body);
  const states = Object.fromEntries(result.verdicts.map((v) => [v.runId, { state: v.state, class: v.cls, step: v.step, epoch: v.epoch, metrics: v.metrics, flags: v.flags, host: v.host }]));
  const escalate = result.verdicts.some((v) => ESCALATE.includes(v.state));
  reporter.output('states', JSON.stringify(states));
  reporter.output('escalate', String(escalate));
  reporter.output('tick', String(result.memory.tick));
  for (const v of result.verdicts) if (v.state !== 'running' && v.state !== 'finished' && v.state !== 'launching') reporter.warn(`${v.runId}: ${stateText(v)}: ${v.detail}. ${v.remediation}`);
  const failing = result.verdicts.filter((v) => cfg.failOn.includes(v.state));
  if (failing.length) {
    reporter.error(`patrol: ${failing.map((v) => `${v.runId} is ${stateText(v)}`).join(', ')} (fail-on: ${cfg.failOn.join(',')})`);
    return 1;
  }
  return 0;
}
