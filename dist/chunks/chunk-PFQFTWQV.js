import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  awsRegion,
  requireAwsCredentials,
  show
} from "./chunk-U6D75MKF.js";
import {
  loadCredential
} from "./chunk-C5X3PL2Z.js";
import {
  InputError
} from "./chunk-3B7SBFZS.js";
import {
  connect,
  dataLines,
  parseJsonLine,
  runScript,
  scriptText
} from "./chunk-GAYRDAJD.js";
import {
  TransportError
} from "./chunk-GMQBEAIE.js";
import {
  SLURM_ENDED
} from "./chunk-U6FX2S55.js";
import {
  PROVIDER_NAMES,
  fingerprint
} from "./chunk-3ZXXC4EP.js";
import {
  BoxDataError,
  arr,
  int,
  obj,
  str
} from "./chunk-FHK73RDK.js";

// src/providers/aws-provision.ts
import { isIP } from "node:net";

// src/providers/sigv4.ts
import { createHash, createHmac } from "node:crypto";
function signV4(method, url, body, creds, service, now) {
  const amzDate = now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const day = amzDate.slice(0, 8);
  const headers = { "content-type": "application/x-www-form-urlencoded; charset=utf-8", host: url.host, "x-amz-date": amzDate };
  if (creds.sessionToken) headers["x-amz-security-token"] = creds.sessionToken;
  const names = Object.keys(headers).sort();
  const hash = (s) => createHash("sha256").update(s).digest("hex");
  const canonical = [method, url.pathname || "/", "", ...names.map((n) => `${n}:${headers[n]}`), "", names.join(";"), hash(body)].join("\n");
  const scope = `${day}/${creds.region}/${service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, hash(canonical)].join("\n");
  const hmac = (key2, s) => createHmac("sha256", key2).update(s).digest();
  const key = hmac(hmac(hmac(hmac(`AWS4${creds.secretAccessKey}`, day), creds.region), service), "aws4_request");
  const signature = createHmac("sha256", key).update(toSign).digest("hex");
  const { host: _host, ...sent } = headers;
  return { ...sent, authorization: `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}` };
}
var xmlTag = (xml, name) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

// src/providers/types.ts
var ProviderError = class extends Error {
  constructor(message, retryable) {
    super(message);
    this.retryable = retryable;
    this.name = "ProviderError";
  }
  retryable;
};
var ProvisionError = class extends Error {
  constructor(kind, message) {
    super(message);
    this.kind = kind;
    this.name = "ProvisionError";
  }
  kind;
};

// src/providers/http.ts
async function call(method, url, headers, body, timeoutMs, label) {
  const a = await answer(method, url, headers, body, timeoutMs, label);
  if (a.status === 401 || a.status === 403)
    throw new ProviderError(`${label}: HTTP ${a.status}: the API key was refused (is the secret set and does it allow this?)`, false);
  if (a.status >= 500 || a.status === 429) throw new ProviderError(`${label}: HTTP ${a.status} ${a.text.slice(0, 200)}`, true);
  return a;
}
async function answer(method, url, headers, body, timeoutMs, label) {
  let res;
  try {
    res = await fetch(url, {
      method,
      headers: { accept: "application/json", ...body === void 0 ? {} : { "content-type": "application/json" }, ...headers },
      ...body === void 0 ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) },
      signal: AbortSignal.timeout(timeoutMs),
      redirect: "error"
    });
  } catch (err) {
    const e = err;
    const why = e.name === "TimeoutError" ? `no answer within ${Math.round(timeoutMs / 1e3)} s` : e.cause?.message ?? e.message;
    throw new ProviderError(`${label}: ${why}`, true);
  }
  const text = await boundedText(res, label);
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  return { status: res.status, body: parsed, text };
}
var MAX_ANSWER = 1 << 20;
async function boundedText(res, label) {
  const reader = res.body?.getReader();
  if (!reader) return "";
  const chunks = [];
  let n = 0;
  try {
    for (; ; ) {
      const { done, value } = await reader.read();
      if (done) break;
      n += value.length;
      if (n > MAX_ANSWER) {
        await reader.cancel();
        throw new ProviderError(`${label}: the answer is larger than ${MAX_ANSWER} bytes; not read`, false);
      }
      chunks.push(value);
    }
  } catch (err) {
    if (err instanceof ProviderError) throw err;
    throw new ProviderError(`${label}: the answer broke off (${err.message})`, true);
  }
  return Buffer.concat(chunks).toString("utf8");
}
function jsonObject(a) {
  const b = a.body;
  return typeof b === "object" && b !== null && !Array.isArray(b) ? b : null;
}
function baseUrl(override, fallback) {
  return (override || fallback).replace(/\/+$/, "");
}
var isoOrNull = (x) => typeof x === "string" && x.length <= 40 && Number.isFinite(Date.parse(x)) ? new Date(x).toISOString() : null;
function strictAnswer(provider) {
  return (label, read) => {
    try {
      return read();
    } catch (err) {
      if (err instanceof BoxDataError)
        throw new ProvisionError("transient", `${provider}: ${label}: the answer is not what the API describes (${err.message})`);
      throw err;
    }
  };
}

// src/providers/aws-provision.ts
var KINDS = {
  InsufficientInstanceCapacity: "capacity",
  InsufficientCapacity: "capacity",
  // The type is not offered in the subnet's zone: another type may be.
  Unsupported: "capacity",
  InstanceLimitExceeded: "quota",
  VcpuLimitExceeded: "quota",
  MaxSpotInstanceCountExceeded: "quota",
  AuthFailure: "auth",
  UnauthorizedOperation: "auth",
  InvalidClientTokenId: "auth",
  SignatureDoesNotMatch: "auth",
  OptInRequired: "auth",
  RequestLimitExceeded: "rate-limit",
  InternalError: "transient",
  Unavailable: "transient",
  ServiceUnavailable: "transient"
};
function ec2Error(a, label) {
  const code = (xmlTag(a.text, "Code") ?? "").slice(0, 80);
  const message = (xmlTag(a.text, "Message") ?? "").slice(0, 300);
  const kind = KINDS[code] ?? (/^Invalid|MissingParameter|InvalidParameter/.test(code) ? "bad-request" : a.status === 503 || a.status >= 500 ? "transient" : a.status === 401 || a.status === 403 ? "auth" : "bad-request");
  return new ProvisionError(kind, `${label}: HTTP ${a.status}${code ? ` ${code}` : ""}${message ? `: ${message}` : ""}`);
}
function awsFromEnv(region, env, subnet = null, securityGroup = null) {
  return {
    region,
    accessKeyId: env["AWS_ACCESS_KEY_ID"] ?? "",
    secretAccessKey: env["AWS_SECRET_ACCESS_KEY"] ?? "",
    sessionToken: env["AWS_SESSION_TOKEN"],
    subnet,
    securityGroup
  };
}
function awsProvisioner(s) {
  const a = s.aws;
  if (!a) throw new Error("aws provisioner without region and credentials");
  const url = new URL(s.apiUrl || `https://ec2.${a.region}.amazonaws.com/`);
  const creds = { region: a.region, accessKeyId: a.accessKeyId, secretAccessKey: a.secretAccessKey, sessionToken: a.sessionToken };
  const ec2 = async (params, label) => {
    const body = new URLSearchParams({ ...params, Version: "2016-11-15" }).toString();
    let r;
    try {
      r = await answer("POST", url.toString(), signV4("POST", url, body, creds, "ec2", /* @__PURE__ */ new Date()), body, s.callTimeoutMs, `aws: ${label}`);
    } catch (err) {
      if (err instanceof ProviderError) throw new ProvisionError(err.retryable ? "transient" : "bad-request", err.message);
      throw err;
    }
    if (r.status !== 200) throw ec2Error(r, `aws: ${label}`);
    return r.text;
  };
  return {
    // The connection's key travels in the user-data (ssh_authorized_keys): nothing to register.
    prepareKey: async () => "",
    // One region per provision; EC2 answers capacity at RunInstances, not before.
    candidates: async (types) => ({ candidates: types.map((t) => ({ instanceType: t, region: a.region, hourlyPrice: null })), skipped: [] }),
    async create(c, spec) {
      const params = {
        Action: "RunInstances",
        ImageId: spec.image ?? "",
        InstanceType: c.instanceType,
        MinCount: "1",
        MaxCount: "1",
        UserData: Buffer.from(spec.userData).toString("base64"),
        "TagSpecification.1.ResourceType": "instance",
        "TagSpecification.1.Tag.1.Key": "Name",
        "TagSpecification.1.Tag.1.Value": spec.name,
        "TagSpecification.1.Tag.2.Key": "tether:name",
        "TagSpecification.1.Tag.2.Value": spec.name,
        ...a.subnet ? { SubnetId: a.subnet } : {},
        ...a.securityGroup ? { "SecurityGroupId.1": a.securityGroup } : {},
        ...spec.spot ? {
          "InstanceMarketOptions.MarketType": "spot",
          "InstanceMarketOptions.SpotOptions.SpotInstanceType": "one-time",
          "InstanceMarketOptions.SpotOptions.InstanceInterruptionBehavior": "terminate"
        } : (
          // An OS shutdown stops (parks) an on-demand box, never terminates it: park-after relies on it.
          { InstanceInitiatedShutdownBehavior: "stop" }
        )
      };
      const xml = await ec2(params, `run ${c.instanceType}`);
      const id = /<instancesSet>\s*<item>\s*<instanceId>(i-[0-9a-f]{8,17})<\/instanceId>/.exec(xml)?.[1];
      if (!/<RunInstancesResponse[\s>]/.test(xml) || !id) throw new ProvisionError("transient", "aws: run: the answer names no instance id");
      return id;
    },
    async list(prefix) {
      const xml = await ec2(
        {
          Action: "DescribeInstances",
          "Filter.1.Name": "tag-key",
          "Filter.1.Value.1": "tether:name",
          "Filter.2.Name": "instance-state-name",
          "Filter.2.Value.1": "pending",
          "Filter.2.Value.2": "running",
          "Filter.2.Value.3": "stopping",
          "Filter.2.Value.4": "stopped"
        },
        "list instances"
      );
      return ec2Listed(xml, prefix);
    },
    // rank 2: cloud-init writes the box's own keys to the console (`ec2:` lines), which only the account can read.
    async consoleHostKeys(id) {
      const xml = await ec2({ Action: "GetConsoleOutput", InstanceId: id, Latest: "true" }, "get console output");
      const b64 = xmlTag(xml, "output") ?? "";
      if (!b64 || b64.length > 2e5 || !/^[A-Za-z0-9+/=\s]*$/.test(b64)) return null;
      return consoleHostKeyFingerprints(Buffer.from(b64, "base64").toString("utf8"));
    },
    async describe(id) {
      let xml;
      try {
        xml = await ec2({ Action: "DescribeInstances", "InstanceId.1": id }, "describe instance");
      } catch (err) {
        if (err instanceof ProvisionError) return { phase: "pending", host: null, port: 22, detail: err.message };
        throw err;
      }
      if (xmlTag(xml, "instanceId") !== id) return { phase: "pending", host: null, port: 22, detail: "the answer does not describe this instance yet" };
      const request = spotRequestOf(xml);
      const spotStatus = request ? /<status>\s*<code>([a-z-]{1,64})<\/code>/.exec(
        await ec2({ Action: "DescribeSpotInstanceRequests", "SpotInstanceRequestId.1": request }, "describe spot request").catch(() => "")
      )?.[1] ?? null : null;
      return ec2BoxState(xml, spotStatus);
    }
  };
}
function spotRequestOf(xml) {
  if (!/<instanceLifecycle>spot<\/instanceLifecycle>/.test(xml) || SPOT_PREEMPTED_REASONS.has(reasonOf(xml))) return null;
  return /<spotInstanceRequestId>(sir-[0-9a-z]{1,32})<\/spotInstanceRequestId>/.exec(xml)?.[1] ?? null;
}
var reasonOf = (xml) => /<stateReason>\s*<code>([^<]{0,80})<\/code>/.exec(xml)?.[1] ?? "";
function ec2BoxState(xml, spotStatus) {
  const state = /<instanceState>[\s\S]*?<name>([^<]*)<\/name>/.exec(xml)?.[1] ?? "unknown";
  const ipText = xmlTag(xml, "ipAddress");
  const ip = ipText && isIP(ipText) === 4 ? ipText : null;
  const reasonCode = reasonOf(xml);
  const detail = `instance state ${state.slice(0, 40)}${reasonCode ? ` (${reasonCode})` : ""}`;
  const preempted = ec2Preemption(reasonCode, spotStatus);
  const extra = preempted ? { preempted } : {};
  if (state === "running")
    return ip ? { phase: "running", host: ip, port: 22, detail, ...extra } : { phase: "pending", host: null, port: 22, detail: `${detail}, no public address`, ...extra };
  if (state === "pending") return { phase: "pending", host: null, port: 22, detail };
  if (state === "terminated") return { phase: "gone", host: null, port: 22, detail, ...extra };
  if (state === "stopped" || state === "stopping") return { phase: "stopped", host: null, port: 22, detail, ...extra };
  return { phase: "failed", host: null, port: 22, detail, ...extra };
}
var SPOT_PREEMPTED_REASONS = /* @__PURE__ */ new Set(["Server.SpotInstanceTermination", "Server.SpotInstanceShutdown"]);
var SPOT_INTERRUPTED = /* @__PURE__ */ new Set([
  "marked-for-termination",
  "marked-for-stop",
  "marked-for-hibernation",
  "instance-terminated-no-capacity",
  "instance-terminated-by-price",
  "instance-stopped-no-capacity",
  "instance-stopped-by-price",
  "instance-hibernated-no-capacity"
]);
function ec2Preemption(stateReason, spotStatus) {
  if (SPOT_PREEMPTED_REASONS.has(stateReason)) return `StateReason ${stateReason}`;
  if (spotStatus && SPOT_INTERRUPTED.has(spotStatus)) return `spot request ${spotStatus}`;
  return null;
}
function consoleHostKeyFingerprints(text) {
  const lines = text.split(/\r?\n/).map((l) => l.replace(/^(?:\[[^\]]*\]\s*)?(?:ec2:\s*)?/, "").trim());
  const start = lines.lastIndexOf("-----BEGIN SSH HOST KEY KEYS-----");
  const end = start < 0 ? -1 : lines.indexOf("-----END SSH HOST KEY KEYS-----", start);
  if (start < 0 || end < 0) return null;
  const out = [];
  for (const l of lines.slice(start + 1, end).slice(0, 16)) {
    const m = /^(ssh-ed25519|ecdsa-sha2-nistp(?:256|384|521)|ssh-rsa) ([A-Za-z0-9+/]{20,}={0,2})(?: |$)/.exec(l);
    if (m) out.push(fingerprint(Buffer.from(m[2], "base64")));
  }
  return out;
}
function ec2Listed(xml, prefix) {
  const items = [...xml.matchAll(/<item>\s*<instanceId>(i-[0-9a-f]{8,17})<\/instanceId>([\s\S]*?)<\/item>\s*(?=<item>\s*<instanceId>|<\/instancesSet>)/g)];
  return items.map((m) => {
    const body = m[2] ?? "";
    const name = /<key>tether:name<\/key>\s*<value>([^<]*)<\/value>/.exec(body)?.[1] ?? "";
    const status = /<instanceState>[\s\S]*?<name>([^<]*)<\/name>/.exec(body)?.[1] ?? "unknown";
    return {
      id: m[1],
      name,
      status,
      billing: status === "pending" || status === "running",
      hourlyPrice: null,
      createdAt: isoOrNull(/<launchTime>([^<]{1,40})<\/launchTime>/.exec(body)?.[1])
    };
  }).filter((i) => i.name.startsWith(prefix));
}

// src/providers/autodl.ts
var CONSOLE_WORD = { park: "shut down", destroy: "released" };
function autodlChecklist(verb, instanceId) {
  const act = verb === "park" ? "\u5173\u673A (shut down): the data disk stays; the instance is released automatically 15 days after \u5173\u673A, and a low balance force-stops it" : "\u91CA\u653E\u5B9E\u4F8B (release): the instance and its disks are deleted; copies you made off it are all that survive";
  return [
    `AutoDL has no API for this: in the console (autodl.com \u2192 \u63A7\u5236\u53F0 \u2192 \u5BB9\u5668\u5B9E\u4F8B), find instance ${instanceId}`,
    act,
    `then run this teardown again with console-done: "${CONSOLE_WORD[verb]} ${instanceId}"`
  ].join("; ");
}
function autodlProvider(ctx, consoleDone) {
  let done = false;
  return {
    async state() {
      if (done) return { state: ctx.verb === "park" ? "stopped" : "gone", detail: `a person says it is done in the AutoDL console ("${consoleDone}")` };
      return { state: "running", detail: "AutoDL has no API: only a person in its console can say" };
    },
    async request(verb) {
      if (!consoleDone) throw new ProviderError(autodlChecklist(verb, ctx.instanceId), false);
      done = true;
    }
  };
}
var autodl = {
  name: "autodl",
  facts: {
    title: "AutoDL (console only)",
    credentials: "console",
    loginUser: "root",
    park: {
      action: "\u5173\u673A (shut down) in the AutoDL console, done by a person",
      reversible: true,
      survives: "the data disk (/root/autodl-tmp) and the system disk",
      keepsBilling: "nothing for the GPU; the disks are kept for 15 days after \u5173\u673A, then the instance is released with them"
    },
    destroy: {
      action: "\u91CA\u653E\u5B9E\u4F8B (release) in the AutoDL console, done by a person",
      reversible: false,
      survives: "nothing on the instance; files in AutoDL file storage (autodl-fs) stay and bill",
      keepsBilling: "autodl-fs file storage until you delete it"
    },
    traps: [
      "tether cannot see or act on an AutoDL instance: the state after teardown is a person\u2019s word",
      "a \u5173\u673A instance is released (its disks deleted) 15 days later; a low balance force-stops a running one",
      "the SSH port is assigned at create and changes when the instance is re-created"
    ],
    verified: "2026-12"
  },
  check: (cfg) => {
    if (cfg.verb === "cancel") return;
    const done = cfg.consoleDone;
    if (!done) return;
    const want = `${CONSOLE_WORD[cfg.verb]} ${cfg.instanceId}`;
    if (done !== want) throw new InputError("console-done", `must be exactly "${want}" (the verb done, and this instance), got "${done.slice(0, 80)}"`);
  },
  make: (ctx, cfg) => autodlProvider(ctx, cfg.consoleDone)
};

// src/providers/aws.ts
function awsProvider(ctx, creds, apiUrl) {
  const url = new URL(apiUrl || `https://ec2.${creds.region}.amazonaws.com/`);
  const ec2 = async (params, label) => {
    const body = new URLSearchParams({ ...params, Version: "2016-11-15" }).toString();
    const r = await call("POST", url.toString(), signV4("POST", url, body, creds, "ec2", /* @__PURE__ */ new Date()), body, ctx.callTimeoutMs, `aws: ${label}`);
    const code = xmlTag(r.text, "Code");
    return { ...r, code };
  };
  let seen = false;
  return {
    async state() {
      const r = await ec2({ Action: "DescribeInstances", "InstanceId.1": ctx.instanceId }, "describe instance");
      if (r.status === 400 && /^\s*(<\?xml[^>]*>\s*)?<Response>\s*<Errors>/.test(r.text) && r.code === "InvalidInstanceID.NotFound")
        return { state: seen ? "gone" : "missing", detail: "InvalidInstanceID.NotFound" };
      if (r.status !== 200 || !/<DescribeInstancesResponse[\s>]/.test(r.text))
        return { state: "unknown", detail: `HTTP ${r.status}, not a DescribeInstances answer` };
      if (xmlTag(r.text, "instanceId") !== ctx.instanceId) return { state: "unknown", detail: "the answer does not describe this instance" };
      seen = true;
      const name = /<instanceState>[\s\S]*?<name>([^<]*)<\/name>/.exec(r.text)?.[1] ?? "unknown";
      const map = {
        terminated: "gone",
        stopped: "stopped",
        running: "running",
        pending: "changing",
        stopping: "changing",
        "shutting-down": "changing"
      };
      return { state: map[name] ?? "unknown", detail: `instance state ${name}` };
    },
    async request(verb) {
      const r = await ec2(
        { Action: verb === "destroy" ? "TerminateInstances" : "StopInstances", "InstanceId.1": ctx.instanceId },
        verb === "destroy" ? "terminate" : "stop"
      );
      if (r.code === "InvalidInstanceID.NotFound") return;
      if (r.status !== 200) throw new ProviderError(`aws: ${verb}: HTTP ${r.status} ${r.code ?? ""} ${xmlTag(r.text, "Message") ?? ""}`, false);
    },
    async leftovers() {
      const r = await ec2({ Action: "DescribeVolumes", "Filter.1.Name": "status", "Filter.1.Value.1": "available" }, "list unattached volumes");
      return [...r.text.matchAll(/<item>\s*<volumeId>([^<]*)<\/volumeId>[\s\S]*?<size>([^<]*)<\/size>/g)].map(
        (m) => `EBS volume ${m[1]} (${m[2]} GiB, unattached) bills until deleted`
      );
    }
  };
}
var aws = {
  name: "aws",
  facts: {
    title: "AWS EC2",
    credentials: "aws",
    loginUser: "ubuntu",
    park: { action: "StopInstances", reversible: true, survives: "EBS volumes; instance-store disks are erased", keepsBilling: "EBS volumes and Elastic IPs" },
    destroy: {
      action: "TerminateInstances",
      reversible: false,
      survives: "EBS volumes not marked DeleteOnTermination, and snapshots",
      keepsBilling: "unattached EBS volumes, snapshots and unassociated Elastic IPs"
    },
    traps: ["a stopped instance still bills its EBS volumes", "volumes without DeleteOnTermination outlive the instance"],
    verified: "2026-06"
  },
  check: (cfg, _given, env) => {
    awsRegion("aws-region", cfg.awsRegion);
    requireAwsCredentials("aws-region", env);
    if (cfg.instanceId && !/^i-[0-9a-f]{8,17}$/.test(cfg.instanceId))
      throw new InputError("instance-id", `${show(cfg.instanceId)} is not an EC2 instance id (i-\u2026)`);
  },
  make: (ctx, cfg, env) => awsProvider(
    ctx,
    {
      region: cfg.awsRegion ?? "",
      accessKeyId: env["AWS_ACCESS_KEY_ID"] ?? "",
      secretAccessKey: env["AWS_SECRET_ACCESS_KEY"] ?? "",
      sessionToken: env["AWS_SESSION_TOKEN"]
    },
    cfg.apiUrl
  ),
  // cloud-init's ssh_keys in UserData install the host key tether generated (facts §2.2, rank 1); GetConsoleOutput's
  // key block (rank 2) is not needed while user-data works.
  provision: {
    hostKeyChannel: "injected-user-data",
    credentials: "aws",
    apiKeyEnv: "AWS_ACCESS_KEY_ID",
    spot: true,
    diskGb: false,
    prices: false,
    needsImage: /^ami-[0-9a-f]{8,17}$/,
    keyInUserData: true,
    make: (s) => awsProvisioner(s)
  }
};

// src/providers/command.ts
import { spawn } from "node:child_process";
function commandProvider(ctx, command2, env, timeoutMs) {
  let done = false;
  return {
    async state() {
      return done ? { state: ctx.verb === "park" ? "stopped" : "gone", detail: "teardown-command exited 0" } : { state: "running", detail: "teardown-command not run yet" };
    },
    request(verb) {
      return new Promise((resolve, reject) => {
        const child = spawn("bash", ["-c", command2], {
          env: { ...env, TETHER_INSTANCE_ID: ctx.instanceId, TETHER_RUN_ID: ctx.runId, TETHER_VERB: verb },
          stdio: ["ignore", "pipe", "pipe"],
          detached: true
        });
        let tail = "";
        const keep = (d) => {
          for (const line of d.toString().split("\n")) if (line.trim()) ctx.log(`teardown-command: ${line}`);
          tail = (tail + d.toString()).slice(-500);
        };
        child.stdout.on("data", keep);
        child.stderr.on("data", keep);
        const timer = setTimeout(() => {
          try {
            if (child.pid && child.pid > 1) process.kill(-child.pid, "SIGKILL");
            else child.kill("SIGKILL");
          } catch {
          }
        }, timeoutMs);
        child.on("close", (code, signal) => {
          clearTimeout(timer);
          if (code === 0) {
            done = true;
            resolve();
          } else
            reject(
              new ProviderError(
                `teardown-command ${signal ? `was killed (${signal}) after ${Math.round(timeoutMs / 1e3)} s` : `exited ${code}`}${tail.trim() ? `: ${tail.trim().split("\n").pop()}` : ""}`,
                false
              )
            );
        });
      });
    }
  };
}
var command = {
  name: "command",
  facts: {
    title: "your teardown command",
    credentials: "command",
    park: {
      action: "your `teardown-command` with TETHER_VERB=park",
      reversible: true,
      survives: "as your command decides",
      keepsBilling: "as your provider bills a parked machine"
    },
    destroy: {
      action: "your `teardown-command` with TETHER_VERB=destroy",
      reversible: false,
      survives: "as your command decides",
      keepsBilling: "anything your command does not delete (volumes, IPs, snapshots)"
    },
    traps: ["tether only knows the exit status of your command: check the provider console afterwards"],
    verified: "2026-06"
  },
  check: (cfg) => {
    if (!cfg.teardownCommand) throw new InputError("teardown-command", "is required (the command line to run on the box)");
  },
  make: (ctx, cfg, env) => commandProvider(ctx, cfg.teardownCommand ?? "", env, cfg.timeoutS * 1e3)
};

// src/providers/lambda-provision.ts
import { createHash as createHash2 } from "node:crypto";
import { isIP as isIP2 } from "node:net";
var LAMBDA_API = "https://cloud.lambda.ai/api/v1";
var CODES = {
  "instance-operations/launch/insufficient-capacity": "capacity",
  "global/quota-exceeded": "quota",
  "global/account-inactive": "quota",
  "global/invalid-address": "quota",
  "global/invalid-api-key": "auth",
  "global/invalid-parameters": "bad-request",
  "global/object-does-not-exist": "bad-request",
  "global/duplicate": "bad-request",
  "instance-operations/launch/file-system-in-wrong-region": "bad-request",
  "global/internal-error": "transient"
};
function lambdaError(a, label) {
  const e = a.body && typeof a.body === "object" ? a.body.error : void 0;
  const code = typeof e?.code === "string" ? e.code.slice(0, 80) : "";
  const words = [typeof e?.message === "string" ? e.message : "", typeof e?.suggestion === "string" ? e.suggestion : ""].filter(Boolean).join(" ").slice(0, 300);
  const kind = CODES[code] ?? (a.status === 429 ? "rate-limit" : a.status >= 500 ? "transient" : a.status === 401 ? "auth" : a.status === 403 ? "quota" : "bad-request");
  return new ProvisionError(kind, `${label}: HTTP ${a.status}${code ? ` ${code}` : ""}${words ? `: ${words}` : ""}`);
}
var NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;
var strictly = strictAnswer("lambda");
var keyBody = (k) => k.trim().split(/\s+/).slice(0, 2).join(" ");
function lambdaProvisioner(s) {
  const base = baseUrl(s.apiUrl, LAMBDA_API);
  const auth = { authorization: `Basic ${Buffer.from(`${s.apiKey}:`).toString("base64")}` };
  const ask = async (method, path, label, body) => {
    let a;
    try {
      a = await answer(method, `${base}${path}`, auth, body, s.callTimeoutMs, `lambda: ${label}`);
    } catch (err) {
      if (err instanceof ProviderError) throw new ProvisionError(err.retryable ? "transient" : "bad-request", err.message);
      throw err;
    }
    if (a.status !== 200) throw lambdaError(a, `lambda: ${label}`);
    const o = a.body && typeof a.body === "object" && !Array.isArray(a.body) ? a.body : null;
    if (!o || o["data"] === void 0) throw new ProvisionError("transient", `lambda: ${label}: the answer holds no data`);
    return o;
  };
  return {
    async prepareKey(publicKey) {
      const list = await ask("GET", "/ssh-keys", "list ssh keys");
      const mine = strictly(
        "list ssh keys",
        () => arr(list, "data", "ssh-keys", 1e3).map((k) => obj(k, "ssh key")).find((k) => typeof k["public_key"] === "string" && keyBody(k["public_key"]) === keyBody(publicKey))
      );
      if (mine) return strictly("list ssh keys", () => str(mine, "name", "ssh key", { max: 64, pattern: NAME }));
      const name = `tether-${createHash2("sha256").update(keyBody(publicKey)).digest("hex").slice(0, 12)}`;
      const added = await ask("POST", "/ssh-keys", "add ssh key", { name, public_key: keyBody(publicKey) });
      s.log(`provision: registered the connection's public key with Lambda as ${name}`);
      return strictly("add ssh key", () => str(obj(added["data"], "ssh key"), "name", "ssh key", { max: 64, pattern: NAME }));
    },
    async candidates(types, regions) {
      const r = await ask("GET", "/instance-types", "list instance types");
      return strictly("list instance types", () => lambdaCandidates(obj(r["data"], "instance types"), types, regions));
    },
    async create(c, spec) {
      const image = spec.image ? /^[0-9a-f]{32}$|^[0-9a-f-]{36}$/.test(spec.image) ? { id: spec.image } : { family: spec.image } : void 0;
      const body = {
        region_name: c.region,
        instance_type_name: c.instanceType,
        ssh_key_names: [spec.keyRef],
        name: spec.name,
        user_data: spec.userData,
        ...image ? { image } : {}
      };
      const r = await ask("POST", "/instance-operations/launch", `launch ${c.instanceType} in ${c.region}`, body);
      return strictly("launch", () => {
        const ids = arr(obj(r["data"], "launch"), "instance_ids", "launch", 1);
        const id = ids[0];
        if (typeof id !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(id)) throw new BoxDataError("launch.instance_ids[0] is not an instance id");
        return id;
      });
    },
    async list(prefix) {
      const r = await ask("GET", "/instances", "list instances");
      return strictly(
        "list instances",
        () => arr(r, "data", "instances", 1e4).map((x) => obj(x, "instance")).filter((i) => typeof i["name"] === "string" && i["name"].startsWith(prefix)).map((i) => {
          const status = str(i, "status", "instance", { max: 40 });
          const t = i["instance_type"] && typeof i["instance_type"] === "object" ? i["instance_type"] : {};
          return {
            id: str(i, "id", "instance", { max: 128, pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/ }),
            name: str(i, "name", "instance", { max: 64 }),
            status,
            // Everything but a terminated instance bills (unhealthy is the console's Alert state).
            billing: status !== "terminated",
            hourlyPrice: typeof t["price_cents_per_hour"] === "number" ? t["price_cents_per_hour"] / 100 : null,
            // Lambda's instance has no creation time; the provision record (when there is one) has it.
            createdAt: null
          };
        })
      );
    },
    describe: (id) => describeLambda(base, auth, s, id)
  };
}
async function describeLambda(base, auth, s, id) {
  let a;
  try {
    a = await answer("GET", `${base}/instances/${encodeURIComponent(id)}`, auth, void 0, s.callTimeoutMs, "lambda: get instance");
  } catch (err) {
    return { phase: "pending", host: null, port: 22, detail: err.message };
  }
  const code = a.body?.error?.code;
  if (a.status === 404 && code === "global/object-does-not-exist") return { phase: "gone", host: null, port: 22, detail: "404: no such instance" };
  if (a.status !== 200) return { phase: "pending", host: null, port: 22, detail: `HTTP ${a.status}` };
  return strictly("get instance", () => {
    const d = obj(obj(a.body, "instance")["data"], "instance");
    if (str(d, "id", "instance", { max: 128 }) !== id) throw new BoxDataError(`instance.id is not ${id}`);
    const status = str(d, "status", "instance", { max: 40 });
    const ip = typeof d["ip"] === "string" && isIP2(d["ip"]) === 4 ? d["ip"] : null;
    const detail = `status ${status}`;
    if (status === "active")
      return ip ? { phase: "running", host: ip, port: 22, detail } : { phase: "pending", host: null, port: 22, detail: `${detail}, no address yet` };
    if (status === "booting" || status === "unhealthy") return { phase: "pending", host: null, port: 22, detail };
    if (status === "terminated") return { phase: "gone", host: null, port: 22, detail };
    return { phase: "failed", host: null, port: 22, detail };
  });
}
function lambdaCandidates(data, types, regions) {
  const candidates = [];
  const skipped = [];
  for (const t of types) {
    const item = data[t];
    if (item === void 0) {
      skipped.push(`${t}: Lambda has no such instance type`);
      continue;
    }
    const it = obj(item, `instance type ${t}`);
    const spec = obj(it["instance_type"], `instance type ${t}`);
    const cents = int(spec, "price_cents_per_hour", `instance type ${t}`, { min: 0, max: 1e7 });
    const withCapacity = arr(it, "regions_with_capacity_available", `instance type ${t}`, 200).map(
      (r) => str(obj(r, "region"), "name", "region", { max: 64, pattern: /^[a-z0-9-]{1,64}$/ })
    );
    const wanted = regions.length ? regions : withCapacity;
    for (const r of wanted) {
      if (withCapacity.includes(r)) candidates.push({ instanceType: t, region: r, hourlyPrice: cents / 100 });
      else skipped.push(`${t} in ${r}: no capacity now`);
    }
    if (!wanted.length) skipped.push(`${t}: no capacity in any region now`);
  }
  return { candidates, skipped };
}

// src/providers/lambda.ts
function lambdaProvider(ctx, apiKey, apiUrl) {
  const base = baseUrl(apiUrl, LAMBDA_API);
  const auth = { authorization: `Basic ${Buffer.from(`${apiKey}:`).toString("base64")}` };
  const id = encodeURIComponent(ctx.instanceId);
  let seen = false;
  return {
    async state() {
      const r = await call("GET", `${base}/instances/${id}`, auth, void 0, ctx.callTimeoutMs, "lambda: get instance");
      const code = jsonObject(r)?.["error"]?.code;
      if (r.status === 404 && code === "global/object-does-not-exist") return { state: seen ? "gone" : "missing", detail: "404: no such instance" };
      if (r.status !== 200) return { state: "unknown", detail: `HTTP ${r.status}, not an answer about the instance` };
      const data = jsonObject(r)?.["data"];
      if (!data || data.id !== ctx.instanceId || typeof data.status !== "string")
        return { state: "unknown", detail: "an answer without this instance's id and status" };
      seen = true;
      const status = data.status;
      return {
        state: status === "terminated" ? "gone" : status === "terminating" || status === "booting" ? "changing" : status === "active" || status === "unhealthy" ? "running" : "unknown",
        detail: `status ${status.slice(0, 40)}`
      };
    },
    async request(verb) {
      if (verb !== "destroy") throw new ProviderError("lambda: park is not possible: Lambda has no stop state (an in-OS shutdown keeps billing)", false);
      const r = await call("POST", `${base}/instance-operations/terminate`, auth, { instance_ids: [ctx.instanceId] }, ctx.callTimeoutMs, "lambda: terminate");
      if (r.status === 404) return;
      if (r.status !== 200) throw new ProviderError(`lambda: terminate: HTTP ${r.status} ${r.text.slice(0, 200)}`, false);
    },
    async leftovers() {
      const r = await call("GET", `${base}/file-systems`, auth, void 0, ctx.callTimeoutMs, "lambda: list file systems");
      const list = r.body?.data ?? [];
      return list.map(
        (f) => `Lambda file system ${f.name ?? "?"} (${f.region?.name ?? "?"}, ${((f.bytes_used ?? 0) / 2 ** 30).toFixed(1)} GiB used) bills until deleted`
      );
    }
  };
}
var lambda = {
  name: "lambda",
  facts: {
    title: "Lambda Cloud",
    credentials: "api-key",
    loginUser: "ubuntu",
    park: null,
    destroy: {
      action: "terminate (`POST /instance-operations/terminate`)",
      reversible: false,
      survives: "NFS file systems (`/lambda/nfs/<name>`); the local NVMe is erased",
      keepsBilling: "NFS file systems ($0.20/GiB/month) until you delete them"
    },
    missing: { park: "Lambda has no stop or suspend state, and `sudo shutdown` leaves the instance in Alert, still billing: only terminate stops the meter" },
    traps: ["in-OS shutdown keeps billing (Alert state)", "the terminate call can hang: tether times out and re-queries the instance"],
    verified: "2026-06"
  },
  make: (ctx, cfg) => lambdaProvider(ctx, cfg.apiKey ?? "", cfg.apiUrl),
  // user_data is cloud-init: its ssh_keys install the host key tether generated for this box (facts §2.2, rank 1).
  provision: {
    hostKeyChannel: "injected-user-data",
    credentials: "api-key",
    apiKeyEnv: "LAMBDA_API_KEY",
    spot: false,
    diskGb: false,
    prices: true,
    needsImage: null,
    keyInUserData: false,
    make: lambdaProvisioner
  }
};

// src/providers/start-step.ts
function startStep(k) {
  const script = scriptText("host_key.sh").split("\n").filter((l, i) => i === 0 || !/^\s*#(?! shellcheck)/.test(l)).join("\n");
  return {
    env: { TETHER_HOST_KEY: Buffer.from(k.privateKey).toString("base64") },
    script,
    command: `bash -c "echo ${Buffer.from(script).toString("base64")}|base64 -d|bash"`
  };
}

// src/providers/paperspace-provision.ts
import { isIP as isIP3 } from "node:net";
var PAPERSPACE_API = "https://api.paperspace.com/v1";
var PAPERSPACE_REGIONS = ["ny2", "ca1", "ams1"];
var ID = /^[A-Za-z0-9_-]{1,64}$/;
function paperspaceError(a, label) {
  const b = a.body && typeof a.body === "object" ? a.body : {};
  const code = typeof b.code === "string" || typeof b.code === "number" ? String(b.code).slice(0, 40) : "";
  const words = typeof b.message === "string" ? b.message.slice(0, 300) : "";
  const kind = a.status === 401 || a.status === 403 ? "auth" : a.status === 402 || /billing|payment|balance|quota|limit/i.test(words) ? "quota" : a.status === 429 ? "rate-limit" : a.status >= 500 ? "transient" : /capacity|out of stock|not available|unavailable/i.test(words) ? "capacity" : "bad-request";
  return new ProvisionError(kind, `${label}: HTTP ${a.status}${code ? ` ${code}` : ""}${words ? `: ${words}` : ""}`);
}
var strictly2 = strictAnswer("paperspace");
function paperspaceStartupScript(hostPrivateKey, authorizedKey) {
  const step = startStep({ privateKey: hostPrivateKey });
  const body = step.script.replace(/^#!.*\n/, "");
  const q = (v) => `'${v.replace(/'/g, `'\\''`)}'`;
  return [
    "#!/usr/bin/env bash",
    `export TETHER_HOST_KEY=${q(step.env["TETHER_HOST_KEY"])}`,
    `export TETHER_AUTHORIZED_KEY=${q(authorizedKey)}`,
    "export TETHER_LOGIN_USER=${TETHER_LOGIN_USER:-paperspace}",
    body
  ].join("\n");
}
function paperspaceProvisioner(s) {
  const base = baseUrl(s.apiUrl, PAPERSPACE_API);
  const auth = { authorization: `Bearer ${s.apiKey}` };
  const scripts = /* @__PURE__ */ new Map();
  const ask = async (method, path, label, body) => {
    let a;
    try {
      a = await answer(method, `${base}${path}`, auth, body, s.callTimeoutMs, `paperspace: ${label}`);
    } catch (err) {
      if (err instanceof ProviderError) throw new ProvisionError(err.retryable ? "transient" : "bad-request", err.message);
      throw err;
    }
    if (a.status !== 200) throw paperspaceError(a, `paperspace: ${label}`);
    const o = a.body && typeof a.body === "object" && !Array.isArray(a.body) ? a.body : null;
    if (!o) throw new ProvisionError("transient", `paperspace: ${label}: the answer is not a JSON object`);
    return o;
  };
  const forget = scriptForgetter(base, auth, s, scripts);
  return {
    // The key goes in the startup script: nothing to register.
    prepareKey: async () => "",
    // Paperspace lists no capacity here: each type in each region, in order; create answers capacity.
    candidates: async (types, regions) => ({
      candidates: types.flatMap((t) => (regions.length ? regions : PAPERSPACE_REGIONS).map((r) => ({ instanceType: t, region: r, hourlyPrice: null }))),
      skipped: []
    }),
    async create(c, spec) {
      if (!spec.image) throw new ProvisionError("bad-request", "paperspace: a template id (image) is required");
      const made = await ask("POST", "/startup-scripts", "create startup script", {
        name: `${spec.name}-host-key`.slice(0, 64),
        script: paperspaceStartupScript(spec.hostKey.privateKey, spec.authorizedKey),
        isRunOnce: true
      });
      const scriptId = strictly2("create startup script", () => str(made, "id", "startup script", { max: 64, pattern: ID }));
      let machine;
      try {
        const r = await ask("POST", "/machines", `create ${c.instanceType} in ${c.region}`, {
          name: spec.name,
          machineType: c.instanceType,
          templateId: spec.image,
          region: c.region,
          diskSize: spec.diskGb ?? 100,
          publicIpType: "dynamic",
          startupScriptId: scriptId,
          startOnCreate: true
        });
        machine = strictly2("create machine", () => str(obj(r["data"], "machine"), "id", "machine", { max: 64, pattern: ID }));
      } catch (err) {
        scripts.set("(none)", scriptId);
        await forget("(none)");
        throw err;
      }
      scripts.set(machine, scriptId);
      return machine;
    },
    async describe(id) {
      let a;
      try {
        a = await answer("GET", `${base}/machines/${encodeURIComponent(id)}`, auth, void 0, s.callTimeoutMs, "paperspace: get machine");
      } catch (err) {
        return { phase: "pending", host: null, port: 22, detail: err.message };
      }
      if (a.status === 404) return { phase: "gone", host: null, port: 22, detail: "404: no such machine" };
      if (a.status !== 200) return { phase: "pending", host: null, port: 22, detail: `HTTP ${a.status}` };
      return strictly2("get machine", () => paperspaceBoxState(obj(a.body?.["data"] ?? a.body, "machine"), id));
    },
    release: forget,
    async list(prefix) {
      const items = [];
      let after = "";
      for (let page = 0; page < 20; page++) {
        const r = await ask("GET", `/machines${after ? `?after=${encodeURIComponent(after)}` : ""}`, "list machines");
        items.push(...strictly2("list machines", () => arr(r, "items", "machines", 1e3).map((x) => obj(x, "machine"))));
        if (r["hasMore"] !== true || typeof r["nextPage"] !== "string") break;
        after = r["nextPage"];
      }
      return strictly2("list machines", () => paperspaceListed(items, prefix));
    }
  };
}
function paperspaceBoxState(m, id) {
  if (str(m, "id", "machine", { max: 64 }) !== id) throw new BoxDataError(`machine.id is not ${id}`);
  const state = str(m, "state", "machine", { max: 40 });
  const detail = `state ${state}`;
  if (state === "off" || state === "failed" || state === "stopping") return { phase: "failed", host: null, port: 22, detail };
  if (state !== "ready") return { phase: "pending", host: null, port: 22, detail };
  const ip = typeof m["publicIp"] === "string" && isIP3(m["publicIp"]) ? m["publicIp"] : null;
  return ip ? { phase: "running", host: ip, port: 22, detail } : { phase: "pending", host: null, port: 22, detail: `${detail}, no public IP yet` };
}
function paperspaceListed(items, prefix) {
  return items.filter((m) => typeof m["name"] === "string" && m["name"].startsWith(prefix)).map((m) => ({
    id: str(m, "id", "machine", { max: 64, pattern: ID }),
    name: str(m, "name", "machine", { max: 200 }),
    status: str(m, "state", "machine", { max: 40 }),
    billing: true,
    hourlyPrice: null,
    createdAt: isoOrNull(m["dtCreated"])
  }));
}
function scriptForgetter(base, auth, s, scripts) {
  return async (machine) => {
    const id = scripts.get(machine);
    if (!id) return;
    scripts.delete(machine);
    try {
      const a = await answer(
        "DELETE",
        `${base}/startup-scripts/${encodeURIComponent(id)}`,
        auth,
        void 0,
        s.callTimeoutMs,
        "paperspace: delete startup script"
      );
      if (a.status !== 200 && a.status !== 204 && a.status !== 404) throw new Error(`HTTP ${a.status}`);
    } catch (err) {
      s.log(`provision: deleting startup script ${id} (it holds ${machine}'s host key) failed: ${err.message}; delete it in the console`);
    }
  };
}

// src/providers/paperspace.ts
var STATES = {
  ready: "running",
  serviceready: "running",
  off: "stopped",
  provisioning: "changing",
  starting: "changing",
  restarting: "changing",
  upgrading: "changing",
  stopping: "changing"
};
function paperspaceProvider(ctx, apiKey, apiUrl) {
  const base = baseUrl(apiUrl, PAPERSPACE_API);
  const auth = { authorization: `Bearer ${apiKey}` };
  const id = encodeURIComponent(ctx.instanceId);
  let seen = false;
  return {
    async state() {
      const r = await call("GET", `${base}/machines/${id}`, auth, void 0, ctx.callTimeoutMs, "paperspace: get machine");
      if (r.status === 404) return { state: seen ? "gone" : "missing", detail: "404: no such machine" };
      const doc = jsonObject(r);
      const m = doc?.["data"] && typeof doc["data"] === "object" ? doc["data"] : doc;
      if (r.status !== 200 || !m || m.id !== ctx.instanceId || typeof m.state !== "string")
        return { state: "unknown", detail: `HTTP ${r.status}, not an answer about the machine` };
      seen = true;
      const s = m.state.slice(0, 40);
      return { state: STATES[s] ?? "unknown", detail: `state ${s}` };
    },
    async request(verb) {
      const r = verb === "destroy" ? await call("DELETE", `${base}/machines/${id}`, auth, void 0, ctx.callTimeoutMs, "paperspace: delete") : await call("PATCH", `${base}/machines/${id}/stop`, auth, void 0, ctx.callTimeoutMs, "paperspace: stop");
      if (r.status === 404 || r.status >= 200 && r.status < 300) return;
      const message = jsonObject(r)?.["message"];
      throw new ProviderError(`paperspace: ${verb}: HTTP ${r.status} ${typeof message === "string" ? message.slice(0, 200) : r.text.slice(0, 200)}`, false);
    }
  };
}
var paperspace = {
  name: "paperspace",
  facts: {
    title: "Paperspace",
    credentials: "api-key",
    loginUser: "paperspace",
    park: {
      action: "stop (`PATCH /v1/machines/{id}/stop`, to `off`)",
      reversible: true,
      survives: "the machine and its disk",
      keepsBilling: "storage, static IPs and snapshots, every hour it is off"
    },
    destroy: {
      action: "delete (`DELETE /v1/machines/{id}`)",
      reversible: false,
      survives: "nothing on the machine; snapshots and shared drives you made",
      keepsBilling: "snapshots, shared drives and private networks until you delete them"
    },
    traps: ["auto-shutdown stops the machine, it does not delete it: storage keeps billing", "stop keeps billing storage and static IPs"],
    verified: "2026-12"
  },
  make: (ctx, cfg) => paperspaceProvider(ctx, cfg.apiKey ?? "", cfg.apiUrl),
  // No cloud-init and no key registry: a startup script of tether's own installs the host key and the login key
  // (facts §2.2, rank 1); it may run after the image's sshd started, so another key is waited out.
  provision: {
    hostKeyChannel: "injected-start-step",
    credentials: "api-key",
    apiKeyEnv: "PAPERSPACE_API_KEY",
    spot: false,
    diskGb: true,
    prices: false,
    // A template id (Paperspace's images are templates, such as ML-in-a-Box's).
    needsImage: /^[A-Za-z0-9_-]{4,64}$/,
    keyInUserData: false,
    make: paperspaceProvisioner
  }
};

// src/providers/runpod-provision.ts
import { isIP as isIP4 } from "node:net";
var RUNPOD_API = "https://api.runpod.io/v2";
var RUNPOD_IMAGE = "runpod/pytorch:1.0.2-cu1281-torch280-ubuntu2404";
var POD_ID = /^[A-Za-z0-9_-]{1,64}$/;
function runpodError(a, label, creating) {
  const b = a.body && typeof a.body === "object" ? a.body : {};
  const detail = [typeof b.detail === "string" ? b.detail : "", Array.isArray(b.errors) ? b.errors.filter((e) => typeof e === "string").join("; ") : ""].filter(Boolean).join(": ").slice(0, 300);
  const kind = a.status === 401 ? "auth" : a.status === 402 ? "quota" : a.status === 403 ? creating ? "capacity" : "auth" : a.status === 400 && creating ? "capacity" : a.status === 429 ? "rate-limit" : a.status >= 500 ? "transient" : "bad-request";
  return new ProvisionError(kind, `${label}: HTTP ${a.status}${detail ? `: ${detail}` : ""}`);
}
var strictly3 = strictAnswer("runpod");
function runpodProvisioner(s) {
  const base = baseUrl(s.apiUrl, RUNPOD_API);
  const graphql = `${base.replace(/\/v2\/?$/, "")}/graphql`;
  const auth = { authorization: `Bearer ${s.apiKey}` };
  const ask = async (method, url, label, body, ok, creating = false) => {
    let a;
    try {
      a = await answer(method, url, auth, body, s.callTimeoutMs, `runpod: ${label}`);
    } catch (err) {
      if (err instanceof ProviderError) throw new ProvisionError(err.retryable ? "transient" : "bad-request", err.message);
      throw err;
    }
    if (!ok.includes(a.status)) throw runpodError(a, `runpod: ${label}`, creating);
    const o = a.body && typeof a.body === "object" && !Array.isArray(a.body) ? a.body : null;
    if (!o) throw new ProvisionError("transient", `runpod: ${label}: the answer is not a JSON object`);
    return o;
  };
  return {
    // The key travels in the create call as PUBLIC_KEY: nothing to register.
    prepareKey: async () => "",
    async candidates(types, regions) {
      const r = await ask("GET", `${base}/catalog/gpus?include=AVAILABILITY&product=POD`, "list GPU types", void 0, [200]);
      return strictly3("list GPU types", () => runpodCandidates(r, types, regions));
    },
    async create(c, spec) {
      const body = runpodPodBody(c, spec);
      if (spec.spot) return rentInterruptible(c, spec, body);
      const pod = await ask("POST", `${base}/pods`, `create ${c.instanceType}${c.region ? ` in ${c.region}` : ""}`, body, [201], true);
      return strictly3("create pod", () => str(pod, "id", "pod", { max: 64, pattern: POD_ID }));
    },
    async describe(id) {
      let a;
      try {
        a = await answer("GET", `${base}/pods/${encodeURIComponent(id)}`, auth, void 0, s.callTimeoutMs, "runpod: get pod");
      } catch (err) {
        return { phase: "pending", host: null, port: 22, detail: err.message };
      }
      if (a.status === 404 && a.body?.status === 404)
        return { phase: "gone", host: null, port: 22, detail: "404: no such pod" };
      if (a.status !== 200) return { phase: "pending", host: null, port: 22, detail: `HTTP ${a.status}` };
      return strictly3("get pod", () => runpodBoxState(obj(a.body, "pod"), id));
    },
    async list(prefix) {
      const r = await ask("GET", `${base}/pods`, "list pods", void 0, [200]);
      return strictly3("list pods", () => runpodListed(r, prefix));
    }
  };
  async function rentInterruptible(c, spec, body) {
    const input = {
      name: body.name,
      imageName: body.image,
      gpuTypeId: c.instanceType,
      gpuCount: 1,
      bidPerGpu: c.hourlyPrice ?? 0,
      cloudType: "SECURE",
      ports: "22/tcp",
      supportPublicIp: true,
      containerDiskInGb: spec.diskGb ?? 50,
      dockerArgs: body.args,
      env: Object.entries(body.env).map(([key, value]) => ({ key, value })),
      ...c.region ? { dataCenterId: c.region } : {}
    };
    const query = "mutation Rent($input: PodRentInterruptableInput!) { podRentInterruptable(input: $input) { id desiredStatus } }";
    const label = `rent interruptible ${c.instanceType}${c.region ? ` in ${c.region}` : ""}`;
    const r = await ask("POST", graphql, label, { query, variables: { input } }, [200], true);
    const errors = Array.isArray(r["errors"]) ? r["errors"] : [];
    if (errors.length) {
      const words = errors.map((e) => e && typeof e === "object" && typeof e["message"] === "string" ? String(e["message"]) : "").join("; ").slice(0, 300);
      const kind = /unauthori[sz]ed|api key/i.test(words) ? "auth" : /balance|insufficient funds/i.test(words) ? "quota" : "capacity";
      throw new ProvisionError(kind, `runpod: ${label}: ${words || "the answer holds errors"}`);
    }
    return strictly3(label, () => str(obj(obj(r["data"], "data")["podRentInterruptable"], "pod"), "id", "pod", { max: 64, pattern: POD_ID }));
  }
}
function runpodPodBody(c, spec) {
  const step = startStep(spec.hostKey);
  return {
    name: spec.name,
    image: spec.image ?? RUNPOD_IMAGE,
    gpu: { id: c.instanceType, count: 1 },
    cloud: "SECURE",
    ...c.region ? { dataCenterIds: [c.region] } : {},
    ports: ["22/tcp"],
    ...spec.diskGb ? { disk: spec.diskGb } : {},
    env: { PUBLIC_KEY: spec.authorizedKey, ...step.env, TETHER_THEN: "/start.sh" },
    args: step.command
  };
}
function runpodBoxState(pod, id) {
  if (str(pod, "id", "pod", { max: 64 }) !== id) throw new BoxDataError(`pod.id is not ${id}`);
  const status = str(pod, "status", "pod", { max: 40 });
  const detail = `status ${status}`;
  if (status === "TERMINATED") return { phase: "gone", host: null, port: 22, detail };
  if (status === "EXITED" || status === "ERROR") return { phase: "failed", host: null, port: 22, detail };
  if (status !== "RUNNING") return { phase: "pending", host: null, port: 22, detail };
  const ssh2 = pod["ssh"] && typeof pod["ssh"] === "object" ? pod["ssh"] : {};
  const direct = ssh2["direct"] && typeof ssh2["direct"] === "object" ? ssh2["direct"] : null;
  const host = direct && typeof direct["host"] === "string" && isIP4(direct["host"]) ? direct["host"] : null;
  const port = direct && Number.isInteger(direct["port"]) && direct["port"] > 0 && direct["port"] < 65536 ? direct["port"] : 0;
  if (!host || !port) return { phase: "pending", host: null, port: 22, detail: `${detail}, no direct SSH endpoint yet` };
  return { phase: "running", host, port, detail };
}
function runpodCandidates(doc, types, regions) {
  const gpus = arr(doc, "gpus", "gpus", 1e3).map((g) => obj(g, "gpu"));
  const candidates = [];
  const skipped = [];
  for (const t of types) {
    const g = gpus.find((x) => x["id"] === t || x["name"] === t);
    if (!g) {
      skipped.push(`${t}: RunPod has no such GPU type`);
      continue;
    }
    const id = str(g, "id", "gpu", { max: 100 });
    if (g["secure"] !== true) {
      skipped.push(`${t}: not offered on RunPod's secure cloud`);
      continue;
    }
    const price = obj(g["price"], `gpu ${id} price`)["secure"];
    const hourly = typeof price === "number" && price >= 0 && price < 1e4 ? price : null;
    const dcs = (Array.isArray(g["dataCenters"]) ? g["dataCenters"] : []).map((d) => obj(d, "data center")).filter((d) => d["availability"] !== "NONE").map((d) => str(d, "id", "data center", { max: 64, pattern: /^[A-Za-z0-9-]{1,64}$/ }));
    if (!regions.length) {
      if (dcs.length || g["availability"] !== void 0 && g["availability"] !== "NONE")
        candidates.push({ instanceType: id, region: "", hourlyPrice: hourly });
      else skipped.push(`${t}: no pod stock in any data center now`);
      continue;
    }
    for (const r of regions) {
      if (dcs.includes(r)) candidates.push({ instanceType: id, region: r, hourlyPrice: hourly });
      else skipped.push(`${t} in ${r}: no pod stock now`);
    }
  }
  return { candidates, skipped };
}
function runpodListed(r, prefix) {
  return arr(r, "pods", "pods", 1e4).map((x) => obj(x, "pod")).filter((p) => typeof p["name"] === "string" && p["name"].startsWith(prefix)).map((p) => {
    const status = str(p, "status", "pod", { max: 40 });
    return {
      id: str(p, "id", "pod", { max: 64, pattern: POD_ID }),
      name: str(p, "name", "pod", { max: 200 }),
      status,
      // A stopped (EXITED) pod still bills its volume disk, at twice the rate.
      billing: status !== "TERMINATED",
      hourlyPrice: typeof p["cost"] === "number" && p["cost"] >= 0 ? p["cost"] : null,
      createdAt: isoOrNull(p["createdAt"])
    };
  });
}

// src/providers/runpod.ts
var STATES2 = {
  RUNNING: "running",
  EXITED: "stopped",
  TERMINATED: "gone",
  PROVISIONING: "changing",
  STARTING: "changing"
};
function runpodProvider(ctx, apiKey, apiUrl) {
  const base = baseUrl(apiUrl, RUNPOD_API);
  const auth = { authorization: `Bearer ${apiKey}` };
  const id = encodeURIComponent(ctx.instanceId);
  let seen = false;
  return {
    async state() {
      const r = await call("GET", `${base}/pods/${id}`, auth, void 0, ctx.callTimeoutMs, "runpod: get pod");
      if (r.status === 404 && jsonObject(r)?.["status"] === 404) return { state: seen ? "gone" : "missing", detail: "404: no such pod" };
      if (r.status !== 200) return { state: "unknown", detail: `HTTP ${r.status}, not an answer about the pod` };
      const pod = jsonObject(r);
      if (!pod || pod["id"] !== ctx.instanceId || typeof pod["status"] !== "string")
        return { state: "unknown", detail: "an answer without this pod's id and status" };
      seen = true;
      const s = pod["status"].slice(0, 40);
      return { state: STATES2[s] ?? "unknown", detail: `status ${s}` };
    },
    async request(verb) {
      const r = verb === "destroy" ? await call("DELETE", `${base}/pods/${id}`, auth, void 0, ctx.callTimeoutMs, "runpod: terminate") : await call("POST", `${base}/pods/${id}/action`, auth, { action: "stop" }, ctx.callTimeoutMs, "runpod: stop");
      if (r.status === 404 || r.status >= 200 && r.status < 300) return;
      const detail = jsonObject(r)?.["detail"];
      throw new ProviderError(`runpod: ${verb}: HTTP ${r.status} ${typeof detail === "string" ? detail.slice(0, 200) : r.text.slice(0, 200)}`, false);
    },
    async leftovers() {
      const r = await call("GET", `${base}/network-volumes`, auth, void 0, ctx.callTimeoutMs, "runpod: list network volumes");
      const list = jsonObject(r)?.["networkVolumes"] ?? [];
      return (Array.isArray(list) ? list : []).map(
        (v) => `RunPod network volume ${v.name ?? "?"} (${v.size ?? "?"} GB in ${v.dataCenter ?? "?"}) bills until deleted`
      );
    }
  };
}
var runpod = {
  name: "runpod",
  facts: {
    title: "RunPod",
    credentials: "api-key",
    loginUser: "root",
    park: {
      action: "stop (`POST /v2/pods/{id}/action`, `stop`)",
      reversible: true,
      survives: "the volume disk `/workspace` and any Network Volume; the container disk is wiped",
      keepsBilling: "the volume disk, billed at 2\xD7 while stopped; the pod may come back with zero GPUs; stopped pods are removed after ~30 days"
    },
    destroy: {
      action: "terminate (`DELETE /v2/pods/{id}`)",
      reversible: false,
      survives: "Network Volumes only; container and volume disks are deleted",
      keepsBilling: "Network Volumes until you delete them"
    },
    traps: [
      "stop does not stop the meter for storage: the volume disk bills 2\xD7",
      "a delete answering 204 is not proof: tether polls until the pod is gone (404 or TERMINATED)"
    ],
    verified: "2026-12"
  },
  make: (ctx, cfg) => runpodProvider(ctx, cfg.apiKey ?? "", cfg.apiUrl),
  // No cloud-init: tether's own start step (the pod's `args`) installs the host key before the image's start.sh
  // starts sshd (facts §2.2, rank 1); the connection's key rides in PUBLIC_KEY.
  provision: {
    hostKeyChannel: "injected-start-step",
    credentials: "api-key",
    apiKeyEnv: "RUNPOD_API_KEY",
    spot: true,
    diskGb: true,
    prices: true,
    needsImage: null,
    keyInUserData: false,
    make: runpodProvisioner
  }
};

// src/remote/slurm-jobs.ts
function parseJobs(raw) {
  const o = obj(raw, "slurm_jobs");
  if (typeof o["error"] === "string") throw new BoxDataError(`slurm_jobs: ${o["error"].slice(0, 500)}`);
  return arr(o, "jobs", "slurm_jobs", 1e4).map((x, i) => {
    const j = obj(x, `slurm_jobs.jobs[${i}]`);
    return {
      id: str(j, "id", "job", { max: 12, pattern: /^\d{1,12}$/ }),
      state: str(j, "state", "job", { max: 32, pattern: /^[A-Z_]{1,32}$/ }),
      reason: str(j, "reason", "job", { max: 256 })
    };
  });
}

// src/providers/slurm.ts
var ended = (state) => SLURM_ENDED.includes(state);
function jobsState(jobs) {
  const list = jobs.map((j) => `${j.id} ${j.state}${j.reason ? ` (${j.reason})` : ""}`).join(", ");
  if (jobs.every((j) => ended(j.state))) return { state: "gone", detail: `every job of the run has ended: ${list}` };
  if (jobs.every((j) => ended(j.state) || j.state === "PENDING" && /Held/i.test(j.reason))) return { state: "stopped", detail: `held: ${list}` };
  return { state: "running", detail: list };
}
function slurmProvider(ctx, conn, cred, runRoot, jobs = null) {
  const data = dataLines(jobs?.length ? { jobs: jobs.join(" ") } : {});
  const call2 = async (action) => {
    let s;
    try {
      s = await connect({ ...conn, attempts: 1 }, cred);
    } catch (err) {
      if (err instanceof TransportError)
        throw new ProviderError(`slurm: the login node did not answer (${err.message})`, err.kind === "unreachable" || err.kind === "network");
      throw err;
    }
    try {
      return parseJobs(
        parseJsonLine("slurm_jobs", await runScript(s, "slurm_jobs", [runRoot, ctx.runId, action], { data, timeoutMs: Math.max(ctx.callTimeoutMs, 6e4) }))
      );
    } catch (err) {
      if (err instanceof BoxDataError) throw new ProviderError(err.message, false);
      throw err;
    } finally {
      s.close();
    }
  };
  return {
    async state() {
      return jobsState(await call2("state"));
    },
    async request(verb) {
      if (verb !== "cancel" && verb !== "park") throw new ProviderError(`slurm: ${verb} is not a Slurm action (cancel or park)`, false);
      const jobs2 = await call2(verb === "cancel" ? "cancel" : "hold");
      ctx.log(`slurm: ${verb === "cancel" ? "scancel" : "scontrol hold"} of job(s) ${jobs2.map((j) => j.id).join(", ")}`);
    }
  };
}
var slurm = {
  name: "slurm",
  facts: {
    title: "a Slurm cluster (through its login node)",
    credentials: "ssh",
    park: {
      action: "`scontrol hold` of the run's pending jobs (release with launch `resume`)",
      reversible: true,
      survives: "everything; a job already running keeps running (a hold only stops pending ones from starting)",
      keepsBilling: "nothing while held; fair-share time is used only when a job runs"
    },
    destroy: null,
    cancel: {
      action: "`scancel` of exactly the run's recorded job ids (never a name or user match)",
      reversible: false,
      survives: "every file on the shared filesystem (nothing is deleted); the work since the last checkpoint is lost",
      keepsBilling: "nothing: the allocation ends"
    },
    missing: { destroy: "a Slurm job is cancelled, not destroyed: use verb cancel" },
    traps: ["a cancelled job is not requeued: launch it again with resume: true from its last checkpoint", "node-local $TMPDIR is wiped when the job ends"],
    scheduler: true,
    verified: "2026-11"
  },
  // What is acted on is the run's own jobs, so the "instance" is the run id on the login node.
  defaultInstance: (_box, runId) => runId,
  check: (cfg, given) => {
    if (!cfg.connection) throw new InputError("host", "provider slurm acts through the login node: give the connection inputs");
    if (given.instanceId.trim())
      throw new InputError("instance-id", "provider slurm acts on the run's own recorded jobs, named by run-id; give no instance-id");
  },
  make: (ctx, cfg, _env, jobs) => {
    const conn = cfg.connection;
    if (!conn) throw new ProviderError("provider slurm needs the connection inputs of the login node", false);
    return slurmProvider(ctx, conn, loadCredential(conn.key), cfg.runRoot, jobs);
  }
};

// src/providers/ssh.ts
var SILENT = /* @__PURE__ */ new Set(["unreachable", "connection_refused", "network"]);
function sshProvider(ctx, conn, cred) {
  let accepted = false;
  const fatal = (err) => new ProviderError(`ssh: ${err.message}: ${err.advice}`, false);
  return {
    async state() {
      try {
        const s = await connect({ ...conn, attempts: 1, connectTimeoutMs: Math.min(conn.connectTimeoutMs, ctx.callTimeoutMs) }, cred);
        s.close();
        return { state: "running", detail: "the box answers SSH" };
      } catch (err) {
        if (!(err instanceof TransportError)) throw err;
        if (!SILENT.has(err.kind)) throw fatal(err);
        const why = err.message.split("\n")[0];
        if (!accepted) return { state: "unknown", detail: `the box does not answer SSH (${why}), but no poweroff was accepted: that proves nothing` };
        return { state: "stopped", detail: `the box no longer answers SSH after accepting poweroff (${why})` };
      }
    },
    async request(verb) {
      if (verb !== "park") throw new ProviderError("ssh: only park (poweroff) is possible over SSH; destroy needs a provider API or provider: command", false);
      let s;
      try {
        s = await connect(conn, cred);
      } catch (err) {
        if (!(err instanceof TransportError)) throw err;
        if (!SILENT.has(err.kind)) throw fatal(err);
        throw new ProviderError(`ssh: cannot reach the box to power it off (${err.message})`, true);
      }
      try {
        const r = await runScript(s, "poweroff", [], { timeoutMs: ctx.callTimeoutMs }).catch(() => null);
        if (r && r.code !== 0 && r.code !== null)
          throw new ProviderError(
            `ssh: poweroff failed (exit ${r.code}): ${r.stderr.trim().split("\n").pop()?.slice(0, 200) ?? ""} (does the user have passwordless sudo?)`,
            false
          );
        accepted = true;
      } finally {
        s.close();
      }
    }
  };
}
var ssh = {
  name: "ssh",
  facts: {
    title: "any SSH box",
    credentials: "ssh",
    park: {
      action: "`sudo -n poweroff` on the box",
      reversible: true,
      survives: "the disks, if the provider keeps a stopped machine",
      keepsBilling: "whatever the provider bills for a powered-off machine; on Lambda an in-OS shutdown leaves the instance in Alert and it KEEPS BILLING"
    },
    destroy: null,
    missing: { destroy: "an SSH box cannot destroy itself: use the provider API (lambda, runpod, vastai, aws, paperspace) or provider: command" },
    traps: [
      "a forgotten box bills 24/7: nothing releases it automatically",
      "Lambda: shutdown from inside the OS keeps billing (Alert state); use provider: lambda"
    ],
    verified: "2026-06"
  },
  defaultInstance: (box) => box && box.host ? `${box.host}:${box.port}` : "",
  check: (cfg) => {
    if (!cfg.connection) throw new InputError("host", "provider ssh parks the box over SSH: give the connection inputs");
  },
  make: (ctx, cfg) => {
    const conn = cfg.connection;
    if (!conn) throw new ProviderError("provider ssh needs the connection inputs", false);
    return sshProvider(ctx, conn, loadCredential(conn.key));
  }
};

// src/providers/vastai-provision.ts
import { createHash as createHash3 } from "node:crypto";
import { isIP as isIP5 } from "node:net";
var VAST_API = "https://console.vast.ai/api/v0";
var ONSTART_MAX = 4048;
var ID2 = /^[0-9]{1,18}$/;
var OFFERS_PER_TYPE = 3;
function vastError(a, label) {
  const b = a.body && typeof a.body === "object" ? a.body : {};
  const code = typeof b.error === "string" ? b.error.slice(0, 60) : "";
  const words = [b.msg, b.detail].filter((x) => typeof x === "string").join(" ").slice(0, 300);
  const kind = a.status === 401 || code === "invalid_api_key" ? "auth" : a.status === 402 || /credit|balance/i.test(`${code} ${words}`) ? "quota" : a.status === 429 ? "rate-limit" : a.status >= 500 ? "transient" : /no_such_ask|unavailable|not available|rented/i.test(`${code} ${words}`) ? "capacity" : a.status === 403 ? "auth" : "bad-request";
  return new ProvisionError(kind, `${label}: HTTP ${a.status}${code ? ` ${code}` : ""}${words ? `: ${words}` : ""}`);
}
var strictly4 = strictAnswer("vastai");
var keyBody2 = (k) => k.trim().split(/\s+/).slice(0, 2).join(" ");
var idOf = (o, field, what) => {
  const v = o[field];
  const t = typeof v === "number" && Number.isInteger(v) ? String(v) : typeof v === "string" ? v : "";
  if (!ID2.test(t)) throw new BoxDataError(`${what}.${field} is not an id`);
  return t;
};
function vastProvisioner(s) {
  const base = baseUrl(s.apiUrl, VAST_API);
  const auth = { authorization: `Bearer ${s.apiKey}` };
  const ask = async (method, path, label, body) => {
    let a;
    try {
      a = await answer(method, `${base}${path}`, auth, body, s.callTimeoutMs, `vastai: ${label}`);
    } catch (err) {
      if (err instanceof ProviderError) throw new ProvisionError(err.retryable ? "transient" : "bad-request", err.message);
      throw err;
    }
    if (a.status !== 200 || a.body?.success === false) throw vastError(a, `vastai: ${label}`);
    if (a.body === null || typeof a.body !== "object") throw new ProvisionError("transient", `vastai: ${label}: the answer is not JSON`);
    return a.body;
  };
  return {
    async restart(id, bid) {
      await ask("PUT", `/instances/bid_price/${encodeURIComponent(id)}/`, `raise the bid of ${id}`, { client_id: "me", price: bid });
      await ask("PUT", `/instances/${encodeURIComponent(id)}/`, `start ${id}`, { state: "running" });
    },
    async prepareKey(publicKey) {
      const list = await ask("GET", "/ssh/", "list ssh keys");
      const mine = strictly4("list ssh keys", () => {
        if (!Array.isArray(list)) throw new BoxDataError("the key list is not a list");
        return list.slice(0, 1e3).map((k) => obj(k, "ssh key")).find((k) => typeof k["key"] === "string" && k["deleted_at"] == null && keyBody2(k["key"]) === keyBody2(publicKey));
      });
      if (mine) return strictly4("list ssh keys", () => idOf(mine, "id", "ssh key"));
      const added = await ask("POST", "/ssh/", "add ssh key", { ssh_key: keyBody2(publicKey) });
      const id = strictly4("add ssh key", () => idOf(obj(obj(added, "answer")["key"], "key"), "id", "key"));
      s.log(
        `provision: registered the connection's public key with vast.ai (key ${id}, ${createHash3("sha256").update(keyBody2(publicKey)).digest("hex").slice(0, 12)})`
      );
      return id;
    },
    async candidates(types, regions) {
      const query = {
        gpu_name: { in: types.map((t) => t.replace(/_/g, " ")) },
        num_gpus: { eq: 1 },
        rentable: { eq: true },
        rented: { eq: false },
        type: "on-demand",
        order: [["dph_total", "asc"]],
        limit: 200
      };
      const r = await ask("POST", "/bundles/", "search offers", query);
      return strictly4("search offers", () => vastCandidates(obj(r, "offers"), types, regions));
    },
    async create(c, spec) {
      if (!c.offer) throw new ProvisionError("bad-request", `vastai: ${c.instanceType}: no offer to rent`);
      const step = startStep(spec.hostKey);
      if (step.script.length > ONSTART_MAX)
        throw new ProvisionError("bad-request", `vastai: the start step is ${step.script.length} characters; onstart holds ${ONSTART_MAX}`);
      const body = {
        client_id: "me",
        image: spec.image,
        disk: spec.diskGb ?? 32,
        runtype: "ssh_direc ssh_proxy",
        onstart: step.script,
        env: step.env,
        label: spec.name,
        // Created stopped when the machine cannot start it is a contract that bills its disk: refuse instead.
        cancel_unavail: true,
        // A bid makes it interruptible; at the listed price it is outbid only by a higher one.
        ...spec.spot && c.hourlyPrice !== null ? { price: c.hourlyPrice } : {}
      };
      const r = await ask("PUT", `/asks/${encodeURIComponent(c.offer)}/`, `rent offer ${c.offer} (${c.instanceType})`, body);
      return strictly4("rent offer", () => idOf(obj(r, "answer"), "new_contract", "answer"));
    },
    async describe(id) {
      let a;
      try {
        a = await answer("GET", `${base}/instances/${encodeURIComponent(id)}/?owner=me`, auth, void 0, s.callTimeoutMs, "vastai: show instance");
      } catch (err) {
        return { phase: "pending", host: null, port: 22, detail: err.message };
      }
      if (a.status !== 200 || !a.body || typeof a.body !== "object" || !("instances" in a.body))
        return { phase: "pending", host: null, port: 22, detail: `HTTP ${a.status}` };
      const inst = a.body.instances;
      if (inst === null) return { phase: "gone", host: null, port: 22, detail: "instances: null" };
      return strictly4("show instance", () => vastBoxState(obj(inst, "instance"), id));
    },
    async list(prefix) {
      const r = await ask("GET", "/instances/?owner=me", "list instances");
      return strictly4("list instances", () => vastListed(obj(r, "answer"), prefix));
    }
  };
}
function vastBoxState(inst, id) {
  if (idOf(inst, "id", "instance") !== id) throw new BoxDataError(`instance.id is not ${id}`);
  const text = (k) => typeof inst[k] === "string" ? inst[k].slice(0, 40) : "";
  const actual = text("actual_status");
  const intended = text("intended_status");
  const detail = `actual_status ${actual || "none yet"}${intended ? `, intended_status ${intended}` : ""}${text("status_msg") ? `, ${text("status_msg")}` : ""}`;
  if (actual === "destroyed") return { phase: "gone", host: null, port: 22, detail };
  if (inst["is_bid"] === true && text("cur_state") === "stopped" && intended === "stopped" && text("next_state") === "stopped")
    return { phase: "failed", host: null, port: 22, detail, preempted: "cur_state, intended_status and next_state stopped on an interruptible (is_bid)" };
  if (["exited", "offline", "unknown"].includes(actual) || intended === "stopped") return { phase: "failed", host: null, port: 22, detail };
  if (actual !== "running") return { phase: "pending", host: null, port: 22, detail };
  const ip = typeof inst["public_ipaddr"] === "string" ? inst["public_ipaddr"].trim() : "";
  const ports = inst["ports"] && typeof inst["ports"] === "object" ? inst["ports"] : {};
  const mapped = Array.isArray(ports["22/tcp"]) ? ports["22/tcp"][0] : void 0;
  const hostPort = mapped && typeof mapped === "object" ? Number(mapped["HostPort"]) : NaN;
  if (isIP5(ip) && Number.isInteger(hostPort) && hostPort > 0 && hostPort < 65536) return { phase: "running", host: ip, port: hostPort, detail };
  const sshHost = typeof inst["ssh_host"] === "string" && /^[A-Za-z0-9.-]{1,253}$/.test(inst["ssh_host"]) ? inst["ssh_host"] : "";
  const sshPort = Number(inst["ssh_port"]);
  if (sshHost && Number.isInteger(sshPort) && sshPort > 0 && sshPort < 65536) return { phase: "running", host: sshHost, port: sshPort, detail };
  return { phase: "pending", host: null, port: 22, detail: `${detail}, no SSH address yet` };
}
function vastCandidates(doc, types, regions) {
  const offers = arr(doc, "offers", "offers", 1e3).map((o) => obj(o, "offer"));
  const candidates = [];
  const skipped = [];
  const inRegion = (geo) => !regions.length || regions.some((r) => geo.split(/,\s*/).some((part) => part.toLowerCase() === r.toLowerCase()));
  for (const t of types) {
    const name = t.replace(/_/g, " ");
    const mine = offers.filter((o) => o["gpu_name"] === name).map((o) => ({
      offer: idOf(o, "id", "offer"),
      geo: typeof o["geolocation"] === "string" ? o["geolocation"].slice(0, 80) : "",
      price: typeof o["dph_total"] === "number" && o["dph_total"] >= 0 && o["dph_total"] < 1e4 ? o["dph_total"] : null
    })).filter((o) => inRegion(o.geo)).sort((a, b) => (a.price ?? Infinity) - (b.price ?? Infinity)).slice(0, OFFERS_PER_TYPE);
    if (!mine.length) skipped.push(`${t}: no rentable offer${regions.length ? ` in ${regions.join(", ")}` : ""} now`);
    for (const o of mine) candidates.push({ instanceType: name, region: o.geo, hourlyPrice: o.price, offer: o.offer });
  }
  return { candidates, skipped };
}
function vastListed(r, prefix) {
  return arr(r, "instances", "instances", 1e4).map((x) => obj(x, "instance")).filter((i) => typeof i["label"] === "string" && i["label"].startsWith(prefix)).map((i) => {
    const status = typeof i["actual_status"] === "string" ? i["actual_status"].slice(0, 40) : "unknown";
    const started = i["start_date"];
    return {
      id: idOf(i, "id", "instance"),
      name: str(i, "label", "instance", { max: 200 }),
      status,
      // A stopped instance still bills its disk; only a destroyed one is gone.
      billing: status !== "destroyed",
      hourlyPrice: typeof i["dph_total"] === "number" && i["dph_total"] >= 0 ? i["dph_total"] : null,
      // start_date: seconds since the epoch.
      createdAt: typeof started === "number" && started > 1e9 && started < 1e10 ? new Date(started * 1e3).toISOString() : null
    };
  });
}

// src/providers/vastai.ts
function vastaiProvider(ctx, apiKey, apiUrl) {
  const base = baseUrl(apiUrl, "https://console.vast.ai/api/v0");
  const auth = { authorization: `Bearer ${apiKey}` };
  const id = encodeURIComponent(ctx.instanceId);
  let seen = false;
  return {
    async state() {
      const r = await call("GET", `${base}/instances/${id}/`, auth, void 0, ctx.callTimeoutMs, "vastai: show instance");
      const doc = jsonObject(r);
      if (r.status === 404 && doc) return { state: seen ? "gone" : "missing", detail: "404: no such instance" };
      if (r.status !== 200 || !doc || !("instances" in doc)) return { state: "unknown", detail: `HTTP ${r.status}, not an answer about the instance` };
      const inst = doc["instances"];
      if (inst === null) return { state: seen ? "gone" : "missing", detail: "instances: null" };
      if (typeof inst !== "object" || String(inst.id) !== ctx.instanceId)
        return { state: "unknown", detail: "an answer about another instance, or without an id" };
      seen = true;
      const text = (x) => typeof x === "string" ? x.slice(0, 40) : "unknown";
      const actual = text(inst.actual_status);
      const intended = text(inst.intended_status);
      const detail = `actual_status ${actual}, intended_status ${intended}${typeof inst.status_msg === "string" && inst.status_msg ? `, ${inst.status_msg.slice(0, 80)}` : ""}`;
      if (actual === "destroyed") return { state: "gone", detail };
      if ((actual === "exited" || actual === "stopped") && intended !== "running") return { state: ctx.verb === "destroy" ? "changing" : "stopped", detail };
      return { state: actual === "running" ? "running" : "changing", detail };
    },
    async request(verb) {
      const r = verb === "destroy" ? await call("DELETE", `${base}/instances/${id}/`, auth, void 0, ctx.callTimeoutMs, "vastai: destroy") : await call("PUT", `${base}/instances/${id}/`, auth, { state: "stopped" }, ctx.callTimeoutMs, "vastai: stop");
      if (r.status === 404) return;
      const ok = r.body?.success;
      if (r.status !== 200 || ok === false) throw new ProviderError(`vastai: ${verb}: HTTP ${r.status} ${r.text.slice(0, 200)}`, false);
    },
    async leftovers() {
      const r = await call("GET", `${base}/volumes/`, auth, void 0, ctx.callTimeoutMs, "vastai: list volumes");
      const list = r.body?.volumes ?? [];
      return list.map((v) => `vast.ai volume ${v.id ?? "?"} (${v.disk_space ?? "?"} GB, ${v.status ?? "?"}) bills until deleted`);
    }
  };
}
var vastai = {
  name: "vastai",
  facts: {
    title: "vast.ai",
    credentials: "api-key",
    loginUser: "root",
    park: {
      action: "stop (`PUT /instances/{id}/` state=stopped)",
      reversible: true,
      survives: 'the instance disk; the GPU may be taken by someone else ("Scheduling" forever)',
      keepsBilling: "the disk, forever (even at a negative balance), and bandwidth in every state"
    },
    destroy: {
      action: "destroy (`DELETE /instances/{id}/`)",
      reversible: false,
      survives: "nothing on the box; only copies you made off it",
      keepsBilling: "volumes until you delete them"
    },
    traps: ["stop bills the disk forever", "destroy is eventually consistent: tether polls until the instance is gone"],
    verified: "2026-06"
  },
  make: (ctx, cfg) => vastaiProvider(ctx, cfg.apiKey ?? "", cfg.apiUrl),
  // No cloud-init: tether's onstart installs the host key and reloads the sshd vast started first (facts §2.2,
  // rank 1), so until it ran the box may answer with vast's own key (waited out, never authenticated to).
  provision: {
    hostKeyChannel: "injected-start-step",
    credentials: "api-key",
    apiKeyEnv: "VAST_API_KEY",
    spot: true,
    diskGb: true,
    prices: true,
    // A Docker image reference: vast has no default image.
    needsImage: /^[a-z0-9][a-z0-9._/-]{0,200}(:[A-Za-z0-9._-]{1,128})?(@sha256:[0-9a-f]{64})?$/,
    keyInUserData: false,
    make: vastProvisioner
  }
};

// src/providers/index.ts
var PROVIDER_LIST = [ssh, command, lambda, runpod, vastai, aws, paperspace, autodl, slurm];
function providerModule(name) {
  const m = PROVIDER_LIST.find((p) => p.name === name);
  if (!m) throw new Error(`no provider module for ${name}`);
  return m;
}
var FACTS = Object.fromEntries(PROVIDER_NAMES.map((n) => [n, providerModule(n).facts]));
function monthsSince(stamp, now) {
  const [y, m] = stamp.split("-").map(Number);
  return (now.getUTCFullYear() - (y ?? 0)) * 12 + (now.getUTCMonth() + 1 - (m ?? 0));
}
function instanceIdFor(provider, given, box, runId = "") {
  const m = providerModule(provider);
  if (m.facts.scheduler) return m.defaultInstance?.(box, runId) ?? runId;
  return given.trim() || m.defaultInstance?.(box, runId) || "";
}
function verbFacts(provider, verb) {
  return FACTS[provider][verb] ?? null;
}
function verbMissing(provider, verb) {
  return FACTS[provider].missing?.[verb] ?? (verb === "cancel" ? "cancel is for a scheduler (provider slurm)" : "not offered by this provider");
}

export {
  ProviderError,
  ProvisionError,
  awsFromEnv,
  PROVIDER_LIST,
  providerModule,
  FACTS,
  monthsSince,
  instanceIdFor,
  verbFacts,
  verbMissing
};
