import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyOne } from '../../src/verify/verify-files.ts';
import type { ByteSource } from '../../src/verify/verifiers/types.ts';
import { prng, unzip, zip, type ZipMember } from '../harness/craft.ts';

/**
 * Issue 23 §8: the torch verifier says what torch.load says. Structure-aware mutations of real torch.save
 * files (records missing, short or long; deflated; extra records; byteorder; version; trailing bytes;
 * truncation; pickle byte flips with the archive rebuilt around them; raw flips), seeded, judged all at
 * once by one Python process (test/fixtures/torch_corpus.py: torch.load with a restricted pickle_module,
 * plus the two checks for what torch 1.13 wrongly accepts), then by tether's verifier. Counted both ways:
 * files tether accepts that the judge refuses, and files the judge accepts that tether refuses; both 0.
 */
const PY = '/usr/bin/python3';
const SCRIPT = new URL('../fixtures/torch_corpus.py', import.meta.url).pathname;
const SEED = Number(process.env['TETHER_DIFF_SEED'] ?? 20261201);
const CASES = Number(process.env['TETHER_DIFF_CASES'] ?? 1800);
const dir = mkdtempSync(join(tmpdir(), 'tether-diff-'));
afterAll(() => {
  if (!process.env['TETHER_DIFF_KEEP']) rmSync(dir, { recursive: true, force: true });
});

const mem = (b: Buffer): ByteSource => ({ size: b.length, read: async (o, n) => b.subarray(o, Math.min(b.length, o + n)) });

type Mutate = (ms: ZipMember[], r: () => number, raw: Buffer) => ZipMember[] | Buffer;
const pick = <T>(xs: T[], r: () => number): T => xs[Math.floor(r() * xs.length)] as T;
const prefixOf = (ms: ZipMember[]) => (ms.find((m) => m.name.endsWith('/data.pkl'))?.name ?? 'archive/data.pkl').slice(0, -'data.pkl'.length);
const storages = (ms: ZipMember[]) => ms.filter((m) => /\/data\/[^/]+$/.test(m.name));
const withData = (ms: ZipMember[], m: ZipMember, data: Buffer) => ms.map((x) => (x === m ? { name: x.name, data } : x));

const MUTATIONS: Record<string, Mutate> = {
  'record missing': (ms, r) => {
    const m = pick(ms, r);
    return ms.filter((x) => x !== m);
  },
  'storage short': (ms, r) => {
    const s = storages(ms).filter((m) => m.data.length > 0);
    if (!s.length) return ms;
    const m = pick(s, r);
    return withData(ms, m, m.data.subarray(0, Math.floor(r() * m.data.length)));
  },
  'storage long': (ms, r) => {
    const m = pick(storages(ms), r);
    return m ? withData(ms, m, Buffer.concat([m.data, Buffer.alloc(1 + Math.floor(r() * 64))])) : ms;
  },
  deflated: (ms, r) => ms.map((m) => (r() < 0.6 ? { name: m.name, data: m.data, deflate: true } : { name: m.name, data: m.data })),
  'extra record': (ms, r) => {
    const p = prefixOf(ms);
    const name = pick([`${p}extra`, `${p}data/999`, `${p}.data/serialization_id`, 'other/file', `${p}data.pkl.bak`], r);
    return [...ms, { name, data: Buffer.from(`x${Math.floor(r() * 1e6)}`) }];
  },
  byteorder: (ms, r) => {
    const p = prefixOf(ms);
    const v = pick(['little', 'big', 'middle', ''], r);
    return [...ms.filter((m) => !m.name.endsWith('/byteorder')), ...(r() < 0.8 ? [{ name: `${p}byteorder`, data: Buffer.from(v) }] : [])];
  },
  version: (ms, r) => {
    const v = pick(['1\n', '3\n', '10\n', '11\n', '0\n', 'x\n', '', '3', ' 3\n', '99999999999999999999\n'], r);
    return ms.map((m) => (m.name.endsWith('/version') ? { name: m.name, data: Buffer.from(v) } : m));
  },
  'pickle flip': (ms, r) => {
    const m = ms.find((x) => x.name.endsWith('/data.pkl'));
    if (!m) return ms;
    const d = Buffer.from(m.data);
    for (let k = 0, n = 1 + Math.floor(r() * 3); k < n; k++) {
      const i = Math.floor(r() * d.length);
      d[i] = r() < 0.5 ? (d[i] as number) ^ (1 << Math.floor(r() * 8)) : Math.floor(r() * 256);
    }
    return withData(ms, m, d);
  },
  'pickle cut': (ms, r) => {
    const m = ms.find((x) => x.name.endsWith('/data.pkl'));
    return m ? withData(ms, m, m.data.subarray(0, Math.floor(r() * m.data.length))) : ms;
  },
  'storage flip': (ms, r) => {
    const m = pick(
      storages(ms).filter((x) => x.data.length),
      r,
    );
    if (!m) return ms;
    const d = Buffer.from(m.data);
    const i = Math.floor(r() * d.length);
    d[i] = (d[i] as number) ^ (1 << Math.floor(r() * 8));
    return withData(ms, m, d);
  },
  trailing: (_ms, r, raw) => Buffer.concat([raw, Buffer.alloc(1 + Math.floor(r() * 100), Math.floor(r() * 256))]),
  truncated: (_ms, r, raw) => raw.subarray(0, Math.floor(r() * raw.length)),
  'raw flip': (_ms, r, raw) => {
    const d = Buffer.from(raw);
    const i = Math.floor(r() * d.length);
    d[i] = (d[i] as number) ^ (1 << Math.floor(r() * 8));
    return d;
  },
  renamed: (ms, r) => {
    const m = pick(ms, r);
    return ms.map((x) => (x === m ? { name: x.name.replace(/^[^/]+\//, 'other/'), data: x.data } : x));
  },
};

describe('the torch verifier against torch.load (a seeded differential corpus)', () => {
  it('accepts every file the judge accepts and refuses every file the judge refuses', async () => {
    if (!existsSync(PY) || spawnSync(PY, ['-c', 'import torch'], { timeout: 60_000 }).status !== 0)
      throw new Error(`${PY} with torch is missing: apt-get install python3-torch (the differential test needs Debian's torch as its judge)`);
    const baseDir = join(dir, 'base');
    const made = spawnSync('mkdir', ['-p', baseDir]);
    expect(made.status).toBe(0);
    const b = spawnSync(PY, [SCRIPT, 'base', baseDir], { encoding: 'utf8', timeout: 120_000 });
    expect(b.status, b.stderr).toBe(0);
    const bases = readdirSync(baseDir).map((n) => ({ name: n, raw: readFileSync(join(baseDir, n)) }));
    expect(bases.length).toBe(4);

    const r = prng(SEED);
    const kinds = Object.keys(MUTATIONS);
    const files: Array<{ path: string; kind: string }> = bases.map((x) => ({ path: join(baseDir, x.name), kind: 'real torch.save' }));
    for (let i = 0; i < CASES; i++) {
      const base = pick(bases, r);
      // One mutation, or two in a row (a deflated archive with a short storage, …).
      const chosen = r() < 0.2 ? [pick(kinds, r), pick(kinds, r)] : [pick(kinds, r)];
      let raw: Buffer = base.raw;
      for (const k of chosen) {
        let ms: ZipMember[] = [];
        try {
          ms = unzip(raw);
        } catch {
          // A truncated archive cannot be taken apart again: the rest of the chain acts on bytes.
        }
        const out = (MUTATIONS[k] as Mutate)(ms, r, raw);
        raw = Buffer.isBuffer(out) ? out : zip(out);
      }
      const path = join(dir, `case-${i}-${base.name}`);
      writeFileSync(path, raw);
      files.push({ path, kind: chosen.join(' + ') });
    }
    writeFileSync(join(dir, 'list'), files.map((f) => f.path).join('\n') + '\n');
    const t0 = Date.now();
    const j = spawnSync(PY, [SCRIPT, 'judge', join(dir, 'list')], { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20 });
    expect(j.status, j.stderr.slice(-2000)).toBe(0);
    const judged = new Map((JSON.parse(j.stdout) as Array<{ path: string; ok: boolean; why: string }>).map((x) => [x.path, x]));
    const judgeS = (Date.now() - t0) / 1000;

    const wronglyAccepted: string[] = [];
    const wronglyRefused: string[] = [];
    const counts = { judgeAccepted: 0, judgeRefused: 0 };
    for (const f of files) {
      const want = judged.get(f.path);
      expect(want, f.path).toBeDefined();
      const res = await verifyOne(f.path.replace(/.*\//, ''), mem(readFileSync(f.path)));
      // NaN/Inf is tether's own refusal of values, not of structure: torch loads them.
      const accepts = res.problems.length === 0;
      if (want!.ok) counts.judgeAccepted++;
      else counts.judgeRefused++;
      const line = `${f.kind} ${f.path.replace(/.*\//, '')}: torch ${want!.ok ? 'accepts' : `refuses (${want!.why})`}, tether ${accepts ? 'accepts' : `refuses (${res.problems.join('; ').slice(0, 200)})`}`;
      if (accepts && !want!.ok) wronglyAccepted.push(line);
      if (!accepts && want!.ok) wronglyRefused.push(line);
    }
    console.log(
      `differential corpus (seed ${SEED}): ${files.length} files, the judge accepted ${counts.judgeAccepted} and refused ${counts.judgeRefused} in ${judgeS.toFixed(1)} s; tether accepted ${wronglyAccepted.length} that must be refused, refused ${wronglyRefused.length} valid`,
    );
    if (process.env['TETHER_DIFF_DUMP']) writeFileSync(process.env['TETHER_DIFF_DUMP'], [...wronglyAccepted, '----', ...wronglyRefused].join('\n'));
    expect(wronglyAccepted.slice(0, 20), 'accepted, but torch refuses').toEqual([]);
    expect(wronglyRefused.slice(0, 20), 'refused, but torch accepts').toEqual([]);
    // The corpus is not trivial: both verdicts occur in numbers.
    expect(counts.judgeAccepted).toBeGreaterThan(100);
    expect(counts.judgeRefused).toBeGreaterThan(300);
    expect(judgeS).toBeGreaterThan(0);
  }, 600_000);
});
