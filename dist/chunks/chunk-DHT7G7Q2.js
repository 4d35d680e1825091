import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  loadCredential
} from "./chunk-C5X3PL2Z.js";
import {
  fingerprint
} from "./chunk-3ZXXC4EP.js";
import {
  require_lib
} from "./chunk-EPCPIVQ4.js";
import {
  __toESM
} from "./chunk-R3K6G2KB.js";

// src/ssh/sign.ts
var import_ssh2 = __toESM(require_lib(), 1);
import { hkdfSync } from "node:crypto";
var hashFor = (k) => k.type === "ssh-rsa" ? "sha512" : void 0;
function privateKeyOf(cred) {
  if (!("privateKey" in cred))
    throw new Error("a registration is signed with the SSH private key; an ssh agent cannot sign it here (give ssh-key or ssh-key-path)");
  const parsed = import_ssh2.default.utils.parseKey(cred.privateKey);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error) throw new Error("the SSH private key could not be parsed");
  return key;
}
function sign(cred, data) {
  const key = privateKeyOf(cred);
  const sig = key.sign(data, hashFor(key));
  if (sig instanceof Error) throw sig;
  return { signer: fingerprint(key.getPublicSSH()), sig: sig.toString("base64") };
}
function verify(cred, data, signer, sig) {
  const key = privateKeyOf(cred);
  if (fingerprint(key.getPublicSSH()) !== signer) return false;
  const pub = import_ssh2.default.utils.parseKey(key.getPublicSSH());
  const k = Array.isArray(pub) ? pub[0] : pub;
  if (!k || k instanceof Error) return false;
  try {
    return k.verify(data, Buffer.from(sig, "base64"), hashFor(k)) === true;
  } catch {
    return false;
  }
}
function macKey(cred) {
  if (!("privateKey" in cred)) return null;
  const key = privateKeyOf(cred);
  return Buffer.from(hkdfSync("sha256", Buffer.from(key.getPrivatePEM()), "tether", "github-records/v1", 32));
}
function macKeyOf(key) {
  if (!key || key.kind === "agent") return null;
  try {
    return macKey(loadCredential(key));
  } catch {
    return null;
  }
}

export {
  sign,
  verify,
  macKey,
  macKeyOf
};
