import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../config/errors.ts';
import type { SyncMode } from '../config/launch.ts';
import { obj, optStr, str } from '../record/strict.ts';
import { parseJsonLine, runScript } from '../remote/invoke.ts';
import type { Session } from '../ssh/client.ts';

export const MAX_RELEASE_BYTES = 512 * 1024 * 1024;

export interface Release {
  id: string;
  sha256: string;
  bytes: Buffer;
}

/**
 * Packs the code to sync into a reproducible tar on the runner: the same content gives the same
 * bytes, hence the same release id (mtimes, owners and order are fixed; .git is left out).
 * Runs before any connection, so a bad directory is an input error.
 */
export function packRelease(dir: string, mode: SyncMode, workspace: string): Release {
  const abs = resolve(workspace, dir);
  try {
    if (!statSync(abs).isDirectory()) throw new Error('not a directory');
  } catch (err) {
    throw new InputError('sync-dir', `${JSON.stringify(abs)} is not a directory on the runner (${(err as Error).message})`);
  }
  const r =
    mode === 'git-head'
      ? spawnSync('git', ['-C', abs, 'archive', '--format=tar', 'HEAD'], { maxBuffer: MAX_RELEASE_BYTES, timeout: 120_000 })
      : spawnSync('tar', ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '--exclude=.git', '-C', abs, '-cf', '-', '.'], {
          maxBuffer: MAX_RELEASE_BYTES,
          timeout: 120_000,
        });
  if (r.error || r.status !== 0) {
    const why = r.error?.message.includes('maxBuffer')
      ? `it is larger than ${MAX_RELEASE_BYTES / 2 ** 20} MiB; sync only the code, not data or checkpoints`
      : (r.error?.message ?? r.stderr.toString().trim());
    throw new InputError('sync-dir', `cannot pack ${JSON.stringify(abs)} (${mode}): ${why}`);
  }
  const sha256 = createHash('sha256').update(r.stdout).digest('hex');
  return { id: sha256.slice(0, 20), sha256, bytes: r.stdout };
}

/** Where releases live on the box: inside the run root, under a name no run id can take. */
export function releasesDir(runRoot: string): string {
  return `${runRoot}/.releases`;
}

/** Sends the release (once: a present release is immutable and reused). Returns its path on the box. */
export async function uploadRelease(session: Session, runRoot: string, release: Release): Promise<{ path: string; stored: boolean }> {
  const r = await runScript(session, 'sync', [releasesDir(runRoot), release.id, release.sha256], { binary: release.bytes, timeoutMs: 600_000 });
  const raw = obj(parseJsonLine('sync', r), 'sync.sh result');
  const out = {
    result: str(raw, 'result', 'sync.sh result', { max: 32 }),
    path: optStr(raw, 'path', 'sync.sh result', { max: 4096 }) ?? undefined,
    message: optStr(raw, 'message', 'sync.sh result', { max: 4096 }) ?? undefined,
  };
  if (out.result !== 'stored' && out.result !== 'present') throw new Error(`code sync failed: ${out.message ?? out.result}`);
  return { path: out.path ?? '', stored: out.result === 'stored' };
}
