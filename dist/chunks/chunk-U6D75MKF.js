import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  InputError
} from "./chunk-3B7SBFZS.js";
import {
  RUN_ID
} from "./chunk-FHK73RDK.js";

// src/config/values.ts
import { isIP } from "node:net";
var CONTROL = /[\u0000-\u001f\u007f]/;
function plainPath(input, v) {
  if (v && CONTROL.test(v)) throw new InputError(input, "contains a control character");
}
function show(value) {
  const cut = value.length > 60 ? `${value.slice(0, 60)}\u2026` : value;
  return JSON.stringify(cut);
}
function runId(input, raw) {
  const v = (raw ?? "").trim();
  if (!v) throw new InputError(input, "is required (letters, digits, . _ -, at most 64 characters)");
  if (!RUN_ID.test(v) || v.startsWith("-") || v.startsWith(".")) {
    throw new InputError(input, `${show(v)} is not a run id: use 1-64 of A-Z a-z 0-9 . _ -, not starting with '.' or '-'`);
  }
  return v;
}
function host(input, raw) {
  const v = (raw ?? "").trim();
  if (!v) throw new InputError(input, "is required (a host name or IP address)");
  const bare = v.startsWith("[") && v.endsWith("]") ? v.slice(1, -1) : v;
  const hostname = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
  if (isIP(bare) !== 0 || hostname.test(bare) && !/^[0-9.]+$/.test(bare)) return bare;
  throw new InputError(
    input,
    `${show(v)} is not a host name or IP address (no spaces, options like '-o\u2026', users like 'user@', or ports; use the 'port' and 'user' inputs)`
  );
}
function port(input, raw, fallback = 22) {
  const v = (raw ?? "").trim();
  if (!v) return fallback;
  if (!/^[0-9]{1,5}$/.test(v) || Number(v) < 1 || Number(v) > 65535) {
    throw new InputError(input, `${show(v)} is not a TCP port (a whole number 1-65535)`);
  }
  return Number(v);
}
function user(input, raw, fallback = "root") {
  const v = (raw ?? "").trim();
  if (!v) return fallback;
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$/.test(v)) {
    throw new InputError(input, `${show(v)} is not a login name (letters, digits, _ . -, at most 32, not starting with '-')`);
  }
  return v;
}
function remotePath(input, raw, fallback) {
  const v = (raw ?? "").trim();
  if (!v) {
    if (fallback !== void 0) return fallback;
    throw new InputError(input, "is required (an absolute path or ~/path on the box)");
  }
  if (v.length > 1024) throw new InputError(input, `is ${v.length} characters long; at most 1024`);
  if (CONTROL.test(v)) throw new InputError(input, `${show(v)} contains a control character (newline, tab, NUL \u2026)`);
  if (!(v === "~" || v.startsWith("/") || v.startsWith("~/"))) {
    throw new InputError(input, `${show(v)} must be absolute ('/data/runs') or under the home directory ('~/runs')`);
  }
  if (v.split("/").some((part) => part === "..")) throw new InputError(input, `${show(v)} contains a '..' component`);
  return v.length > 1 ? v.replace(/\/+$/, "") : v;
}
function globs(input, raw) {
  const items = splitList(raw ?? "");
  for (const g of items) {
    if (g.length > 512) throw new InputError(input, `pattern ${show(g)} is longer than 512 characters`);
    if (CONTROL.test(g)) throw new InputError(input, `pattern ${show(g)} contains a control character`);
    if (g.startsWith("/") || g.startsWith("~")) throw new InputError(input, `pattern ${show(g)} must be relative to the workdir`);
    if (g.split("/").some((part) => part === "..")) throw new InputError(input, `pattern ${show(g)} escapes the workdir with '..'`);
  }
  if (items.length > 64) throw new InputError(input, `has ${items.length} patterns; at most 64`);
  return items;
}
function splitList(raw) {
  return raw.split(/[\n,]/).map((s) => s.trim()).filter((s) => s.length > 0);
}
var RESERVED_ENV = /* @__PURE__ */ new Set([
  "BASH_ENV",
  "ENV",
  "SHELLOPTS",
  "BASHOPTS",
  "IFS",
  "PS4",
  "PROMPT_COMMAND",
  "LD_PRELOAD",
  "LD_AUDIT",
  "HOME",
  "PATH",
  "SHELL",
  "USER",
  "LOGNAME",
  "PWD",
  "OLDPWD",
  "TMUX"
]);
function envName(input, name) {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(name)) {
    throw new InputError(input, `${show(name)} is not an environment variable name (letters, digits, _, not starting with a digit)`);
  }
  if (RESERVED_ENV.has(name) || name.startsWith("TETHER_") || name.startsWith("BASH_FUNC_")) {
    throw new InputError(input, `${show(name)} is reserved (it changes how the shell or loader start, or belongs to tether); use another name`);
  }
  return name;
}
function envLines(input, raw) {
  const out = [];
  const seen = /* @__PURE__ */ new Set();
  for (const line of (raw ?? "").split("\n")) {
    if (!line.trim() || line.trimStart().startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq < 0) throw new InputError(input, `line ${show(line)} is not NAME=value`);
    const name = envName(input, line.slice(0, eq).trim());
    const value = line.slice(eq + 1).replace(/\r$/, "");
    if (value.includes("\0")) throw new InputError(input, `value of ${name} contains a NUL byte`);
    if (value.length > 32768) throw new InputError(input, `value of ${name} is longer than 32768 characters`);
    if (seen.has(name)) throw new InputError(input, `${name} is given twice`);
    seen.add(name);
    out.push([name, value]);
  }
  if (out.length > 256) throw new InputError(input, `has ${out.length} variables; at most 256`);
  return out;
}
function names(input, raw) {
  const list = (raw ?? "").split(/[\s,]+/).filter(Boolean);
  const seen = /* @__PURE__ */ new Set();
  for (const n of list) {
    envName(input, n);
    if (seen.has(n)) throw new InputError(input, `${n} is given twice`);
    seen.add(n);
  }
  return list;
}
function command(input, raw, required) {
  const v = raw ?? "";
  if (!v.trim()) {
    if (required) throw new InputError(input, "is required (the command line to run on the box)");
    return void 0;
  }
  if (v.includes("\0")) throw new InputError(input, "contains a NUL byte");
  if (v.length > 65536) throw new InputError(input, `is ${v.length} characters long; at most 65536 (put long scripts in a file in the workdir)`);
  return v;
}
function oneOf(input, raw, allowed, fallback) {
  const v = (raw ?? "").trim();
  if (!v) return fallback;
  if (allowed.includes(v)) return v;
  throw new InputError(input, `${show(v)} is not one of: ${allowed.join(", ")}`);
}
function bool(input, raw, fallback) {
  const v = (raw ?? "").trim();
  if (!v) return fallback;
  if (["true", "True", "TRUE"].includes(v)) return true;
  if (["false", "False", "FALSE"].includes(v)) return false;
  throw new InputError(input, `${show(v)} is not a boolean (true or false)`);
}
function number(input, raw, fallback, min, max) {
  const v = (raw ?? "").trim();
  if (!v) return fallback;
  if (!/^[0-9]+(\.[0-9]+)?$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new InputError(input, `${show(v)} is not a number from ${min} to ${max}`);
  }
  return Number(v);
}
function duration(input, raw, fallback) {
  const v = (raw ?? "").trim();
  if (!v) return fallback;
  if (/^[0-9]{1,9}$/.test(v)) return Number(v);
  const m = /^(?:(\d{1,4})d)?(?:(\d{1,5})h)?(?:(\d{1,6})m)?(?:(\d{1,8})s)?$/.exec(v);
  if (!m || v === "") throw new InputError(input, `${show(v)} is not a duration (e.g. 90m, 12h, 1h30m, 2d, or seconds)`);
  const [, d, h, mi, s] = m;
  return Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(mi ?? 0) * 60 + Number(s ?? 0);
}
var SIZE_UNITS = { "": 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };
function size(input, raw, fallback) {
  const v = (raw ?? "").trim();
  if (!v) return fallback;
  const m = /^([0-9]{1,12}(?:\.[0-9]{1,6})?)\s*([kmgt]i?b|b)?$/i.exec(v);
  const unit = SIZE_UNITS[(m?.[2] ?? "").toLowerCase()];
  if (!m || unit === void 0) throw new InputError(input, `${show(v)} is not a size (e.g. 500MB, 2GB, 1.5GiB, or bytes)`);
  return Math.round(Number(m[1]) * unit);
}
function apiUrl(input, raw) {
  const v = (raw ?? "").trim();
  if (!v) return void 0;
  if (!/^https:\/\/[^\s/]+/.test(v) && !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/.test(v))
    throw new InputError(input, "must be https:// (or http:// on loopback, for a local proxy or test double)");
  return v;
}
function awsRegion(input, raw) {
  const v = (raw ?? "").trim();
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(v)) throw new InputError(input, `${v ? `${show(v)} is not` : "is required:"} an AWS region like us-east-1`);
  return v;
}
function requireAwsCredentials(input, env) {
  if (!env["AWS_ACCESS_KEY_ID"] || !env["AWS_SECRET_ACCESS_KEY"])
    throw new InputError(
      input,
      "provider aws needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment (e.g. from aws-actions/configure-aws-credentials)"
    );
}

export {
  plainPath,
  show,
  runId,
  host,
  port,
  user,
  remotePath,
  globs,
  splitList,
  envLines,
  names,
  command,
  oneOf,
  bool,
  number,
  duration,
  size,
  apiUrl,
  awsRegion,
  requireAwsCredentials
};
