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
  require_lib
} from "./chunk-EPCPIVQ4.js";
import {
  __toESM
} from "./chunk-R3K6G2KB.js";

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
  loadCredential
};
