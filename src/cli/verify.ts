import { lstatSync, readdirSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { problemsText } from '../collect/decision.ts';
import { fileSource } from '../verify/file-source.ts';
import { verifyOne } from '../verify/verify-files.ts';
import { forTerminal } from '../report/terminal.ts';

/** At most this many files in one `tether verify` (a directory tree that goes on and on is said, not walked forever). */
export const VERIFY_FILES_MAX = 100_000;

export interface VerifyLine {
  path: string;
  ok: boolean;
  format: string;
  problem: string | null;
}

/** The files under the given paths (a file, or a directory walked recursively in name order), symlinks left out and counted. */
function collectPaths(paths: string[]): { files: string[]; links: string[]; truncated: boolean } {
  const files: string[] = [];
  const links: string[] = [];
  const todo = [...paths].reverse();
  while (todo.length) {
    const p = todo.pop() as string;
    let st: Stats;
    try {
      st = lstatSync(p);
    } catch {
      continue; // checked up front; gone since
    }
    if (st.isSymbolicLink()) links.push(p);
    else if (st.isDirectory()) {
      const names = readdirSync(p).sort();
      for (let i = names.length - 1; i >= 0; i--) todo.push(join(p, names[i] as string));
    } else if (st.isFile()) {
      if (files.length >= VERIFY_FILES_MAX) return { files, links, truncated: true };
      files.push(p);
    }
  }
  return { files, links, truncated: false };
}

/**
 * `tether verify [--json] PATH...`: tether's structural verifiers (torch zip, safetensors, npy/npz, gguf; others
 * sha256 only) on local files, for checkpoints pulled by hand: one line per file, or with --json an array of
 * {path, ok, format, problem}. Exit 0 when every file passed, 1 otherwise, 2 for a bad command line.
 */
export async function verifyCommand(
  argv: string[],
  out: { write(s: string): unknown } = process.stdout,
  err: { write(s: string): unknown } = process.stderr,
): Promise<number> {
  const json = argv.includes('--json');
  const paths = argv.filter((a) => a !== '--json');
  const bad = paths.filter((a) => a.startsWith('-'));
  if (bad.length || !paths.length) {
    err.write(
      `error: ${bad.length ? `${bad.map((b) => JSON.stringify(b)).join(', ')}: not an option of 'tether verify'` : 'give at least one file or directory'}; usage: tether verify [--json] PATH...\n`,
    );
    return 2;
  }
  const missing = paths.filter((p) => {
    try {
      lstatSync(p);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length) {
    err.write(`error: ${missing.map((m) => forTerminal(m)).join(', ')}: no such file or directory (nothing was verified)\n`);
    return 2;
  }
  const { files, links, truncated } = collectPaths(paths);
  const lines: VerifyLine[] = [];
  for (const f of files) {
    let line: VerifyLine;
    try {
      const src = await fileSource(f);
      try {
        const r = await verifyOne(f, src);
        line = { path: f, ok: r.ok, format: r.format, problem: r.ok ? null : problemsText(r) };
      } finally {
        await src.close();
      }
    } catch (e) {
      line = { path: f, ok: false, format: 'unreadable', problem: `cannot be read (${(e as Error).message.slice(0, 200)})` };
    }
    lines.push(line);
    if (!json) out.write(forTerminal(`${line.ok ? 'ok  ' : 'FAIL'} ${line.path}  ${line.format}${line.problem ? `: ${line.problem}` : ''}`) + '\n');
  }
  if (json) out.write(JSON.stringify(lines, null, 2) + '\n');
  if (links.length)
    err.write(
      forTerminal(`warning: ${links.length} symlink(s) skipped, never followed: ${links.slice(0, 5).join(', ')}${links.length > 5 ? ', …' : ''}`) + '\n',
    );
  if (truncated) err.write(`warning: stopped at ${VERIFY_FILES_MAX} files; verify the rest in parts\n`);
  const failed = lines.filter((l) => !l.ok).length;
  if (!json) err.write(`${lines.length - failed} passed, ${failed} failed\n`);
  if (!lines.length) {
    err.write('error: no files to verify under the given paths\n');
    return 1;
  }
  return failed || truncated ? 1 : 0;
}
