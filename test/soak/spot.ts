// The spot soak (issue 27 §4): one spot run on the EC2 double under seeded `preempt` faults (EC2 takes the box
// as it reports it: the two-minute status first, or at once), `provider-flap` faults (EC2's status calls fail
// while the box's link is dropped: the network and the provider both blink) and the patrol recovering it through
// tether recover. Invariants, each a count that must stay 0: false recoveries (a dispatch or a `preempted` with
// no preemption struck), steps lost beyond one checkpoint interval (plus the sync's settle time), destroys
// without proof (the run is launched with after-verified: destroy, so the patrol may destroy: any terminate before
// the collect's proof and a person's approval, or of another instance, or more than one), a broken loss curve,
// faults not visible within one tick.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { prng } from '../harness/craft.ts';
import { Ec2Double } from '../harness/ec2-double.ts';
import { HUMAN, startGitHubDouble } from '../harness/github-double.ts';
import { ArtifactDouble } from '../harness/artifact-double.ts';
import { waitFor } from '../harness/sh.ts';
import { logged, readIf, SpotLab, TRAIN } from '../harness/spot-lab.ts';

export const SPOT_FAULTS = ['preempt', 'preempt-after-notice', 'provider-flap'] as const;
export type SpotFault = (typeof SPOT_FAULTS)[number];
export const SPOT_INVARIANTS = [
  'false recoveries',
  'steps lost beyond one checkpoint interval',
  'destroys without proof',
  'loss curve breaks',
  'faults not visible within one tick',
] as const;
export type SpotInvariant = (typeof SPOT_INVARIANTS)[number];

export interface SpotSoakResult {
  seed: number;
  faults: SpotFault[];
  counts: Record<SpotInvariant, number>;
  violations: string[];
  recoveries: number;
  /** Per recovery: ms from the tick that confirmed the preemption to the job's first step on the new box. */
  recoveryMs: number[];
  lostSteps: number[];
}

const EVERY = 4;
const LAUNCH_RUN = 555;
const LAUNCH_ENV = {
  GITHUB_RUN_ID: String(LAUNCH_RUN),
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_WORKFLOW_REF: 'lab/train/.github/workflows/tether-launch.yml@refs/heads/main',
  GITHUB_ACTOR: 'octo-researcher',
};
const STEP_S = 0.3;
/** Steps a checkpoint may be younger than the sync's settle time (1 s) plus one tick's length, beyond the interval. */
const SLACK = Math.ceil(2.5 / STEP_S);

export async function runSpotSoak(o: { seed: number; faults: number; log?: (l: string) => void }): Promise<SpotSoakResult> {
  const log = o.log ?? (() => undefined);
  const rnd = prng(o.seed);
  const faults = Array.from({ length: o.faults }, (_, i) => (i < SPOT_FAULTS.length ? SPOT_FAULTS[i]! : SPOT_FAULTS[Math.floor(rnd() * SPOT_FAULTS.length)]!));
  for (let i = faults.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [faults[i], faults[j]] = [faults[j]!, faults[i]!];
  }
  const counts = Object.fromEntries(SPOT_INVARIANTS.map((k) => [k, 0])) as Record<SpotInvariant, number>;
  const violations: string[] = [];
  const violate = (k: SpotInvariant, what: string) => {
    counts[k]++;
    violations.push(`${k}: ${what}`);
    log(`VIOLATION ${k}: ${what}`);
  };
  const ec2 = new Ec2Double();
  await ec2.start();
  const gh = await startGitHubDouble();
  const art = new ArtifactDouble();
  await art.start();
  gh.artifactStore = art.restStore();
  gh.runs.set(LAUNCH_RUN, { path: '.github/workflows/tether-launch.yml', status: 'completed', conclusion: 'success' });
  // The patrol's artifact client finds the collect run's proof through the REST API GITHUB_API_URL names.
  const savedEnv = { ...process.env };
  process.env['GITHUB_API_URL'] = gh.url;
  process.env['NO_PROXY'] = '127.0.0.1,localhost';
  const work = mkdtempSync(join(tmpdir(), 'tether-spot-soak-'));
  const run = 'spot-soak';
  // Enough steps for every fault to find the job training (a flap's ticks let it train on meanwhile).
  const total = 20 + 16 * faults.length;
  const env = `STEP_S=${STEP_S}\nTOTAL_STEPS=${total}\nSAVE_EVERY=${EVERY}`;
  const recoveryMs: number[] = [];
  const lostSteps: number[] = [];
  const logs: string[] = [];
  try {
    const lab = new SpotLab(ec2, gh, work);
    const at = `issue:${gh.addIssue('Spot soak')}`;
    let id = await lab.start(run, at, {
      code: lab.code('code'),
      command: '/usr/bin/python3 train.py',
      env,
      inputs: { 'after-verified': 'destroy', 'approval-environment': 'gpu-approval' },
      launchEnv: LAUNCH_ENV,
    });
    const terminates = () => ec2.actions.filter((a) => a === 'TerminateInstances').length;
    let attempt = 1;
    let from = 0;
    log(`spot soak: seed ${o.seed}, faults ${faults.join(', ')}, ${total} steps`);
    for (const fault of faults) {
      const attemptLog = () => readIf(`${lab.runDir(id, run)}/attempts/${attempt}/log`);
      await waitFor(`attempt ${attempt} to train`, () => (logged(attemptLog()).at(-1)?.[0] ?? 0) >= from + 2 * EVERY + 1, 90_000);
      await new Promise((r) => setTimeout(r, 1200));
      const before = lab.dispatchesOf(run).length;
      const calm = await lab.patrol(at, run);
      if (calm.v.state !== 'running') violate('false recoveries', `a healthy attempt ${attempt} was ${calm.v.state} before ${fault}`);
      if (fault === 'provider-flap') {
        const inst = lab.box(id);
        inst.box!.blackhole();
        try {
          for (let t = 0; t < 2; t++) {
            ec2.describeFailures = 1 + Math.floor(rnd() * 2);
            const p = await lab.patrol(at, run);
            log(`  provider-flap: tick said ${p.v.state}, recoveries ${JSON.stringify(p.recoveries)}`);
            if (p.v.state !== 'unreachable') violate('faults not visible within one tick', `provider-flap: the tick said ${p.v.state}`);
            if (p.recoveries.length || p.v.state === 'preempted') violate('false recoveries', `provider-flap: ${p.v.state}, ${JSON.stringify(p.recoveries)}`);
          }
        } finally {
          ec2.describeFailures = 0;
          inst.box!.clearFirewall();
        }
        if (lab.dispatchesOf(run).length !== before) violate('false recoveries', 'a recovery was dispatched during a provider flap');
        continue;
      }
      if (fault === 'preempt-after-notice') {
        ec2.preempt(id, 'notice');
        const p = await lab.patrol(at, run);
        log(`  notice: tick said ${p.v.state}, recoveries ${JSON.stringify(p.recoveries)}`);
        if (p.v.state !== 'preempted') violate('faults not visible within one tick', `the spot notice: the tick said ${p.v.state}`);
        if (lab.dispatchesOf(run).length !== before) violate('false recoveries', 'dispatched while the box still ran');
      }
      logs.push(attemptLog());
      ec2.preempt(id, 'terminate');
      const t0 = Date.now();
      const p = await lab.patrol(at, run);
      log(`  ${fault}: tick said ${p.v.state}, recoveries ${JSON.stringify(p.recoveries)}`);
      if (p.v.state !== 'preempted') violate('faults not visible within one tick', `${fault}: the tick said ${p.v.state}`);
      if (lab.dispatchesOf(run).length !== before + 1) violate('false recoveries', `${lab.dispatchesOf(run).length - before} dispatches for one preemption`);
      const r = await lab.recover(at, run, env);
      if (r.code !== 0) throw new Error(`recover failed: ${r.text}`);
      const restored = Number(/restored ckpt\/step_(\d+)\.pt/.exec(r.r.lines.join('\n'))?.[1] ?? 0);
      const last = logged(logs.at(-1)!).at(-1)?.[0] ?? 0;
      lostSteps.push(last - restored);
      if (last - restored > EVERY + SLACK)
        violate('steps lost beyond one checkpoint interval', `attempt ${attempt} reached step ${last}, restored ${restored}`);
      id = r.r.outputs['instance-id']!;
      attempt++;
      from = restored;
      await waitFor('the first step on the new box', () => logged(readIf(`${lab.runDir(id, run)}/attempts/${attempt}/log`)).length > 0, 60_000);
      recoveryMs.push(Date.now() - t0);
      log(`  recovered onto ${id} as attempt ${attempt} from step ${restored} (lost ${last - restored} steps) in ${recoveryMs.at(-1)} ms`);
    }
    await waitFor('the run to finish', () => readIf(`${lab.runDir(id, run)}/DONE`) !== '', 240_000);
    logs.push(readIf(`${lab.runDir(id, run)}/attempts/${attempt}/log`));
    const ref = mkdtempSync(join(tmpdir(), 'tether-spot-ref-'));
    const plain = spawnSync('/usr/bin/python3', [TRAIN], {
      cwd: ref,
      env: { ...process.env, STEP_S: '0', TOTAL_STEPS: String(total) },
      encoding: 'utf8',
      timeout: 120_000,
    });
    rmSync(ref, { recursive: true, force: true });
    const reference = new Map(logged(plain.stdout));
    for (const [k, l] of logs.entries())
      for (const [s, loss] of logged(l))
        if (reference.get(s) !== loss) violate('loss curve breaks', `attempt ${k + 1} step ${s}: ${loss}, uninterrupted ${reference.get(s)}`);
    if ((logged(logs.at(-1)!).at(-1)?.[0] ?? 0) !== total) violate('loss curve breaks', 'the last attempt did not reach the last step');
    // The run ended: through every fault no terminate; now the patrol may destroy only after the proof and the approval.
    if (terminates()) violate('destroys without proof', `tether terminated ${terminates()} instance(s) while the run was recovered`);
    const ended = await lab.patrol(at, run, { collect: true, actions: true });
    const d = gh.dispatches.find((x) => x.workflow === 'collect-teardown.yml');
    if (!d) throw new Error(`no collect dispatched when the run ended (${ended.v.state})`);
    const c = await lab.collectAs(d, art);
    if (c.code !== 0) throw new Error(`collect failed: ${c.r.errors.join('; ')}`);
    const unapproved = await lab.patrol(at, run, { collect: true, actions: true });
    log(`  after-verified without an approval: ${JSON.stringify(unapproved.policies)}`);
    if (terminates()) violate('destroys without proof', 'destroyed before a person approved the launch');
    gh.approvals.set(LAUNCH_RUN, [{ state: 'approved', environment: 'gpu-approval', by: HUMAN }]);
    const done = await lab.patrol(at, run, { collect: true, actions: true });
    log(`  after-verified approved: ${JSON.stringify(done.policies)}`);
    if (terminates() !== 1 || lab.box(id).state !== 'terminated')
      violate('destroys without proof', `after the proof and the approval: ${terminates()} terminate(s), the run's instance ${lab.box(id).state}`);
    return { seed: o.seed, faults, counts, violations, recoveries: lab.dispatchesOf(run).length, recoveryMs, lostSteps };
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
    Object.assign(process.env, savedEnv);
    await ec2.stop();
    await gh.close();
    await art.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

export function renderSpotSoak(r: SpotSoakResult): string {
  return [
    `spot soak, seed ${r.seed}: ${r.faults.length} faults (${r.faults.join(', ')}), ${r.recoveries} recoveries`,
    ...SPOT_INVARIANTS.map((k) => `  ${k}: ${r.counts[k]}`),
    `  steps lost per preemption: ${r.lostSteps.join(', ') || 'none'} (checkpoint every ${EVERY})`,
    `  preemption confirmed → first step on the new box: ${r.recoveryMs.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ') || 'none'}`,
  ].join('\n');
}
