import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyCommand } from '../../src/cli/verify.ts';
import { npy, torchZip, unzip, zip } from '../harness/craft.ts';

const dir = mkdtempSync(join(tmpdir(), 'tether-verify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const T = [{ name: 'w', key: '0', numel: 4, offset: 0, shape: [4], stride: [1] }];

async function run(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await verifyCommand(argv, { write: (s: string) => (out += s) }, { write: (s: string) => (err += s) });
  return { code, out, err };
}

describe('tether verify [--json] PATH...', () => {
  mkdirSync(join(dir, 'ck', 'sub'), { recursive: true });
  writeFileSync(join(dir, 'ck', 'good.pt'), torchZip(T));
  writeFileSync(join(dir, 'ck', 'sub', 'a.npy'), npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", Buffer.alloc(8)));
  const short = zip(unzip(torchZip(T)).map((m) => (m.name.endsWith('/data/0') ? { name: m.name, data: m.data.subarray(0, 8) } : m)));
  writeFileSync(join(dir, 'short.pt'), short);
  writeFileSync(join(dir, 'nan.npy'), npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", Buffer.from([0, 0, 0xc0, 0x7f])));
  symlinkSync('/etc/passwd', join(dir, 'ck', 'link.pt'));

  it('a directory, recursively: one line per file, symlinks skipped and counted, exit 0 when all pass', async () => {
    const r = await run(join(dir, 'ck'));
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toEqual([`ok   ${join(dir, 'ck', 'good.pt')}  torch-zip`, `ok   ${join(dir, 'ck', 'sub', 'a.npy')}  npy`]);
    expect(r.err).toMatch(/warning: 1 symlink\(s\) skipped, never followed: .*link.pt/);
    expect(r.err).toMatch(/2 passed, 0 failed/);
  });

  it('any failing file is exit 1, with its problem; --json is an array of {path, ok, format, problem}', async () => {
    const r = await run(join(dir, 'short.pt'), join(dir, 'nan.npy'), join(dir, 'ck', 'good.pt'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^FAIL .*short.pt {2}torch-zip: storage 0: 8 bytes, float32 × 4 needs 16/m);
    expect(r.out).toMatch(/^FAIL .*nan.npy {2}npy: 1 NaN\/Inf in array/m);
    const j = await run('--json', join(dir, 'short.pt'), join(dir, 'ck', 'good.pt'));
    expect(j.code).toBe(1);
    expect(JSON.parse(j.out)).toEqual([
      { path: join(dir, 'short.pt'), ok: false, format: 'torch-zip', problem: 'storage 0: 8 bytes, float32 × 4 needs 16' },
      { path: join(dir, 'ck', 'good.pt'), ok: true, format: 'torch-zip', problem: null },
    ]);
  });

  it('a bad command line says what is wrong and verifies nothing (exit 2)', async () => {
    expect((await run()).code).toBe(2);
    const missing = await run(join(dir, 'ck', 'good.pt'), join(dir, 'nope'));
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/nope: no such file or directory \(nothing was verified\)/);
    expect(missing.out).toBe('');
    const flag = await run('--strict', dir);
    expect(flag.code).toBe(2);
    expect(flag.err).toMatch(/"--strict": not an option of 'tether verify'/);
  });
});
