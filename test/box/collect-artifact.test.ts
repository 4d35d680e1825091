import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collectPhase } from '../harness/phases.ts';
import { InputError } from '../../src/config/errors.ts';
import { fetchArtifact } from '../../src/github/artifacts.ts';
import { removeWorkspace, runBuiltAction } from '../harness/action.ts';
import { ArtifactDouble } from '../harness/artifact-double.ts';
import { finishedRun } from '../harness/finished-run.ts';
import { createBox, type Box } from '../harness/box.ts';
import { captureReporter } from '../harness/reporter.ts';

let box: Box;
let svc: ArtifactDouble;
const dirs: string[] = [];
const tmp = (p: string) => {
  const d = mkdtempSync(join(tmpdir(), p));
  dirs.push(d);
  return d;
};

// A 20 MB model (three 8 MiB blocks) and a small optimizer file, written by real torch.
const TRAIN = `/usr/bin/python3 -c "
import torch, os
os.makedirs('ck', exist_ok=True)
torch.manual_seed(0)
torch.save({'model': {'w': torch.randn(5_000_000)}, 'step': 1}, 'ck/model.pt')
torch.save({'opt': {'lr': 0.1, 'm': torch.randn(64, 8)}}, 'ck/opt.pt')
torch.save({'w': torch.tensor([1.0, float('nan')])}, 'ck/bad.pt') if os.environ.get('PLANT_NAN') else None
"`;

beforeAll(async () => {
  box = await createBox();
  for (const [id, env] of [
    ['art', ''],
    ['artnan', 'PLANT_NAN=1'],
  ] as const)
    await finishedRun(box, id, TRAIN, { env, timeoutMs: 90_000 });
}, 180_000);

afterAll(() => {
  box?.destroy();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

afterEach(async () => {
  await svc?.stop();
});

async function service(): Promise<ArtifactDouble> {
  svc = new ArtifactDouble();
  await svc.start();
  return svc;
}

/** Downloads an artifact through the real client, as a later job of the same workflow run would. */
async function download(env: Record<string, string>, name: string): Promise<{ dir: string; digest: string }> {
  const saved = { ...process.env };
  Object.assign(process.env, env, { GITHUB_WORKSPACE: tmp('tether-art-ws-') });
  try {
    const dir = tmp('tether-art-dl-');
    const r = await fetchArtifact(name, dir);
    return { dir, digest: r.digest };
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('collect uploads verified checkpoints through @actions/artifact', () => {
  it('uploads stored zips with retention; a later job downloads identical bytes and the proof', async () => {
    const s = await service();
    s.delayFirstBlockMs = 400; // later blocks overtake the first: the blob must follow the block list
    const dest = tmp('tether-art-dest-');
    const r = await runBuiltAction(
      'collect',
      box.inputs({ 'run-id': 'art', 'dest-dir': dest, artifact: 'verified', 'retention-days': '3' }),
      s.env('run-7', 'job-collect'),
    );
    removeWorkspace(r);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const manifestSha = r.outputs['manifest-sha256'] ?? '';
    const filesSha = r.outputs['files-sha256'] ?? '';
    const cpName = `tether-art-${filesSha.slice(0, 12)}-checkpoints`;
    expect(r.outputs['artifact-name']).toBe(cpName);
    expect(r.outputs['verified-artifact']).toBe(`tether-art-${filesSha.slice(0, 12)}-records`);
    expect(
      s
        .finalized()
        .map((a) => a.name)
        .sort(),
    ).toEqual([cpName, r.outputs['verified-artifact']].sort());

    const cp = s.finalized(cpName)[0]!;
    expect(String(cp.id)).toBe(r.outputs['artifact-id']);
    expect(cp.mimeType).toBe('application/zip');
    const days = (Date.parse(cp.expiresAt ?? '') - Date.now()) / 86400e3;
    expect(days).toBeGreaterThan(2.9);
    expect(days).toBeLessThan(3.01);
    expect(cp.digest).toBe(`sha256:${r.outputs['artifact-digest']}`);
    // compressionLevel 0: every zip entry is stored (method 0), so the zip is barely larger than the files.
    const bytes = cp.bytes!;
    const model = readFileSync(`${box.home}/art/ck/model.pt`);
    expect(bytes.length).toBeGreaterThan(model.length);
    expect(bytes.length).toBeLessThan(model.length + 64 * 1024);
    for (let at = bytes.indexOf('PK\x03\x04'); at >= 0; at = bytes.indexOf('PK\x03\x04', at + 4)) {
      if (bytes.readUInt16LE(at + 8) !== 0 && at < 64) throw new Error(`zip entry at ${at} is compressed`);
    }
    expect(bytes.readUInt16LE(8)).toBe(0);
    // Three or more 8 MiB blocks, not in arrival order, yet assembled right.
    expect(s.requests.filter((q) => q.route === 'block').length).toBeGreaterThanOrEqual(3);
    expect(s.blockArrivals.length).toBeGreaterThanOrEqual(3);
    expect(cp.blockList.length).toBeGreaterThanOrEqual(3);
    const arrived = s.blockArrivals.filter((id) => cp.blocks.has(id));
    expect(arrived).not.toEqual(cp.blockList);
    expect([...arrived].sort()).toEqual([...cp.blockList].sort());

    const got = await download(s.env('run-7', 'job-teardown'), cpName);
    expect(got.digest).toBe(`sha256:${r.outputs['artifact-digest']}`);
    for (const f of ['model.pt', 'opt.pt']) expect(sha(readFileSync(join(got.dir, 'ck', f)))).toBe(sha(readFileSync(`${box.home}/art/ck/${f}`)));
    const proof = await download(s.env('run-7', 'job-teardown'), r.outputs['verified-artifact']!);
    const verified = JSON.parse(readFileSync(join(proof.dir, 'VERIFIED.json'), 'utf8'));
    expect(verified.manifest_sha256).toBe(manifestSha);
    expect(verified.files_sha256).toBe(filesSha);
    expect(sha(readFileSync(join(proof.dir, 'manifest.json')))).toBe(manifestSha);
    expect(r.summary).toContain(`| \`${cpName}\` | ${cp.id} |`);
    // Bytes that changed in storage after upload are caught by the digest recorded at finalize.
    const stored = cp.bytes!;
    stored.writeUInt8(stored.readUInt8(stored.length >> 1) ^ 0xff, stored.length >> 1);
    await expect(download(s.env('run-7', 'job-teardown'), cpName)).rejects.toThrow(/downloaded with a different sha256/);
  }, 120_000);

  it('a second collect of the same manifest in the same workflow run keeps the first upload (409), and a new run uploads anew', async () => {
    const s = await service();
    const dest = tmp('tether-art-dest-');
    const inputs = box.inputs({ 'run-id': 'art', 'dest-dir': dest, 'artifact-budget': '1KB' });
    const first = await runBuiltAction('collect', inputs, s.env('run-8', 'job-a'));
    removeWorkspace(first);
    expect(first.code, first.stdout).toBe(0);
    // The budget warning carries the numbers.
    expect(first.stdout).toMatch(/::warning::collect: artifacts total 20\.\d MB, over the artifact-budget of 1\.0 kB/);
    const again = await runBuiltAction('collect', inputs, s.env('run-8', 'job-b'));
    removeWorkspace(again);
    expect(again.code, again.stdout).toBe(0);
    expect(again.stdout).toMatch(/with the same files was already uploaded in this workflow run, kept/);
    expect(again.outputs['artifact-id']).toBe(first.outputs['artifact-id']);
    expect(s.finalized()).toHaveLength(2);
    const other = await runBuiltAction('collect', inputs, s.env('run-9', 'job-a'));
    removeWorkspace(other);
    expect(other.code).toBe(0);
    expect(s.finalized()).toHaveLength(4);
  }, 120_000);

  it('an unverified collect uploads nothing by default; artifact: all uploads it named …-unverified, without VERIFIED.json', async () => {
    const s = await service();
    const dflt = await runBuiltAction('collect', box.inputs({ 'run-id': 'artnan', 'dest-dir': tmp('tether-art-dest-') }), s.env('run-10', 'job-a'));
    removeWorkspace(dflt);
    expect(dflt.code).toBe(1);
    expect(s.finalized()).toHaveLength(0);
    expect(dflt.summary).toMatch(/Nothing uploaded: the collect is not verified/);
    const all = await runBuiltAction(
      'collect',
      box.inputs({ 'run-id': 'artnan', 'dest-dir': tmp('tether-art-dest-'), artifact: 'all' }),
      s.env('run-10', 'job-b'),
    );
    removeWorkspace(all);
    expect(all.code).toBe(1);
    expect(all.outputs['verified']).toBe('false');
    expect(all.outputs['verified-artifact'] ?? '').toBe('');
    expect(
      s
        .finalized()
        .map((a) => a.name)
        .every((n) => n.endsWith('-unverified')),
    ).toBe(true);
    const rec = await download(s.env('run-10', 'job-c'), s.finalized().find((a) => a.name.includes('-records'))!.name);
    expect(existsSync(join(rec.dir, 'manifest.json'))).toBe(true);
    expect(existsSync(join(rec.dir, 'VERIFIED.json'))).toBe(false);
  }, 120_000);

  it('a 503 is retried; a used-up quota and a stalled upload fail the step with the verified files kept on the runner', async () => {
    const s = await service();
    s.fault({ route: 'CreateArtifact', status: 503, times: 1 });
    const retried = await runBuiltAction('collect', box.inputs({ 'run-id': 'art', 'dest-dir': tmp('tether-art-dest-') }), s.env('run-11', 'job-a'));
    removeWorkspace(retried);
    expect(retried.code, retried.stdout).toBe(0);
    expect(retried.stdout).toMatch(/Attempt 1 of 5 failed with error: Failed request: \(503\)/);
    expect(s.finalized()).toHaveLength(2);

    s.fault({ route: 'CreateArtifact', status: 403, times: 1, msg: 'insufficient usage to create artifact' });
    const destQ = tmp('tether-art-dest-');
    const quota = await runBuiltAction('collect', box.inputs({ 'run-id': 'art', 'dest-dir': destQ }), s.env('run-12', 'job-a'));
    removeWorkspace(quota);
    expect(quota.code).toBe(1);
    expect(quota.outputs['verified']).toBe('true');
    expect(quota.stdout).toMatch(/::error::collect: verified, but artifact tether-art-[0-9a-f]{12}-checkpoints: GitHub's artifact storage quota is used up/);
    expect(existsSync(join(destQ, 'art', 'VERIFIED.json'))).toBe(true);
    expect(existsSync(join(destQ, 'art', 'ck', 'model.pt'))).toBe(true);

    s.stallBlocks = true;
    const stalled = await runBuiltAction('collect', box.inputs({ 'run-id': 'art', 'dest-dir': tmp('tether-art-dest-') }), {
      ...s.env('run-13', 'job-a'),
      ACTIONS_ARTIFACT_UPLOAD_TIMEOUT_MS: '1500',
    });
    removeWorkspace(stalled);
    expect(stalled.code).toBe(1);
    expect(stalled.stdout).toMatch(/::error::collect: verified, but artifact .* was not uploaded: Upload progress stalled\./);
    expect(s.finalized().filter((a) => a.runId === 'run-13')).toHaveLength(0);
  }, 180_000);

  it('an explicit artifact request where no artifact service exists is an input error before the box is touched', async () => {
    const log = () => readFileSync(join(box.dir, 'sshd.log'), 'utf8').length;
    const before = log();
    await expect(
      collectPhase(box.inputs({ 'run-id': 'art', 'dest-dir': tmp('tether-art-dest-'), artifact: 'verified' }), {}, captureReporter(), '/tmp'),
    ).rejects.toThrow(InputError);
    await expect(
      collectPhase(box.inputs({ 'run-id': 'art', 'dest-dir': tmp('tether-art-dest-'), 'retention-days': '0' }), {}, captureReporter(), '/tmp'),
    ).rejects.toThrow(/retention-days.*from 1 to 400/);
    await expect(
      collectPhase(box.inputs({ 'run-id': 'art', 'dest-dir': tmp('tether-art-dest-'), 'artifact-budget': 'lots' }), {}, captureReporter(), '/tmp'),
    ).rejects.toThrow(/artifact-budget.*is not a size/);
    await expect(
      collectPhase(box.inputs({ 'run-id': 'art', 'dest-dir': tmp('tether-art-dest-'), 'stall-timeout': '1s' }), {}, captureReporter(), '/tmp'),
    ).rejects.toThrow(/stall-timeout.*outside 2s to 1d/);
    await expect(
      collectPhase(box.inputs({ 'run-id': 'art', 'dest-dir': tmp('tether-art-dest-'), provider: 'azure' }), {}, captureReporter(), '/tmp'),
    ).rejects.toThrow(/provider.*is not one of: ssh, command, lambda, runpod, vastai, aws/);
    await expect(
      collectPhase(
        box.inputs({ 'run-id': 'art', 'dest-dir': tmp('tether-art-dest-'), provider: 'runpod', 'instance-id': 'pod;rm -rf /' }),
        {},
        captureReporter(),
        '/tmp',
      ),
    ).rejects.toThrow(/instance-id.*is not an instance id/);
    expect(log()).toBe(before);
  });
});
