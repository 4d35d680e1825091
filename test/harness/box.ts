import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeSshdFiles } from './sshd.ts';
import { checkedPid, readPidFile, readPidNow, signalPid } from './pids.ts';
import { has, ok, run, waitFor } from './sh.ts';

/**
 * A test box: a network namespace with its own 10.251.<i>.2 address on a veth pair, a private
 * /usr/sbin/sshd (own config, host key, authorized key), tmux from the host, and its own home and
 * PATH (bin/ first, for fake nvidia-smi and friends). See shared/reference/test-infra-facts.md §1-3.
 */
export interface Box {
  readonly index: number;
  readonly ns: string;
  readonly addr: string;
  readonly dir: string;
  readonly home: string;
  readonly bin: string;
  readonly clientKeyPath: string;
  readonly clientKey: string;
  readonly hostKeyLine: string;
  readonly fingerprint: string;
  /** Connection inputs as an action would get them. */
  inputs(extra?: Record<string, string>): Record<string, string>;
  /** A root shell command inside the box (not over SSH). */
  sh(script: string, timeoutMs?: number): string;
  sshdPid(): number;
  pids(): number[];
  blackhole(): void;
  refuse(): void;
  clearFirewall(): void;
  hang(): void;
  unhang(): void;
  reboot(): Promise<void>;
  destroy(): void;
  /** Leaves the box up after this process (the demo's --keep): its sshd owns the slot; `removeKeptBoxes` ends it. */
  keep(): void;
}

const ROOT = '/tmp/tether-boxes';
const live = new Set<Box>();
process.once('exit', () => {
  for (const b of live) b.destroy();
});

export function boxPrerequisites(): string[] {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push('root (network namespaces need it)');
  for (const c of ['ip', 'iptables', 'tmux', 'ssh-keygen', 'setsid', 'flock', 'unshare', 'nsenter']) if (!has(c)) missing.push(c);
  if (!existsSync('/usr/sbin/sshd')) missing.push('/usr/sbin/sshd (apt-get install openssh-server)');
  return missing;
}

function ownerPid(file: string): number {
  try {
    return checkedPid(readFileSync(file, 'utf8'), file);
  } catch {
    return 0; // no owner file yet, or not a pid
  }
}

/**
 * Claims a free slot: `ip netns add` fails when the name exists. Slots of dead owners are reclaimed. The whole
 * claim runs under one cross-process lock (an atomic mkdir holding its owner's pid): without it, two workers
 * reclaiming the same dead slot at once tore down each other's fresh box.
 */
function claimSlot(): number {
  mkdirSync(ROOT, { recursive: true, mode: 0o755 });
  return withClaimLock(() => {
    const tryAdd = (ns: string) => ok('ip', ['netns', 'add', ns]);
    for (let i = 1; i <= 250; i++) {
      const ns = `tether-box-${i}`;
      const owner = join(ROOT, `slot-${i}.owner`);
      let claimed = tryAdd(ns);
      if (!claimed) {
        // Exists: ours to reclaim only if its owner is gone (every claim writes its owner under the lock).
        const pid = ownerPid(owner);
        if (pid && signalPid(pid, 0)) continue;
        teardown(i);
        claimed = tryAdd(ns);
      }
      if (!claimed) continue;
      writeFileSync(owner, String(process.pid));
      return i;
    }
    throw new Error('no free test box slot (250 in use)');
  });
}

function withClaimLock<T>(body: () => T): T {
  const lock = join(ROOT, 'claim.lock');
  const end = Date.now() + 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    // A lock whose holder died (or never wrote its pid within a few seconds) is stale.
    const holder = ownerPid(join(lock, 'pid'));
    const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if ((holder && !signalPid(holder, 0)) || (!holder && age > 5000)) rmSync(lock, { recursive: true, force: true });
    else if (Date.now() > end) throw new Error(`test box claim lock ${lock} held by pid ${holder} for over 60 s`);
    else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25);
  }
  try {
    writeFileSync(join(lock, 'pid'), String(process.pid));
    return body();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function teardown(i: number): void {
  const ns = `tether-box-${i}`;
  const pids = run('ip', ['netns', 'pids', ns], { allowFail: true }).split(/\s+/).filter(Boolean).map(Number);
  for (const pid of pids) signalPid(pid, 'SIGKILL');
  // The kernel deletes a namespace's veth asynchronously; delete the host side first (test-infra-facts §2).
  run('ip', ['link', 'del', `tbh${i}`], { allowFail: true });
  run('ip', ['netns', 'del', ns], { allowFail: true });
  rmSync(join(ROOT, `box-${i}`), { recursive: true, force: true });
  rmSync(join(ROOT, `slot-${i}.owner`), { force: true });
}

/** Tears down every box a demo kept (`npm run demo -- --remove`); returns their namespaces. */
export function removeKeptBoxes(): string[] {
  if (!existsSync(ROOT)) return [];
  return withClaimLock(() =>
    readdirSync(ROOT)
      .map((n) => /^box-(\d+)$/.exec(n))
      .filter((m): m is RegExpExecArray => !!m && existsSync(join(ROOT, m[0], 'kept')))
      .map((m) => {
        teardown(Number(m[1]));
        return `tether-box-${m[1]}`;
      }),
  );
}

/** Options: `without` hides programs (e.g. tmux) from the box's PATH, as on a box that lacks them. */
export interface BoxOptions {
  without?: string[];
  /** The host key sshd uses (a provider double's create carried it), instead of a fresh one. */
  hostKey?: { privateKey: string; publicKey: string };
  /** Keys the box lets in besides its own client key. */
  authorizedKeys?: string[];
}

/** A PATH of symlinks to every system program except `without` (/bin is /usr/bin on Debian, so both go). */
function shadowPath(dir: string, without: string[]): string {
  const sys = join(dir, 'sysbin');
  mkdirSync(sys, { recursive: true });
  for (const d of ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
    if (!existsSync(d)) continue;
    for (const name of readdirSync(d)) {
      if (without.includes(name) || existsSync(join(sys, name))) continue;
      symlinkSync(join(d, name), join(sys, name));
    }
  }
  return sys;
}

export async function createBox(opts: BoxOptions = {}): Promise<Box> {
  const missing = boxPrerequisites();
  if (missing.length) throw new Error(`test boxes need: ${missing.join(', ')} (run .ci/run or install them)`);
  const i = claimSlot();
  const ns = `tether-box-${i}`;
  const dir = join(ROOT, `box-${i}`);
  try {
    const home = join(dir, 'home');
    const bin = join(dir, 'bin');
    mkdirSync(home, { recursive: true });
    mkdirSync(bin, { recursive: true });
    // A box shares the runner's PID namespace: a real poweroff would stop the test machine. These
    // stand-ins come first on the box's PATH; "powering off" stops only the box's sshd.
    for (const name of ['poweroff', 'shutdown', 'halt', 'reboot']) {
      writeFileSync(
        join(bin, name),
        `#!/bin/sh\necho "${name} $*" >> "$HOME/.tether-power"\n(sleep 0.3; kill "$(cat '${join(dir, 'sshd.pid')}')") >/dev/null 2>&1 &\nexit 0\n`,
        { mode: 0o755 },
      );
    }
    writeFileSync(join(bin, 'sudo'), '#!/bin/sh\n[ "$1" = -n ] && shift\nexec "$@"\n', { mode: 0o755 });
    chmodSync(ROOT, 0o755);
    chmodSync(dir, 0o755);
    const addr = `10.251.${i}.2`;
    run('ip', ['link', 'add', `tbh${i}`, 'type', 'veth', 'peer', 'name', `tbg${i}`]);
    run('ip', ['link', 'set', `tbg${i}`, 'netns', ns]);
    run('ip', ['addr', 'add', `10.251.${i}.1/30`, 'dev', `tbh${i}`]);
    run('ip', ['link', 'set', `tbh${i}`, 'up']);
    run('ip', ['-n', ns, 'addr', 'add', `${addr}/30`, 'dev', `tbg${i}`]);
    run('ip', ['-n', ns, 'link', 'set', `tbg${i}`, 'up']);
    run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    const systemPath = opts.without?.length ? shadowPath(dir, opts.without) : undefined;
    const keys = writeSshdFiles({
      dir,
      addr,
      port: 22,
      home,
      bin,
      label: `box-${i}`,
      systemPath,
      ...(opts.hostKey ? { hostKey: opts.hostKey } : {}),
      ...(opts.authorizedKeys ? { authorizedKeys: opts.authorizedKeys } : {}),
    });
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    // `fresh` starts sshd in a new time namespace whose boot time is now: the box looks rebooted.
    const startSshd = (fresh = false) => {
      rmSync(join(dir, 'sshd.pid'), { force: true });
      const uptime = Math.floor(Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]));
      const boot = fresh ? ['--time', '--boottime', String(-uptime)] : [];
      // nsenter, not `ip netns exec`: the latter mounts a fresh /sys, hiding the cgroup tree from the box.
      const sshd = (extra: string[]) =>
        run('nsenter', [
          `--net=/run/netns/${ns}`,
          'unshare',
          '--uts',
          ...extra,
          'sh',
          '-c',
          `hostname box-${i} && exec /usr/sbin/sshd -f "$1" -E "$2"`,
          'sh',
          join(dir, 'sshd_config'),
          join(dir, 'sshd.log'),
        ]);
      const once = () => {
        try {
          sshd(boot);
        } catch (err) {
          if (!boot.length) throw err;
          sshd([]); // a kernel without time namespaces: the box restarts, but its boot time cannot move
        }
      };
      try {
        once();
      } catch (err) {
        // What sshd said, so a failed start names its cause; then one more try (a loaded machine can be slow to
        // bring the veth's address up before sshd binds to it).
        const said = existsSync(join(dir, 'sshd.log')) ? readFileSync(join(dir, 'sshd.log'), 'utf8').trim().split('\n').slice(-3).join(' | ') : '';
        process.stderr.write(`box-${i}: sshd did not start (${said || (err as Error).message}); trying once more\n`);
        spawnSync('sleep', ['0.5']);
        try {
          once();
        } catch (again) {
          throw new Error(`${(again as Error).message}; sshd.log: ${said}`, { cause: again });
        }
      }
    };
    startSshd();
    const sshdPid = () => readPidNow(join(dir, 'sshd.pid'));
    const waitSshd = () => readPidFile(join(dir, 'sshd.pid'), 'sshd', 5000);
    await waitSshd();
    const sh = (script: string, timeoutMs = 20_000) => run('ip', ['netns', 'exec', ns, 'bash', '-c', script], { timeoutMs });
    const ipt = (...args: string[]) => run('ip', ['netns', 'exec', ns, 'iptables', ...args]);
    const pids = () => run('ip', ['netns', 'pids', ns], { allowFail: true }).split(/\s+/).filter(Boolean).map(Number);
    const box: Box = {
      index: i,
      ns,
      addr,
      dir,
      home,
      bin,
      clientKeyPath: join(dir, 'clientkey'),
      clientKey: readFileSync(join(dir, 'clientkey'), 'utf8'),
      hostKeyLine: keys.hostKeyLine,
      fingerprint: keys.fingerprint,
      inputs: (extra = {}) => ({
        host: addr,
        port: '22',
        user: 'root',
        'ssh-key-path': join(dir, 'clientkey'),
        'known-hosts': keys.hostKeyLine,
        'connect-timeout': '5',
        ...extra,
      }),
      sh,
      sshdPid,
      pids,
      blackhole: () => ipt('-I', 'INPUT', '-p', 'tcp', '--dport', '22', '-j', 'DROP'),
      refuse: () => ipt('-I', 'INPUT', '-p', 'tcp', '--dport', '22', '-j', 'REJECT', '--reject-with', 'tcp-reset'),
      clearFirewall: () => ipt('-F', 'INPUT'),
      hang: () => void signalPid(sshdPid(), 'SIGSTOP'),
      unhang: () => void signalPid(sshdPid(), 'SIGCONT'),
      // A reboot as the run sees it: every process in the box dies, then sshd comes back.
      reboot: async () => {
        for (const pid of pids()) signalPid(pid, 'SIGKILL');
        await waitFor('box processes to die', () => pids().length === 0, 5000, 20);
        startSshd(true);
        await waitSshd();
      },
      destroy: () => {
        if (!live.delete(box)) return;
        withClaimLock(() => teardown(i)); // (a claim must not see the slot half torn down)
      },
      keep: () => {
        if (!live.delete(box)) return;
        // A slot whose owner lives is never reclaimed: the box's own sshd holds it from now on.
        withClaimLock(() => {
          writeFileSync(join(ROOT, `slot-${i}.owner`), String(box.sshdPid()));
          writeFileSync(join(dir, 'kept'), `${process.pid}\n`);
        });
      },
    };
    live.add(box);
    return box;
  } catch (err) {
    withClaimLock(() => teardown(i));
    throw err;
  }
}
