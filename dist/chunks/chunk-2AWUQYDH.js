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
} from "./chunk-PFQFTWQV.js";
import {
  whereText
} from "./chunk-6IC2V5YV.js";
import {
  code,
  inert
} from "./chunk-NMVVBMUM.js";

// src/teardown/card.ts
function renderCard(c) {
  const lines = [`#### Teardown card \u2014 ${code(c.runId)}`, "", "| | |", "|---|---|"];
  lines.push(`| provider | ${FACTS[c.provider].title} (\`${c.provider}\`) |`, `| instance | ${code(c.instanceId)} |`);
  lines.push(...verbRows(c.provider, c.verb));
  lines.push(`| verified | ${c.verified ? `${c.verified.files} files, ${human(c.verified.bytes)} (VERIFIED.json)` : "**nothing verified**"} |`);
  lines.push(`| run | ${runText(c.run)} |`);
  if (c.kills) lines.push(`| kills | **${inert(c.kills)}** |`);
  return [...lines, ...trapLines(c.provider, c.now)].join("\n");
}
function renderNodesCard(c) {
  const lines = [`#### Teardown card \u2014 ${code(c.runId)} on ${c.nodes.length} nodes`, "", "| | |", "|---|---|"];
  lines.push(`| provider | ${FACTS[c.provider].title} (\`${c.provider}\`) |`, `| instances | ${c.nodes.length}, one per node, all behind this one approval |`);
  lines.push(...verbRows(c.provider, c.verb), "", "| rank | instance | verified | run |", "|---|---|---|---|");
  for (const n of c.nodes) {
    const verified = n.verified === "uncollected" ? "not collected (collect-from: rank0): torn down only if a listing shows no checkpoint files" : n.verified ? `${n.verified.files} files, ${human(n.verified.bytes)}` : "**nothing verified**";
    lines.push(`| ${n.rank} | ${code(n.instanceId)} | ${verified} | ${runText(n.run)}${n.kills ? ` \u2014 **kills: ${inert(n.kills)}**` : ""} |`);
  }
  return [...lines, ...trapLines(c.provider, c.now)].join("\n");
}
var runText = (run) => run.state ? `${inert(whereText(run.state))} \u2014 ${inert(run.source)}` : `**not known**: ${inert(run.source)}`;
function verbRows(provider, verb) {
  const f = verbFacts(provider, verb);
  const other = verb === "park" ? FACTS[provider].scheduler ? "cancel" : "destroy" : "park";
  const o = verbFacts(provider, other);
  const rows = f ? [
    `| verb | **${verb}**: ${f.action} |`,
    `| reversible | ${f.reversible ? "yes" : "**NO** \u2014 this cannot be undone"} |`,
    `| survives | ${f.survives} |`,
    `| keeps billing | ${f.keepsBilling} |`
  ] : [`| verb | **${verb}** \u2014 not available: ${verbMissing(provider, verb)} |`];
  rows.push(
    `| instead, ${other} | ${o ? `${o.action}: ${o.reversible ? "reversible" : "irreversible"}; keeps billing: ${o.keepsBilling}` : verbMissing(provider, other)} |`
  );
  return rows;
}
function trapLines(provider, now) {
  const p = FACTS[provider];
  const lines = ["", ...p.traps.map((t) => `- \u26A0\uFE0F ${t}`)];
  const age = monthsSince(p.verified, now);
  if (age > 6) lines.push(`- \u26A0\uFE0F these ${p.title} facts were last checked ${p.verified} (${age} months ago): confirm them on the provider's pricing page`);
  return lines;
}

export {
  renderCard,
  renderNodesCard
};
