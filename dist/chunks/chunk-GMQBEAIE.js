import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);

// src/ssh/errors.ts
var ADVICE = {
  auth_failed: "the box refused the key: check the user and that the public key is in ~/.ssh/authorized_keys on the box",
  host_key_mismatch: "the box presented a different host key than the pinned one: if the box was re-created, update known-hosts / host-key-fingerprint; otherwise treat it as an attack and do not connect",
  connection_refused: "nothing accepts SSH on that address and port: check the port (providers re-assign it when an instance is re-created) and that sshd runs",
  unreachable: "no answer from the box: check the provider console for balance, power or preemption, and the address and port",
  network: "the connection broke: retry later; if it repeats, check the box load and sshd MaxStartups"
};
var TransportError = class extends Error {
  constructor(kind, detail, presented) {
    super(`${kind}: ${detail}`);
    this.kind = kind;
    this.presented = presented;
    this.name = "TransportError";
    this.advice = ADVICE[kind];
  }
  kind;
  presented;
  advice;
};
function classify(err, hostKeyRejected) {
  if (hostKeyRejected) return "host_key_mismatch";
  const code = err.code ?? "";
  const msg = err.message ?? "";
  if (err.level === "client-authentication" || /authentication methods failed/i.test(msg)) return "auth_failed";
  if (code === "ECONNREFUSED") return "connection_refused";
  if (err.level === "client-timeout" || /timed out|keepalive timeout/i.test(msg)) return "unreachable";
  if (["ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EHOSTDOWN", "ENOTFOUND", "EAI_AGAIN"].includes(code)) return "unreachable";
  return "network";
}

export {
  TransportError,
  classify
};
