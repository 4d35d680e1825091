import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);

// src/record/names.ts
var BACKEND_NAMES = ["tmux", "setsid", "slurm"];
var PROVIDER_NAMES = ["ssh", "command", "lambda", "runpod", "vastai", "aws", "paperspace", "autodl", "slurm"];
var PREEMPTION_SIGNATURE = {
  ssh: "none",
  command: "none",
  lambda: "none",
  runpod: "unverified",
  vastai: "verified",
  aws: "verified",
  paperspace: "none",
  autodl: "none",
  slurm: "none"
};
var PREEMPTION_LEAVES = {
  aws: "EC2 terminated it: its EBS volumes are gone unless DeleteOnTermination was false (then they stay and bill)",
  vastai: "vast stopped it: its disk, with the run record and checkpoints, stays and bills until the instance is destroyed",
  runpod: "RunPod stopped it: its volume disk stays and bills (the container disk is wiped)"
};
var RECOVERY_COMMAND_MAX = 8192;
var RECOVERY_CELLS_MAX = 16384;
var VERBS = ["park", "destroy", "cancel"];
var AFTER_VERIFIED = ["none", "park", "destroy"];
var AFTER_VERIFIED_VERBS = {
  ssh: [],
  command: [],
  lambda: ["destroy"],
  runpod: ["park", "destroy"],
  vastai: ["park", "destroy"],
  aws: ["park", "destroy"],
  paperspace: ["park", "destroy"],
  autodl: [],
  slurm: []
};
var ENVIRONMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._ -]{0,99}$/;
var INSTANCE_ID = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/;

// src/record/hostkey.ts
import { createHash, createHmac } from "node:crypto";
function fingerprint(keyBlob) {
  return `SHA256:${createHash("sha256").update(keyBlob).digest("base64").replace(/=+$/, "")}`;
}
var FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;
function isFingerprint(s) {
  return FINGERPRINT.test(s);
}
function knownHostsName(host, port) {
  return port === 22 ? host : `[${host}]:${port}`;
}
function globMatch(pattern, name) {
  const p = pattern.toLowerCase();
  const n = name.toLowerCase();
  let i = 0;
  let j = 0;
  let star = -1;
  let mark = 0;
  while (j < n.length) {
    if (i < p.length && (p[i] === "?" || p[i] === n[j]) && p[i] !== "*") {
      i++;
      j++;
    } else if (i < p.length && p[i] === "*") {
      star = i++;
      mark = j;
    } else if (star >= 0) {
      i = star + 1;
      j = ++mark;
    } else return false;
  }
  while (i < p.length && p[i] === "*") i++;
  return i === p.length;
}
function patternMatches(pattern, name) {
  if (pattern.startsWith("|1|")) {
    const [, , salt, hash] = pattern.split("|");
    if (!salt || !hash) return false;
    return createHmac("sha1", Buffer.from(salt, "base64")).update(name).digest("base64") === hash;
  }
  return globMatch(pattern, name);
}
var KnownHostsError = class extends Error {
};
function keysForHost(text, host, port) {
  const name = knownHostsName(host, port);
  const keys = [];
  const revoked = [];
  let lines = 0;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const fields = line.split(/\s+/);
    let marker = "";
    if (fields[0]?.startsWith("@")) marker = fields.shift() ?? "";
    if (marker && marker !== "@cert-authority" && marker !== "@revoked")
      throw new KnownHostsError(`unknown marker ${JSON.stringify(marker.slice(0, 40))} (OpenSSH knows @cert-authority and @revoked)`);
    const [hosts, keyType, b64] = fields;
    if (!hosts || !keyType || !b64 || !/^[A-Za-z0-9+/]+=*$/.test(b64)) continue;
    lines++;
    if (marker === "@cert-authority") continue;
    const patterns = hosts.split(",");
    if (patterns.some((p) => p.startsWith("!") && patternMatches(p.slice(1), name))) continue;
    if (!patterns.some((p) => !p.startsWith("!") && patternMatches(p, name))) continue;
    const fp = fingerprint(Buffer.from(b64, "base64"));
    if (marker === "@revoked") revoked.push(fp);
    else keys.push({ keyType, fingerprint: fp });
  }
  return { keys, revoked, lines };
}
function knownHostsLine(host, port, blob) {
  const len = blob.readUInt32BE(0);
  const type = blob.subarray(4, 4 + len).toString("ascii");
  return `${knownHostsName(host, port)} ${type} ${blob.toString("base64")}`;
}

export {
  BACKEND_NAMES,
  PROVIDER_NAMES,
  PREEMPTION_SIGNATURE,
  PREEMPTION_LEAVES,
  RECOVERY_COMMAND_MAX,
  RECOVERY_CELLS_MAX,
  VERBS,
  AFTER_VERIFIED,
  AFTER_VERIFIED_VERBS,
  ENVIRONMENT_NAME,
  INSTANCE_ID,
  fingerprint,
  FINGERPRINT,
  isFingerprint,
  knownHostsName,
  KnownHostsError,
  keysForHost,
  knownHostsLine
};
