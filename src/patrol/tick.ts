import type { RunMemory, TeardownMark, TickMemory } from './memory.ts';
import { eachLimit } from '../util/pool.ts';
import { STATE_REMEDIATION } from './remediation.ts';
import { emptyRun, type HostObservation, type ProbeFailure, type SeenRun } from '../record/observation.ts';
import { assess, remembered, type AssessOptions, type Seen, type Verdict } from './verdict.ts';
import { assessCells, sweepVerdict } from './cells.ts';
import { keepPreempted } from './preempt.ts';

export interface HostTarget {
  /** How the host is named in reports (user@host:port). */
  label: string;
  runIds: string[];
  hourlyPrice?: number | null;
  /**
   * A node of a run on many boxes (issue 28): its key in `runIds` and the tick memory (`<run>#<rank>`, never a
   * run id: src/patrol/nodes.ts) → the run's id on this box. Its verdict carries the key until the nodes are combined.
   */
  aliases?: Record<string, string>;
}

export type { SeenRun };

/**
 * One read-only probe of one host: what it saw, or a ProbeFailure when the host could not be reached.
 * Anything it throws is that host's probe-error.
 */
export type ProbeFn = (target: HostTarget, runs: SeenRun[]) => Promise<HostObservation | ProbeFailure>;

export type TickVerdict = Verdict & { host: string; hourlyPrice: number | null };

export interface TickResult {
  verdicts: TickVerdict[];
  memory: TickMemory;
}

/**
 * One patrol tick over every host: one probe per host (at most `concurrency` at once), then the pure
 * verdict per run. The probe is passed in, so this file does no I/O of its own.
 */
export async function tick(targets: HostTarget[], prev: TickMemory, probe: ProbeFn, opts: AssessOptions, now: Date, concurrency = 8): Promise<TickResult> {
  const results: TickVerdict[][] = new Array(targets.length);
  const memory: TickMemory = { v: 1, tick: prev.tick + 1, runs: { ...prev.runs } };
  await eachLimit(targets, concurrency, async (t, i) => {
    const price = t.hourlyPrice ?? null;
    const boxId = (key: string) => t.aliases?.[key] ?? key;
    // A torn-down run is not probed again: its instance is gone (or parked) on purpose. A node's run is marked
    // under the run's own id (teardown marks the run).
    const markOf = (key: string) => prev.runs[key]?.teardown ?? prev.runs[boxId(key)]?.teardown;
    const live = t.runIds.filter((key) => !markOf(key));
    const seen = live.map((key) => {
      const m = prev.runs[key];
      const id = boxId(key);
      const cells = Object.entries(m?.cells ?? {}).map(([name, c]) => ({
        name,
        attempt: c.attempt,
        offset: c.offset,
        // Finished or failed with that attempt's marker read: the probe may send the marker alone.
        final: c.attempt > 0 && (c.state === 'finished' || c.state === 'failed'),
      }));
      return { id, attempt: m?.attempt ?? 0, offset: m?.offset ?? 0, ...(cells.length ? { cells } : {}) };
    });
    let host: HostObservation | ProbeFailure | Error | null = null;
    if (seen.length) {
      try {
        host = await probe(t, seen);
      } catch (err) {
        // Whatever went wrong with this host (transport, unreadable output, a parser bug) is this host's
        // verdict: every other host is still reported.
        host = err instanceof Error ? err : new Error(String(err));
      }
    }
    results[i] = t.runIds.map((id) => {
      const mark = markOf(id);
      const box = boxId(id);
      if (mark) return { ...tornDown(id, (prev.runs[id] ?? prev.runs[box])!, mark), host: t.label, hourlyPrice: price };
      let s: Seen;
      if (host && 'transport' in host) s = { kind: 'transport', reason: host.transport, detail: host.message };
      else if (host instanceof Error || !host) s = { kind: 'probe-error', detail: `probe failed: ${host?.message ?? 'not probed'}` };
      else if (host.runErrors[box]) s = { kind: 'probe-error', detail: `probe output for this run is unreadable: ${host.runErrors[box]}` };
      else s = { kind: 'observed', host, run: host.runs.find((r) => r.id === box) ?? emptyRun(box) };
      let out: ReturnType<typeof assess>;
      try {
        out = assess(id, s, prev.runs[id], opts, now);
      } catch (err) {
        out = assess(id, { kind: 'probe-error', detail: `the probe output could not be assessed: ${(err as Error).message}` }, prev.runs[id], opts, now);
      }
      const run = s.kind === 'observed' ? s.run : undefined;
      if (run?.cells && s.kind === 'observed') {
        // A sweep: a verdict per cell, then the run's line from them.
        const cells = assessCells(run.cells, run.cellErrors ?? {}, s.host, prev.runs[id]?.cells, run.marker !== null && !run.alive, opts, now);
        out = { verdict: { ...sweepVerdict(out.verdict, cells.verdicts), cells: cells.verdicts }, memory: { ...out.memory, cells: cells.memory } };
        out.memory.state = out.verdict.state;
        out.memory.cls = out.verdict.cls;
      } else if (prev.runs[id]?.cells) {
        // Not observed this tick: the cells are remembered as they were.
        out = { verdict: out.verdict, memory: { ...out.memory, cells: prev.runs[id]!.cells! } };
      }
      out = keepPreempted(out, prev.runs[id]);
      memory.runs[id] = { ...out.memory, at: now.toISOString() };
      return { ...out.verdict, host: t.label, hourlyPrice: price };
    });
  });
  return { verdicts: results.flat(), memory };
}

function tornDown(runId: string, m: RunMemory, t: TeardownMark): Verdict {
  return remembered(runId, 'torn-down', m, { remediation: STATE_REMEDIATION['torn-down'], detail: `${t.state} at ${t.at}: ${t.reason}`, since: t.at });
}
