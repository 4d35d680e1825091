import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  dataLines,
  parseJsonLine,
  runScript
} from "./chunk-44RXEGAD.js";
import {
  ATTEMPT_MAX,
  BoxDataError,
  arr,
  bool,
  int,
  obj,
  str
} from "./chunk-NSC5ULHP.js";
import {
  code
} from "./chunk-DYCU5SPG.js";

// src/teardown/facts.ts
var PROVIDERS = ["ssh", "command", "lambda", "runpod", "vastai", "aws"];
var VERBS = ["park", "destroy"];
var FACTS = {
  ssh: {
    title: "any SSH box",
    credentials: "ssh",
    park: {
      action: "`sudo -n poweroff` on the box",
      reversible: true,
      survives: "the disks, if the provider keeps a stopped machine",
      keepsBilling: "whatever the provider bills for a powered-off machine; on Lambda an in-OS shutdown leaves the instance in Alert and it KEEPS BILLING"
    },
    destroy: null,
    missing: { destroy: "an SSH box cannot destroy itself: use the provider API (lambda, runpod, vastai, aws) or provider: command" },
    traps: [
      "a forgotten box bills 24/7: nothing releases it automatically",
      "Lambda: shutdown from inside the OS keeps billing (Alert state); use provider: lambda"
    ],
    verified: "2026-06"
  },
  command: {
    title: "your teardown command",
    credentials: "command",
    park: {
      action: "your `teardown-command` with TETHER_VERB=park",
      reversible: true,
      survives: "as your command decides",
      keepsBilling: "as your provider bills a parked machine"
    },
    destroy: {
      action: "your `teardown-command` with TETHER_VERB=destroy",
      reversible: false,
      survives: "as your command decides",
      keepsBilling: "anything your command does not delete (volumes, IPs, snapshots)"
    },
    traps: ["tether only knows the exit status of your command: check the provider console afterwards"],
    verified: "2026-06"
  },
  lambda: {
    title: "Lambda Cloud",
    credentials: "api-key",
    park: null,
    destroy: {
      action: "terminate (`POST /instance-operations/terminate`)",
      reversible: false,
      survives: "NFS file systems (`/lambda/nfs/<name>`); the local NVMe is erased",
      keepsBilling: "NFS file systems ($0.20/GiB/month) until you delete them"
    },
    missing: { park: "Lambda has no stop or suspend state, and `sudo shutdown` leaves the instance in Alert, still billing: only terminate stops the meter" },
    traps: ["in-OS shutdown keeps billing (Alert state)", "the terminate call can hang: tether times out and re-queries the instance"],
    verified: "2026-06"
  },
  runpod: {
    title: "RunPod",
    credentials: "api-key",
    park: {
      action: "stop (`POST /pods/{id}/stop`)",
      reversible: true,
      survives: "the volume disk `/workspace` and any Network Volume; the container disk is wiped",
      keepsBilling: "the volume disk, billed at 2\xD7 while stopped; the pod may come back with zero GPUs; stopped pods are removed after ~30 days"
    },
    destroy: {
      action: "terminate (`DELETE /pods/{id}`)",
      reversible: false,
      survives: "Network Volumes only; container and volume disks are deleted",
      keepsBilling: "Network Volumes until you delete them"
    },
    traps: [
      "stop does not stop the meter for storage: the volume disk bills 2\xD7",
      "a delete answering 200 is not proof: tether polls until the pod is gone (404)"
    ],
    verified: "2026-06"
  },
  vastai: {
    title: "vast.ai",
    credentials: "api-key",
    park: {
      action: "stop (`PUT /instances/{id}/` state=stopped)",
      reversible: true,
      survives: 'the instance disk; the GPU may be taken by someone else ("Scheduling" forever)',
      keepsBilling: "the disk, forever (even at a negative balance), and bandwidth in every state"
    },
    destroy: {
      action: "destroy (`DELETE /instances/{id}/`)",
      reversible: false,
      survives: "nothing on the box; only copies you made off it",
      keepsBilling: "volumes until you delete them"
    },
    traps: ["stop bills the disk forever", "destroy is eventually consistent: tether polls until the instance is gone"],
    verified: "2026-06"
  },
  aws: {
    title: "AWS EC2",
    credentials: "aws",
    park: { action: "StopInstances", reversible: true, survives: "EBS volumes; instance-store disks are erased", keepsBilling: "EBS volumes and Elastic IPs" },
    destroy: {
      action: "TerminateInstances",
      reversible: false,
      survives: "EBS volumes not marked DeleteOnTermination, and snapshots",
      keepsBilling: "unattached EBS volumes, snapshots and unassociated Elastic IPs"
    },
    traps: ["a stopped instance still bills its EBS volumes", "volumes without DeleteOnTermination outlive the instance"],
    verified: "2026-06"
  }
};
function monthsSince(stamp, now) {
  const [y, m] = stamp.split("-").map(Number);
  return (now.getUTCFullYear() - (y ?? 0)) * 12 + (now.getUTCMonth() + 1 - (m ?? 0));
}
function instanceIdFor(provider, given, box) {
  return given.trim() || (provider === "ssh" && box && box.host ? `${box.host}:${box.port}` : "");
}
var INSTANCE_ID = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/;

// src/record/manifest.ts
var MANIFEST_SCHEMA = "tether.manifest/v1";
var SAFE_PATH = /^(?:[A-Za-z0-9_][A-Za-z0-9._-]*\/)*[A-Za-z0-9_][A-Za-z0-9._-]*$/;
var RECORD_NAME = /(^|\/)(verified\.json|manifest\.json)$|\.(part|tmp)$/i;
var MANIFEST_FILES_MAX = 1e5;
function parseManifest(raw, runId) {
  const m = obj(raw, "manifest");
  if (typeof m["error"] === "string") throw new BoxDataError(`manifest refused on the box: ${m["error"].slice(0, 500)}`);
  if (m["schema"] !== MANIFEST_SCHEMA)
    throw new BoxDataError(`manifest schema is ${JSON.stringify(String(m["schema"]).slice(0, 64))}, expected ${MANIFEST_SCHEMA}: refusing an unknown version`);
  if (m["run_id"] !== runId) throw new BoxDataError(`manifest is for run ${JSON.stringify(String(m["run_id"]).slice(0, 64))}, not ${runId}`);
  const list = arr(m, "files", "manifest", MANIFEST_FILES_MAX);
  if (list.length === 0) throw new BoxDataError("manifest lists no files");
  const seen = /* @__PURE__ */ new Set();
  let total = 0;
  const files = list.map((x, i) => {
    const f = obj(x, `manifest.files[${i}]`);
    const path = str(f, "path", `manifest.files[${i}]`, { max: 4096 });
    if (!SAFE_PATH.test(path)) throw new BoxDataError(`manifest has an unsafe path ${JSON.stringify(path.slice(0, 200))}`);
    if (RECORD_NAME.test(path))
      throw new BoxDataError(
        `manifest lists ${path}, a name tether keeps for its own records (manifest.json, VERIFIED.json, .part, .tmp): rename the checkpoint on the box`
      );
    if (seen.has(path)) throw new BoxDataError(`manifest lists ${path} twice`);
    seen.add(path);
    const bytes = f["bytes"];
    if (typeof bytes !== "number" || !Number.isSafeInteger(bytes) || bytes < 0) throw new BoxDataError(`manifest size of ${path} is not a byte count`);
    const sha256 = f["sha256"];
    if (typeof sha256 !== "string" || !/^[0-9a-f]{64}$/.test(sha256)) throw new BoxDataError(`manifest sha256 of ${path} is not a sha256`);
    total += bytes;
    return { path, bytes, sha256 };
  });
  const workdir = str(m, "workdir", "manifest", { max: 4096 });
  if (!workdir.startsWith("/")) throw new BoxDataError("manifest has no absolute workdir");
  if (m["file_count"] !== files.length || m["total_bytes"] !== total || !Number.isSafeInteger(total))
    throw new BoxDataError("manifest totals do not match its file list");
  return {
    schema: MANIFEST_SCHEMA,
    run_id: runId,
    attempt: int(m, "attempt", "manifest", { min: 0, max: ATTEMPT_MAX }),
    created_at: str(m, "created_at", "manifest", { max: 64 }),
    latest_only: bool(m, "latest_only", "manifest"),
    file_count: files.length,
    total_bytes: total,
    files,
    workdir
  };
}

// src/remote/manifest.ts
async function buildManifest(session, runRoot, runId, opts) {
  const data = dataLines(opts.roster.length ? { roster: opts.roster.join("\n") } : {});
  const r = await runScript(session, "manifest", [runRoot, runId, opts.latestOnly ? "1" : "0"], { data, timeoutMs: 36e5, maxOutput: 64 << 20 });
  const raw = parseJsonLine("manifest", r);
  const manifest = parseManifest(raw, runId);
  const text = r.stdout.trim().split("\n").filter((l) => l.startsWith("{")).pop() ?? "";
  return { manifest, text: `${text}
` };
}

// src/report/bytes.ts
function human(b) {
  return b >= 1e9 ? `${(b / 1e9).toFixed(2)} GB` : b >= 1e6 ? `${(b / 1e6).toFixed(1)} MB` : `${(b / 1e3).toFixed(1)} kB`;
}

// src/teardown/card.ts
function renderCard(c) {
  const p = FACTS[c.provider];
  const f = p[c.verb];
  const other = c.verb === "park" ? "destroy" : "park";
  const o = p[other];
  const lines = [`#### Teardown card \u2014 ${code(c.runId)}`, "", "| | |", "|---|---|"];
  lines.push(`| provider | ${p.title} (\`${c.provider}\`) |`, `| instance | ${code(c.instanceId)} |`);
  if (!f) {
    lines.push(`| verb | **${c.verb}** \u2014 not available: ${p.missing?.[c.verb] ?? "not offered by this provider"} |`);
  } else {
    lines.push(
      `| verb | **${c.verb}**: ${f.action} |`,
      `| reversible | ${f.reversible ? "yes" : "**NO** \u2014 this cannot be undone"} |`,
      `| survives | ${f.survives} |`,
      `| keeps billing | ${f.keepsBilling} |`
    );
  }
  lines.push(
    `| instead, ${other} | ${o ? `${o.action}: ${o.reversible ? "reversible" : "irreversible"}; keeps billing: ${o.keepsBilling}` : p.missing?.[other] ?? "not offered"} |`
  );
  lines.push(`| verified | ${c.verified ? `${c.verified.files} files, ${human(c.verified.bytes)} (VERIFIED.json)` : "**nothing verified**"} |`);
  lines.push("", ...p.traps.map((t) => `- \u26A0\uFE0F ${t}`));
  const age = monthsSince(p.verified, c.now);
  if (age > 6) lines.push(`- \u26A0\uFE0F these ${p.title} facts were last checked ${p.verified} (${age} months ago): confirm them on the provider's pricing page`);
  return lines.join("\n");
}

// src/record/verified.ts
import { createHash } from "node:crypto";
var VERIFIED_SCHEMA = "tether.verified/v1";
function manifestSha256(manifestText) {
  return createHash("sha256").update(manifestText).digest("hex");
}
function filesSha256(m) {
  const lines = [...m.files].sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0).map((f) => `${f.path}\0${f.bytes}\0${f.sha256}
`);
  return createHash("sha256").update(lines.join("")).digest("hex");
}
function verifiedJson(m, manifestText, at, box, verifiers) {
  const doc = {
    box: Object.fromEntries(Object.entries(box).sort(([a], [b]) => a.localeCompare(b))),
    bytes: m.total_bytes,
    file_count: m.file_count,
    files_sha256: filesSha256(m),
    manifest_sha256: manifestSha256(manifestText),
    run_id: m.run_id,
    attempt: m.attempt,
    latest_only: m.latest_only,
    schema: VERIFIED_SCHEMA,
    verified_at: at.toISOString(),
    verifiers
  };
  return JSON.stringify(Object.fromEntries(Object.entries(doc).sort(([a], [b]) => a.localeCompare(b))), null, 2) + "\n";
}

export {
  PROVIDERS,
  VERBS,
  FACTS,
  instanceIdFor,
  INSTANCE_ID,
  parseManifest,
  buildManifest,
  human,
  renderCard,
  VERIFIED_SCHEMA,
  manifestSha256,
  filesSha256,
  verifiedJson
};
