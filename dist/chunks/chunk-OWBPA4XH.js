import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);

// src/record/progress.ts
var METRIC = /['"]?\b(loss|train_loss|val_loss|eval_loss|valid_loss|acc|accuracy|val_acc|eval_accuracy|lr|learning_rate|grad_norm|ppl|perplexity|reward)\b['"]?\s*(?:[=:]\s*|\s+)([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|nan|inf)\b/gi;
var EPOCH = /\bepoch\b\s*[[(:=]?\s*(\d+)\s*(?:\/|of)\s*(\d+)/gi;
var EPOCH_FLOAT = /['"]epoch['"]\s*:\s*([\d.]+)/g;
var STEP = /\b(?:global_step|step|iter(?:ation)?)\b\s*[[(:=]?\s*(\d+)/gi;
function last(re, text, pick) {
  let out = null;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) out = pick(m);
  return out;
}
function parseProgress(tail, extra = []) {
  const metrics = {};
  METRIC.lastIndex = 0;
  for (let m = METRIC.exec(tail); m; m = METRIC.exec(tail)) {
    const v = (m[2] ?? "").toLowerCase();
    metrics[(m[1] ?? "").toLowerCase()] = v === "nan" ? NaN : v === "inf" ? Infinity : Number(v);
  }
  let epoch = last(EPOCH, tail, (m) => `${m[1]}/${m[2]}`) ?? last(EPOCH_FLOAT, tail, (m) => m[1] ?? "");
  let step = last(STEP, tail, (m) => Number(m[1]));
  for (const re of extra) {
    const g = new RegExp(re.source, re.flags.includes("g") ? re.flags : `${re.flags}g`);
    const groups = last(g, tail, (m) => m.groups ?? {});
    if (!groups) continue;
    for (const [k, v] of Object.entries(groups)) {
      if (v === void 0) continue;
      if (k === "step") step = Number(v);
      else if (k === "epoch") epoch = v;
      else if (!Number.isNaN(Number(v))) metrics[k] = Number(v);
    }
  }
  return { step, epoch, metrics: boundMetrics(metrics) };
}
var METRIC_KEYS_MAX = 16;
function boundMetrics(m) {
  const keys = Object.keys(m).filter((k) => k.length <= 40);
  const first = ["loss", "train_loss"].filter((k) => keys.includes(k));
  const rest = keys.filter((k) => !first.includes(k));
  return Object.fromEntries([...first, ...rest].slice(0, METRIC_KEYS_MAX).map((k) => [k, m[k]]));
}

export {
  parseProgress
};
