import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  knownHostsLine
} from "./chunk-3ZXXC4EP.js";

// src/transfer/ssh-args.ts
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
function pullTargetFor(conn, cred, session, stallTimeoutS) {
  const j = conn.jump;
  if (j && !session.jumpHostKey) throw new Error("the control connection did not go through the jump host; OpenSSH will not be pointed past it");
  return {
    host: conn.host,
    port: conn.port,
    user: conn.user,
    knownHostsLine: knownHostsLine(conn.host, conn.port, session.hostKey),
    identity: "privateKey" in cred ? { key: cred.privateKey } : { agent: cred.agent },
    connectTimeoutS: Math.ceil(conn.connectTimeoutMs / 1e3),
    ...stallTimeoutS !== void 0 ? { stallTimeoutS } : {},
    jump: j && session.jumpHostKey ? { host: j.host, port: j.port, user: j.user, knownHostsLine: knownHostsLine(j.host, j.port, session.jumpHostKey) } : null
  };
}
var shWord = (w) => `'${w.replace(/'/g, `'\\''`)}'`;
var PREFIX = "tether-ssh-";
var KEY_LIFETIME_S = 24 * 3600;
var startOf = (pid) => {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
    return f[0] === "Z" ? null : f[19] ?? null;
  } catch {
    return null;
  }
};
var ownerAlive = (file) => {
  let words;
  try {
    words = readFileSync(file, "utf8").trim().split(/\s+/);
  } catch {
    return false;
  }
  const pid = Number(words[0]);
  if (!Number.isSafeInteger(pid) || pid <= 1) return false;
  const now = startOf(pid);
  return now !== null && (words[1] === void 0 || words[1] === now);
};
var pidIn = (file) => {
  try {
    const n = Number(readFileSync(file, "utf8").trim());
    return Number.isSafeInteger(n) && n > 1 ? n : 0;
  } catch {
    return 0;
  }
};
var isAgent = (pid) => {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "ssh-agent" && !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
};
function sweepLeftovers(root = tmpdir()) {
  let swept = 0;
  let names;
  try {
    names = readdirSync(root).filter((n) => n.startsWith(PREFIX));
  } catch {
    return 0;
  }
  for (const n of names) {
    const dir = join(root, n);
    if (ownerAlive(join(dir, "owner.pid"))) continue;
    const agent = pidIn(join(dir, "agent.pid"));
    if (agent && isAgent(agent)) {
      try {
        process.kill(agent, "SIGTERM");
      } catch {
      }
    }
    rmSync(dir, { recursive: true, force: true });
    swept++;
  }
  return swept;
}
function privateAgent(dir, key) {
  const socket = join(dir, "agent.sock");
  const started = spawnSync("ssh-agent", ["-s", "-a", socket], { encoding: "utf8", timeout: 1e4 });
  const pid = Number(/SSH_AGENT_PID=(\d+)/.exec(started.stdout ?? "")?.[1] ?? 0);
  if (started.status !== 0 || !pid) throw new Error(`ssh-agent did not start (${(started.stderr || started.error?.message || "").trim().slice(0, 200)})`);
  writeFileSync(join(dir, "agent.pid"), `${pid}
`, { mode: 384 });
  const stop = () => {
    if (isAgent(pid)) {
      try {
        process.kill(pid, "SIGTERM");
      } catch {
      }
    }
  };
  const added = spawnSync("ssh-add", ["-q", "-t", String(KEY_LIFETIME_S), "-"], {
    input: key,
    env: { ...process.env, SSH_AUTH_SOCK: socket, SSH_ASKPASS: "", DISPLAY: "" },
    encoding: "utf8",
    timeout: 1e4
  });
  if (added.status !== 0) {
    stop();
    throw new Error(`ssh-add refused the key (${(added.stderr || "").trim().slice(0, 200)})`);
  }
  return { socket, stop };
}
function sshInvocation(target) {
  sweepLeftovers();
  const secrets = mkdtempSync(join(tmpdir(), PREFIX));
  writeFileSync(join(secrets, "owner.pid"), `${process.pid} ${startOf(process.pid) ?? ""}
`.replace(" \n", "\n"), { mode: 384 });
  const kh = join(secrets, "known_hosts");
  writeFileSync(kh, `${target.knownHostsLine}
${target.jump ? `${target.jump.knownHostsLine}
` : ""}`, { mode: 384 });
  let agent = null;
  try {
    agent = "key" in target.identity ? privateAgent(secrets, target.identity.key) : null;
  } catch (err) {
    rmSync(secrets, { recursive: true, force: true });
    throw err;
  }
  const socket = agent ? agent.socket : target.identity.agent;
  const pinned = [
    "-o",
    "BatchMode=yes",
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    `UserKnownHostsFile=${kh}`,
    "-o",
    "GlobalKnownHostsFile=/dev/null",
    "-o",
    `ConnectTimeout=${target.connectTimeoutS}`,
    // A box that goes silent mid-transfer is given up on after the stall timeout (two missed keepalives).
    "-o",
    `ServerAliveInterval=${Math.max(1, Math.ceil((target.stallTimeoutS ?? 120) / 2))}`,
    "-o",
    "ServerAliveCountMax=2",
    "-o",
    "LogLevel=ERROR",
    "-c",
    "aes128-gcm@openssh.com,chacha20-poly1305@openssh.com,aes256-gcm@openssh.com",
    // Only the agent's identity: never the runner user's own ~/.ssh keys.
    "-o",
    "IdentityFile=none",
    "-o",
    `IdentityAgent=${socket}`
  ];
  const j = target.jump;
  const proxy = j ? [
    "-o",
    `ProxyCommand=${["ssh", ...pinned, "-o", "ClearAllForwardings=yes", "-W", `${target.host.includes(":") ? `[${target.host}]` : target.host}:${target.port}`, "-p", String(j.port), "--", `${j.user}@${j.host}`].map(shWord).join(" ")}`
  ] : [];
  const sshArgs = [...pinned, ...proxy, "-p", String(target.port), `${target.user}@${target.host}`, "--"];
  const env = { ...process.env, SSH_AUTH_SOCK: socket };
  let closed = false;
  return {
    secrets,
    sshArgs,
    env,
    close: () => {
      if (closed) return;
      closed = true;
      agent?.stop();
      rmSync(secrets, { recursive: true, force: true });
    }
  };
}

export {
  pullTargetFor,
  sshInvocation
};
