/** Step, epoch and metrics read from the tail of a training log (common formats). Pure. */
export interface Progress {
  step: number | null;
  epoch: string | null;
  metrics: Record<string, number>;
}

const METRIC =
  /['"]?\b(loss|train_loss|val_loss|eval_loss|valid_loss|acc|accuracy|val_acc|eval_accuracy|lr|learning_rate|grad_norm|ppl|perplexity|reward)\b['"]?\s*(?:[=:]\s*|\s+)([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|nan|inf)\b/gi;
const EPOCH = /\bepoch\b\s*[[(:=]?\s*(\d+)\s*(?:\/|of)\s*(\d+)/gi;
const EPOCH_FLOAT = /['"]epoch['"]\s*:\s*([\d.]+)/g;
const STEP = /\b(?:global_step|step|iter(?:ation)?)\b\s*[[(:=]?\s*(\d+)/gi;

function last<T>(re: RegExp, text: string, pick: (m: RegExpExecArray) => T): T | null {
  let out: T | null = null;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) out = pick(m);
  return out;
}

/** `extra` are user regexes with named groups `step`, `epoch` or any metric name. */
export function parseProgress(tail: string, extra: RegExp[] = []): Progress {
  const metrics: Record<string, number> = {};
  METRIC.lastIndex = 0;
  for (let m = METRIC.exec(tail); m; m = METRIC.exec(tail)) {
    const v = (m[2] ?? '').toLowerCase();
    metrics[(m[1] ?? '').toLowerCase()] = v === 'nan' ? NaN : v === 'inf' ? Infinity : Number(v);
  }
  let epoch = last(EPOCH, tail, (m) => `${m[1]}/${m[2]}`) ?? last(EPOCH_FLOAT, tail, (m) => m[1] ?? '');
  let step = last(STEP, tail, (m) => Number(m[1]));
  for (const re of extra) {
    const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
    const groups = last(g, tail, (m) => m.groups ?? {});
    if (!groups) continue;
    for (const [k, v] of Object.entries(groups)) {
      if (v === undefined) continue;
      if (k === 'step') step = Number(v);
      else if (k === 'epoch') epoch = v;
      else if (!Number.isNaN(Number(v))) metrics[k] = Number(v);
    }
  }
  return { step, epoch, metrics: boundMetrics(metrics) };
}

/** Metric keys kept per run or cell (loss first, then in the order the log named them), each key at most 40 characters. */
export const METRIC_KEYS_MAX = 16;

/** The bounded metrics: a log that names a thousand metrics cannot grow the status or its memory. Pure. */
export function boundMetrics(m: Record<string, number>): Record<string, number> {
  const keys = Object.keys(m).filter((k) => k.length <= 40);
  const first = ['loss', 'train_loss'].filter((k) => keys.includes(k));
  const rest = keys.filter((k) => !first.includes(k));
  return Object.fromEntries([...first, ...rest].slice(0, METRIC_KEYS_MAX).map((k) => [k, m[k] as number]));
}
