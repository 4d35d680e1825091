/**
 * The scan a checkpoint's bytes go through as they land (collect's stream; the verifiers read its results
 * instead of the file again): a zip walk with each entry's CRC and a torch checkpoint's NaN/Inf scan. The
 * shells ask for one per file and never wire a verifier's internals themselves. Pure.
 */
import { storageDtypes, TORCH_PKL_MAX } from './verifiers/torch.ts';
import { ZipStreamScan, type StreamScans } from './verifiers/zip-stream.ts';

export type { StreamScans };

/** What a scan gives back once its file has arrived. */
export interface StreamScan {
  write(chunk: Buffer): void;
  scans(): StreamScans | undefined;
}

/** A fresh scan for one file's bytes (a torch zip; other formats are read after arrival). */
export function streamScanFor(_path: string): StreamScan {
  const z = new ZipStreamScan(storageDtypes, TORCH_PKL_MAX);
  return { write: (chunk) => z.write(chunk), scans: () => z.scans };
}
