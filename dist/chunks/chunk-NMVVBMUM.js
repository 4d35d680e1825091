import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);

// src/report/markdown.ts
var CONTROLS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
var PUNCT = /[\\`*_[\]()!#|~{}]/g;
var ZWSP = "\u200B";
function bounded(s, max) {
  const cps = Array.from(s);
  return cps.length > max ? `${cps.slice(0, max).join("")}\u2026` : s;
}
function inert(s, max = 2e3) {
  return bounded(String(s), max).replace(/\r\n?|\n/g, " ").replace(CONTROLS, " ").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(PUNCT, (c) => `\\${c}`).replace(/:\/\//g, `:${ZWSP}//`).replace(/\bwww\./gi, (w) => `${w.slice(0, 3)}${ZWSP}.`).replace(/@/g, `@${ZWSP}`);
}
function code(s, max = 400) {
  const t = bounded(String(s), max).replace(/\r\n?|\n/g, " ").replace(CONTROLS, " ").replace(/\|/g, "\\|");
  const longest = Math.max(0, ...Array.from(t.matchAll(/`+/g), (m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = t.startsWith("`") || t.endsWith("`") || t === "" ? " " : "";
  return `${fence}${pad}${t}${pad}${fence}`;
}

export {
  inert,
  code
};
