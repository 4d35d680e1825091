import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  parseConnection
} from "./chunk-D4LSXUI5.js";
import {
  host,
  number,
  oneOf,
  port,
  remotePath,
  show,
  user
} from "./chunk-U6D75MKF.js";
import {
  InputError
} from "./chunk-3B7SBFZS.js";
import {
  FINGERPRINT,
  INSTANCE_ID
} from "./chunk-3ZXXC4EP.js";

// src/config/nodes.ts
import { isIP } from "node:net";
var NODES_MAX = 16;
var LAUNCHERS = ["torchrun", "none"];
var lineNo = (i) => `line ${i + 1}`;
function parseLine(line, i, rank) {
  const [first = "", ...rest] = line.trim().split(/\s+/);
  const m = /^(?:([^@\s]+)@)?(\[[^\]]+\]|[^:\s]+)(?::([^:\s]+))?$/.exec(first);
  if (!m) throw new InputError("nodes", `${lineNo(i)}: ${show(first)} is not [user@]host[:port]`);
  const where = `nodes ${lineNo(i)}`;
  const node = {
    rank,
    user: m[1] === void 0 ? void 0 : user(where, m[1]),
    host: host(where, m[2]),
    port: m[3] === void 0 ? void 0 : port(where, m[3]),
    fingerprint: void 0,
    instanceId: void 0,
    runRoot: void 0,
    workdir: void 0
  };
  for (const t of rest) {
    const kv = /^(instance-id|run-root|workdir)=(.+)$/.exec(t);
    if (FINGERPRINT.test(t)) {
      if (node.fingerprint) throw new InputError("nodes", `${lineNo(i)}: gives two fingerprints`);
      node.fingerprint = t;
    } else if (kv?.[1] === "instance-id") {
      if (!INSTANCE_ID.test(kv[2])) throw new InputError("nodes", `${lineNo(i)}: ${show(kv[2])} is not an instance id`);
      node.instanceId = kv[2];
    } else if (kv?.[1] === "run-root") node.runRoot = remotePath(where, kv[2], "~/.tether");
    else if (kv?.[1] === "workdir") node.workdir = remotePath(where, kv[2], "~");
    else
      throw new InputError(
        "nodes",
        `${lineNo(i)}: ${show(t)} is not SHA256:<fingerprint>, instance-id=, run-root= or workdir= (one box a line: [user@]host[:port] [SHA256:\u2026] [instance-id=ID] [run-root=PATH] [workdir=PATH])`
      );
  }
  return node;
}
function parseNodes(inputs) {
  const raw = inputs["nodes"] ?? "";
  const lines = raw.split("\n").map((l, i) => ({ l, i })).filter(({ l }) => l.trim() && !l.trimStart().startsWith("#"));
  if (!lines.length) {
    const unset = { "master-port": "29500", launcher: "none", "on-node-failure": "wait" };
    for (const k of ["nproc-per-node", "master-addr", "master-port", "launcher", "on-node-failure"])
      if ((inputs[k] ?? "").trim() && inputs[k].trim() !== unset[k])
        throw new InputError(k, "is for a run on many boxes: give 'nodes' (one box a line, rank 0 first)");
    return null;
  }
  if ((inputs["host"] ?? "").trim()) throw new InputError("nodes", "names every box of the run (rank 0 first); give 'nodes' or 'host', not both");
  if (lines.length < 2) throw new InputError("nodes", "lists one box; a run on one box takes host (nodes is for two or more)");
  if (lines.length > NODES_MAX) throw new InputError("nodes", `lists ${lines.length} boxes; at most ${NODES_MAX} in one run`);
  const nodes = lines.map(({ l, i }, rank) => parseLine(l, i, rank));
  const seen = /* @__PURE__ */ new Map();
  for (const n of nodes) {
    const key = `${n.host}:${n.port ?? ""}`;
    const before = seen.get(key);
    if (before !== void 0) throw new InputError("nodes", `rank ${n.rank} is ${key} again (rank ${before}); each box once`);
    seen.set(key, n.rank);
  }
  const nprocRaw = (inputs["nproc-per-node"] ?? "").trim();
  const nprocPerNode = nprocRaw ? number("nproc-per-node", nprocRaw, 1, 1, 64) : null;
  const launcher = oneOf("launcher", inputs["launcher"], LAUNCHERS, nprocPerNode !== null ? "torchrun" : "none");
  if (launcher === "torchrun" && nprocPerNode === null)
    throw new InputError("nproc-per-node", "is required with launcher: torchrun (the processes each node starts, usually its GPU count)");
  if (launcher === "none" && nprocPerNode !== null)
    throw new InputError("nproc-per-node", "is read only with launcher: torchrun (with launcher: none the command starts its own processes)");
  const addr = (inputs["master-addr"] ?? "").trim();
  if (addr && isIP(addr) === 0) host("master-addr", addr);
  return {
    nodes,
    nprocPerNode,
    masterPort: port("master-port", inputs["master-port"], 29500),
    masterAddr: addr || null,
    launcher,
    onNodeFailure: oneOf("on-node-failure", inputs["on-node-failure"], ["wait", "stop"], "wait")
  };
}
function nodeCommand(command, m) {
  if (m.launcher === "none") return command;
  return `torchrun --nnodes "$TETHER_NNODES" --node_rank "$TETHER_NODE_RANK" --nproc_per_node ${m.nprocPerNode} --master_addr "$MASTER_ADDR" --master_port "$MASTER_PORT" ${command}`;
}
function nodeEnv(rank, nnodes, masterAddr, masterPort) {
  return [
    ["TETHER_NODE_RANK", String(rank)],
    ["TETHER_NNODES", String(nnodes)],
    ["MASTER_ADDR", masterAddr],
    ["MASTER_PORT", String(masterPort)]
  ];
}
function nodeConnections(inputs, env, m) {
  if ((inputs["host-key-fingerprint"] ?? "").trim())
    throw new InputError("host-key-fingerprint", "names one box's key; with nodes put each node's SHA256:\u2026 on its line, or give known-hosts");
  return m.nodes.map(
    (n) => parseConnection(
      {
        ...inputs,
        host: n.host,
        port: n.port !== void 0 ? String(n.port) : inputs["port"],
        user: n.user ?? inputs["user"],
        "host-key-fingerprint": n.fingerprint ?? ""
      },
      env
    )
  );
}
function parseNodeLines(inputs) {
  return parseNodes({ nodes: inputs["nodes"] ?? "", host: inputs["host"] ?? "" })?.nodes ?? null;
}

export {
  NODES_MAX,
  parseNodes,
  nodeCommand,
  nodeEnv,
  nodeConnections,
  parseNodeLines
};
