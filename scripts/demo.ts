// `npm run demo`: the whole lifecycle (audit, launch, status, collect, teardown) against a throwaway local box, then cleanup.
// As root the box is a network namespace with its own sshd (like the tests); otherwise a loopback
// sshd for the current user. The job is a tiny real PyTorch run when /usr/bin/python3 has torch.
// Each `tether …` command is printed before it runs, so a reader can repeat it. `--keep` leaves the box up
// (and says how to reach it); `--remove` removes the boxes earlier demos kept.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { boxPrerequisites, createBox, removeKeptBoxes } from '../test/harness/box.ts';
import { createLocalBox, removeKeptLocalBoxes } from '../test/harness/local-box.ts';
import { COLOR, PLAIN, wantsColor } from '../src/report/terminal-markdown.ts';

const bold = (wantsColor(process.stdout.isTTY, process.env) ? COLOR : PLAIN).bold;
const say = (s: string) => console.log(`\n${bold(`== ${s}`)}`);
/** A word as a POSIX shell reads it back. */
const shq = (w: string) => (/^[A-Za-z0-9_/.:=@%+,~-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);
/** The committed CLI bundle, as a user would run it; the command line is printed first. */
const tether = async (args: string[]): Promise<number> => {
  console.log(`$ tether ${args.map(shq).join(' ')}`);
  return spawnSync(process.execPath, ['dist/cli/index.js', ...args], { stdio: 'inherit', timeout: 180_000 }).status ?? 1;
};

const argv = process.argv.slice(2);
const unknown = argv.filter((a) => a !== '--keep' && a !== '--remove');
if (unknown.length) {
  console.error(`demo: unknown argument(s) ${unknown.join(' ')} (use --keep to leave the box up, --remove to remove kept boxes)`);
  process.exit(2);
}
if (argv.includes('--remove')) {
  const gone = [...(process.getuid?.() === 0 ? removeKeptBoxes() : []), ...removeKeptLocalBoxes()];
  console.log(gone.length ? `removed ${gone.join(', ')}` : 'no kept demo box to remove');
  process.exit(0);
}
const keep = argv.includes('--keep');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

if (!existsSync('/usr/sbin/sshd')) {
  console.error('demo needs OpenSSH server: apt-get install -y openssh-server tmux (as root)');
  process.exit(2);
}
const asRoot = process.getuid?.() === 0 && boxPrerequisites().length === 0;
say(asRoot ? 'creating a throwaway box: a network namespace with its own sshd' : 'creating a throwaway box: a loopback sshd for this user');
const box = asRoot ? await createBox() : await createLocalBox();
const home = box.home;
const label = 'ns' in box ? `root@${box.addr} (namespace ${box.ns}, private sshd)` : (box as { label: string }).label;
console.log(`box: ${label}; its home is ${home}`);
console.log('each command is printed as `$ tether …`: here `tether` is `node dist/cli/index.js` (or `npm link` once)');
let code: number;
try {
  const torch = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 }).status === 0;
  mkdirSync(join(home, 'code'), { recursive: true });
  copyFileSync(torch ? 'demo/train.py' : 'demo/train.sh', join(home, 'code', torch ? 'train.py' : 'train.sh'));
  const command = torch ? '/usr/bin/python3 train.py 3000' : 'bash train.sh 3000';
  console.log(`job: ${command} (${torch ? "Debian's python3-torch" : 'bash trainer: /usr/bin/python3 has no torch'})`);
  const flags = (o: Record<string, string>) => Object.entries(o).flatMap(([k, v]) => [`--${k}`, v]);
  const conn = flags(box.inputs({ 'require-gpu': 'false', 'min-free-gb': '1', interpreter: '/usr/bin/python3' }));

  say('tether audit (one read-only probe; a CPU box, so require-gpu is false)');
  await tether(['audit', ...conn]);

  say('tether launch (audit gate, run record, detached in a private tmux server, confirmation)');
  const launchArgs = [
    ...conn,
    ...flags({
      'run-id': 'demo-run',
      command,
      workdir: '~/code',
      checkpoints: 'checkpoints/*',
      'expected-duration': '1m',
      env: 'DEMO=1',
      'confirm-timeout': '3',
      'run-file': join(home, 'tether-run.json'),
    }),
  ];
  code = await tether(['launch', ...launchArgs]);
  if (code !== 0) throw new Error(`launch exited ${code}`);

  say('launching the same run id again is refused (idempotent)');
  await tether(['launch', ...launchArgs, '--audit', 'false']);

  const runDir = join(home, '.tether/runs/demo-run');
  say(`the job runs detached; following ${runDir}/attempts/1/log`);
  let shown = 0;
  for (let i = 0; i < 60 && !existsSync(join(runDir, 'DONE')) && !existsSync(join(runDir, 'FAILED')); i++) {
    await sleep(1000);
    const lines = readFileSync(join(runDir, 'attempts/1/log'), 'utf8').split('\n').filter(Boolean);
    for (const l of lines.slice(shown)) console.log(`  log | ${l}`);
    shown = lines.length;
  }
  say('tether status (one read-only patrol probe)');
  await tether(['status', ...flags(box.inputs({ 'run-ids': 'demo-run' }))]);

  const dest = join(home, 'collected');
  say(`tether collect into ${dest} (manifest on the box, pinned OpenSSH pull, load-verify, VERIFIED.json)`);
  // The proof names the instance it is for: teardown refuses it for any other.
  const collected = await tether([
    'collect',
    ...flags(box.inputs({ 'run-id': 'demo-run', 'dest-dir': dest, provider: 'command', 'instance-id': 'demo-box-1', verb: 'destroy' })),
  ]);
  if (collected === 0) console.log(`  VERIFIED.json: ${readFileSync(join(dest, 'demo-run', 'VERIFIED.json'), 'utf8').replace(/\n\s*/g, ' ')}`);

  say('tether teardown without a VERIFIED.json is refused (nothing is called)');
  const td = (extra: Record<string, string>) =>
    flags(
      box.inputs({
        'run-id': 'demo-run',
        provider: 'command',
        'instance-id': 'demo-box-1',
        verb: 'destroy',
        'teardown-command': `echo "your provider CLI would now destroy $TETHER_INSTANCE_ID (run $TETHER_RUN_ID, verb $TETHER_VERB)"`,
        ...extra,
      }),
    );
  mkdirSync(join(home, 'no-proof'), { recursive: true });
  await tether(['teardown', ...td({ 'verified-path': join(home, 'no-proof') })]);
  say('tether teardown with the proof, as a dry run (the default): the gate, the rebuilt manifest, the card');
  await tether(['teardown', ...td({ 'verified-path': join(dest, 'demo-run') })]);
  say('tether teardown --dry-run false (in a workflow, this job waits for an environment approval first)');
  const torn = await tether(['teardown', ...td({ 'verified-path': join(dest, 'demo-run'), 'dry-run': 'false' })]);

  const ckpts = existsSync(join(home, 'code/checkpoints')) ? readdirSync(join(home, 'code/checkpoints')) : [];
  say('the run record (what patrol, collect and teardown read)');
  for (const f of ['spec.json', 'DONE', 'FAILED', 'attempts/1/started_at', 'attempts/1/finished_at', 'attempts/1/exit_code']) {
    if (existsSync(join(runDir, f))) console.log(`  ${f}: ${readFileSync(join(runDir, f), 'utf8').trim()}`);
  }
  console.log(`  checkpoints: ${ckpts.length} files (${ckpts.slice(-3).join(', ')})`);
  code = existsSync(join(runDir, 'DONE')) && collected === 0 && torn === 0 ? 0 : 1;
  say(
    code === 0
      ? 'demo finished: the job ran detached to DONE, its checkpoints came home verified, and only then was the box torn down'
      : 'demo: the job did not reach DONE, its checkpoints did not verify, or teardown failed',
  );
} catch (err) {
  console.error(`demo failed: ${(err as Error).message}`);
  code = 1;
} finally {
  if (keep) {
    box.keep();
    const i = box.inputs();
    const kh = join(dirname(home), 'demo_known_hosts');
    writeFileSync(kh, `${i['known-hosts']?.split('\n')[0] ?? ''}\n`);
    say('the box stays up (--keep)');
    console.log(`reach it:  ssh -i ${i['ssh-key-path']} -o UserKnownHostsFile=${kh} -p ${i.port ?? '22'} ${i.user ?? 'root'}@${i.host}`);
    console.log('remove it: npm run demo -- --remove');
  } else {
    box.destroy();
    console.log('box removed');
  }
}
process.exitCode = code;
