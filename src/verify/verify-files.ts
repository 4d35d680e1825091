import { verifyGguf } from './verifiers/gguf.ts';
import { verifyNpy, verifyNpz } from './verifiers/npy.ts';
import { verifySafetensors } from './verifiers/safetensors.ts';
import { verifyTorch } from './verifiers/torch.ts';
import type { ByteSource, VerifyResult } from './verifiers/types.ts';
import type { StreamScans } from './verifiers/zip-stream.ts';

export const VERIFIER_VERSIONS = { 'torch-zip': 2, safetensors: 2, npy: 2, npz: 2, gguf: 1, sha256: 1 } as const;

/**
 * Picks the structural verifier by content (zip magic) or extension; other files get sha256 only. Pure.
 * `scans`: what collect's pass over the bytes as they arrived already computed (a torch zip's CRCs and NaN scan).
 * Whatever a verifier throws on a crafted file (a RangeError, a stack overflow, bad UTF-8) is that file's
 * failure in the report, never an exception that stops the collect.
 */
export async function verifyOne(path: string, src: ByteSource, scans?: StreamScans): Promise<VerifyResult> {
  try {
    return await pick(path, src, scans);
  } catch (err) {
    const e = err as Error;
    return {
      format: 'unreadable',
      ok: false,
      problems: [`the verifier could not read it (${e?.name ?? 'Error'}: ${String(e?.message ?? err).slice(0, 200)})`],
      tensors: [],
      nonFinite: [],
    };
  }
}

async function pick(path: string, src: ByteSource, scans?: StreamScans): Promise<VerifyResult> {
  if (src.size === 0) return { format: 'empty', ok: false, problems: ['the file is empty'], tensors: [], nonFinite: [] };
  if (path.endsWith('.safetensors')) return verifySafetensors(src);
  if (path.endsWith('.npy')) return verifyNpy(src);
  if (path.endsWith('.npz')) return verifyNpz(src);
  const magic = await src.read(0, 4);
  if (path.endsWith('.gguf') || magic.toString('latin1') === 'GGUF') return verifyGguf(src);
  if (magic.equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return verifyTorch(src, scans);
  if (/\.(pt|pth|ckpt)$/.test(path)) return verifyTorch(src, scans); // a torch extension without zip magic is damaged
  return { format: 'sha256', ok: true, problems: [], tensors: [], nonFinite: [], note: 'no structural verifier for this format: sha256 only' };
}

/** What is wrong with a file, in one line: its verifier's problems and every tensor with NaN/Inf. Pure. */
export function problemsText(r: VerifyResult): string {
  return [...r.problems, ...r.nonFinite.map((n) => `${n.count} NaN/Inf in ${n.name}`)].join('; ');
}
