import { RUN_ID } from '../record/grammar.ts';

/** A `/tether` command from the first line of a comment. Pure. */
export type Command =
  | { kind: 'status'; runIds: string[] }
  | { kind: 'collect'; runId: string }
  | { kind: 'resume'; runId: string }
  /** verb null: the teardown workflow's own default (tether never picks an irreversible verb for you). */
  | { kind: 'teardown'; runId: string; verb: 'park' | 'destroy' | null }
  | { kind: 'help' };

/** What a comment asks: nothing (not a command: ignored without a word), a command, or a wrong one (a help reply says why). */
export type Parsed = { kind: 'none' } | { kind: 'command'; command: Command } | { kind: 'wrong'; why: string };

/** Bounds: GitHub's own comment limit, and a first line long enough for 16 run ids. */
export const BODY_MAX = 65_536;
export const LINE_MAX = 1200;
export const STATUS_IDS_MAX = 16;

export const HELP = [
  '`/tether status [run-id …]`: a patrol tick now (all registered runs, or the ones named), in the status comment',
  '`/tether collect <run-id>`: dispatches the collect workflow for the run',
  '`/tether resume <run-id>`: dispatches the launch workflow with resume for the run',
  '`/tether teardown <run-id> [park|destroy]`: dispatches the teardown workflow (it still waits for the environment approval and the verified proof)',
  '`/tether help`: this list',
].join('\n');

/**
 * The first line of `body`, when it starts with `/tether` (exactly these ASCII characters, then a space or
 * the end: a look-alike such as a fullwidth slash or a Cyrillic е is not a command). Only the first line
 * counts; arguments are exactly those of the command, run ids by the one grammar.
 */
export function parseCommand(body: string): Parsed {
  const first = body.slice(0, LINE_MAX + 1).split(/\r?\n/, 1)[0] ?? '';
  if (!/^\/tether(?:[ \t]|$)/.test(first)) return { kind: 'none' };
  if (body.length > BODY_MAX) return { kind: 'wrong', why: `the comment is longer than ${BODY_MAX} characters` };
  if (first.length > LINE_MAX) return { kind: 'wrong', why: `the command line is longer than ${LINE_MAX} characters` };
  const words = first
    .trim()
    .split(/[ \t]+/)
    .slice(1);
  const [verb, ...args] = words;
  const ids = (max: number) => {
    const bad = args.find((a) => !RUN_ID.test(a));
    if (bad !== undefined) return `${JSON.stringify(bad.slice(0, 80))} is not a run id (1-64 of A-Z a-z 0-9 . _ -)`;
    if (args.length > max) return `at most ${max} run ids`;
    if (new Set(args).size !== args.length) return 'a run id is named twice';
    return null;
  };
  switch (verb) {
    case undefined:
    case 'help':
      return args.length ? { kind: 'wrong', why: '`help` takes no arguments' } : { kind: 'command', command: { kind: 'help' } };
    case 'status': {
      const why = ids(STATUS_IDS_MAX);
      return why ? { kind: 'wrong', why } : { kind: 'command', command: { kind: 'status', runIds: args } };
    }
    case 'collect':
    case 'resume': {
      if (args.length !== 1) return { kind: 'wrong', why: `\`${verb}\` takes exactly one run id` };
      const why = ids(1);
      return why ? { kind: 'wrong', why } : { kind: 'command', command: { kind: verb, runId: args[0]! } };
    }
    case 'teardown': {
      const [runId, verbArg, ...rest] = args;
      if (runId === undefined || rest.length) return { kind: 'wrong', why: '`teardown` takes a run id and optionally park or destroy' };
      if (!RUN_ID.test(runId)) return { kind: 'wrong', why: `${JSON.stringify(runId.slice(0, 80))} is not a run id (1-64 of A-Z a-z 0-9 . _ -)` };
      if (verbArg !== undefined && verbArg !== 'park' && verbArg !== 'destroy') return { kind: 'wrong', why: 'the teardown verb is park or destroy' };
      return { kind: 'command', command: { kind: 'teardown', runId, verb: verbArg ?? null } };
    }
    default:
      return { kind: 'wrong', why: `${JSON.stringify(verb.slice(0, 40))} is not a tether command` };
  }
}
