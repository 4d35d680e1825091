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
  KnownHostsError,
  RUN_ID,
  isFingerprint,
  keysForHost,
  knownHostsName
} from "./chunk-L5FHM4FN.js";

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

// src/config/connection.ts
function parseKeySource(inputs, env) {
  const keyText = inputs["ssh-key"] ?? "";
  const keyPath = (inputs["ssh-key-path"] ?? "").trim();
  if (keyText.trim() && keyPath) throw new InputError("ssh-key", "give either 'ssh-key' or 'ssh-key-path', not both");
  if (keyText.trim()) {
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(keyText)) {
      throw new InputError("ssh-key", "is not a private key (expected a -----BEGIN \u2026 PRIVATE KEY----- block; pass it from a secret)");
    }
    return { kind: "content", text: keyText.replace(/\r\n/g, "\n").trim() + "\n" };
  } else if (keyPath) {
    plainPath("ssh-key-path", keyPath);
    return { kind: "path", path: keyPath };
  } else if (env["SSH_AUTH_SOCK"]) {
    return { kind: "agent", socket: env["SSH_AUTH_SOCK"] };
  } else {
    throw new InputError(
      "ssh-key",
      "no key: set 'ssh-key' (from a secret), 'ssh-key-path' (a file on the runner), or run an ssh agent (SSH_AUTH_SOCK)",
      "no key: give --ssh-key-path ~/.ssh/<key>, or run an ssh agent (SSH_AUTH_SOCK) that holds it"
    );
  }
}
function parseSigningKey(inputs, env) {
  if (!(inputs["ssh-key"] ?? "").trim() && !(inputs["ssh-key-path"] ?? "").trim()) return null;
  return parseKeySource(inputs, env);
}
function parseOwnConnection(inputs, env) {
  return { key: parseKeySource(inputs, env), ...timeouts(inputs) };
}
function timeouts(inputs) {
  const connectTimeoutMs = number("connect-timeout", inputs["connect-timeout"], 15, 1, 300) * 1e3;
  const attempts = number("connect-attempts", inputs["connect-attempts"], 3, 1, 10);
  if (!Number.isInteger(attempts)) throw new InputError("connect-attempts", "must be a whole number");
  return { connectTimeoutMs, attempts };
}
function connectionTo(where, own) {
  const host2 = host("host", where.host);
  const port2 = port("port", String(where.port));
  const user2 = user("user", where.user);
  const fp = checkedFingerprint("host-key-fingerprint", where.hostKeyFingerprint);
  let jump = null;
  if (where.jump) {
    const j = parseJumpAddress(where.jump.address, user2);
    jump = { ...j, pin: { fingerprints: [checkedFingerprint("jump-host-key-fingerprint", where.jump.hostKeyFingerprint)], revoked: [] } };
  }
  return {
    host: host2,
    port: port2,
    user: user2,
    key: own.key,
    pin: { kind: "pinned", fingerprints: [fp], revoked: [] },
    connectTimeoutMs: own.connectTimeoutMs,
    attempts: own.attempts,
    jump
  };
}
var jumpAddress = (j) => `${j.user}@${j.host.includes(":") ? `[${j.host}]` : j.host}:${j.port}`;
function checkedFingerprint(input, fp) {
  if (!isFingerprint(fp))
    throw new InputError(input, `${show(fp)} is not an OpenSSH SHA256 fingerprint (SHA256: followed by 43 base64 characters; see 'ssh-keygen -lf')`);
  return fp;
}
function parseJumpAddress(raw, defaultUser) {
  const text = raw.trim();
  if (/[\s,]/.test(text))
    throw new InputError("jump-host", `${show(text)} is one jump host as [user@]host[:port]; tether follows one hop (no spaces or comma lists)`);
  const at = text.lastIndexOf("@");
  const user2 = at >= 0 ? user("jump-host", text.slice(0, at), "") : defaultUser;
  if (at >= 0 && !user2) throw new InputError("jump-host", `${show(text)} has an empty login before '@'`);
  const rest = at >= 0 ? text.slice(at + 1) : text;
  const bracket = /^\[([^\]]+)\](?::([^:]*))?$/.exec(rest);
  let hostText;
  let portText;
  if (bracket) [, hostText = "", portText] = bracket;
  else if ((rest.match(/:/g) ?? []).length === 1) [hostText = "", portText] = rest.split(":");
  else hostText = rest;
  const host2 = host("jump-host", hostText);
  if (portText !== void 0 && !portText.trim()) throw new InputError("jump-host", `${show(text)} ends in ':' with no port`);
  return { host: host2, port: port("jump-host", portText), user: user2 };
}
function pinFrom(fpInput, fpRaw, knownHosts, host2, port2, required) {
  const fingerprints = splitList(fpRaw).map((fp) => checkedFingerprint(fpInput, fp));
  const revoked = [];
  if (knownHosts.trim()) {
    let found;
    try {
      found = keysForHost(knownHosts, host2, port2);
    } catch (err) {
      if (err instanceof KnownHostsError) throw new InputError("known-hosts", err.message);
      throw err;
    }
    if (found.lines === 0) throw new InputError("known-hosts", "holds no key lines (expected OpenSSH known_hosts lines, e.g. from ssh-keyscan)");
    if (found.keys.length === 0 && required && !fingerprints.length)
      throw new InputError("known-hosts", `has no key for ${knownHostsName(host2, port2)}; add one (ssh-keyscan -p ${port2} ${host2}) or fix host/port`);
    fingerprints.push(...found.keys.map((k) => k.fingerprint));
    revoked.push(...found.revoked);
  }
  return fingerprints.length ? { fingerprints: [...new Set(fingerprints)], revoked } : null;
}
function parseJump(inputs, boxUser) {
  const raw = (inputs["jump-host"] ?? "").trim();
  const fpRaw = inputs["jump-host-key-fingerprint"] ?? "";
  if (!raw) {
    if (fpRaw.trim()) throw new InputError("jump-host-key-fingerprint", "is set but no 'jump-host' is given; drop it or name the jump host");
    return null;
  }
  const j = parseJumpAddress(raw, boxUser);
  const pin = pinFrom("jump-host-key-fingerprint", fpRaw, inputs["known-hosts"] ?? "", j.host, j.port, false);
  if (!pin)
    throw new InputError(
      "jump-host-key-fingerprint",
      `the jump host's key must be pinned too: set 'jump-host-key-fingerprint' or add a known-hosts line for ${knownHostsName(j.host, j.port)} (accept-new-host-key never covers a jump host)`
    );
  return { ...j, pin };
}
function parseConnection(inputs, env) {
  const host2 = host("host", inputs["host"]);
  const port2 = port("port", inputs["port"]);
  const user2 = user("user", inputs["user"]);
  const key = parseKeySource(inputs, env);
  const acceptNew = bool("accept-new-host-key", inputs["accept-new-host-key"], false);
  const knownHosts = inputs["known-hosts"] ?? "";
  const fpRaw = inputs["host-key-fingerprint"] ?? "";
  let pin;
  const jump = parseJump(inputs, user2);
  const boxInKnownHosts = !!knownHosts.trim() && (!jump || keysForHostQuiet(knownHosts, host2, port2));
  if (boxInKnownHosts || splitList(fpRaw).length) {
    if (acceptNew) throw new InputError("accept-new-host-key", "is true but a pinned key was also given; drop one of them");
    const found = pinFrom("host-key-fingerprint", fpRaw, boxInKnownHosts ? knownHosts : "", host2, port2, true);
    pin = { kind: "pinned", fingerprints: found?.fingerprints ?? [], revoked: found?.revoked ?? [] };
  } else if (acceptNew) {
    pin = { kind: "accept-new" };
  } else {
    throw new InputError(
      "known-hosts",
      "the box's host key must be pinned: set 'known-hosts' or 'host-key-fingerprint' (or, loudly, accept-new-host-key: true)"
    );
  }
  return { host: host2, port: port2, user: user2, key, pin, ...timeouts(inputs), jump };
}
function keysForHostQuiet(text, host2, port2) {
  try {
    const found = keysForHost(text, host2, port2);
    return found.keys.length > 0 || found.revoked.length > 0;
  } catch {
    return true;
  }
}

export {
  plainPath,
  show,
  runId,
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
  parseSigningKey,
  parseOwnConnection,
  connectionTo,
  jumpAddress,
  parseConnection
};
