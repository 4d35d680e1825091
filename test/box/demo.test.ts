import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/**
 * `npm run demo -- --keep`, as the README promises: the whole lifecycle passes, each `tether …` command is
 * printed so a reader can repeat it, the box stays up and the printed ssh line reaches it, and
 * `npm run demo -- --remove` removes it.
 */
const demo = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', ...args], { encoding: 'utf8', timeout: 300_000, env: { ...process.env, NO_COLOR: '1' } });

describe('npm run demo', () => {
  it('prints each tether command, keeps the box with --keep (reachable as printed), and --remove removes it', () => {
    const r = demo('--keep');
    expect(r.status, r.stdout.slice(-3000) + r.stderr.slice(-2000)).toBe(0);
    expect(r.stdout).toMatch(/demo finished: the job ran detached to DONE/);
    const printed = r.stdout.split('\n').filter((l) => l.startsWith('$ tether '));
    expect(printed.map((l) => l.split(' ')[2])).toEqual(['audit', 'launch', 'launch', 'status', 'collect', 'teardown', 'teardown', 'teardown']);
    // A printed command is one a shell reads back into the same words: the known_hosts line is one quoted word.
    const words = spawnSync('bash', ['-c', `set -- ${printed[0]!.slice(2)}; printf '%s\\n' "$@"`], { encoding: 'utf8' }).stdout.split('\n');
    expect(words[words.indexOf('--known-hosts') + 1]).toMatch(/^\S+ ssh-ed25519 \S+$/);

    const reach = /^reach it: {2}(ssh .*)$/m.exec(r.stdout)?.[1];
    expect(reach, r.stdout.slice(-1000)).toBeTruthy();
    const ssh = spawnSync('bash', ['-c', `${reach} -o BatchMode=yes -o ConnectTimeout=10 hostname`], { encoding: 'utf8', timeout: 30_000 });
    expect(ssh.status, ssh.stderr).toBe(0);
    const host = ssh.stdout.trim();
    expect(host).toMatch(/^box-\d+$/);

    const gone = demo('--remove');
    expect(gone.status, gone.stderr).toBe(0);
    expect(gone.stdout).toContain(`removed tether-${host}`);
    expect(spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout).not.toMatch(new RegExp(`\\btether-${host}\\b`));
    expect(spawnSync('bash', ['-c', `${reach} -o BatchMode=yes -o ConnectTimeout=3 true`], { timeout: 30_000 }).status).not.toBe(0);
    expect(demo('--remove').stdout).toContain('no kept demo box to remove');
  }, 400_000);
});
