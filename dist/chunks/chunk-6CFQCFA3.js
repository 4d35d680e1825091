import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);

// src/patrol/signatures.ts
var SIGNATURES = [
  ["disk-full", /No space left on device|basic_ios::clear|unexpected pos \d+ vs \d+|Disk quota exceeded/],
  ["cuda-oom", /CUDA out of memory|torch\.(?:cuda\.)?OutOfMemoryError|CUDA error: out of memory/],
  ["nan", /\bloss\b[^\n]{0,24}\b(?:nan|inf)\b|Loss is (?:NaN|Inf)|non-finite loss|\bNaN (?:or Inf )?(?:found|detected) in (?:loss|gradients?)/i],
  ["oom", /Out of memory: Killed process|oom-kill:|Memory cgroup out of memory/],
  ["code-error", /Traceback \(most recent call last\)/]
];
var CRASH_HINT = "Traceback \\(most recent call last\\)|out of memory|OutOfMemoryError|No space left on device|basic_ios::clear|unexpected pos|Disk quota exceeded|oom-kill|Killed process|loss.{0,24}(nan|inf)|non-finite|NaN (or Inf )?(found|detected)";
function signatureIn(text) {
  for (const [cls, re] of SIGNATURES) if (re.test(text)) return cls;
  return null;
}
function classifyFailure(exitCode, signal, log, oomKillRose, stage = "") {
  if (stage === "stopped") return "stopped";
  const seen = signatureIn(log);
  if (seen && seen !== "code-error") return seen;
  const sig = signal ?? (exitCode > 128 ? String(exitCode - 128) : null);
  const killed = sig === "KILL" || sig === "9" || exitCode === 137;
  if (killed && oomKillRose) return "oom";
  if (seen === "code-error") return "code-error";
  if (killed) return "killed";
  if (sig === "TERM" || sig === "15" || exitCode === 143) return "preempted";
  return "other";
}

export {
  CRASH_HINT,
  signatureIn,
  classifyFailure
};
