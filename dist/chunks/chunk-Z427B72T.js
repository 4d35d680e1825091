import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  human
} from "./chunk-XUWSLT73.js";
import {
  FACTS,
  monthsSince,
  verbFacts,
  verbMissing
} from "./chunk-XVI6BGPG.js";
import {
  whereText
} from "./chunk-B44AY4NO.js";
import {
  code,
  inert
} from "./chunk-NMVVBMUM.js";

// src/teardown/card.ts
function renderCard(c) {
  const p = FACTS[c.provider];
  const f = verbFacts(c.provider, c.verb);
  const other = c.verb === "park" ? FACTS[c.provider].scheduler ? "cancel" : "destroy" : "park";
  const o = verbFacts(c.provider, other);
  const lines = [`#### Teardown card \u2014 ${code(c.runId)}`, "", "| | |", "|---|---|"];
  lines.push(`| provider | ${p.title} (\`${c.provider}\`) |`, `| instance | ${code(c.instanceId)} |`);
  if (!f) {
    lines.push(`| verb | **${c.verb}** \u2014 not available: ${verbMissing(c.provider, c.verb)} |`);
  } else {
    lines.push(
      `| verb | **${c.verb}**: ${f.action} |`,
      `| reversible | ${f.reversible ? "yes" : "**NO** \u2014 this cannot be undone"} |`,
      `| survives | ${f.survives} |`,
      `| keeps billing | ${f.keepsBilling} |`
    );
  }
  lines.push(
    `| instead, ${other} | ${o ? `${o.action}: ${o.reversible ? "reversible" : "irreversible"}; keeps billing: ${o.keepsBilling}` : verbMissing(c.provider, other)} |`
  );
  lines.push(`| verified | ${c.verified ? `${c.verified.files} files, ${human(c.verified.bytes)} (VERIFIED.json)` : "**nothing verified**"} |`);
  lines.push(`| run | ${c.run.state ? `${inert(whereText(c.run.state))} \u2014 ${inert(c.run.source)}` : `**not known**: ${inert(c.run.source)}`} |`);
  if (c.kills) lines.push(`| kills | **${inert(c.kills)}** |`);
  lines.push("", ...p.traps.map((t) => `- \u26A0\uFE0F ${t}`));
  const age = monthsSince(p.verified, c.now);
  if (age > 6) lines.push(`- \u26A0\uFE0F these ${p.title} facts were last checked ${p.verified} (${age} months ago): confirm them on the provider's pricing page`);
  return lines.join("\n");
}

export {
  renderCard
};
