import type { Reporter } from '../../src/report/reporter.ts';

export interface Captured extends Reporter {
  lines: string[];
  errors: string[];
  warnings: string[];
  outputs: Record<string, string>;
  summaries: string[];
  masked: string[];
}

export function captureReporter(): Captured {
  const c: Captured = {
    lines: [],
    errors: [],
    warnings: [],
    outputs: {},
    summaries: [],
    masked: [],
    info: (l) => void c.lines.push(l),
    warn: (l) => void c.warnings.push(l),
    error: (l) => void c.errors.push(l),
    mask: (v) => void c.masked.push(v),
    output: (n, v) => void (c.outputs[n] = v),
    summary: (md) => void c.summaries.push(md),
  };
  return c;
}
