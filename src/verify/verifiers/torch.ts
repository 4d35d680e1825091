import { nonFiniteIn } from './finite.ts';
import { tensorsIn, unpickle, type PStorage, type PTensor } from './pickle.ts';
import { DTYPE_BYTES, FLOAT_DTYPES, type ByteSource, type VerifyResult } from './types.ts';
import { checkCrc, dataOffset, readCentralDirectory, readEntry, type ZipEntry } from './zip.ts';
import type { StreamScans } from './zip-stream.ts';

/** data.pkl is read into memory whole: real ones are KBs to a few MB. */
const PKL_MAX = 64 << 20;
const nonNegInt = (x: number) => Number.isSafeInteger(x) && x >= 0;
/** The archive versions torch.load reads (caffe2 inline_container: kMinSupportedFileFormatVersion 1, kMaxSupportedFileFormatVersion 10). */
const TORCH_VERSION_MIN = 1;
const TORCH_VERSION_MAX = 10;

/**
 * What torch.load refuses when it rebuilds a view (`set_(storage, offset, size, stride)`): an offset that
 * is negative or not an integer, negative or non-integer sizes or strides, a stride list of another
 * length, a storage size that is not a count, an element count beyond any real tensor.
 */
export function viewProblem(t: PTensor): string | null {
  if (!nonNegInt(t.storage.numel)) return `its storage size ${t.storage.numel} is not an element count`;
  if (!nonNegInt(t.offset)) return `storage offset ${t.offset} is not a non-negative integer (torch.load refuses it)`;
  if (!t.shape.every(nonNegInt)) return `shape ${JSON.stringify(t.shape)} has a negative or non-integer size`;
  if (t.stride.length !== t.shape.length) return `${t.stride.length} strides for ${t.shape.length} dimensions`;
  if (!t.stride.every(nonNegInt)) return `strides ${JSON.stringify(t.stride)} are negative or not integers (torch.load refuses them)`;
  if (t.shape.reduce((a, d) => a * d, 1) > Number.MAX_SAFE_INTEGER) return `shape ${JSON.stringify(t.shape)} has more elements than any real tensor`;
  return null;
}

/** The storages the verifier scans, by key, with their dtypes: each tensor's storage whose view torch.load would accept (the last tensor naming a key wins). */
function scannedStorages(found: Array<{ tensor: PTensor }>): Map<string, PStorage> {
  const storages = new Map<string, PStorage>();
  for (const { tensor } of found) if (!viewProblem(tensor)) storages.set(tensor.storage.key, tensor.storage);
  return storages;
}

/** data.pkl's bytes → storage key → dtype, by the verifier's own rules (what a stream scan needs to know). */
export function storageDtypes(pkl: Buffer): Map<string, string> {
  return new Map([...scannedStorages(tensorsIn(unpickle(pkl)))].map(([k, s]) => [k, s.dtype]));
}

export const TORCH_PKL_MAX = PKL_MAX;

/**
 * PyTorch's zip checkpoint format: central directory (zip64 too), every entry's CRC32, data.pkl read by
 * the non-executing pickle reader, every tensor's storage present with the right size and the view
 * inside it, and floating storages scanned for NaN/Inf.
 */
export async function verifyTorch(src: ByteSource, scans?: StreamScans): Promise<VerifyResult> {
  const r: VerifyResult = { format: 'torch-zip', ok: false, problems: [], tensors: [], nonFinite: [] };
  let entries: ZipEntry[];
  try {
    entries = await readCentralDirectory(src);
  } catch (err) {
    return { ...r, problems: [(err as Error).message] };
  }
  const pkl = entries.find((e) => e.name === 'data.pkl' || /^[^/]+\/data\.pkl$/.test(e.name));
  if (!pkl) return { ...r, problems: ['no data.pkl entry: not a torch.save zip checkpoint'] };
  const prefix = pkl.name.slice(0, -'data.pkl'.length);
  // torch's reader takes the archive's name from its first entry and refuses any entry outside it.
  if (!prefix) return { ...r, problems: ['data.pkl is not in a subdirectory (torch.load refuses a file in archive that is not in one)'] };
  const outside = entries.find((e) => !e.name.startsWith(prefix));
  if (outside) return { ...r, problems: [`${outside.name} is not in the archive's directory ${prefix} (torch.load refuses it)`] };
  // torch.load refuses an archive without its version record, or one of a version it cannot read.
  const version = entries.find((e) => e.name === `${prefix}version` || e.name === `${prefix}.data/version`);
  if (!version) return { ...r, problems: [`no ${prefix}version record (torch.load refuses it: Expected hasRecord("version"))`] };
  try {
    if (version.size > 64) return { ...r, problems: [`the version record is ${version.size} bytes, not a version number`] };
    const bad = await checkCrc(src, version);
    if (bad) return { ...r, problems: [bad] };
    const text = (await readEntry(src, version)).toString('latin1');
    const m = /^\s*(\d{1,19})/.exec(text);
    const v = m ? Number(m[1]) : NaN;
    if (!(v >= TORCH_VERSION_MIN && v <= TORCH_VERSION_MAX))
      return {
        ...r,
        problems: [`archive version ${JSON.stringify(text.slice(0, 20))} is not one torch.load reads (${TORCH_VERSION_MIN} to ${TORCH_VERSION_MAX})`],
      };
  } catch (err) {
    return { ...r, problems: [`the version record: ${(err as Error).message}`] };
  }
  let found;
  try {
    if (pkl.size > PKL_MAX) return { ...r, problems: [`data.pkl is ${pkl.size} bytes (at most ${PKL_MAX} are read)`] };
    const bad = await checkCrc(src, pkl);
    if (bad) return { ...r, problems: [bad] };
    found = tensorsIn(unpickle(await readEntry(src, pkl)));
  } catch (err) {
    return { ...r, problems: [`data.pkl: ${(err as Error).message}`] };
  }
  const byName = new Map(entries.map((e) => [e.name, e]));
  const storages = scannedStorages(found);
  for (const { name, tensor } of found) {
    const s = tensor.storage;
    const bad = viewProblem(tensor);
    if (bad) {
      r.problems.push(`${name}: ${bad}`);
      continue;
    }
    const item = DTYPE_BYTES[s.dtype] ?? 1;
    const numel = tensor.shape.reduce((a, d) => a * d, 1);
    const extent = tensor.shape.some((d) => d === 0) ? 0 : tensor.shape.reduce((a, d, i) => a + (d - 1) * (tensor.stride[i] ?? 0), 0) + 1;
    if (tensor.offset + extent > s.numel)
      r.problems.push(`${name}: the view (offset ${tensor.offset}, shape ${JSON.stringify(tensor.shape)}) runs past its storage of ${s.numel}`);
    r.tensors.push({ name, dtype: s.dtype, shape: tensor.shape, storage: s.key, bytes: numel * item });
  }
  const storageOf = new Map<string, PStorage>();
  for (const s of storages.values()) {
    const e = byName.get(`${prefix}data/${s.key}`);
    const want = s.numel * (DTYPE_BYTES[s.dtype] ?? 1);
    if (!e) r.problems.push(`storage ${s.key} (data/${s.key}) is missing`);
    // Shorter: torch 1.13 reads past the record (it accepts what it must not). Longer: torch ignores the rest.
    else if (e.size < want) r.problems.push(`storage ${s.key}: ${e.size} bytes, ${s.dtype} × ${s.numel} needs ${want}`);
    else {
      if (e.size > want)
        r.note = `${r.note ? `${r.note}; ` : ''}storage ${s.key} has ${e.size - want} bytes past what its tensors use (ignored, as torch.load does)`;
      storageOf.set(e.name, s);
    }
  }
  // One read per entry: its CRC32 and, for floating storages, the NaN/Inf count.
  for (const e of entries) {
    if (e === pkl) continue;
    const s = storageOf.get(e.name);
    const scan = s && FLOAT_DTYPES.has(s.dtype) ? s : undefined;
    let nonFinite = 0;
    try {
      // The pass collect made over these very bytes as they arrived, when it covered exactly this entry's range.
      const seen = scans && e.method === 0 && e.compressedSize === e.size ? scans.get(await dataOffset(src, e)) : undefined;
      const exact = !scan || e.size === scan.numel * (DTYPE_BYTES[scan.dtype] ?? 1);
      if (seen && seen.size === e.size && exact && (!scan || seen.dtype === scan.dtype)) {
        if (seen.crc !== e.crc) r.problems.push(`${e.name}: CRC32 mismatch (data damaged)`);
        nonFinite = scan ? seen.nonFinite : 0;
      } else {
        // Only the bytes the storage describes are values: what lies past them is ignored, as torch.load does.
        let left = scan ? scan.numel * (DTYPE_BYTES[scan.dtype] ?? 1) : 0;
        const bad = await checkCrc(
          src,
          e,
          scan
            ? (b) => {
                const part = b.length <= left ? b : b.subarray(0, left);
                left -= part.length;
                if (part.length) nonFinite += nonFiniteIn(part, scan.dtype);
              }
            : undefined,
        );
        if (bad) r.problems.push(bad);
      }
    } catch (err) {
      r.problems.push((err as Error).message);
    }
    if (scan && nonFinite)
      r.nonFinite.push({
        name:
          r.tensors
            .filter((t) => t.storage === scan.key)
            .map((t) => t.name)
            .join(', ') || `storage ${scan.key}`,
        count: nonFinite,
      });
  }
  if (r.problems.length) r.nonFinite = [];
  return { ...r, ok: r.problems.length === 0 && r.nonFinite.length === 0 };
}
