// The chaos soak: whole lifecycles (launch, patrol ticks, collect, teardown through the command provider) of a
// real PyTorch job on several boxes, through the built actions, with faults drawn from one seed injected at
// random moments. After every lifecycle the invariants are checked against the truth, which the soak reads
// inside the box's namespace (processes, files, the job's own record of every checkpoint it completed).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBuiltAction, type ActionRun } from '../harness/action.ts';
import { createBox, type Box } from '../harness/box.ts';
import { prng } from '../harness/craft.ts';
import { checkedPid, signalPid } from '../harness/pids.ts';
import { run, sleep, waitFor } from '../harness/sh.ts';
import { FAULTS, faultQueue, INVARIANTS, planLifecycle, type FaultKind, type Injected, type Invariant } from './faults.ts';

export interface SoakOptions {
  seed: number;
  faults: number;
  boxes: number;
  /** Where the runner keeps collected checkpoints and the provider's call log. */
  work: string;
  log?: (line: string) => void;
}

export interface SoakResult {
  seed: number;
  faults: number;
  boxes: number;
  lifecycles: number;
  injected: Injected[];
  counts: Record<Invariant, number>;
  violations: string[];
}

const STEPS = 30;
const TRAIN = readFileSync(new URL('./train.py', import.meta.url), 'utf8');
type States = Record<string, { state: string; class?: string | null }>;

export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const rnd = prng(o.seed);
  const log = o.log ?? (() => undefined);
  const counts = Object.fromEntries(INVARIANTS.map((k) => [k, 0])) as Record<Invariant, number>;
  const violations: string[] = [];
  const injected: Injected[] = [];
  const violate = (inv: Invariant, what: string) => {
    counts[inv]++;
    violations.push(`${inv}: ${what}`);
    log(`VIOLATION ${inv}: ${what}`);
  };
  const providerLog = join(o.work, 'provider.log');
  writeFileSync(providerLog, '');
  const providerScript = join(o.work, 'provider.sh');
  // The command provider: logs every call it gets; a marker file makes the next call hang or answer 503.
  writeFileSync(
    providerScript,
    [
      '#!/bin/bash',
      `echo "call $TETHER_RUN_ID $TETHER_VERB" >> ${providerLog}`,
      `m=${o.work}/provider-fault-$TETHER_RUN_ID`,
      'if [ -f "$m" ]; then f=$(cat "$m"); rm -f "$m"',
      '  [ "$f" = hang ] && exec sleep 120',
      '  echo "HTTP 503 Service Unavailable from the provider API" >&2; exit 1',
      'fi',
      `echo "gone $TETHER_RUN_ID" >> ${providerLog}`,
    ].join('\n') + '\n',
    { mode: 0o755 },
  );
  const boxes: Box[] = [];
  let lifecycles = 0;
  try {
    for (let i = 0; i < o.boxes; i++) boxes.push(await createBox());
    // Lifecycles run on all boxes at once, each box one after another, until the fault budget is spent.
    const plans: FaultKind[][][] = boxes.map(() => []);
    const queue = faultQueue(rnd, o.faults);
    for (let k = 0; queue.length && k < 10_000; k++) plans[k % boxes.length]?.push(planLifecycle(rnd, queue));
    await Promise.all(
      boxes.map(async (box, b) => {
        for (const [n, plan] of (plans[b] ?? []).entries()) {
          lifecycles++;
          const seed = Math.floor(rnd() * 2 ** 31);
          await lifecycle({ box, b, runId: `soak-${b}-${n}`, plan, rnd: prng(seed), o, providerScript, providerLog, violate, injected, log });
        }
      }),
    );
  } finally {
    for (const box of boxes) {
      for (const m of mountsUnder(box.home)) run('umount', ['-l', m], { allowFail: true });
      box.destroy();
    }
  }
  return { seed: o.seed, faults: o.faults, boxes: o.boxes, lifecycles, injected, counts, violations };
}

interface Ctx {
  box: Box;
  b: number;
  runId: string;
  plan: FaultKind[];
  rnd: () => number;
  o: SoakOptions;
  providerScript: string;
  providerLog: string;
  violate: (inv: Invariant, what: string) => void;
  injected: Injected[];
  log: (line: string) => void;
}

function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1] ?? '')
    .filter((m) => m.startsWith(`${dir}/`));
}

/** The job's processes in the box (python running train.py for this run). */
function jobPids(box: Box, runId: string): number[] {
  return box.pids().filter((p) => {
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
      return cmd.some((a) => a.endsWith('train.py')) && cmd.includes(runId);
    } catch {
      return false; // ended between the listing and the read
    }
  });
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function lifecycle(c: Ctx): Promise<void> {
  const { box, runId, rnd, log } = c;
  const workdir = join(box.home, 'w', runId);
  mkdirSync(join(workdir, 'ck'), { recursive: true });
  writeFileSync(join(workdir, 'train.py'), TRAIN);
  const runFaults = c.plan.filter((k) => FAULTS[k].when === 'run');
  const after = c.plan.filter((k) => FAULTS[k].when !== 'run');
  log(`box ${c.b} ${runId}: faults ${c.plan.join(', ') || 'none'}`);
  // A disk that can fill: the checkpoint directory on its own small filesystem.
  if (runFaults.includes('disk-full')) run('mount', ['-t', 'tmpfs', '-o', 'size=48m', 'tmpfs', join(workdir, 'ck')]);
  const conn = (extra: Record<string, string> = {}) => box.inputs({ 'connect-timeout': '5', 'connect-attempts': '1', ...extra });
  const act = async (name: string, inputs: Record<string, string>, signal?: AbortSignal): Promise<ActionRun> => {
    const r = await runBuiltAction(name, inputs, {}, 180_000, signal);
    rmSync(r.workspace, { recursive: true, force: true });
    return r;
  };
  const launch = (resume: boolean) =>
    act(
      'launch',
      conn({
        'run-id': runId,
        command: `/usr/bin/python3 train.py ${runId} ${STEPS} 0.4`,
        workdir: `~/w/${runId}`,
        audit: 'false',
        'confirm-timeout': '2', // (launch watches the job this long before it returns)
        checkpoints: 'ck/*.pt',
        ...(resume ? { resume: 'true' } : {}),
      }),
    );
  const tick = async (): Promise<{ state: string; cls: string; raw: ActionRun }> => {
    const r = await act('patrol', conn({ 'run-ids': runId, 'stall-after': '1h' }));
    let states: States = {};
    try {
      states = JSON.parse(r.outputs['states'] ?? '{}') as States;
    } catch {
      /* no states: counted below as whatever the run's entry is not */
    }
    const v = states[runId];
    return { state: v?.state ?? `none (exit ${r.code})`, cls: v?.class ?? '', raw: r };
  };
  const alive = () => jobPids(box, runId).length > 0;
  const checkDead = (t: { state: string }, aliveNow: boolean, when: string) => {
    if (t.state === 'dead' && aliveNow) c.violate('runs reported dead while alive', `${runId} ${when}`);
  };
  const note = (kind: FaultKind, saw: string, visible: boolean) => {
    c.injected.push({ kind, box: c.b, run: runId, saw, visible });
    log(`  ${kind}: ${saw}${visible ? '' : '  <- NOT VISIBLE'}`);
    if (!visible) c.violate('faults not visible within one tick', `${kind} on ${runId}: ${saw}`);
  };
  // What a tick may truthfully say of a run with no fault on it: a job alive when the tick began may finish during it.
  const truthful = (aliveBefore: boolean) => (aliveBefore || alive() ? ['running', 'launching', 'finished'] : ['finished']);
  const doubleCheck = (when: string) => {
    const n = jobPids(box, runId).length;
    if (n > 1) c.violate('double launches', `${runId}: ${n} job processes ${when}`);
  };

  const first = await launch(false);
  if (first.outputs['result'] !== 'started') throw new Error(`${runId}: launch did not start: ${first.stdout.slice(-800)}`);
  await waitFor(`${runId} job`, () => alive() || existsSync(join(workdir, 'saved.log')), 30_000, 100);
  if (rnd() < 0.3) {
    // A second dispatch of the same launch (a re-run workflow) while the job lives.
    const again = await launch(false);
    if (again.outputs['result'] === 'started') c.violate('double launches', `${runId}: a second launch started while the first ran`);
    doubleCheck('after a second launch');
  }
  const resume = async (why: string) => {
    await waitFor(`${runId} job gone before resume`, () => !alive(), 20_000, 100);
    const r = await launch(true);
    if (r.outputs['result'] !== 'started') throw new Error(`${runId}: resume after ${why} did not start: ${r.stdout.slice(-800)}`);
    doubleCheck('after resume');
  };

  // Ticks until the run is finished; each planned run fault strikes before one of them, at a random moment.
  const pending = [...runFaults];
  const needsJob = (k: FaultKind) => k === 'reboot' || k === 'kill-job' || k === 'disk-full';
  const runDir = join(box.home, '.tether', 'runs', runId);
  for (let n = 0, end = Date.now() + 240_000, finished = false; ; n++) {
    if (Date.now() > end || n > 200) throw new Error(`${runId}: not finished within 240 s of ticks (faults ${c.plan.join(', ')})`);
    await sleep(200 + Math.floor(rnd() * 700));
    if (finished) {
      // The run ended first: what needs no live job still strikes; the rest never happened (and is not counted).
      for (const k of pending.splice(0)) {
        if (needsJob(k)) log(`  ${k}: not struck (the run had finished)`);
        else await strike(k);
      }
      break;
    }
    // A fault that needs the job strikes as soon as the job is up (late in the run it may find none); others at random.
    const first = pending[0];
    let kind = first && ((needsJob(first) && alive()) || rnd() < 0.7) ? pending.shift() : undefined;
    if (kind && needsJob(kind) && !alive()) {
      pending.unshift(kind); // between a resume and its job: strike on a live job, at a later tick
      kind = undefined;
    }
    if (kind) {
      await strike(kind);
      continue;
    }
    const a = alive();
    const t = await tick();
    checkDead(t, a && alive(), `tick ${n}`);
    if (t.state === 'finished') finished = true;
    else if (t.state === 'failed' || t.state === 'dead' || t.state === 'rebooted') throw new Error(`${runId}: ${t.state} with no fault (${t.cls})`);
    if (finished && !pending.length) break;
  }

  async function strike(kind: FaultKind): Promise<void> {
    if (kind === 'blackhole' || kind === 'sshd-stop') {
      const a = alive();
      if (kind === 'blackhole') box.blackhole();
      else box.hang();
      let t;
      try {
        t = await tick();
      } finally {
        if (kind === 'blackhole') box.clearFirewall();
        else box.unhang();
      }
      checkDead(t, a && alive(), kind);
      note(kind, `tick said ${t.state}`, t.state === 'unreachable');
    } else if (kind === 'ssh-drop') {
      const a = alive();
      let over = false;
      const pending = tick().finally(() => (over = true));
      // Drop the tick's connection at a random moment once it is open (sshd forks one process per connection).
      await sleep(Math.floor(rnd() * 300));
      const sshd = box.sshdPid();
      let conns: number[] = [];
      for (let i = 0; i < 250 && !over && !conns.length; i++) {
        conns = box.pids().filter((p) => p !== sshd && ppidOf(p) === sshd);
        if (!conns.length) await sleep(20);
      }
      for (const p of conns) signalPid(p, 'SIGKILL');
      const t = await pending;
      checkDead(t, a && alive(), kind);
      if (!conns.length) log(`  ${kind}: not struck (the tick ended before its connection could be dropped)`);
      else note(kind, `${conns.length} connection(s) dropped; tick said ${t.state}`, t.state === 'unreachable' || truthful(a).includes(t.state));
    } else if (kind === 'reboot' || kind === 'kill-job' || kind === 'disk-full') {
      const donePath = join(runDir, 'DONE');
      if (kind === 'reboot') await box.reboot();
      else if (kind === 'kill-job') for (const p of jobPids(box, runId)) signalPid(checkedPid(p, 'job'), 'SIGKILL');
      else {
        // Fill the checkpoint filesystem; the job's next save fails for want of space.
        box.sh(`dd if=/dev/zero of=${workdir}/ck/fill.bin bs=1M count=96 status=none 2>/dev/null || true`);
        await waitFor(`${runId} to fail on a full disk`, () => !alive(), 30_000, 100);
      }
      await waitFor(`${runId} job to be gone`, () => !alive(), 20_000, 100);
      // The wrapper writes its marker after the job: give it its moment (a reboot leaves none).
      await sleep(kind === 'reboot' ? 0 : 1500);
      if (kind !== 'reboot' && existsSync(donePath)) {
        log(`  ${kind}: not struck (the job finished on its own first)`);
        if (kind === 'disk-full') rmSync(join(workdir, 'ck', 'fill.bin'), { force: true });
        return;
      }
      const t = await tick();
      const want = kind === 'reboot' ? ['rebooted', 'dead', 'failed'] : ['failed', 'dead'];
      const visible = want.includes(t.state) && (kind !== 'disk-full' || t.state !== 'failed' || /disk/.test(t.cls + t.raw.summary));
      note(kind, `tick said ${t.state}${t.cls ? ` (${t.cls})` : ''}`, visible);
      if (kind === 'disk-full') rmSync(join(workdir, 'ck', 'fill.bin'), { force: true });
      // A reboot just after the job finished: the run is done, nothing to resume.
      if (!existsSync(donePath)) await resume(kind);
    } else if (kind === 'tick-lost') {
      await sleep(1000 + Math.floor(rnd() * 1000)); // the cron run that never came
      const a = alive();
      const t = await tick();
      checkDead(t, a && alive(), kind);
      note(kind, `the tick after said ${t.state}`, truthful(a).includes(t.state));
    } else if (kind === 'ticks-overlap') {
      const a = alive();
      const [t1, t2] = await Promise.all([tick(), tick()]);
      for (const t of [t1, t2]) checkDead(t, a && alive(), kind);
      note(kind, `ticks said ${t1.state} and ${t2.state}`, truthful(a).includes(t1.state) && truthful(a).includes(t2.state));
    }
  }

  // The truth on the box: every checkpoint the job completed (its own record), and what each file is now.
  const saved = new Map<string, string>();
  for (const line of readFileSync(join(workdir, 'saved.log'), 'utf8').split('\n')) {
    const [, h, p] = line.split(' ');
    if (h && p) saved.set(p, h);
  }
  const corrupt = new Set<string>();
  const corruption = after.find((k) => k === 'flip-byte' || k === 'truncate');
  if (corruption) {
    const victims = [...saved.keys()];
    const victim = victims[Math.floor(rnd() * victims.length)] as string;
    const f = join(workdir, victim);
    const b = readFileSync(f);
    if (corruption === 'flip-byte') {
      const at = Math.floor(b.length * (0.3 + 0.4 * rnd())); // inside the tensor data
      b[at] = (b[at] as number) ^ 0x10;
      writeFileSync(f, b);
    } else writeFileSync(f, b.subarray(0, Math.floor(b.length / 2)));
    corrupt.add(victim);
  }

  const dest = join(c.o.work, 'dest');
  const runDest = join(dest, runId);
  const collect = (signal?: AbortSignal) => act('collect', conn({ 'run-id': runId, 'dest-dir': dest, artifact: 'none' }), signal);
  if (after.includes('runner-killed')) {
    const abort = new AbortController();
    const watch = waitFor('bytes arriving', () => existsSync(runDest) && walk(runDest).length > 0, 60_000, 5).then(() => abort.abort());
    const killed = await collect(abort.signal);
    abort.abort();
    await watch.catch(() => undefined);
    const proof = existsSync(join(runDest, 'VERIFIED.json'));
    if (killed.code !== null) log(`  runner-killed: not struck (the collect ended, exit ${killed.code}, before the kill)`);
    else
      note(
        'runner-killed',
        `collect killed with ${existsSync(runDest) ? walk(runDest).length : 0} files in place; VERIFIED.json ${proof ? 'present' : 'absent'}`,
        !proof,
      );
  }
  const col = await collect();
  const verified = col.outputs['verified'] === 'true';
  const errors = col.stdout;
  if (corruption) {
    const [victim] = [...corrupt];
    note(corruption, `collect verified=${verified}; names ${victim}: ${errors.includes(victim as string)}`, !verified && errors.includes(victim as string));
  }
  // 0 checkpoints lost: each completed checkpoint is verified on the runner with the job's own hash, or named.
  const manifest = existsSync(join(runDest, 'manifest.json'))
    ? new Map(
        (JSON.parse(readFileSync(join(runDest, 'manifest.json'), 'utf8')).files as Array<{ path: string; sha256: string }>).map((f) => [f.path, f.sha256]),
      )
    : new Map<string, string>();
  for (const [p, h] of saved) {
    const local = join(runDest, p);
    const home = existsSync(local) && sha(readFileSync(local)) === h && (!verified || manifest.get(p) === h);
    if (!home && !errors.includes(p))
      c.violate('checkpoints lost', `${runId}: ${p}${corrupt.has(p) ? ' (corrupted on the box)' : ''} neither on the runner intact nor reported`);
  }
  if (!corruption && !verified) throw new Error(`${runId}: collect not verified with no corruption: ${errors.slice(-1500)}`);
  // 0 VERIFIED.json over a corrupt file.
  if (existsSync(join(runDest, 'VERIFIED.json')))
    for (const [p, h] of manifest) if (saved.get(p) !== h || corrupt.has(p)) c.violate('VERIFIED.json over a corrupt file', `${runId}: ${p}`);

  // Teardown through the command provider, with the proof (or without one, when collect was not verified).
  const provider = after.find((k) => k === 'provider-hang' || k === 'provider-5xx');
  const teardown = () =>
    act(
      'teardown',
      conn({
        'run-id': runId,
        provider: 'command',
        'instance-id': runId,
        verb: 'destroy',
        'teardown-command': c.providerScript,
        'verified-path': runDest,
        'dry-run': 'false',
        'teardown-timeout': '6s',
      }),
    );
  if (provider && verified) {
    writeFileSync(join(c.o.work, `provider-fault-${runId}`), provider === 'provider-hang' ? 'hang' : '503');
    const t = await teardown();
    const said = `${t.outputs['state']}: ${(t.outputs['reason'] ?? '').slice(0, 160)}`;
    note(provider, said, t.outputs['state'] === 'failed' && (provider === 'provider-hang' ? /killed \(SIGKILL\) after \d+ s/.test(said) : /503/.test(said)));
  } else if (provider) {
    note(provider, 'not reached: the collect was not verified, so teardown refuses before any provider call', true);
  }
  const td = await teardown();
  const state = td.outputs['state'];
  if (verified && state !== 'torn-down') throw new Error(`${runId}: teardown after a verified collect: ${state} ${td.outputs['reason']}`);
  if (!verified && state !== 'refused') c.violate('teardowns without a matching VERIFIED.json', `${runId}: teardown said ${state} with no verified collect`);
  // Every provider call for this run had a VERIFIED.json behind it, over files the job really wrote.
  const calls = readFileSync(c.providerLog, 'utf8')
    .split('\n')
    .filter((l) => l === `call ${runId} destroy`).length;
  if (calls && !verified) c.violate('teardowns without a matching VERIFIED.json', `${runId}: ${calls} provider call(s) with no verified collect`);
  for (const m of mountsUnder(workdir)) run('umount', ['-l', m], { allowFail: true });
  log(`  ${runId}: collect verified=${verified}, teardown ${state}`);
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...walk(join(dir, e.name)).map((p) => join(e.name, p)));
    else out.push(e.name);
  }
  return out;
}

function ppidOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
}

/** The table printed at the end: every invariant with its count, then the faults by kind. */
export function renderSoak(r: SoakResult): string {
  const lines = [
    `chaos soak: seed ${r.seed}, ${r.injected.length} of ${r.faults} faults struck over ${r.lifecycles} lifecycles on ${r.boxes} boxes`,
    '',
    '| invariant | count |',
    '|---|---|',
  ];
  for (const k of INVARIANTS) lines.push(`| ${k} | ${r.counts[k]} |`);
  lines.push('', '| fault | injected | visible within one tick |', '|---|---|---|');
  const kinds = [...new Set(r.injected.map((i) => i.kind))].sort();
  for (const k of kinds) {
    const of = r.injected.filter((i) => i.kind === k);
    lines.push(`| ${k} | ${of.length} | ${of.filter((i) => i.visible).length} |`);
  }
  if (r.violations.length)
    lines.push('', `FAILED: replay with: npm run soak -- --seed ${r.seed} --faults ${r.faults} --boxes ${r.boxes}`, ...r.violations.map((v) => `- ${v}`));
  return lines.join('\n');
}
