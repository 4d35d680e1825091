import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeWorkspace, runBuiltAction, type ActionRun } from '../harness/action.ts';
import { createBox, type Box } from '../harness/box.ts';
import { checkedPid, signalPid } from '../harness/pids.ts';
import { waitFor } from '../harness/sh.ts';

let box: Box;
const runs: ActionRun[] = [];
beforeAll(async () => {
  box = await createBox();
  box.sh(`mkdir -p ${box.home}/code`);
});
afterAll(() => {
  box?.destroy();
  runs.forEach(removeWorkspace);
});

const runDir = (id: string) => `${box.home}/.tether/runs/${id}`;
const read = (p: string) => readFileSync(p, 'utf8');

async function launch(inputs: Record<string, string>, env: Record<string, string> = {}) {
  const r = await runBuiltAction(
    'launch',
    box.inputs({ workdir: '~/code', 'require-gpu': 'false', 'min-free-gb': '1', 'confirm-timeout': '2', ...inputs }),
    env,
  );
  runs.push(r);
  return r;
}

/** Running (a zombie left by the reboot, not yet reaped, counts as dead). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function pidOf(id: string, attempt: number): number {
  return checkedPid(read(`${runDir(id)}/attempts/${attempt}/pid`), `${id} attempt ${attempt}`);
}

describe.each(['tmux', 'setsid'])('launch with backend %s', (backend) => {
  it('writes the run record, starts the job detached, survives the connection closing, and refuses a second launch', async () => {
    const id = `live-${backend}`;
    const r = await launch({
      'run-id': id,
      backend,
      command: 'echo "threads=$OMP_NUM_THREADS unbuffered=$PYTHONUNBUFFERED mode=$MODE"; sleep 300',
      env: 'MODE=train',
      checkpoints: 'ckpt/*.pt',
      'expected-duration': '1h',
    });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.outputs['result']).toBe('started');
    expect(r.outputs['attempt']).toBe('1');
    expect(r.outputs['run-dir']).toBe(runDir(id));
    expect(r.outputs['handle']).toBe(backend === 'tmux' ? `tmux:${runDir(id)}/tmux.sock` : 'setsid');
    expect(read(`${runDir(id)}/attempts/1/handle`)).toBe(`${r.outputs['handle']}\n`);
    const spec = JSON.parse(read(`${runDir(id)}/spec.json`));
    expect(spec).toMatchObject({ schema: 'tether.spec/v1', run_id: id, env: ['MODE'], checkpoints: ['ckpt/*.pt'], expected_duration_s: 3600, backend });
    expect(Object.keys(spec)).toEqual([...Object.keys(spec)].sort());
    // One description per run: two launches from one workspace never overwrite each other.
    expect(r.outputs['run-file']).toBe(`${r.workspace}/tether-run-${id}.json`);
    const runFile = JSON.parse(read(`${r.workspace}/tether-run-${id}.json`));
    expect(runFile).toMatchObject({ schema: 'tether.run/v1', run_id: id, attempt: 1, host: box.addr, host_key_fingerprint: box.fingerprint });
    const pid = pidOf(id, 1);
    // The connection is closed (the action exited); the job lives on.
    await new Promise((res) => setTimeout(res, 1500));
    expect(alive(pid)).toBe(true);
    expect(read(`${runDir(id)}/attempts/1/log`)).toContain('unbuffered=1 mode=train');
    expect(existsSync(`${runDir(id)}/heartbeat`)).toBe(true);
    expect(r.summary).toContain(`tether launch — \`${id}\``);

    const before = box.pids().length;
    const again = await launch({
      'run-id': id,
      backend,
      command: 'echo "threads=$OMP_NUM_THREADS unbuffered=$PYTHONUNBUFFERED mode=$MODE"; sleep 300',
      env: 'MODE=train',
    });
    expect(again.code).toBe(1);
    expect(again.outputs['result']).toBe('refused');
    expect(again.stdout).toMatch(new RegExp(`already running: attempt 1, pid ${pid}, since \\d{4}-`));
    expect(readdirSync(`${runDir(id)}/attempts`)).toEqual(['1']);
    expect(box.pids().length).toBe(before);
    signalPid(pid, 'SIGKILL', { group: true });
  });

  it('marks DONE after the command and the then-chain, and refuses to launch a finished run', async () => {
    const id = `done-${backend}`;
    const r = await launch({ 'run-id': id, backend, command: 'echo training; sleep 1', then: 'echo then-ran > then.txt' });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    await waitFor('DONE', () => existsSync(`${runDir(id)}/DONE`), 15_000);
    expect(JSON.parse(read(`${runDir(id)}/DONE`))).toMatchObject({ attempt: 1, exit_code: 0, stage: 'then' });
    expect(read(`${runDir(id)}/attempts/1/exit_code`).trim()).toBe('0');
    expect(read(`${box.home}/code/then.txt`)).toBe('then-ran\n');
    const again = await launch({ 'run-id': id, backend, command: 'echo training; sleep 1', then: 'echo then-ran > then.txt', resume: 'true' });
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/finished \(DONE, attempt 1\)/);
  });
});

describe('launch failures and resume', () => {
  it('a failing command writes FAILED with its exit code and never runs the then-chain', async () => {
    const id = 'fails';
    const r = await launch({ 'run-id': id, command: 'sleep 3; exit 3', then: 'touch then-should-not-run' });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    await waitFor('FAILED', () => existsSync(`${runDir(id)}/FAILED`), 15_000);
    expect(JSON.parse(read(`${runDir(id)}/FAILED`))).toMatchObject({ attempt: 1, exit_code: 3, signal: null, stage: 'command' });
    expect(existsSync(`${box.home}/code/then-should-not-run`)).toBe(false);
    expect(existsSync(`${runDir(id)}/DONE`)).toBe(false);
  });

  it('a traceback in the first lines fails the launch step', async () => {
    const r = await launch({ 'run-id': 'trace', command: `printf 'Traceback (most recent call last):\\n  File "train.py"\\nValueError: bad\\n'; sleep 30` });
    expect(r.code).toBe(1);
    expect(r.outputs['result']).toBe('failed');
    expect(r.stdout).toMatch(/traceback/);
    expect(r.summary).toContain('ValueError: bad');
    signalPid(pidOf('trace', 1), 'SIGKILL', { group: true });
  });

  it('the confirmation ends as soon as the log shows a first step, not after the whole window', async () => {
    const quick = await launch({ 'run-id': 'confirm-early', command: 'echo "step 1 loss 0.9"; sleep 300', 'confirm-timeout': '20' });
    expect(quick.code, quick.stderr + quick.stdout).toBe(0);
    expect(quick.stdout).toMatch(/confirmation ended after 2 of 20 s: the log shows step 1/);
    signalPid(pidOf('confirm-early', 1), 'SIGKILL', { group: true });
    // A job that prints no step is watched for the whole window.
    const quiet = await launch({ 'run-id': 'confirm-quiet', command: 'sleep 300', 'confirm-timeout': '3' });
    expect(quiet.code, quiet.stderr + quiet.stdout).toBe(0);
    expect(quiet.stdout).toMatch(/confirmation ended after 3 of 3 s: the whole window passed/);
    signalPid(pidOf('confirm-quiet', 1), 'SIGKILL', { group: true });
  });

  it('a dead run is refused without resume, and resume starts attempt 2 of the identical command', async () => {
    const id = 'dies';
    const cmd = 'echo "attempt=$TETHER_ATTEMPT"; sleep 300';
    expect((await launch({ 'run-id': id, command: cmd })).code).toBe(0);
    const pid = pidOf(id, 1);
    signalPid(pid, 'SIGKILL', { group: true });
    await waitFor('the run to die', () => !alive(pid), 5000);
    const refused = await launch({ 'run-id': id, command: cmd });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/is dead \(attempt 1.*set resume: true to start attempt 2/);
    const other = await launch({ 'run-id': id, command: 'echo something else', resume: 'true' });
    expect(other.code).toBe(1);
    // The refusal names the field that differs and shows what the run recorded.
    expect(other.stdout).toContain(`run id ${id} was started with a different command: recorded '${cmd}'`);
    expect(other.stdout).toMatch(/leave command empty to resume it/);
    const resumed = await launch({ 'run-id': id, command: cmd, resume: 'true' });
    expect(resumed.code, resumed.stderr + resumed.stdout).toBe(0);
    expect(resumed.outputs['attempt']).toBe('2');
    expect(read(`${runDir(id)}/attempts/2/log`)).toContain('attempt=2');
    // A resume needs no retyping: an empty command runs the recorded one as the next attempt.
    signalPid(pidOf(id, 2), 'SIGKILL', { group: true });
    await waitFor('attempt 2 to die', () => !alive(pidOf(id, 2)), 5000);
    // What is given with it must be what was recorded (the helper gives workdir ~/code, as recorded).
    const elsewhere = await launch({ 'run-id': id, command: '', resume: 'true', workdir: '/tmp' });
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stdout).toContain(`run id ${id} was started with a different workdir: recorded '~/code'`);
    const recorded = await launch({ 'run-id': id, command: '', resume: 'true' });
    expect(recorded.code, recorded.stderr + recorded.stdout).toBe(0);
    expect(recorded.outputs['attempt']).toBe('3');
    await waitFor('attempt 3 to log', () => read(`${runDir(id)}/attempts/3/log`).includes('attempt=3'), 5000);
    // Without resume, or for a run id the box never saw, an empty command is refused before anything runs.
    expect((await launch({ 'run-id': id, command: '' })).stdout + (await launch({ 'run-id': id, command: '' })).stderr).toMatch(
      /command.*is required for a first launch/,
    );
    const none = await launch({ 'run-id': 'never-launched', command: '', resume: 'true' });
    expect(none.code).toBe(1);
    expect(none.stdout + none.stderr).toMatch(/run never-launched has no run record on this box to resume; a first launch needs a command/);
    signalPid(pidOf(id, 3), 'SIGKILL', { group: true });
    expect(JSON.parse(read(`${runDir(id)}/spec.json`)).command).toBe(cmd);
    signalPid(pidOf(id, 2), 'SIGKILL', { group: true });
  });

  it('a failed run resumes as attempt 2, keeping the first failure with attempt 1', async () => {
    const id = 'fails';
    await waitFor('FAILED', () => existsSync(`${runDir(id)}/FAILED`), 15_000);
    const r = await launch({ 'run-id': id, command: 'sleep 3; exit 3', then: 'touch then-should-not-run', resume: 'true' });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.outputs['attempt']).toBe('2');
    expect(existsSync(`${runDir(id)}/attempts/1/FAILED`)).toBe(true);
    expect(existsSync(`${runDir(id)}/FAILED`)).toBe(false);
  });

  it('after a box reboot the run is dead, and resume brings attempt 2 up', async () => {
    const id = 'reboot';
    const cmd = 'sleep 300';
    expect((await launch({ 'run-id': id, command: cmd })).code).toBe(0);
    const pid = pidOf(id, 1);
    await box.reboot();
    expect(alive(pid)).toBe(false);
    const refused = await launch({ 'run-id': id, command: cmd });
    expect(refused.stdout).toMatch(/is dead/);
    const resumed = await launch({ 'run-id': id, command: cmd, resume: 'true' });
    expect(resumed.code, resumed.stderr + resumed.stdout).toBe(0);
    expect(resumed.outputs['attempt']).toBe('2');
    expect(alive(pidOf(id, 2))).toBe(true);
    signalPid(pidOf(id, 2), 'SIGKILL', { group: true });
  });

  it('runs a command with shell metacharacters exactly as written', async () => {
    const id = 'meta';
    const cmd = `printf '%s\\n' "$HOME" 'a;b|c' "it's" '$(touch pwned)' \`echo tick\` > meta.txt; echo $((6*7)) >> meta.txt`;
    const r = await launch({ 'run-id': id, command: cmd });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    await waitFor('DONE', () => existsSync(`${runDir(id)}/DONE`), 15_000);
    expect(read(`${box.home}/code/meta.txt`)).toBe(`${box.home}\na;b|c\nit's\n$(touch pwned)\ntick\n42\n`);
    expect(existsSync(`${box.home}/code/pwned`)).toBe(false);
  });

  it('a missing workdir is refused on the box with a clear line', async () => {
    const r = await launch({ 'run-id': 'nowhere', command: 'true', workdir: '~/does-not-exist' });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/workdir .*does-not-exist does not exist on the box/);
  });
});

describe('the root action', () => {
  it('launches with command: launch and the training command as job-command', async () => {
    const r = await runBuiltAction(
      'main',
      box.inputs({
        command: 'launch',
        'job-command': 'echo via-root > root.txt',
        'run-id': 'root-action',
        workdir: '~/code',
        'require-gpu': 'false',
        'min-free-gb': '1',
        'confirm-timeout': '2',
      }),
    );
    runs.push(r);
    expect(r.code, r.stdout).toBe(0);
    await waitFor('DONE', () => existsSync(`${runDir('root-action')}/DONE`), 15_000);
    expect(read(`${box.home}/code/root.txt`)).toBe('via-root\n');
  });

  it('audits, patrols and tears down through command:, and names an unknown phase', async () => {
    const audit = await runBuiltAction('main', box.inputs({ command: 'audit', 'require-gpu': 'false', 'min-free-gb': '1' }));
    runs.push(audit);
    expect(audit.code, audit.stdout).toBe(0);
    expect(audit.outputs['passed']).toBe('true');
    const patrol = await runBuiltAction('main', box.inputs({ command: 'patrol', 'run-ids': 'root-action' }));
    runs.push(patrol);
    expect(patrol.code, patrol.stdout).toBe(0);
    expect(JSON.parse(patrol.outputs['states'] ?? '{}')['root-action'].state).toBe('finished');
    const noProvider = await runBuiltAction('main', box.inputs({ command: 'teardown', 'run-id': 'root-action' }));
    runs.push(noProvider);
    expect(noProvider.code).toBe(2);
    expect(noProvider.stdout).toMatch(/::error::input 'provider': is required/);
    // Dispatched to the teardown phase, whose gate refuses a run with no VERIFIED.json.
    const refused = await runBuiltAction(
      'main',
      box.inputs({
        command: 'teardown',
        'run-id': 'root-action',
        provider: 'command',
        'instance-id': 'box-1',
        verb: 'destroy',
        'teardown-command': 'true',
        'verified-path': '/nonexistent',
        'dry-run': 'false',
      }),
    );
    runs.push(refused);
    expect(refused.code).toBe(1);
    expect(refused.outputs['state']).toBe('refused');
    expect(refused.outputs['reason']).toMatch(/no VERIFIED.json for run root-action/);
    const unknown = await runBuiltAction('main', box.inputs({ command: 'destroy-everything' }));
    runs.push(unknown);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toMatch(/::error::input 'command': "destroy-everything" is not one of: launch, audit, patrol, collect, teardown/);
  });
});

describe('racing launches', () => {
  it('two launches of one run id at the same moment start exactly one job', async () => {
    const inputs = { 'run-id': 'race', command: 'sleep 300', audit: 'false' };
    const [a, b] = await Promise.all([launch(inputs), launch(inputs)]);
    const results = [a.outputs['result'], b.outputs['result']].sort();
    expect(results).toEqual(['refused', 'started']);
    expect([a, b].find((r) => r.outputs['result'] === 'refused')?.stdout).toMatch(/already running: attempt 1/);
    expect(readdirSync(`${runDir('race')}/attempts`)).toEqual(['1']);
    signalPid(pidOf('race', 1), 'SIGKILL', { group: true });
  });

  it('accept-new-host-key launches, and says loudly which key it accepted', async () => {
    const r = await launch({ 'run-id': 'tofu', command: 'true', audit: 'false', 'known-hosts': '', 'accept-new-host-key': 'true' });
    expect(r.code, r.stdout).toBe(0);
    expect(r.outputs['host-key-fingerprint']).toBe(box.fingerprint);
    expect(r.stdout).toMatch(new RegExp(`::warning::accept-new-host-key is on: .*NOT checked.*${box.fingerprint.replace(/[+/]/g, '\\$&')}`));
    expect(r.summary).toContain(box.fingerprint);
  });
});

describe('two runs never share checkpoints (issue 23 §1)', () => {
  it('a launch is refused while a live run saves into the same resolved directory or matches the same file; after it ends, or elsewhere, it starts', async () => {
    box.sh(`mkdir -p ${box.home}/shared/sub ${box.home}/shared2 && touch ${box.home}/shared/sub/old.pt && ln -sfn shared ${box.home}/alias`);
    const a = await launch({ 'run-id': 'clash-a', command: 'sleep 300', workdir: '~/shared', checkpoints: 'ck/*.pt\n**/*.pt' });
    expect(a.code, a.stdout).toBe(0);
    // The same directory, reached through a symlinked workdir.
    const same = await launch({ 'run-id': 'clash-b', command: 'true', workdir: '~/alias', checkpoints: 'ck/step-*.pt' });
    expect(same.code, same.stdout + same.stderr).not.toBe(0);
    expect(same.outputs['result'], same.stdout).toBe('refused');
    expect(same.stdout).toMatch(new RegExp(`run clash-a is live on this box and saves its checkpoints in the same directory \\(${box.home}/shared/ck\\)`));
    // Refused before anything of the run was written: the same launch later is a first launch.
    expect(existsSync(`${runDir('clash-b')}/attempts/1`)).toBe(false);
    expect(existsSync(`${runDir('clash-b')}/spec.json`)).toBe(false);
    // Another directory, but an existing file both runs' globs match.
    const file = await launch({ 'run-id': 'clash-c', command: 'sleep 1', workdir: '~/shared', checkpoints: 'sub/*.pt' });
    expect(file.outputs['result']).toBe('refused');
    expect(file.stdout).toMatch(/its checkpoint globs match the same file \(.*\/shared\/sub\/old.pt\)/);
    // Its own directory: fine while clash-a runs.
    const own = await launch({ 'run-id': 'clash-d', command: 'true', workdir: '~/shared2', checkpoints: 'mine/*.pt' });
    expect(own.code, own.stdout).toBe(0);
    // Once clash-a has ended, the same directory is free.
    signalPid(pidOf('clash-a', 1), 'SIGKILL');
    await waitFor('clash-a dead', () => !alive(pidOf('clash-a', 1)), 10_000);
    const after = await launch({ 'run-id': 'clash-b', command: 'true', workdir: '~/alias', checkpoints: 'ck/step-*.pt' });
    expect(after.code, after.stdout).toBe(0);
  }, 90_000);
});
