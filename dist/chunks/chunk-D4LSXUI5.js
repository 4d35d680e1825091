import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  bool,
  host,
  number,
  plainPath,
  port,
  show,
  splitList,
  user
} from "./chunk-U6D75MKF.js";
import {
  InputError
} from "./chunk-3B7SBFZS.js";
import {
  KnownHostsError,
  isFingerprint,
  keysForHost,
  knownHostsName
} from "./chunk-3ZXXC4EP.js";

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
  parseKeySource,
  parseSigningKey,
  parseOwnConnection,
  connectionTo,
  jumpAddress,
  parseConnection
};
