import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeWorkspace, runBuiltAction } from '../harness/action.ts';
import { createBox, type Box } from '../harness/box.ts';
import { waitFor } from '../harness/sh.ts';

let box: Box;
beforeAll(async () => {
  box = await createBox();
  box.sh(`mkdir -p ${box.home}/code`);
});
afterAll(() => box?.destroy());

/** Every /proc/<pid>/cmdline on the machine (boxes share the host's PID space). */
function cmdlines(): Array<[string, Buffer]> {
  const out: Array<[string, Buffer]> = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      out.push([pid, readFileSync(`/proc/${pid}/cmdline`)]);
    } catch {
      /* exited */
    }
  }
  return out;
}

/** Regular files under `dir` modified at or after `since` (bounded depth and size). */
function changedFiles(dir: string, since: number, depth = 8): string[] {
  const out: string[] = [];
  if (depth < 0 || !existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    let st;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) out.push(...changedFiles(p, since, depth - 1));
    else if (st.isFile() && st.mtimeMs >= since - 1000 && st.size < 64 * 1024 * 1024) out.push(p);
  }
  return out;
}

describe.each(['tmux', 'setsid'])('secrets reach the job only through its environment (%s)', (backend) => {
  it('leave no trace in argv, files, outputs, logs or the summary', async () => {
    // Shell metacharacters in the value prove it is never re-parsed on the way.
    const secret = `tok-${randomBytes(18).toString('hex')}-$'"\`;|&*`;
    const needles = [Buffer.from(secret), Buffer.from(Buffer.from(secret).toString('base64'))];
    const hit = (b: Buffer) => needles.some((n) => b.includes(n));
    const since = Date.now();
    const argvHits: string[] = [];
    let sampling = true;
    let samples = 0;
    const sampler = (async () => {
      while (sampling) {
        for (const [pid, cmd] of cmdlines()) if (hit(cmd)) argvHits.push(`${pid}: ${cmd.toString().replace(/\0/g, ' ')}`);
        samples++;
        await new Promise((r) => setTimeout(r, 15));
      }
    })();
    const id = `secret-${backend}`;
    const run = await runBuiltAction(
      'launch',
      box.inputs({
        'run-id': id,
        backend,
        workdir: '~/code',
        'require-gpu': 'false',
        'min-free-gb': '1',
        'confirm-timeout': '2',
        secrets: 'CANARY_TOKEN',
        command: `printf '%s' "$CANARY_TOKEN" | sha256sum | cut -d' ' -f1 > seen-${backend}.sha; sleep 4`,
      }),
      { CANARY_TOKEN: secret },
    );
    await waitFor('the job to finish', () => existsSync(`${box.home}/.tether/runs/${id}/DONE`), 20_000);
    sampling = false;
    await sampler;
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(samples).toBeGreaterThan(20);
    // The job saw exactly the value.
    expect(readFileSync(`${box.home}/code/seen-${backend}.sha`, 'utf8').trim()).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(argvHits).toEqual([]);
    expect(cmdlines().filter(([, c]) => hit(c))).toEqual([]);
    const files = [
      ...changedFiles(box.dir, since),
      ...changedFiles('/tmp', since, 2),
      ...changedFiles('/dev/shm', since),
      ...changedFiles(run.workspace, since),
    ];
    expect(files.length).toBeGreaterThan(5);
    // Other tests run beside this one: a file of theirs listed here may be gone by the time it is read (then it left nothing).
    const holds = (f: string) => {
      try {
        return hit(readFileSync(f));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw err;
      }
    };
    expect(files.filter(holds)).toEqual([]);
    // `::add-mask::<value>` is the runner command that registers the mask; the runner consumes it and never
    // shows it. Everything else the action printed must be clean.
    const lines = run.stdout.split('\n');
    expect(lines.filter((l) => l === `::add-mask::${secret}`)).toHaveLength(1);
    const shown = lines.filter((l) => !l.startsWith('::add-mask::')).join('\n');
    for (const text of [shown, run.stderr, run.outputFile, run.summary]) expect(hit(Buffer.from(text))).toBe(false);
    removeWorkspace(run);
  });
});
