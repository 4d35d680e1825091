import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  VERIFIED_SCHEMA,
  buildManifest,
  filesSha256,
  lookAtRun,
  renderCard,
  stateOfLook
} from "./chunk-PPBFCOB7.js";
import {
  openPinned
} from "./chunk-6GE2CGIO.js";
import "./chunk-6CJAEAZV.js";
import {
  allEnded,
  parseRunState,
  whereText
} from "./chunk-XJ45IGQK.js";
import "./chunk-YYRHL6YM.js";
import {
  parseManifest
} from "./chunk-MJDLXBHN.js";
import "./chunk-XUWSLT73.js";
import "./chunk-6CFQCFA3.js";
import {
  probeOn
} from "./chunk-5UVZRVPG.js";
import "./chunk-XJH54OJL.js";
import {
  connect,
  dataLines,
  parseJsonLine,
  runScript
} from "./chunk-MLEYABAT.js";
import "./chunk-H57H7UT2.js";
import {
  TransportError
} from "./chunk-JVLHI33R.js";
import {
  verifiedRegistration
} from "./chunk-MP3GR5CH.js";
import "./chunk-6HC5EO2D.js";
import "./chunk-Q7SGPJDP.js";
import {
  FACTS
} from "./chunk-B4N4UQG3.js";
import "./chunk-YBXAOFSY.js";
import {
  code,
  inert
} from "./chunk-NMVVBMUM.js";
import "./chunk-TBRREONL.js";
import "./chunk-6GYWRMDF.js";
import "./chunk-T4D4UC6P.js";
import {
  BoxDataError,
  arr,
  obj,
  str
} from "./chunk-GJKECLQ2.js";
import {
  loadCredential
} from "./chunk-C5X3PL2Z.js";
import {
  InputError
} from "./chunk-3B7SBFZS.js";
import "./chunk-EPCPIVQ4.js";
import "./chunk-R3K6G2KB.js";

// src/teardown/phase.ts
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

// src/teardown/render.ts
var HEAD = {
  refused: ["\u26D4", "refused"],
  "dry-run": ["\u{1F50D}", "dry run"],
  failed: ["\u274C", "failed"],
  unconfirmed: ["\u274C", "NOT confirmed"]
};
function renderTeardown(s) {
  const head = (icon, what) => `### ${icon} tether teardown \u2014 ${code(s.runId)}: ${what}`;
  const notes = s.notes.map((n) => `- ${inert(n)}`).join("\n");
  let body;
  if (s.kind === "done") {
    body = [head("\u2705", s.state), `${code(s.instanceId)}: ${inert(s.detail)}${s.already ? " (it already was, before anything was asked)" : ""}.`, notes];
    if (s.keepsBilling) body.push(`Still billing after this ${s.verb}: ${s.keepsBilling}.`);
    if (s.leftovers && "error" in s.leftovers) body.push(`Could not list what still bills: ${inert(s.leftovers.error)}`);
    else if (s.leftovers)
      body.push(
        s.leftovers.length ? `#### Still billing (reported, never deleted)

${s.leftovers.map((l) => `- ${inert(l)}`).join("\n")}` : "The provider lists nothing else that bills."
      );
  } else {
    const [icon, what] = HEAD[s.kind];
    const text = s.kind === "unconfirmed" ? `${inert(s.detail)}. The instance may still bill: check the provider console.` : inert(s.reason);
    body = s.kind === "refused" ? [head(icon, what), text] : [head(icon, what), text, notes];
  }
  return [...body, s.card].filter(Boolean).join("\n\n");
}

// src/teardown/gate.ts
import { createHash } from "node:crypto";
function checkBox(v, t) {
  const b = v.box;
  if (!b || typeof b.host !== "string" || typeof b.port !== "number" || typeof b.host_key_fingerprint !== "string")
    return "VERIFIED.json does not say which box it proves (written by an older tether?): collect again";
  const provider = typeof b.provider === "string" ? b.provider : null;
  const instance = typeof b.instance_id === "string" ? b.instance_id : null;
  if (instance !== null && (instance !== t.instanceId || provider !== t.provider))
    return `VERIFIED.json proves ${provider} instance ${JSON.stringify(instance)}, not ${t.provider} ${JSON.stringify(t.instanceId)}: a proof is never moved to another instance`;
  if (t.box && (t.box.host !== b.host || t.box.port !== b.port)) return `VERIFIED.json proves the box at ${b.host}:${b.port}, not ${t.box.host}:${t.box.port}`;
  if (instance === null && !t.box)
    return "VERIFIED.json names no instance (give collect provider and instance-id) and no connection was given to compare its box with: cannot tell that this proof is for this instance";
  return null;
}
function checkHostKey(v, seen) {
  const want = v.box?.host_key_fingerprint;
  return want === seen ? null : `the box answering now has host key ${seen}, the proof was collected from ${String(want)}: another machine holds this address`;
}
var refuse = (reason) => ({ ok: false, reason });
function checkProof(runId, verb, files, allowParkUnverified) {
  if (!files) {
    if (verb === "park" && allowParkUnverified)
      return { ok: true, proof: null, notes: ["no VERIFIED.json: parking (reversible) without verification, as allow-park-unverified asks"] };
    return refuse(
      `no VERIFIED.json for run ${runId}: collect (verified) must come first${verb === "park" ? "; a reversible park without it needs allow-park-unverified: true" : ""}`
    );
  }
  let v;
  try {
    v = JSON.parse(files.verifiedText);
  } catch {
    return refuse("VERIFIED.json is not JSON");
  }
  if (v?.schema !== VERIFIED_SCHEMA) return refuse(`VERIFIED.json has schema ${JSON.stringify(v?.schema)}, expected ${VERIFIED_SCHEMA}`);
  if (v.run_id !== runId) return refuse(`VERIFIED.json is for run ${JSON.stringify(v.run_id)}, not ${runId}`);
  if (!/^[0-9a-f]{64}$/.test(v.manifest_sha256 ?? "") || !/^[0-9a-f]{64}$/.test(v.files_sha256 ?? ""))
    return refuse("VERIFIED.json lacks manifest_sha256 or files_sha256");
  if (files.manifestText === null) return refuse("manifest.json is missing beside VERIFIED.json, so its hash cannot be checked");
  const sha = createHash("sha256").update(files.manifestText).digest("hex");
  if (sha !== v.manifest_sha256)
    return refuse(`manifest.json (sha256 ${sha.slice(0, 12)}\u2026) is not the manifest VERIFIED.json was written for (${v.manifest_sha256.slice(0, 12)}\u2026)`);
  let manifest;
  try {
    manifest = parseManifest(JSON.parse(files.manifestText), runId);
  } catch (err) {
    return refuse(`manifest.json beside VERIFIED.json: ${err.message}`);
  }
  if (filesSha256(manifest) !== v.files_sha256) return refuse("VERIFIED.json files_sha256 does not match its manifest");
  if (v.latest_only && verb === "destroy")
    return refuse("VERIFIED.json covers only the latest checkpoint (latest-only): collect the whole run before destroying the box");
  let runState = null;
  if (v.run_state !== void 0) {
    try {
      runState = parseRunState(v.run_state, "VERIFIED.json run_state");
    } catch (err) {
      return refuse(`${err.message}: collect again`);
    }
  }
  return {
    ok: true,
    proof: { verified: v, manifest, runState },
    notes: runState ? [] : ["VERIFIED.json does not record the run's state (an older tether): only the box itself can say the run ended"]
  };
}
function checkRebuilt(verified, now) {
  if (filesSha256(now) === filesSha256(verified)) return null;
  const before = new Map(verified.files.map((f) => [f.path, f.sha256]));
  const after = new Map(now.files.map((f) => [f.path, f.sha256]));
  const added = [...after.keys()].filter((p) => !before.has(p));
  const gone = [...before.keys()].filter((p) => !after.has(p));
  const changed = [...after.keys()].filter((p) => before.has(p) && before.get(p) !== after.get(p));
  const list = (label, ps) => ps.length ? [`${label} ${ps.slice(0, 5).join(", ")}${ps.length > 5 ? ` and ${ps.length - 5} more` : ""}`] : [];
  return `the box's checkpoints changed since verification (${[...list("new:", added), ...list("changed:", changed), ...list("gone:", gone)].join("; ")}): collect again before teardown`;
}
function checkConfirm(verb, instanceId, confirm, required) {
  const want = `${verb} ${instanceId}`;
  if (!confirm && !required || confirm === want) return null;
  return `confirm must be exactly "${want}"${confirm ? `, got "${confirm.slice(0, 80)}"` : " (approval: confirm)"}`;
}
function checkRunEnded(runId, seen, recorded, stopRunning) {
  const stopHint = "wait for it to end, or set stop-running: true to stop it";
  if (seen.kind === "seen") {
    const shown2 = { state: seen.state, source: `seen on the box at ${seen.state.observed_at}` };
    const where = whereText(seen.state);
    if (allEnded(seen.state)) return { ok: true, shown: shown2, kills: null, note: `run ${runId} has ended on the box: ${where}` };
    if (stopRunning)
      return { ok: true, shown: shown2, kills: `run ${runId} is ${where}: tearing down kills it (stop-running: true)`, note: `stop-running: run ${runId} is ${where}` };
    return { ok: false, shown: shown2, reason: `run ${runId} is ${where} on the box: tearing down would kill it; ${stopHint}` };
  }
  if (recorded) {
    const shown2 = {
      state: recorded,
      source: `as VERIFIED.json recorded it at ${recorded.observed_at} (the box cannot be looked at now: ${seen.why})`
    };
    const where = whereText(recorded);
    if (allEnded(recorded))
      return { ok: true, shown: shown2, kills: null, note: `the box cannot be looked at (${seen.why}); the proof recorded run ${runId} as ended: ${where}` };
    if (stopRunning)
      return {
        ok: true,
        shown: shown2,
        kills: `run ${runId} was ${where} when collected, and may still run: tearing down kills it (stop-running: true)`,
        note: `stop-running: the proof recorded run ${runId} as live`
      };
    return {
      ok: false,
      shown: shown2,
      reason: `the box cannot be looked at (${seen.why}) and the proof was collected while run ${runId} was ${where}: it may still be running; ${stopHint}`
    };
  }
  const shown = { state: null, source: `the box cannot be looked at (${seen.why}) and no proof records the run's state` };
  if (stopRunning)
    return {
      ok: true,
      shown,
      kills: `run ${runId}, whatever it is doing: its state is not known (stop-running: true)`,
      note: `stop-running: run ${runId}'s state is not known`
    };
  return {
    ok: false,
    shown,
    reason: `cannot tell whether run ${runId} has ended: the box cannot be looked at (${seen.why}) and no VERIFIED.json records its state (collected by an older tether, or none given); ${stopHint}`
  };
}

// src/teardown/providers/aws.ts
import { createHash as createHash2, createHmac } from "node:crypto";

// src/teardown/providers/types.ts
var ProviderError = class extends Error {
  constructor(message, retryable) {
    super(message);
    this.retryable = retryable;
    this.name = "ProviderError";
  }
  retryable;
};

// src/teardown/providers/http.ts
async function call(method, url, headers, body, timeoutMs, label) {
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
  if (res.status === 401 || res.status === 403)
    throw new ProviderError(`${label}: HTTP ${res.status}: the API key was refused (is the secret set and does it allow this?)`, false);
  if (res.status >= 500 || res.status === 429) throw new ProviderError(`${label}: HTTP ${res.status} ${text.slice(0, 200)}`, true);
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

// src/teardown/providers/aws.ts
function signV4(method, url, body, creds, service, now) {
  const amzDate = now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const day = amzDate.slice(0, 8);
  const headers = { "content-type": "application/x-www-form-urlencoded; charset=utf-8", host: url.host, "x-amz-date": amzDate };
  if (creds.sessionToken) headers["x-amz-security-token"] = creds.sessionToken;
  const names = Object.keys(headers).sort();
  const hash = (s) => createHash2("sha256").update(s).digest("hex");
  const canonical = [method, url.pathname || "/", "", ...names.map((n) => `${n}:${headers[n]}`), "", names.join(";"), hash(body)].join("\n");
  const scope = `${day}/${creds.region}/${service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, hash(canonical)].join("\n");
  const hmac = (key2, s) => createHmac("sha256", key2).update(s).digest();
  const key = hmac(hmac(hmac(hmac(`AWS4${creds.secretAccessKey}`, day), creds.region), service), "aws4_request");
  const signature = createHmac("sha256", key).update(toSign).digest("hex");
  const { host: _host, ...sent } = headers;
  return { ...sent, authorization: `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}` };
}
var tag = (xml, name) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
function awsProvider(ctx, creds, apiUrl) {
  const url = new URL(apiUrl || `https://ec2.${creds.region}.amazonaws.com/`);
  const ec2 = async (params, label) => {
    const body = new URLSearchParams({ ...params, Version: "2016-11-15" }).toString();
    const r = await call("POST", url.toString(), signV4("POST", url, body, creds, "ec2", /* @__PURE__ */ new Date()), body, ctx.callTimeoutMs, `aws: ${label}`);
    const code2 = tag(r.text, "Code");
    return { ...r, code: code2 };
  };
  let seen = false;
  return {
    async state() {
      const r = await ec2({ Action: "DescribeInstances", "InstanceId.1": ctx.instanceId }, "describe instance");
      if (r.status === 400 && /^\s*(<\?xml[^>]*>\s*)?<Response>\s*<Errors>/.test(r.text) && r.code === "InvalidInstanceID.NotFound")
        return { state: seen ? "gone" : "missing", detail: "InvalidInstanceID.NotFound" };
      if (r.status !== 200 || !/<DescribeInstancesResponse[\s>]/.test(r.text))
        return { state: "unknown", detail: `HTTP ${r.status}, not a DescribeInstances answer` };
      if (tag(r.text, "instanceId") !== ctx.instanceId) return { state: "unknown", detail: "the answer does not describe this instance" };
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
      if (r.status !== 200) throw new ProviderError(`aws: ${verb}: HTTP ${r.status} ${r.code ?? ""} ${tag(r.text, "Message") ?? ""}`, false);
    },
    async leftovers() {
      const r = await ec2({ Action: "DescribeVolumes", "Filter.1.Name": "status", "Filter.1.Value.1": "available" }, "list unattached volumes");
      return [...r.text.matchAll(/<item>\s*<volumeId>([^<]*)<\/volumeId>[\s\S]*?<size>([^<]*)<\/size>/g)].map(
        (m) => `EBS volume ${m[1]} (${m[2]} GiB, unattached) bills until deleted`
      );
    }
  };
}

// src/teardown/providers/command.ts
import { spawn } from "node:child_process";
function commandProvider(ctx, command, env, timeoutMs) {
  let done = false;
  return {
    async state() {
      return done ? { state: ctx.verb === "park" ? "stopped" : "gone", detail: "teardown-command exited 0" } : { state: "running", detail: "teardown-command not run yet" };
    },
    request(verb) {
      return new Promise((resolve2, reject) => {
        const child = spawn("bash", ["-c", command], {
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
        child.on("close", (code2, signal) => {
          clearTimeout(timer);
          if (code2 === 0) {
            done = true;
            resolve2();
          } else
            reject(
              new ProviderError(
                `teardown-command ${signal ? `was killed (${signal}) after ${Math.round(timeoutMs / 1e3)} s` : `exited ${code2}`}${tail.trim() ? `: ${tail.trim().split("\n").pop()}` : ""}`,
                false
              )
            );
        });
      });
    }
  };
}

// src/teardown/providers/drive.ts
var reached = (verb, s) => s === "gone" || verb === "park" && s === "stopped";
async function drive(p, verb, ctx, o) {
  const sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  const now = o.now ?? Date.now;
  const end = now() + o.deadlineMs;
  let last = { state: "unknown", detail: "not read yet" };
  const read = async () => {
    try {
      last = await p.state();
    } catch (err) {
      if (!(err instanceof ProviderError) || !err.retryable) throw err;
      ctx.log(`teardown: state query failed (${err.message}); will ask again`);
      last = { state: "unknown", detail: err.message };
    }
    return last;
  };
  const first = await read();
  if (reached(verb, first.state)) return { ok: true, ...last, already: true, requests: 0 };
  if (first.state === "missing")
    return {
      ok: false,
      ...last,
      detail: `${ctx.instanceId} was not found and this teardown never saw it (${last.detail}): check instance-id and region/account; nothing was asked, and a wrong id is never counted as torn down`,
      already: false,
      requests: 0
    };
  let requests = 0;
  let asked = false;
  while (!asked && requests < o.attempts && now() < end) {
    requests++;
    try {
      await p.request(verb);
      asked = true;
      ctx.log(`teardown: ${verb} requested for ${ctx.instanceId}; waiting for the provider to confirm`);
    } catch (err) {
      if (!(err instanceof ProviderError) || !err.retryable) throw err;
      ctx.log(`teardown: ${verb} request ${requests} failed: ${err.message}; re-querying the state before any retry`);
      if (reached(verb, (await read()).state)) return { ok: true, ...last, already: false, requests };
      await sleep(Math.min(o.pollMs * requests, Math.max(0, end - now())));
    }
  }
  if (!asked)
    return {
      ok: false,
      ...last,
      detail: `the ${verb} request failed ${requests} time(s); last state ${last.state} (${last.detail})`,
      already: false,
      requests
    };
  while (now() < end) {
    if (reached(verb, (await read()).state)) return { ok: true, ...last, already: false, requests };
    await sleep(Math.min(o.pollMs, Math.max(0, end - now())));
  }
  if (reached(verb, (await read()).state)) return { ok: true, ...last, already: false, requests };
  return {
    ok: false,
    ...last,
    detail: `still ${last.state} (${last.detail}) ${Math.round(o.deadlineMs / 1e3)} s after the ${verb} request`,
    already: false,
    requests
  };
}

// src/teardown/providers/lambda.ts
function lambdaProvider(ctx, apiKey, apiUrl) {
  const base = baseUrl(apiUrl, "https://cloud.lambdalabs.com/api/v1");
  const auth = { authorization: `Basic ${Buffer.from(`${apiKey}:`).toString("base64")}` };
  const id = encodeURIComponent(ctx.instanceId);
  let seen = false;
  return {
    async state() {
      const r = await call("GET", `${base}/instances/${id}`, auth, void 0, ctx.callTimeoutMs, "lambda: get instance");
      const code2 = jsonObject(r)?.["error"]?.code;
      if (r.status === 404 && code2 === "global/object-does-not-exist") return { state: seen ? "gone" : "missing", detail: "404: no such instance" };
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

// src/teardown/providers/runpod.ts
function runpodProvider(ctx, apiKey, apiUrl) {
  const base = baseUrl(apiUrl, "https://rest.runpod.io/v1");
  const auth = { authorization: `Bearer ${apiKey}` };
  const id = encodeURIComponent(ctx.instanceId);
  let seen = false;
  return {
    async state() {
      const r = await call("GET", `${base}/pods/${id}`, auth, void 0, ctx.callTimeoutMs, "runpod: get pod");
      if (r.status === 404 && jsonObject(r)) return { state: seen ? "gone" : "missing", detail: "404: no such pod" };
      if (r.status !== 200) return { state: "unknown", detail: `HTTP ${r.status}, not an answer about the pod` };
      const pod = jsonObject(r);
      if (!pod || pod["id"] !== ctx.instanceId || typeof pod["desiredStatus"] !== "string")
        return { state: "unknown", detail: "an answer without this pod's id and desiredStatus" };
      seen = true;
      const s = pod["desiredStatus"].slice(0, 40);
      return { state: s === "EXITED" ? "stopped" : s === "RUNNING" ? "running" : s === "TERMINATED" ? "changing" : "unknown", detail: `desiredStatus ${s}` };
    },
    async request(verb) {
      const r = verb === "destroy" ? await call("DELETE", `${base}/pods/${id}`, auth, void 0, ctx.callTimeoutMs, "runpod: terminate") : await call("POST", `${base}/pods/${id}/stop`, auth, void 0, ctx.callTimeoutMs, "runpod: stop");
      if (r.status === 404 || r.status >= 200 && r.status < 300) return;
      throw new ProviderError(`runpod: ${verb}: HTTP ${r.status} ${r.text.slice(0, 200)}`, false);
    },
    async leftovers() {
      const r = await call("GET", `${base}/networkvolumes`, auth, void 0, ctx.callTimeoutMs, "runpod: list network volumes");
      const list = Array.isArray(r.body) ? r.body : [];
      return list.map((v) => `RunPod network volume ${v.name ?? "?"} (${v.size ?? "?"} GB in ${v.dataCenterId ?? "?"}) bills until deleted`);
    }
  };
}

// src/teardown/providers/ssh.ts
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
        const r = await s.exec(`if [ "$(id -u)" = 0 ]; then poweroff; else sudo -n poweroff; fi`, { timeoutMs: ctx.callTimeoutMs }).catch(() => null);
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

// src/teardown/providers/slurm.ts
var ENDED = /^(COMPLETED|FAILED|CANCELLED|TIMEOUT|OUT_OF_MEMORY|NODE_FAIL|PREEMPTED|BOOT_FAIL|DEADLINE|REVOKED|SPECIAL_EXIT)$/;
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
function jobsState(jobs) {
  const list = jobs.map((j) => `${j.id} ${j.state}${j.reason ? ` (${j.reason})` : ""}`).join(", ");
  if (jobs.every((j) => ENDED.test(j.state))) return { state: "gone", detail: `every job of the run has ended: ${list}` };
  if (jobs.every((j) => ENDED.test(j.state) || j.state === "PENDING" && /Held/i.test(j.reason))) return { state: "stopped", detail: `held: ${list}` };
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

// src/teardown/providers/vastai.ts
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

// src/teardown/phase.ts
function depsOf(cfg, ctx, opts) {
  const { ports, reporter } = ctx;
  const spec = cfg.store;
  const store = spec ? ports.statusStore?.(spec) : void 0;
  return {
    ...opts,
    ...ports.fetchArtifact ? { fetchArtifact: (name, dir) => ports.fetchArtifact(name, dir) } : {},
    ...spec && ports.afterTeardown ? { afterTeardown: (state, reason) => ports.afterTeardown(spec, cfg.runId, reporter, state, reason) } : {},
    ...store?.registered ? { registration: async (runId) => (await store.registered()).find((f) => f.runId === runId)?.body ?? null } : {}
  };
}
function readProof(file) {
  if (!existsSync(file)) return null;
  const manifest = join(dirname(file), "manifest.json");
  return { verifiedText: readFileSync(file, "utf8"), manifestText: existsSync(manifest) ? readFileSync(manifest, "utf8") : null };
}
async function loadProof(cfg, workspace, fetchArtifact) {
  if (cfg.verifiedPath) {
    const p = resolve(workspace, cfg.verifiedPath);
    return readProof(existsSync(p) && statSync(p).isDirectory() ? join(p, "VERIFIED.json") : p);
  }
  if (!cfg.verifiedArtifact || !fetchArtifact) return null;
  const dir = mkdtempSync(join(tmpdir(), "tether-proof-"));
  try {
    await fetchArtifact(cfg.verifiedArtifact, dir);
    return readProof(join(dir, "VERIFIED.json"));
  } catch (err) {
    return `the proof artifact ${cfg.verifiedArtifact} could not be downloaded: ${err.message.split("\n")[0]}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
function providerFor(cfg, ctx, env, slurmJobs = null) {
  switch (cfg.provider) {
    case "lambda":
      return lambdaProvider(ctx, cfg.apiKey ?? "", cfg.apiUrl);
    case "runpod":
      return runpodProvider(ctx, cfg.apiKey ?? "", cfg.apiUrl);
    case "vastai":
      return vastaiProvider(ctx, cfg.apiKey ?? "", cfg.apiUrl);
    case "aws":
      return awsProvider(
        ctx,
        {
          region: cfg.awsRegion ?? "",
          accessKeyId: env["AWS_ACCESS_KEY_ID"] ?? "",
          secretAccessKey: env["AWS_SECRET_ACCESS_KEY"] ?? "",
          sessionToken: env["AWS_SESSION_TOKEN"]
        },
        cfg.apiUrl
      );
    case "command":
      return commandProvider(ctx, cfg.teardownCommand ?? "", env, cfg.timeoutS * 1e3);
    case "ssh": {
      const conn = cfg.connection;
      if (!conn) throw new ProviderError("provider ssh needs the connection inputs", false);
      return sshProvider(ctx, conn, loadCredential(conn.key));
    }
    case "slurm": {
      const conn = cfg.connection;
      if (!conn) throw new ProviderError("provider slurm needs the connection inputs of the login node", false);
      return slurmProvider(ctx, conn, loadCredential(conn.key), cfg.runRoot, slurmJobs);
    }
  }
}
function jobsFromRegistration(runId, body, cred) {
  if (!body) return { jobs: null };
  const checked = verifiedRegistration(body, cred);
  if ("why" in checked) return { refused: `run ${runId}'s registration is not to be trusted (${checked.why}): not cancelling anything on its word` };
  if (checked.entry.runId !== runId)
    return { refused: `the registration found for run ${runId} is run ${checked.entry.runId}'s: not cancelling anything on its word` };
  const m = /^slurm:(\d{1,12})(_\d+)?$/.exec(checked.entry.handle ?? "");
  return { jobs: m ? [m[1]] : null };
}
async function teardownPhase(cfg, phaseCtx, opts = {}) {
  const { env, reporter } = phaseCtx;
  const workspace = phaseCtx.ports.workspace;
  const deps = depsOf(cfg, phaseCtx, opts);
  if (cfg.verifiedArtifact && !deps.fetchArtifact)
    throw new InputError("verified-artifact", "needs the GitHub Actions artifact service (the teardown action); here use 'verified-path'");
  for (const secret of [env["AWS_SECRET_ACCESS_KEY"], env["AWS_SESSION_TOKEN"]]) if (secret) reporter.mask(secret);
  const now = deps.now ?? (() => /* @__PURE__ */ new Date());
  const finish = (state2, reason2, exit2, summary) => {
    reporter.output("state", state2);
    reporter.output("reason", reason2);
    reporter.summary(renderTeardown(summary));
    if (exit2) reporter.error(`teardown ${state2}: ${reason2}`);
    else reporter.info(`teardown ${state2}: ${reason2}`);
    return exit2;
  };
  const runId = cfg.runId;
  const loaded = await loadProof(cfg, workspace, deps.fetchArtifact);
  const gate = typeof loaded === "string" ? { ok: false, reason: loaded } : cfg.provider === "slurm" && !loaded ? { ok: true, proof: null, notes: ["Slurm's cancel and hold delete no file: the run record and its checkpoints stay on the shared filesystem"] } : checkProof(cfg.runId, cfg.verb, loaded, cfg.allowParkUnverified);
  const proof = gate.ok ? gate.proof : null;
  const cardOf = (run, kills = null) => renderCard({
    provider: cfg.provider,
    instanceId: cfg.instanceId,
    verb: cfg.verb,
    runId: cfg.runId,
    verified: proof ? { files: proof.verified.file_count, bytes: proof.verified.bytes } : null,
    run,
    kills,
    now: now()
  });
  const recorded = proof?.runState ?? null;
  const unlooked = recorded ? { state: recorded, source: `as VERIFIED.json recorded it at ${recorded.observed_at} (the box was not looked at)` } : { state: null, source: "the box was not looked at" };
  const refuseWith = (reason2, run = unlooked) => finish("refused", reason2, 1, { kind: "refused", runId, reason: reason2, notes: [], card: cardOf(run) });
  const target = { provider: cfg.provider, instanceId: cfg.instanceId, box: cfg.connection ? { host: cfg.connection.host, port: cfg.connection.port } : null };
  const refused = gate.ok ? proof && checkBox(proof.verified, target) || checkConfirm(cfg.verb, cfg.instanceId, cfg.confirm, cfg.approval === "confirm") : gate.reason;
  if (refused) return refuseWith(refused);
  const notes = gate.ok ? [...gate.notes] : [];
  let seen = { kind: "not-seen", why: "no connection was given (host)" };
  if (cfg.connection) {
    try {
      const { session } = await openPinned({ conn: cfg.connection, cred: loadCredential(cfg.connection.key) }, reporter, { attempts: 1 });
      try {
        const otherBox = proof && checkHostKey(proof.verified, session.hostFingerprint);
        if (otherBox) return refuseWith(otherBox);
        const at = now();
        const look = await lookAtRun(cfg.runId, (runs) => probeOn(session, cfg.runRoot, runs), at);
        seen = look.kind === "blind" ? { kind: "not-seen", why: look.detail } : { kind: "seen", state: stateOfLook(look, at) };
        if (proof) {
          const { manifest } = await buildManifest(session, cfg.runRoot, cfg.runId, { latestOnly: false, roster: [], cells: proof.manifest.cells ?? [] });
          const changed = checkRebuilt(proof.manifest, manifest);
          if (changed)
            return refuseWith(changed, seen.kind === "seen" ? { state: seen.state, source: `seen on the box at ${seen.state.observed_at}` } : unlooked);
          notes.push(`the box still answers: its ${manifest.file_count} checkpoint files are exactly the verified ones`);
        }
      } finally {
        session.close();
      }
    } catch (err) {
      if (!(err instanceof TransportError) || err.kind === "host_key_mismatch" || err.kind === "auth_failed") {
        return refuseWith(`could not look at the run on the box: ${err.message}`);
      }
      seen = { kind: "not-seen", why: `the box does not answer: ${err.kind}` };
      if (proof) notes.push(`the box does not answer (${err.kind}); relying on VERIFIED.json from ${proof.verified.verified_at}`);
    }
  }
  const ran = checkRunEnded(runId, seen, recorded, cfg.stopRunning);
  if (!ran.ok) return refuseWith(ran.reason, ran.shown);
  notes.push(ran.note);
  if (ran.kills) reporter.warn(`teardown: ${ran.kills}`);
  const card = cardOf(ran.shown, ran.kills);
  for (const n of notes) reporter.info(`teardown: ${n}`);
  if (cfg.dryRun) {
    const reason2 = `would ${cfg.verb} ${cfg.instanceId} on ${cfg.provider}; nothing was done (set dry-run: false to act)`;
    return finish("dry-run", reason2, 0, { kind: "dry-run", runId, reason: reason2, notes, card });
  }
  const ctx = {
    instanceId: cfg.instanceId,
    runId: cfg.runId,
    verb: cfg.verb,
    callTimeoutMs: Math.min(6e4, Math.max(1e3, Math.round(cfg.timeoutS * 1e3 / 3))),
    log: (l) => reporter.info(l)
  };
  let slurmJobs = null;
  if (cfg.provider === "slurm" && cfg.connection && deps.registration) {
    const body = await deps.registration(cfg.runId).catch((err) => {
      reporter.warn(
        `teardown: the run's registration could not be read (${err.message}); Slurm's job ids come from the run record, checked by squeue's name, comment and user`
      );
      return null;
    });
    const found = jobsFromRegistration(cfg.runId, body, loadCredential(cfg.connection.key));
    if ("refused" in found) return finish("refused", found.refused, 1, { kind: "refused", runId, reason: found.refused, notes, card });
    slurmJobs = found.jobs;
    if (slurmJobs) reporter.info(`teardown: Slurm job ${slurmJobs.join(", ")} from the run's signed registration (sbatch's own answer at launch)`);
  }
  const provider = providerFor(cfg, ctx, env, slurmJobs);
  let result;
  try {
    result = await drive(provider, cfg.verb, ctx, { deadlineMs: cfg.timeoutS * 1e3, pollMs: deps.pollMs ?? 5e3, attempts: 3 });
  } catch (err) {
    const reason2 = err.message;
    return finish("failed", reason2, 1, { kind: "failed", runId, reason: reason2, notes, card });
  }
  if (!result.ok) return finish("failed", result.detail, 1, { kind: "unconfirmed", runId, detail: result.detail, notes, card });
  const state = cfg.verb === "park" ? "parked" : "torn-down";
  const verbFacts = FACTS[cfg.provider][cfg.verb];
  let leftovers = null;
  if (provider.leftovers) {
    try {
      leftovers = await provider.leftovers();
      for (const l of leftovers) reporter.warn(`teardown: still billing: ${l}`);
    } catch (err) {
      leftovers = { error: err.message };
    }
  }
  const reason = `${cfg.instanceId} ${state} (${result.detail})`;
  const exit = finish(state, reason, 0, {
    kind: "done",
    runId,
    state,
    instanceId: cfg.instanceId,
    detail: result.detail,
    already: result.already,
    verb: cfg.verb,
    keepsBilling: verbFacts?.keepsBilling ?? null,
    leftovers,
    notes,
    card
  });
  if (deps.afterTeardown) await deps.afterTeardown(state, reason);
  return exit;
}
export {
  teardownPhase
};
