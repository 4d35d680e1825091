import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  KnownHostsError,
  isFingerprint,
  keysForHost,
  knownHostsName,
  require_lib
} from "./chunk-XMLX3SEP.js";
import {
  InputError,
  bool,
  host,
  number,
  plainPath,
  port,
  show,
  splitList,
  user
} from "./chunk-YO3N6WBP.js";
import {
  __toESM
} from "./chunk-R3K6G2KB.js";

// src/config/connection.ts
function parseConnection(inputs, env) {
  const host2 = host("host", inputs["host"]);
  const port2 = port("port", inputs["port"]);
  const user2 = user("user", inputs["user"]);
  const keyText = inputs["ssh-key"] ?? "";
  const keyPath = (inputs["ssh-key-path"] ?? "").trim();
  let key;
  if (keyText.trim() && keyPath) throw new InputError("ssh-key", "give either 'ssh-key' or 'ssh-key-path', not both");
  if (keyText.trim()) {
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(keyText)) {
      throw new InputError("ssh-key", "is not a private key (expected a -----BEGIN \u2026 PRIVATE KEY----- block; pass it from a secret)");
    }
    key = { kind: "content", text: keyText.replace(/\r\n/g, "\n").trim() + "\n" };
  } else if (keyPath) {
    plainPath("ssh-key-path", keyPath);
    key = { kind: "path", path: keyPath };
  } else if (env["SSH_AUTH_SOCK"]) {
    key = { kind: "agent", socket: env["SSH_AUTH_SOCK"] };
  } else {
    throw new InputError("ssh-key", "no key: set 'ssh-key' (from a secret), 'ssh-key-path' (a file on the runner), or run an ssh agent (SSH_AUTH_SOCK)");
  }
  const acceptNew = bool("accept-new-host-key", inputs["accept-new-host-key"], false);
  const knownHosts = inputs["known-hosts"] ?? "";
  const fpList = splitList(inputs["host-key-fingerprint"] ?? "");
  let pin;
  if (knownHosts.trim() || fpList.length) {
    if (acceptNew) throw new InputError("accept-new-host-key", "is true but a pinned key was also given; drop one of them");
    const fingerprints = [];
    const revoked = [];
    for (const fp of fpList) {
      if (!isFingerprint(fp))
        throw new InputError(
          "host-key-fingerprint",
          `${show(fp)} is not an OpenSSH SHA256 fingerprint (SHA256: followed by 43 base64 characters; see 'ssh-keygen -lf')`
        );
      fingerprints.push(fp);
    }
    if (knownHosts.trim()) {
      let found;
      try {
        found = keysForHost(knownHosts, host2, port2);
      } catch (err) {
        if (err instanceof KnownHostsError) throw new InputError("known-hosts", err.message);
        throw err;
      }
      if (found.lines === 0) throw new InputError("known-hosts", "holds no key lines (expected OpenSSH known_hosts lines, e.g. from ssh-keyscan)");
      if (found.keys.length === 0)
        throw new InputError("known-hosts", `has no key for ${knownHostsName(host2, port2)}; add one (ssh-keyscan -p ${port2} ${host2}) or fix host/port`);
      fingerprints.push(...found.keys.map((k) => k.fingerprint));
      revoked.push(...found.revoked);
    }
    pin = { kind: "pinned", fingerprints: [...new Set(fingerprints)], revoked };
  } else if (acceptNew) {
    pin = { kind: "accept-new" };
  } else {
    throw new InputError(
      "known-hosts",
      "the box's host key must be pinned: set 'known-hosts' or 'host-key-fingerprint' (or, loudly, accept-new-host-key: true)"
    );
  }
  const connectTimeoutMs = number("connect-timeout", inputs["connect-timeout"], 15, 1, 300) * 1e3;
  const attempts = number("connect-attempts", inputs["connect-attempts"], 3, 1, 10);
  if (!Number.isInteger(attempts)) throw new InputError("connect-attempts", "must be a whole number");
  return { host: host2, port: port2, user: user2, key, pin, connectTimeoutMs, attempts };
}

// src/ssh/keys.ts
var import_ssh2 = __toESM(require_lib(), 1);
import { readFileSync, statSync } from "node:fs";
function loadCredential(source) {
  if (source.kind === "agent") return { agent: source.socket };
  let text;
  if (source.kind === "path") {
    try {
      const st = statSync(source.path);
      if (!st.isFile()) throw new Error("not a regular file");
      text = readFileSync(source.path);
    } catch (err) {
      throw new InputError("ssh-key-path", `cannot read ${JSON.stringify(source.path)}: ${err.message}`);
    }
  } else {
    text = Buffer.from(source.text);
  }
  const input = source.kind === "path" ? "ssh-key-path" : "ssh-key";
  const parsed = import_ssh2.default.utils.parseKey(text);
  if (parsed instanceof Error) {
    const why = /encrypted|passphrase/i.test(parsed.message) ? "is protected by a passphrase; tether needs an unencrypted key (or an ssh agent)" : `is not a usable private key (${parsed.message})`;
    throw new InputError(input, why);
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key.isPrivateKey?.() === false) throw new InputError(input, "holds a public key, not a private key");
  return { privateKey: text };
}

export {
  parseConnection,
  loadCredential
};
