import { verifyGguf } from './verifiers/gguf.ts';
import { verifyNpy, verifyNpz } from './verifiers/npy.ts';
import { verifySafetensors } from './verifiers/safetensors.ts';
import { verifyTorch } from './verifiers/torch.ts';
import type { ByteSource, VerifyResult } from './verifiers/types.ts';

export const VERIFIER_VERSIONS = { 'torch-zip': 1, safetensors: 1, npy: 1, npz: 1, gguf: 1, sha256: 1 } as const;

/** Picks the structural verifier by content (zip magic) or extension; other files get sha256 only. Pure. */
export async function verifyOne(path: string, src: ByteSource): Promise<VerifyResult> {
  if (src.size === 0) return { format: 'empty', ok: false, problems: ['the file is empty'], tensors: [], nonFinite: [] };
  if (path.endsWith('.safetensors')) return verifySafetensors(src);
  if (path.endsWith('.npy')) return verifyNpy(src);
  if (path.endsWith('.npz')) return verifyNpz(src);
  const magic = await src.read(0, 4);
  if (path.endsWith('.gguf') || magic.toString('latin1') === 'GGUF') return verifyGguf(src);
  if (magic.equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return verifyTorch(src);
  if (/\.(pt|pth|ckpt)$/.test(path)) return verifyTorch(src); // a torch extension without zip magic is damaged
  return { format: 'sha256', ok: true, problems: [], tensors: [], nonFinite: [], note: 'no structural verifier for this format: sha256 only' };
}
