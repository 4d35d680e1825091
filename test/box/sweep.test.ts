import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPhase } from '../harness/phases.ts';
import { launchPhase } from '../harness/phases.ts';
import { teardownPhase } from '../harness/phases.ts';
import { patrolPhase } from '../harness/phases.ts';
import { probeHost } from '../../src/remote/probe.ts';
import { stopRun } from '../../src/remote/stop.ts';
import { parseConnection } from '../../src/config/connection.ts';
import { connect } from '../../src/ssh/client.ts';
import { loadCredential } from '../../src/ssh/keys.ts';
import { createBox, type Box } from '../harness/box.ts';
import { fakeGpus, h100s } from '../harness/fake-gpu.ts';
import { captureReporter } from '../harness/reporter.ts';
import { waitFor } from '../harness/sh.ts';

/**
 * Sweeps on a real box with four (fake, real-format) GPUs: the queue gives each cell its own GPUs through
 * CUDA_VISIBLE_DEVICES, never two cells the same GPU, starts the next cell when a slot frees, keeps a record
 * per cell, and writes the run's DONE only when every cell is DONE.
 */
let box: Box;
beforeAll(async () => {
  box = await createBox();
  fakeGpus(box, h100s(4));
  box.sh(`mkdir -p ${box.home}/code/seen`);
  // Each cell notes what it saw (its name, GPUs, the run id) and when it ran, in nanoseconds.
  box.sh(
    `cat > ${box.home}/code/cell.sh <<'EOF'
s=$(date +%s%N)
sleep "\${1:-1}"
printf '%s %s %s %s %s\\n' "$TETHER_CELL" "$CUDA_VISIBLE_DEVICES" "$TETHER_RUN_ID" "$s" "$(date +%s%N)" > "seen/$TETHER_CELL"
EOF`,
  );
});
afterAll(() => box?.destroy());

const runDir = (id: string) => `${box.home}/.tether/runs/${id}`;
const connections = () => (readFileSync(`${box.dir}/sshd.log`, 'utf8').match(/Connection from/g) ?? []).length;
const read = (p: string) => readFileSync(p, 'utf8');

async function launch(id: string, extra: Record<string, string>) {
  const r = captureReporter();
  const code = await launchPhase(
    box.inputs({
      'run-id': id,
      workdir: '~/code',
      audit: 'false',
      'confirm-timeout': '1',
      'run-file': `/tmp/tether-sweep-${process.pid}-${id}.json`,
      ...extra,
    }),
    {},
    r,
    '/tmp',
  );
  return { code, r };
}

const TORCH = `/usr/bin/python3 -c "import torch, os; os.makedirs('ck/t', exist_ok=True); torch.save({'w': torch.ones(4)}, 'ck/t/last.pt')"`;

describe('a sweep on one box', () => {
  it('6 cells × 2 GPUs on 4 GPUs: at most 2 at once, never a GPU shared, every cell its own record, then DONE', async () => {
    const cells = ['a', 'b', 'c', 'd', 'e'].map((c) => `${c}: bash cell.sh 1`).join('\n') + `\nt: ${TORCH} && bash cell.sh 0.2`;
    const { code, r } = await launch('sw-gpus', { cells, 'gpus-per-cell': '2', checkpoints: 'ck/{cell}/*.pt' });
    expect(code, r.errors.join('\n')).toBe(0);
    const dir = runDir('sw-gpus');
    await waitFor('the sweep to finish', () => existsSync(`${dir}/DONE`) || existsSync(`${dir}/FAILED`), 60_000, 200);
    expect(existsSync(`${dir}/FAILED`), existsSync(`${dir}/FAILED`) ? read(`${dir}/FAILED`) + read(`${dir}/attempts/1/log`) : '').toBe(false);
    expect(JSON.parse(read(`${dir}/DONE`))).toMatchObject({ attempt: 1, exit_code: 0, stage: 'cells', cells: 6 });

    const seen = ['a', 'b', 'c', 'd', 'e', 't'].map((c) => {
      const [cell, gpus, runId, start, end] = read(`${box.home}/code/seen/${c}`).trim().split(' ');
      return { cell, gpus: gpus!.split(','), runId, start: BigInt(start!), end: BigInt(end!) };
    });
    for (const s of seen) {
      expect(s.runId).toBe('sw-gpus');
      expect(s.gpus).toHaveLength(2);
      expect(new Set(s.gpus).size).toBe(2);
      for (const g of s.gpus) expect(['0', '1', '2', '3']).toContain(g);
    }
    // Any two cells that ran at the same time held disjoint GPUs; never more than two at once.
    for (const x of seen)
      for (const y of seen) {
        if (x === y || x.end <= y.start || y.end <= x.start) continue;
        expect(
          x.gpus.filter((g) => y.gpus.includes(g)),
          `${x.cell} and ${y.cell}`,
        ).toEqual([]);
      }
    for (const x of seen) expect(seen.filter((y) => y.start <= x.start && x.start < y.end).length).toBeLessThanOrEqual(2);

    // A record per cell, like a run's: attempt 1 with pid, times, exit code, the GPUs it got, and its DONE.
    for (const c of ['a', 'b', 'c', 'd', 'e', 't']) {
      const cd = `${dir}/cells/${c}`;
      expect(JSON.parse(read(`${cd}/DONE`))).toMatchObject({ attempt: 1, exit_code: 0, stage: 'command' });
      for (const f of ['pid', 'pid_start', 'started_at', 'finished_at', 'exit_code', 'log', 'gpus'])
        expect(existsSync(`${cd}/attempts/1/${f}`), `${c} ${f}`).toBe(true);
      expect(JSON.parse(read(`${cd}/spec.json`))).toMatchObject({ schema: 'tether.cell/v1', run_id: 'sw-gpus', cell: c, checkpoints: [`ck/${c}/*.pt`] });
    }
    const status = JSON.parse(read(`${dir}/cells.json`));
    expect(status).toMatchObject({ schema: 'tether.cells/v1', run_id: 'sw-gpus', queue_attempt: 1 });
    expect(status.cells.map((c: { name: string; state: string }) => `${c.name}:${c.state}`)).toEqual(['a', 'b', 'c', 'd', 'e', 't'].map((c) => `${c}:done`));
    // The real PyTorch cell's checkpoint loads.
    execFileSync('/usr/bin/python3', ['-c', `import torch; assert torch.load('${box.home}/code/ck/t/last.pt')['w'].sum() == 4`]);
    // The queue said what it did, in its own log.
    expect(read(`${dir}/attempts/1/log`)).toMatch(/queue: cell a attempt 1 started on GPUs \d,\d/);
    expect(read(`${dir}/attempts/1/log`)).toMatch(/queue: all 6 cells done/);
  }, 90_000);

  it('a cell that fails and one that is killed fail the run naming both; the others finish', async () => {
    const cells = ['ok1: bash cell.sh 0.3', `boom: /usr/bin/python3 -c "raise ValueError('bad config')"`, 'killed: kill -9 $$', 'ok2: bash cell.sh 0.3'].join(
      '\n',
    );
    const { code, r } = await launch('sw-fail', { cells, 'gpus-per-cell': '1' });
    // The whole sweep ends inside launch's confirmation window, so launch itself says it failed.
    expect(code).toBe(1);
    expect(r.outputs['result']).toBe('failed');
    expect(r.errors.join('\n')).toMatch(/exited 1 during the confirmation window \(stage cells\)/);
    const dir = runDir('sw-fail');
    await waitFor('the sweep to end', () => existsSync(`${dir}/FAILED`) || existsSync(`${dir}/DONE`), 60_000, 200);
    const failed = JSON.parse(read(`${dir}/FAILED`));
    expect(failed).toMatchObject({ attempt: 1, exit_code: 1, stage: 'cells', failed_cells: ['boom', 'killed'], not_run: [] });
    expect(JSON.parse(read(`${dir}/cells/boom/FAILED`))).toMatchObject({ exit_code: 1, signal: null });
    expect(JSON.parse(read(`${dir}/cells/killed/FAILED`))).toMatchObject({ exit_code: 137, signal: 'KILL' });
    expect(read(`${dir}/cells/boom/attempts/1/log`)).toMatch(/ValueError: bad config/);
    for (const c of ['ok1', 'ok2']) expect(existsSync(`${dir}/cells/${c}/DONE`)).toBe(true);
  }, 90_000);

  it('on-cell-failure: stop starts no new cell after a failure, and says which never ran', async () => {
    const cells = ['first: false', 'second: bash cell.sh 0.1', 'third: bash cell.sh 0.1'].join('\n');
    const { r } = await launch('sw-stop', { cells, 'gpus-per-cell': '0', 'max-parallel': '1', 'on-cell-failure': 'stop' });
    expect(r.outputs['attempt']).toBe('1');
    const dir = runDir('sw-stop');
    await waitFor('the sweep to end', () => existsSync(`${dir}/FAILED`), 30_000, 200);
    expect(JSON.parse(read(`${dir}/FAILED`))).toMatchObject({ failed_cells: ['first'], not_run: ['second', 'third'] });
    expect(existsSync(`${dir}/cells/second/attempts/1`)).toBe(false);
    // CPU cells get no GPUs at all.
    expect(read(`${dir}/cells/first/attempts/1/gpus`)).toBe('\n');
  }, 60_000);

  it('more GPUs per cell than the box has is refused before any attempt exists', async () => {
    const { code, r } = await launch('sw-big', { cells: 'a: true', 'gpus-per-cell': '8' });
    expect(code).toBe(1);
    expect(r.errors.join('\n') + r.summaries.join('\n')).toMatch(/each cell needs 8 GPU\(s\) but the box has 4/);
    expect(readdirSync(`${runDir('sw-big')}/attempts`)).toEqual([]);
  }, 60_000);

  it('patrol: one SSH round trip; each cell its own verdict and class from its own log; the run line counts them', async () => {
    box.sh(`echo 600 > ${box.home}/code/dur`);
    const cells = [
      `boom: /usr/bin/python3 -c "raise ValueError('bad config')"`,
      'killed: kill -9 $$',
      'slow1: echo "step 10 loss 0.5"; bash cell.sh "$(cat dur)"',
      'slow2: echo "step 20 loss 0.25"; bash cell.sh "$(cat dur)"',
      'later: bash cell.sh 0.1',
    ].join('\n');
    const { r: lr } = await launch('sw-patrol', { cells, 'gpus-per-cell': '1', 'max-parallel': '2' });
    expect(lr.outputs['attempt']).toBe('1');
    const dir = runDir('sw-patrol');
    await waitFor('both slow cells to run', () => existsSync(`${dir}/cells/slow2/attempts/1/pid_start`), 30_000, 200);
    const stateFile = `/tmp/tether-sweep-state-${process.pid}.md`;
    const tickOnce = async () => {
      const r = captureReporter();
      const code = await patrolPhase(box.inputs({ 'run-ids': 'sw-patrol', 'stall-after': '1h', 'state-file': stateFile, 'fail-on': 'failed' }), {}, r, {
        probe: probeHost,
      });
      return { code, r, states: JSON.parse(r.outputs['states'] ?? '{}') };
    };
    const before = connections();
    const t1 = await tickOnce();
    expect(connections() - before).toBe(1);
    const run = t1.states['sw-patrol'];
    expect(run.state).toBe('running');
    expect(run.summary).toBe('0/5 done, 2 running, 1 queued, 2 failed: code-error, killed');
    expect(run.cells.boom).toMatchObject({ state: 'failed', class: 'code-error', attempt: 1 });
    expect(run.cells.killed).toMatchObject({ state: 'failed', class: 'killed', attempt: 1 });
    expect(run.cells.slow1).toMatchObject({ state: 'running', class: null, step: 10 });
    expect(run.cells.slow2).toMatchObject({ state: 'running', class: null, step: 20 });
    expect(run.cells.later).toMatchObject({ state: 'queued', attempt: 0 });
    expect(run.cells.slow1.gpus).toMatch(/^\d$/);
    expect(run.cells.slow1.gpus).not.toBe(run.cells.slow2.gpus);
    // fail-on fires for the cells that entered failed, named run/cell, while the run goes on.
    expect(t1.code).toBe(1);
    expect(JSON.parse(t1.r.outputs['entered']!)).toEqual(['sw-patrol/boom', 'sw-patrol/killed']);

    // The next tick: the failed cells are settled (no log sent again), their classes stand, nothing re-fires.
    const t2 = await tickOnce();
    expect(t2.states['sw-patrol'].cells.boom).toMatchObject({ state: 'failed', class: 'code-error' });
    expect(t2.states['sw-patrol'].cells.killed).toMatchObject({ state: 'failed', class: 'killed' });
    expect(JSON.parse(t2.r.outputs['entered']!)).toEqual([]);
    expect(t2.code).toBe(0);
    box.sh(`rm -f ${stateFile}`);
  }, 90_000);

  it('collect: the roster is the cell names; unfinished or empty cells are refused by name; a subset verifies and teardown compares every cell of it', async () => {
    const save = (c: string) =>
      `/usr/bin/python3 -c "import torch, os; os.makedirs('ck/${c}', exist_ok=True); torch.save({'w': torch.ones(3)}, 'ck/${c}/last.pt')"`;
    const cells = [`good1: ${save('good1')}`, `good2: ${save('good2')}`, `bad: /usr/bin/python3 -c "raise SystemExit('boom')"`, 'nock: true'].join('\n');
    await launch('sw-collect', { cells, 'gpus-per-cell': '0', checkpoints: 'ck/{cell}/*.pt' });
    const dir = runDir('sw-collect');
    await waitFor('the sweep to end', () => existsSync(`${dir}/FAILED`) || existsSync(`${dir}/DONE`), 60_000, 200);
    const work = mkdtempSync(join(tmpdir(), 'tether-sweep-collect-'));
    const collect = async (extra: Record<string, string>) => {
      const r = captureReporter();
      // A refusal on the box is thrown (the action's one error line); a failed verification returns 1.
      const code = await collectPhase(box.inputs({ 'run-id': 'sw-collect', 'dest-dir': join(work, 'dest'), ...extra }), {}, r, work).catch((e: Error) => e);
      return { code, r, text: [...r.errors, ...r.summaries, code instanceof Error ? code.message : ''].join('\n') };
    };
    try {
      const all = await collect({});
      expect(all.code).toBeInstanceOf(Error);
      expect(all.text).toMatch(/cells not finished: bad \(failed\); collect the finished ones with 'cells'/);
      const empty = await collect({ cells: 'good1,nock' });
      expect(empty.code).toBeInstanceOf(Error);
      expect(empty.text).toMatch(/no checkpoint files for cell\(s\): nock/);
      const unknown = await collect({ cells: 'good1,ghost' });
      expect(unknown.text).toMatch(/run sw-collect has no cell 'ghost'/);
      expect((await collect({ cells: 'good1', roster: 'x' })).text).toMatch(/give 'cells' \(a sweep\) or 'roster'/);

      const ok = await collect({ cells: 'good2,good1' });
      expect(ok.code, ok.text).toBe(0);
      const dest = ok.r.outputs['dest']!;
      const verified = JSON.parse(readFileSync(join(dest, 'VERIFIED.json'), 'utf8'));
      expect(verified.cells).toEqual(['good1', 'good2']);
      const manifest = JSON.parse(readFileSync(join(dest, 'manifest.json'), 'utf8'));
      expect(manifest.files.map((f: { path: string; cell: string }) => `${f.cell}:${f.path}`).sort()).toEqual([
        'good1:ck/good1/last.pt',
        'good2:ck/good2/last.pt',
      ]);

      const teardown = async () => {
        const r = captureReporter();
        await teardownPhase(
          box.inputs({
            'run-id': 'sw-collect',
            'verified-path': dest,
            provider: 'command',
            'teardown-command': 'true',
            'instance-id': 'box-1',
            verb: 'destroy',
          }),
          {},
          r,
          work,
        );
        return [...r.lines, ...r.summaries, ...r.errors, r.outputs['reason'] ?? ''].join('\n');
      };
      // Dry run: the manifest rebuilt on the box over the same cells is exactly the verified one.
      expect(await teardown()).toMatch(/its 2 checkpoint files are exactly the verified ones/);
      // A new file in a verified cell is seen; one in a cell outside the proof is not this proof's business.
      box.sh(`cp ${box.home}/code/ck/good1/last.pt ${box.home}/code/ck/good1/extra.pt`);
      expect(await teardown()).toMatch(/checkpoints changed since verification \(new: ck\/good1\/extra.pt\)/);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 120_000);

  it('hostile cell values reach the job as one literal word each; hostile names are input errors before any connection', async () => {
    const values = ['$(touch ~/canary)', '; touch ~/canary', '`touch ~/canary`', "' ; touch ~/canary ; '", '--rm -rf /', 'lr=0.1 λ', '\\"quoted\\"'];
    const { r } = await launch('sw-hostile', {
      'cell-template': "mkdir -p out && printf '%s' {value} > out/{name}.txt",
      'cell-values': values.join('\n'),
      'gpus-per-cell': '0',
    });
    expect(r.outputs['attempt'], r.errors.join('\n')).toBe('1');
    const dir = runDir('sw-hostile');
    await waitFor('the sweep to end', () => existsSync(`${dir}/DONE`) || existsSync(`${dir}/FAILED`), 30_000, 200);
    expect(existsSync(`${dir}/DONE`), existsSync(`${dir}/FAILED`) ? read(`${dir}/FAILED`) : '').toBe(true);
    const names = read(`${dir}/cells.list`).trim().split('\n');
    expect(names).toHaveLength(values.length);
    values.forEach((value, i) => expect(read(`${box.home}/code/out/${names[i]}.txt`)).toBe(value));
    expect(existsSync(`${box.home}/canary`)).toBe(false);

    const before = connections();
    for (const cells of ['../up: true', 'a: true\na: false', '-rf: true', `${'x'.repeat(65)}: true`]) {
      await expect(launch('sw-badname', { cells })).rejects.toThrow(/input 'cells': line \d/);
    }
    await expect(launch('sw-badname', { 'cell-template': 'run {value}', 'cell-values': 'a b\na_b' })).rejects.toThrow(/both become cell a_b/);
    expect(connections()).toBe(before);
    expect(existsSync(runDir('sw-badname'))).toBe(false);
  }, 60_000);

  it('128 cells: a patrol tick is still one SSH round trip, and the status stays under 65,536 characters', async () => {
    const cells = Array.from({ length: 128 }, (_, i) => `c${String(i).padStart(3, '0')}: echo "step ${i} loss 0.${i}"`).join('\n');
    await launch('sw-128', { cells, 'gpus-per-cell': '0', 'max-parallel': '16' });
    const dir = runDir('sw-128');
    await waitFor('128 cells to finish', () => existsSync(`${dir}/DONE`) || existsSync(`${dir}/FAILED`), 120_000, 250);
    expect(existsSync(`${dir}/DONE`)).toBe(true);
    const stateFile = `/tmp/tether-sweep128-${process.pid}.md`;
    try {
      for (const tickNo of [1, 2]) {
        const before = connections();
        const r = captureReporter();
        const code = await patrolPhase(box.inputs({ 'run-ids': 'sw-128', 'state-file': stateFile }), {}, r, { probe: probeHost });
        expect(code).toBe(0);
        expect(connections() - before).toBe(1);
        const states = JSON.parse(r.outputs['states']!)['sw-128'];
        expect(states.state).toBe('finished');
        expect(states.summary).toBe('128/128 done');
        expect(Object.keys(states.cells)).toHaveLength(128);
        expect(r.summaries[0]!.length).toBeLessThan(65_536);
        expect(r.outputs['tick']).toBe(String(tickNo));
      }
      // A box that lists 400 cells tether never launched (names in cells.list, no cell record): refused and
      // flagged, never shown or remembered; the status stays what it was.
      box.sh(`for i in $(seq 1 400); do echo fake-$i; done >> ${dir}/cells.list`);
      const r = captureReporter();
      expect(await patrolPhase(box.inputs({ 'run-ids': 'sw-128', 'state-file': stateFile }), {}, r, { probe: probeHost })).toBe(0);
      const states = JSON.parse(r.outputs['states']!)['sw-128'];
      expect(Object.keys(states.cells)).toHaveLength(128);
      expect(states.flags).toContain('unlaunched-cells');
      expect(r.summaries[0]).not.toContain('fake-1');
      expect(r.summaries[0]!.length).toBeLessThan(65_536);
    } finally {
      rmSync(stateFile, { force: true });
    }
  }, 180_000);

  it('the queue checks the disk floor before each cell: a cell is held (blocked-disk, in the status) until there is room again', async () => {
    const small = `${box.home}/small`;
    // Mounted from here (the host's mount namespace the box shares), not through the box's shell.
    box.sh(`mkdir -p ${small}`);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=50m', 'tmpfs', small]);
    try {
      // One at a time: fill writes 20 MB (free falls under the 40 MB floor) and ends on go; then next is held.
      const cells = ['fill: head -c 20000000 /dev/zero > big.bin; while [ ! -f go ]; do sleep 0.2; done', 'next: echo ran > next.txt'].join('\n');
      const r = await launch('sw-floor', {
        cells,
        workdir: '~/small',
        'gpus-per-cell': '0',
        'max-parallel': '1',
        'min-free-gb': '0.04',
        'min-free-inodes': '0',
      });
      expect(r.code, r.r.errors.join('\n')).toBe(0);
      const dir = runDir('sw-floor');
      await waitFor('fill to write', () => existsSync(`${small}/big.bin`) && statSync(`${small}/big.bin`).size === 20_000_000, 30_000, 100);
      writeFileSync(`${small}/go`, '');
      await waitFor('next to be held', () => existsSync(`${dir}/cells/next/blocked`), 30_000, 200).catch((e) => {
        throw new Error(
          `${(e as Error).message}: ${readdirSync(small).join(' ')} | ${box.sh(`cat ${dir}/cells/fill/attempts/1/log; tail -n 5 ${dir}/attempts/1/log`)}`,
        );
      });
      expect(read(`${dir}/cells/next/blocked`)).toMatch(/bytes and \d+ inodes free under .*small, below the floor of 40000000 bytes/);
      const p = captureReporter();
      expect(await patrolPhase(box.inputs({ 'run-ids': 'sw-floor' }), {}, p, { probe: probeHost })).toBe(0);
      const cell = JSON.parse(p.outputs['states']!)['sw-floor'].cells['next'];
      expect(cell.state).toBe('queued');
      expect(p.summaries.join('\n')).toMatch(/blocked-disk: the queue holds it/);
      expect(existsSync(`${small}/next.txt`)).toBe(false);
      // Room again: the held cell starts by itself, and the sweep finishes.
      rmSync(`${small}/big.bin`);
      await waitFor('the sweep to finish', () => existsSync(`${dir}/DONE`), 30_000, 200);
      expect(read(`${small}/next.txt`).trim()).toBe('ran');
      expect(existsSync(`${dir}/cells/next/blocked`)).toBe(false);
    } finally {
      execFileSync('umount', ['-l', small]);
    }
  }, 90_000);

  it('stop by handle stops the whole sweep: the queue and its running cells get TERM, each writes its marker as stopped', async () => {
    box.sh(`echo 600 > ${box.home}/code/dur`);
    const cells = ['s1: bash cell.sh "$(cat dur)"', 's2: bash cell.sh "$(cat dur)"', 's3: bash cell.sh "$(cat dur)"'].join('\n');
    await launch('sw-stop-all', { cells, 'gpus-per-cell': '1', 'max-parallel': '2' });
    const dir = runDir('sw-stop-all');
    await waitFor('two cells running', () => existsSync(`${dir}/cells/s2/attempts/1/pid_start`), 30_000, 200);
    const cfg = parseConnection(box.inputs(), {});
    const session = await connect(cfg, loadCredential(cfg.key));
    try {
      const r = await stopRun(session, dir, 10);
      expect(r).toMatchObject({ attempt: 1, wasAlive: true, escalated: false, alive: false, markerKind: 'FAILED' });
    } finally {
      session.close();
    }
    expect(JSON.parse(read(`${dir}/FAILED`))).toMatchObject({ stage: 'stopped', signal: 'TERM', failed_cells: ['s1', 's2'], not_run: ['s3'] });
    for (const c of ['s1', 's2']) expect(JSON.parse(read(`${dir}/cells/${c}/FAILED`))).toMatchObject({ stage: 'stopped', signal: 'TERM' });
    expect(existsSync(`${dir}/cells/s3/attempts/1`)).toBe(false);
    // Nothing of the sweep is left running.
    const pids = ['s1', 's2'].map((c) => Number(read(`${dir}/cells/${c}/attempts/1/pid`).trim()));
    for (const pid of [...pids, Number(read(`${dir}/attempts/1/pid`).trim())])
      expect(existsSync(`/proc/${pid}`) && !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))).toBe(false);
  }, 60_000);

  it('launching again while the queue lives starts nothing; resume after a reboot reruns only the unfinished cells', async () => {
    // The slow cells read how long to sleep from a file, so the resumed attempt runs the identical command.
    box.sh(`echo 600 > ${box.home}/code/dur`);
    const cells = ['quick: bash cell.sh 0.1', 'slow1: bash cell.sh "$(cat dur)"', 'slow2: bash cell.sh "$(cat dur)"'].join('\n');
    const first = await launch('sw-resume', { cells, 'gpus-per-cell': '1' });
    expect(first.code).toBe(0);
    const dir = runDir('sw-resume');
    await waitFor('the quick cell to finish', () => existsSync(`${dir}/cells/quick/DONE`), 30_000, 200);
    await waitFor('the slow cells to start', () => existsSync(`${dir}/cells/slow2/attempts/1/pid_start`), 30_000, 200);
    const again = await launch('sw-resume', { cells, 'gpus-per-cell': '1' });
    expect(again.code).toBe(1);
    expect(again.r.outputs['result']).toBe('refused');
    expect(readdirSync(`${dir}/attempts`)).toEqual(['1']);
    const quick = { done: statSync(`${dir}/cells/quick/DONE`).mtimeMs, log: statSync(`${dir}/cells/quick/attempts/1/log`).mtimeMs };

    await box.reboot();
    // The cells' commands are part of the run's identity: a changed sweep is refused, never half-applied.
    const changed = await launch('sw-resume', { cells: cells.replace('0.1', '0.2'), 'gpus-per-cell': '1', resume: 'true' });
    expect(changed.r.outputs['result']).toBe('refused');
    expect(changed.r.summaries.join('\n') + changed.r.errors.join('\n')).toMatch(/run id sw-resume was started with different cells/);

    box.sh(`echo 0.2 > ${box.home}/code/dur`);
    const resumed = await launch('sw-resume', { cells, 'gpus-per-cell': '1', resume: 'true' });
    expect(resumed.code, resumed.r.errors.join('\n')).toBe(0);
    expect(resumed.r.outputs['attempt']).toBe('2');
    await waitFor('the resumed sweep to finish', () => existsSync(`${dir}/DONE`) || existsSync(`${dir}/FAILED`), 30_000, 200);
    expect(JSON.parse(read(`${dir}/DONE`))).toMatchObject({ attempt: 2, stage: 'cells' });
    // The unfinished cells ran again as their attempt 2; the finished one was not touched.
    for (const c of ['slow1', 'slow2']) {
      expect(readdirSync(`${dir}/cells/${c}/attempts`).sort()).toEqual(['1', '2']);
      expect(JSON.parse(read(`${dir}/cells/${c}/DONE`))).toMatchObject({ attempt: 2 });
    }
    expect(readdirSync(`${dir}/cells/quick/attempts`)).toEqual(['1']);
    expect(statSync(`${dir}/cells/quick/DONE`).mtimeMs).toBe(quick.done);
    expect(statSync(`${dir}/cells/quick/attempts/1/log`).mtimeMs).toBe(quick.log);
    expect(read(`${dir}/attempts/2/log`)).not.toMatch(/cell quick/);
  }, 120_000);
});
