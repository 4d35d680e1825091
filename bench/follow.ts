// Results while the run runs (issue 14), measured on a test box through the built patrol action and the
// GitHub double (nothing asserted; goals in brackets):
//  1. follow: crash → status comment, median and max over 10 crashes (≤ 10 s);
//  2. sync: a 100 MB checkpoint written → verified on the runner, on a tick (≤ one tick) and in follow (≤ 30 s);
//  3. bytes moved by repeated syncs of an unchanged run (0), and how often the box reads a synced checkpoint
//     (strace on the box's sshd: bytes read from the file over its size, listing and pull together; 1);
//  4. the follower's own CPU on the box over 60 s of an idle run (< 1 % of one core).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchPhase } from '../test/harness/phases.ts';
import { unverifiedMemory } from '../src/patrol/memory.ts';
import { removeWorkspace, runBuiltAction } from '../test/harness/action.ts';
import { createBox } from '../test/harness/box.ts';
import { BOT, startGitHubDouble } from '../test/harness/github-double.ts';
import { captureReporter } from '../test/harness/reporter.ts';
import { waitFor } from '../test/harness/sh.ts';
import { signalPid } from '../test/harness/pids.ts';

const box = await createBox();
const gh = await startGitHubDouble();
const dest = mkdtempSync(join(tmpdir(), 'tether-bench-sync-'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function launch(id: string, command: string, extra: Record<string, string> = {}) {
  const code = await launchPhase(
    box.inputs({ 'run-id': id, command, workdir: '~/code', audit: 'false', 'confirm-timeout': '1', 'run-file': join(box.dir, `${id}.json`), ...extra }),
    {},
    captureReporter(),
    '/tmp',
  );
  if (code !== 0) throw new Error(`launch ${id} failed`);
}
const patrol = (issue: number, ids: string[], extra: Record<string, string>) =>
  runBuiltAction(
    'patrol',
    box.inputs({ 'run-ids': ids.join(','), 'github-token': 'ghs-actions-token', 'report-to': `issue:${issue}`, 'connect-timeout': '3', ...extra }),
    { GITHUB_REPOSITORY: gh.repo, GITHUB_API_URL: gh.url },
    600_000,
  ).then((r) => {
    removeWorkspace(r);
    return r;
  });
const comment = (issue: number) => [...gh.comments.values()].find((c) => c.issue === issue && c.user.login === BOT.login)?.body ?? '';
const memoryOf = (issue: number) => unverifiedMemory(comment(issue));
const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
};
/**
 * Bytes read from `file` and the opens of it in an `strace -f -y` log: a read's fd names its file (-y); with
 * -f a call may be split into `<unfinished ...>` and `<... read resumed>` lines, joined here by pid.
 */
function countReads(log: string, file: string): { bytes: number; opens: number } {
  const pending = new Map<string, boolean>();
  let bytes = 0;
  let opens = 0;
  for (const l of log.split('\n')) {
    const start = /^(\d+) +(?:read|pread64)\(\d+<([^>]*)>,(.*)$/.exec(l);
    if (start) {
      const mine = start[2] === file;
      if (/<unfinished \.\.\.>$/.test(start[3] as string)) pending.set(start[1] as string, mine);
      else if (mine) bytes += Number(/ = (\d+)$/.exec(start[3] as string)?.[1] ?? 0);
      continue;
    }
    const resumed = /^(\d+) +<\.\.\. (?:read|pread64) resumed>.* = (\d+)$/.exec(l);
    if (resumed) {
      if (pending.get(resumed[1] as string)) bytes += Number(resumed[2]);
      pending.delete(resumed[1] as string);
      continue;
    }
    if (/openat\(/.test(l) && l.endsWith(`<${file}>`)) opens++;
  }
  return { bytes, opens };
}
const at = (file: string) => Number(readFileSync(`${box.home}/code/${file}`, 'utf8'));

try {
  box.sh(`mkdir -p ${box.home}/code/ck`);

  const stage = (what: string) => console.error(`follow bench: ${what}`);
  stage('1. ten crashes under one follow');
  // 1. Ten crashes, 3 s apart, under one follow.
  const ids = Array.from({ length: 10 }, (_, i) => `crash-${i}`);
  for (const [i, id] of ids.entries())
    await launch(id, `echo "step 1 loss 1.0"; sleep ${12 + 3 * i}; date +%s%3N > ${id}.at; /usr/bin/python3 -c "raise ValueError('lr')"`);
  const issue1 = gh.addIssue('bench crashes');
  const seen = new Map<string, number>();
  const watch = setInterval(() => {
    for (const [id, m] of Object.entries(memoryOf(issue1).runs)) if (m.state === 'failed' && !seen.has(id)) seen.set(id, Date.now());
  }, 25);
  const follow1 = await patrol(issue1, ids, { follow: '120s', 'stall-after': '1h' });
  clearInterval(watch);
  const lat = ids.filter((id) => seen.has(id)).map((id) => seen.get(id)! - at(`${id}.at`));
  if (follow1.code !== 0 || lat.length !== ids.length) console.log(follow1.stdout);

  stage('2. sync on a tick');
  // 2 and 3. A 100 MB checkpoint: on a tick, then in a follow; then unchanged ticks.
  // Each run its own checkpoint folder: launch refuses a second live run on the same one (checkpoint-clash).
  const save = (name: string) => `mkdir -p ck-${name}; /usr/bin/python3 -c "import torch; torch.save({'w': torch.randn(25_000_000)}, 'ck-${name}/${name}.pt')"`;
  await launch('sync-tick', `sleep 2; ${save('tick')}; date +%s%3N > tick.at; sleep 600`, { checkpoints: 'ck-tick/tick.pt' });
  await waitFor('the tick checkpoint', () => readdirSync(`${box.home}/code`).includes('tick.at'), 120_000, 100);
  await new Promise((r) => setTimeout(r, 6000)); // settled (sync-settle 5s)
  const issue2 = gh.addIssue('bench sync');
  const t0 = Date.now();
  const tick = await patrol(issue2, ['sync-tick'], { sync: 'latest', 'sync-dest': dest, 'stall-after': '1h' });
  const tickMs = Date.now() - t0;
  const movedFirst = JSON.parse(tick.outputs['synced'] ?? '{}')['sync-tick']?.moved ?? NaN;
  const unchanged: number[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await patrol(issue2, ['sync-tick'], { sync: 'latest', 'sync-dest': dest, 'stall-after': '1h' });
    unchanged.push(JSON.parse(r.outputs['synced'] ?? '{}')['sync-tick']?.moved ?? NaN);
  }

  // The box's reads of one synced checkpoint: every read and pread of the file by sshd's children (the
  // listing and the pull), summed from strace's fd paths (-y), over the file's size.
  let readPasses = NaN;
  let opens = NaN;
  if (spawnSync('strace', ['-V']).status === 0) {
    stage('3. the box reads of a synced checkpoint (strace)');
    await launch('sync-reads', `${save('reads')}; date +%s%3N > reads.at; sleep 600`, { checkpoints: 'ck-reads/reads.pt' });
    await waitFor('the reads checkpoint', () => readdirSync(`${box.home}/code`).includes('reads.at'), 120_000, 100);
    await new Promise((r) => setTimeout(r, 6000));
    const trace = join(dest, 'strace.txt');
    const st = spawn('strace', ['-f', '-qq', '-y', '-s', '0', '-e', 'trace=openat,read,pread64', '-o', trace, '-p', String(box.sshdPid())], {
      stdio: 'ignore',
    });
    await new Promise((r) => setTimeout(r, 1000)); // attached
    const issue5 = gh.addIssue('bench sync reads');
    await patrol(issue5, ['sync-reads'], { sync: 'latest', 'sync-dest': dest, 'stall-after': '1h' });
    signalPid(st.pid!, 'SIGINT');
    await new Promise((r) => st.once('close', r));
    const counted = countReads(readFileSync(trace, 'utf8'), `${box.home}/code/ck-reads/reads.pt`);
    readPasses = counted.bytes / statSync(`${box.home}/code/ck-reads/reads.pt`).size;
    opens = counted.opens;
    box.sh(`kill -9 $(cat ${box.home}/.tether/runs/sync-reads/attempts/1/pid) 2>/dev/null || true`);
  }

  stage('2. sync in a follow');
  await launch('sync-follow', `sleep 20; ${save('follow')}; date +%s%3N > follow.at; sleep 600`, { checkpoints: 'ck-follow/follow.pt' });
  const issue3 = gh.addIssue('bench follow sync');
  let verifiedAt = 0;
  const watch3 = setInterval(() => {
    if (!verifiedAt && memoryOf(issue3).runs['sync-follow']?.sync?.newest) verifiedAt = Date.now();
  }, 25);
  const followSync = patrol(issue3, ['sync-follow'], { follow: '90s', sync: 'latest', 'sync-dest': dest, 'stall-after': '1h' });
  await waitFor('the follow sync', () => verifiedAt > 0, 120_000, 100).catch(() => undefined);
  clearInterval(watch3);
  const followSyncMs = verifiedAt ? verifiedAt - at('follow.at') : NaN;
  box.sh(`kill -9 $(cat ${box.home}/.tether/runs/sync-follow/attempts/1/pid) 2>/dev/null || true`);
  await followSync;

  stage('4. the follower idle');
  // 4. The follower's CPU over 60 s of an idle run (its own time and its reaped children's, from /proc).
  await launch('idle', 'echo "step 1 loss 1.0"; sleep 900', { checkpoints: 'ck-idle/*.pt' });
  const issue4 = gh.addIssue('bench idle');
  const follow4 = patrol(issue4, ['idle'], { follow: '75s', 'stall-after': '1h' });
  let follower = 0;
  await waitFor(
    'the follower on the box',
    () => {
      for (const p of box.pids()) {
        const cmd = cmdline(p);
        // bash -s -- RUN_ROOT HEARTBEAT_LOST SETTLE: the probe has one argument, the follower three.
        if (/^bash -s -- \S+ \d+ \d+ ?$/.test(cmd)) follower = p;
      }
      return follower > 0;
    },
    30_000,
    200,
  );
  const ticks = () => {
    const f = readFileSync(`/proc/${follower}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return [11, 12, 13, 14].reduce((s, i) => s + Number(f[i]), 0); // utime stime cutime cstime
  };
  const c0 = ticks();
  const w0 = Date.now();
  await new Promise((r) => setTimeout(r, 60_000));
  const cpuPct = ((ticks() - c0) / 100 / ((Date.now() - w0) / 1000)) * 100;
  box.sh(`kill -9 $(cat ${box.home}/.tether/runs/idle/attempts/1/pid) 2>/dev/null || true`);
  await follow4;

  console.log('\n| measure | value | goal |');
  console.log('|---|---|---|');
  console.log(`| follow: crash → comment, ${lat.length} crashes | median ${sec(median(lat))}, max ${sec(Math.max(...lat))} | ≤ 10 s |`);
  console.log(`| sync on a tick: 100 MB checkpoint → verified (the whole tick) | ${sec(tickMs)} (${(movedFirst / 1e6).toFixed(1)} MB moved) | ≤ one tick |`);
  console.log(`| sync in follow: 100 MB checkpoint written → verified, in the comment | ${sec(followSyncMs)} | ≤ 30 s |`);
  console.log(`| bytes moved by 3 ticks of an unchanged run | ${unchanged.join(', ')} | 0 |`);
  console.log(`| box reads of one synced checkpoint (bytes read / size; opens), listing and pull | ${readPasses.toFixed(3)}; ${opens} | 1 |`);
  console.log(`| follower CPU on the box, 60 s of an idle run | ${cpuPct.toFixed(2)} % of one core | < 1 % |`);
} finally {
  box.destroy();
  await gh.close();
  rmSync(dest, { recursive: true, force: true });
}
