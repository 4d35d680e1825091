import { writeFileSync } from 'node:fs';
import type { Box } from './box.ts';

/** The fields of tether's GPU query, in the order the fixtures' CSV rows hold them (test/fixtures/nvidia-smi.ts). */
const FIELDS = [
  'index',
  'name',
  'memory.total',
  'memory.used',
  'utilization.gpu',
  'temperature.gpu',
  'clocks.sm',
  'clocks.max.sm',
  'clocks_throttle_reasons.active',
];

/** `n` idle H100s in nvidia-smi's real CSV form (index, name, … as fixtures/nvidia-smi.ts `h100Idle`). */
export function h100s(n: number): string {
  return Array.from({ length: n }, (_, i) => `${i}, NVIDIA H100 80GB HBM3, 81559, 1, 0, 31, 345, 1980, 0x0000000000000001\n`).join('');
}

/**
 * A fake `nvidia-smi` on the box's PATH that answers `--query-gpu=<fields> --format=csv,noheader[,nounits]`
 * with the requested columns of `csv` (rows in FIELDS order), as the real one does; anything else prints a
 * banner line.
 */
export function fakeGpus(box: Box, csv: string): void {
  writeFileSync(`${box.bin}/nvidia-smi.csv`, csv);
  const script = `#!/bin/bash
fields=''
for a in "$@"; do case $a in --query-gpu=*) fields=\${a#--query-gpu=} ;; esac; done
if [ -z "$fields" ]; then echo "NVIDIA-SMI 550.54.15"; exit 0; fi
awk -v want="$fields" -v all="${FIELDS.join(',')}" 'BEGIN { FS = ", "; n = split(want, w, ","); m = split(all, a, ","); for (i = 1; i <= m; i++) pos[a[i]] = i }
  { line = ""; for (i = 1; i <= n; i++) { if (!(w[i] in pos)) { print "Field \\"" w[i] "\\" is not a valid field to query."; exit 2 } line = line (i > 1 ? ", " : "") $pos[w[i]] } print line }' "$(dirname "$0")/nvidia-smi.csv"
`;
  writeFileSync(`${box.bin}/nvidia-smi`, script, { mode: 0o755 });
}
