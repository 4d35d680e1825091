import { randomBytes } from 'node:crypto';
import * as core from '@actions/core';
import { runPhase, type AnyPhase } from '../phases.ts';
import { inert } from '../report/markdown.ts';
import { githubPorts } from './ports.ts';
import { describeError } from '../report/describe-error.ts';
import type { Reporter } from '../report/reporter.ts';

/** Reads inputs the way the runner passes them (INPUT_<NAME>), without trimming multi-line values. */
export function actionInputs(names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, core.getInput(n, { trimWhitespace: false })]));
}

/** A line the runner would parse as a workflow command (leading whitespace is ignored by the runner). */
const COMMANDISH = /(^|[\r\n\u2028\u2029\u0085])[\s]*(::|##\[)/;

class GithubReporter implements Reporter {
  /** Summary parts, written to GITHUB_STEP_SUMMARY once at the end. */
  readonly parts: string[] = [];
  /**
   * A line that may carry box text: if any of its lines could be read by the runner as a workflow command
   * (`::x::`, legacy `##[x]`), the whole text goes inside a `::stop-commands::<random token>` block, so
   * nothing in it acts, and tether's own commands work again right after.
   */
  info = (l: string) => {
    if (!COMMANDISH.test(l)) return core.info(l);
    const token = `tether-${randomBytes(16).toString('hex')}`;
    core.info(`::stop-commands::${token}`);
    core.info(l);
    core.info(`::${token}::`);
  };
  /** A log's lines: the same guard as info (a workflow command in them does nothing). */
  text = (t: string) => this.info(t);
  warn = (l: string) => core.warning(l);
  error = (l: string) => core.error(l);
  output = (n: string, v: string) => core.setOutput(n, v);
  summary = (md: string) => void this.parts.push(md);
  mask = (v: string) => {
    core.setSecret(v);
    // A multi-line value is masked line by line too, as the runner does for secrets.
    if (v.includes('\n')) for (const line of v.split('\n')) if (line.trim().length > 3) core.setSecret(line.trim());
  };
}

/** Runs a registry phase as an action, with the GitHub ports and the inputs as the runner passes them. */
export function runActionPhase(phase: AnyPhase, inputs: Record<string, string> = actionInputs(phase.inputs)): Promise<void> {
  return runAction((r) => runPhase(phase, inputs, process.env, r, githubPorts()));
}

/** Runs one phase as an action: a failure becomes one error annotation and a non-zero exit. */
export async function runAction(phase: (r: Reporter) => Promise<number>): Promise<void> {
  const r = new GithubReporter();
  let code: number;
  try {
    code = await phase(r);
  } catch (err) {
    const d = describeError(err);
    for (const line of d.lines) r.error(line);
    r.summary(`### ❌ tether\n\n${d.lines.map((l) => `- ${inert(l)}`).join('\n')}\n`);
    code = d.code;
  }
  if (process.env['GITHUB_STEP_SUMMARY'] && r.parts.length) {
    await core.summary.addRaw(r.parts.join('\n\n'), true).write();
  }
  process.exitCode = code;
  // A client that leaves a socket open (a stalled artifact upload the library gave up on) must not keep
  // the step alive until the job timeout: exit on our own shortly after, unless Node exits first.
  setTimeout(() => process.exit(code), 3000).unref();
}
