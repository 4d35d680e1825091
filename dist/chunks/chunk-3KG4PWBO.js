import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  groups
} from "./chunk-OS6SLAAT.js";
import {
  sshInvocation
} from "./chunk-ZFPQ7UQN.js";
import {
  dataLines,
  scriptCommand,
  scriptStdin
} from "./chunk-GAYRDAJD.js";

// src/transfer/types.ts
var PullError = class extends Error {
  constructor(path, message, network = false) {
    super(message);
    this.path = path;
    this.network = network;
    this.name = "PullError";
  }
  path;
  network;
};

// src/transfer/stream.ts
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, truncateSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
var TRAILER = /^tether-(sent|changed|refused) ?([0-9]*) ?(.{0,300})$/;
async function readInto(path, bytes, each) {
  if (bytes === 0) return;
  for await (const chunk of createReadStream(path, { start: 0, end: bytes - 1, highWaterMark: 1 << 20 })) each(chunk);
}
async function streamFiles(target, workdir, files, dest, opts = {}) {
  const p = streamPull(target);
  try {
    return await p.run(workdir, files, dest, opts);
  } finally {
    p.close();
  }
}
function streamPull(target) {
  const { sshArgs, env, close: closeSecrets } = sshInvocation(target);
  const spawnSend = () => {
    const child = spawn("ssh", [...sshArgs, scriptCommand([])], { env, stdio: ["pipe", "pipe", "pipe"] });
    child.on("error", () => void 0);
    child.stdin.on("error", () => void 0);
    const closed = new Promise((res) => child.on("close", (c) => res(c)));
    return { child, closed };
  };
  let warm = spawnSend();
  const close = () => {
    if (warm) {
      warm.child.stdin.end();
      const w = warm.child;
      setTimeout(() => w.kill("SIGKILL"), 2e3).unref();
      warm = null;
    }
    closeSecrets();
  };
  return {
    run: (workdir, files, dest, opts = {}) => runPull(
      spawnSend,
      () => {
        const w = warm;
        warm = null;
        return w;
      },
      workdir,
      files,
      dest,
      opts
    ),
    close
  };
}
async function runPull(spawnSend, takeWarm, workdir, files, dest, opts) {
  const pull = new Pull(
    spawnSend,
    takeWarm,
    workdir,
    dest,
    opts,
    files.reduce((a, f) => a + f.bytes, 0)
  );
  const timer = opts.onProgress ? setInterval(() => pull.progress(), opts.progressEveryMs ?? 3e3) : void 0;
  try {
    let pending = [...files];
    let fresh = /* @__PURE__ */ new Set();
    for (let round = 0; pending.length && !pull.network && round <= files.length + 1; round++) {
      const retry = [];
      await Promise.all(groups(pending, opts.parallel ?? 4).map((g) => pull.stream(g, fresh, retry)));
      fresh = new Set(retry.filter((f) => pull.startedOver.has(f.path)).map((f) => f.path));
      pending = retry;
    }
    pull.progress();
    if (pull.errors.length) throw pull.errors[0];
    if (pending.length) throw new PullError(pending[0]?.path ?? "", `${pending.length} files were never sent; rerun to resume`);
    return { files: pull.arrived.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0), bytesThisRun: pull.thisRun };
  } finally {
    if (timer) clearInterval(timer);
  }
}
var printable = (s, max) => s.replace(/[^\x20-\x7e]/g, "?").slice(0, max);
var Pull = class {
  constructor(spawnSend, takeWarm, workdir, dest, opts, total) {
    this.spawnSend = spawnSend;
    this.takeWarm = takeWarm;
    this.workdir = workdir;
    this.dest = dest;
    this.opts = opts;
    this.total = total;
  }
  spawnSend;
  takeWarm;
  workdir;
  dest;
  opts;
  total;
  done = 0;
  thisRun = 0;
  network = false;
  arrived = [];
  errors = [];
  startedOver = /* @__PURE__ */ new Set();
  t0 = Date.now();
  progress() {
    this.opts.onProgress?.({ bytesDone: this.done, bytesTotal: this.total, bytesThisRun: this.thisRun, elapsedS: (Date.now() - this.t0) / 1e3 });
  }
  /** What the runner already holds of a file: its prefix is hashed (and shown to the sink) before the stream starts. */
  async prepare(f, fresh) {
    const final = join(this.dest, f.path);
    const part = `${final}.part`;
    mkdirSync(dirname(final), { recursive: true });
    if (fresh) {
      rmSync(final, { force: true });
      rmSync(part, { force: true });
    }
    let have = 0;
    let fromFinal = false;
    if (existsSync(final)) {
      if (statSync(final).size === f.bytes) {
        have = f.bytes;
        fromFinal = true;
        rmSync(part, { force: true });
      } else rmSync(final);
    }
    if (!fromFinal && existsSync(part)) {
      have = statSync(part).size;
      if (have > f.bytes) {
        truncateSync(part, 0);
        have = 0;
      }
    }
    const hash = createHash("sha256");
    const sink = this.opts.sink?.(f.path);
    await readInto(fromFinal ? final : part, have, (b) => {
      hash.update(b);
      sink?.write(b);
    });
    this.done += have;
    return { f, final, part, have, fromFinal, hash, sink, got: 0, fd: null, bytesDone: false, trailer: null, settled: false };
  }
  fail(s, err, keepPart) {
    s.settled = true;
    if (!keepPart) rmSync(s.part, { force: true });
    this.errors.push(err);
  }
  /** Both the bytes and the box's word on them are in: the file counts, starts over, or fails. */
  settle(s, retry) {
    if (s.settled || !s.bytesDone || !s.trailer) return;
    if ("changed" in s.trailer) {
      this.fail(s, new PullError(s.f.path, `${s.f.path} changed on the box since the listing (${s.trailer.changed}): collect again once it is settled`), false);
      return;
    }
    s.settled = true;
    const sha = s.hash.digest("hex");
    if (sha !== s.trailer.sha) {
      if (s.have > 0 && !this.startedOver.has(s.f.path)) {
        this.startedOver.add(s.f.path);
        this.done -= s.have + s.got;
        retry.push({ ...s.f });
        rmSync(s.part, { force: true });
        if (s.fromFinal) rmSync(s.final, { force: true });
        return;
      }
      rmSync(s.part, { force: true });
      this.errors.push(
        new PullError(
          s.f.path,
          `${s.f.path}: the box's sha256 (${s.trailer.sha.slice(0, 12)}\u2026) is not the sha256 of the bytes that arrived (${sha.slice(0, 12)}\u2026): collect again; if it repeats, the box is not sending what it hashes`
        )
      );
      return;
    }
    if (!s.fromFinal) {
      try {
        if (!existsSync(s.part)) closeSync(openSync(s.part, "a"));
        renameSync(s.part, s.final);
      } catch (err) {
        this.errors.push(new PullError(s.f.path, `${s.f.path} arrived but could not be put in place: ${err.message}`));
        return;
      }
    }
    const a = { path: s.f.path, bytes: s.f.bytes, sha256: sha };
    this.arrived.push(a);
    this.opts.onArrived?.(a, s.sink);
  }
  /** One ssh call of send.sh for `group`, in order; the files it did not reach go back into `retry`. */
  async stream(group, fresh, retry) {
    const slots = [];
    for (const f of group) slots.push(await this.prepare(f, fresh.has(f.path)));
    if (this.opts.signal?.aborted) throw new PullError(group[0]?.path ?? "", "the pull was stopped");
    const list = slots.map((s) => `${s.have} ${s.f.bytes} ${s.f.mtime} ${s.f.path}`).join("\n");
    const { child, closed } = this.takeWarm() ?? this.spawnSend();
    const stop = () => child.kill("SIGKILL");
    this.opts.signal?.addEventListener("abort", stop, { once: true });
    child.stdin.end(scriptStdin("send", dataLines({ workdir: this.workdir, files: list })));
    const call2 = { slots, child, cur: 0, stderr: "", lineBuf: "", refused: null, overflow: false, writeError: void 0, retry };
    this.advance(call2);
    child.stdout.on("data", (chunk) => this.receive(call2, chunk));
    child.stderr.on("data", (d) => {
      const text = d.toString("latin1");
      call2.stderr = (call2.stderr + text).slice(-2e3);
      call2.lineBuf += text;
      const lines = call2.lineBuf.split("\n");
      call2.lineBuf = (lines.pop() ?? "").slice(-1e3);
      for (const l of lines) this.trailer(call2, l);
    });
    const code = await closed;
    this.opts.signal?.removeEventListener("abort", stop);
    if (call2.lineBuf) this.trailer(call2, call2.lineBuf);
    for (const s of slots) {
      if (s.fd !== null) closeSync(s.fd);
      s.fd = null;
    }
    this.ended(call2, code);
  }
  /** Closes out every file whose owed bytes are all in (in order), settling it once its trailer is there too. */
  advance(call2) {
    for (; call2.cur < call2.slots.length; call2.cur++) {
      const s = call2.slots[call2.cur];
      if (s.got < s.f.bytes - s.have) return;
      if (s.fd !== null) closeSync(s.fd);
      s.fd = null;
      s.bytesDone = true;
      this.settle(s, call2.retry);
    }
  }
  /** Stdout bytes: each file's owed bytes, back to back; a byte past the last is never written. */
  receive(call2, chunk) {
    let b = chunk;
    while (b.length && !call2.overflow && !call2.writeError) {
      const s = call2.slots[call2.cur];
      if (!s) {
        call2.overflow = true;
        call2.child.kill("SIGKILL");
        return;
      }
      const take = Math.min(b.length, s.f.bytes - s.have - s.got);
      const piece = b.subarray(0, take);
      try {
        s.fd ??= openSync(s.part, "a");
        writeSync(s.fd, piece);
      } catch (err) {
        call2.writeError = err;
        call2.child.kill("SIGKILL");
        return;
      }
      s.hash.update(piece);
      s.sink?.write(piece);
      s.got += take;
      this.done += take;
      this.thisRun += take;
      b = b.subarray(take);
      this.advance(call2);
    }
  }
  /** One stderr line: a file's trailer (its hash, or why it changed) or the box's refusal of the request. */
  trailer(call2, line) {
    const m = TRAILER.exec(line);
    if (!m) return;
    if (m[1] === "refused") {
      call2.refused = `${m[2] ?? ""} ${m[3] ?? ""}`.trim();
      return;
    }
    const s = call2.slots[Number(m[2])];
    if (!s || s.trailer) return;
    if (m[1] === "sent") s.trailer = /^[0-9a-f]{64}$/.test(m[3] ?? "") ? { sha: m[3] } : { changed: "its hash line is not a sha256" };
    else s.trailer = { changed: printable(m[3] ?? "", 300) };
    this.settle(s, call2.retry);
  }
  /** The call has ended: every file it had not settled is settled now, by what the stream and its exit said. */
  ended(call2, code) {
    const said = call2.stderr.split("\n").filter((l) => l.trim() && !TRAILER.test(l)).pop();
    const tail = said ? `: ${printable(said, 300)}` : "";
    const open2 = call2.slots.filter((s) => !s.settled);
    if (call2.overflow) {
      const last = call2.slots[call2.slots.length - 1];
      this.errors.unshift(new PullError(last.f.path, `the box sent more bytes than were asked for (after ${last.f.path}): nothing past them was written`));
      for (const s of open2) {
        s.settled = true;
        rmSync(s.part, { force: true });
      }
      return;
    }
    const e = call2.writeError;
    if (e) {
      for (const s of open2) {
        const why = e.code === "ENOSPC" ? `the runner's disk is full while writing ${s.final}; free space and rerun (the partial file resumes)` : `writing ${s.part} failed: ${e.message}`;
        this.fail(s, new PullError(s.f.path, why), true);
      }
      return;
    }
    for (const s of open2) {
      const at = `after ${s.have + s.got} of ${s.f.bytes} bytes of ${s.f.path}`;
      if (s.trailer && "changed" in s.trailer) {
        s.bytesDone = true;
        this.settle(s, call2.retry);
      } else if (code === 255) {
        this.network = true;
        this.fail(s, new PullError(s.f.path, `ssh exited 255 ${at}${tail}; rerun to resume`, true), true);
      } else if (call2.refused !== null) {
        this.fail(s, new PullError(s.f.path, `the box refused the transfer: ${printable(call2.refused, 200)}`), true);
      } else if (code === 3 && s.got === 0 && !s.trailer) {
        call2.retry.push(s.f);
        s.settled = true;
      } else {
        this.fail(
          s,
          new PullError(s.f.path, `the transfer ended (exit ${code}) ${at}${s.trailer ? "" : ", with no hash from the box"}${tail}; rerun to resume`),
          true
        );
      }
    }
  }
};

// src/verify/file-source.ts
import { open } from "node:fs/promises";
async function fileSource(path) {
  const fh = await open(path, "r");
  const { size } = await fh.stat();
  return {
    size,
    read: async (offset, length) => {
      const n = Math.max(0, Math.min(length, size - offset));
      const buf = Buffer.allocUnsafe(n);
      let got = 0;
      while (got < n) {
        const { bytesRead } = await fh.read(buf, got, n - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return got === n ? buf : buf.subarray(0, got);
    },
    close: () => fh.close()
  };
}

// src/verify/trusted-load.ts
import { spawn as spawn2 } from "node:child_process";
function trustedLoad(command, file, home, timeoutMs = 6e5) {
  return new Promise((resolve) => {
    const child = spawn2("bash", ["-c", `${command} "$1"`, "tether-load", file], {
      env: { PATH: "/usr/local/bin:/usr/bin:/bin", HOME: home, LANG: "C.UTF-8" },
      stdio: ["ignore", "pipe", "pipe"]
    });
    let out = "";
    const keep = (d) => out = (out + d.toString()).slice(-4e3);
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      resolve(`trusted-load-command could not start: ${err.message}`);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve(code === 0 ? null : `trusted-load-command failed (exit ${code ?? signal}): ${out.trim().split("\n").pop() ?? ""}`);
    });
  });
}

// src/verify/verifiers/read-ahead.ts
function prefetch(p) {
  p.catch(() => void 0);
  return p;
}

// src/verify/verifiers/finite.ts
var CHUNK = 4 << 20;
async function countNonFinite(src, offset, bytes, dtype) {
  const size = dtype === "float64" ? 8 : dtype === "float32" ? 4 : 2;
  const chunk = CHUNK - CHUNK % size;
  let bad = 0;
  const at = (pos) => pos < bytes ? prefetch(src.read(offset + pos, Math.min(chunk, bytes - pos))) : null;
  let next = at(0);
  for (let pos = 0; next; pos += chunk) {
    const b = await next;
    next = at(pos + chunk);
    bad += nonFiniteIn(b, dtype);
  }
  return bad;
}
function nonFiniteIn(b, dtype) {
  let bad = 0;
  if (dtype === "float64") {
    for (let i = 7; i < b.length; i += 8) if ((b[i] & 127) === 127 && (b[i - 1] & 240) === 240) bad++;
  } else if (dtype === "float32") {
    for (let i = 3; i < b.length; i += 4) if ((b[i] & 127) === 127 && (b[i - 1] & 128) !== 0) bad++;
  } else if (dtype === "bfloat16") {
    for (let i = 1; i < b.length; i += 2) if ((b[i] & 127) === 127 && (b[i - 1] & 128) !== 0) bad++;
  } else {
    for (let i = 1; i < b.length; i += 2) if ((b[i] & 124) === 124) bad++;
  }
  return bad;
}

// src/verify/verifiers/pickle.ts
var PICKLE_LIMITS = { stack: 1e6, memo: 1e6, longBytes: 8, depth: 256, nodes: 2e6 };
var STORAGE_DTYPES = {
  DoubleStorage: "float64",
  FloatStorage: "float32",
  HalfStorage: "float16",
  BFloat16Storage: "bfloat16",
  LongStorage: "int64",
  IntStorage: "int32",
  ShortStorage: "int16",
  CharStorage: "int8",
  ByteStorage: "uint8",
  BoolStorage: "bool",
  ComplexFloatStorage: "complex64",
  ComplexDoubleStorage: "complex128"
};
var ALLOWED = /* @__PURE__ */ new Set([
  "collections.OrderedDict",
  "torch._utils._rebuild_tensor_v2",
  "torch._utils._rebuild_tensor",
  "torch._utils._rebuild_parameter",
  "torch._utils._rebuild_parameter_with_state",
  "torch.Size",
  ...Object.keys(STORAGE_DTYPES).map((s) => `torch.${s}`)
]);
function utf8(b) {
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    const n = c < 128 ? 0 : c >= 194 && c <= 223 ? 1 : c >= 224 && c <= 239 ? 2 : c >= 240 && c <= 244 ? 3 : -1;
    if (n < 0 || i + n >= b.length + (n ? 0 : 1)) throw new Error(`pickle text is not UTF-8 (byte 0x${c.toString(16)} at ${i})`);
    const c1 = b[i + 1];
    if (n >= 1) {
      const lo = c === 224 ? 160 : c === 240 ? 144 : 128;
      const hi = c === 244 ? 143 : 191;
      if (c1 < lo || c1 > hi) throw new Error(`pickle text is not UTF-8 (byte 0x${c1.toString(16)} at ${i + 1})`);
      for (let k = 2; k <= n; k++) {
        const ck = b[i + k];
        if (ck < 128 || ck > 191) throw new Error(`pickle text is not UTF-8 (byte 0x${ck.toString(16)} at ${i + k})`);
      }
    }
    i += n + 1;
  }
  return b.toString("utf8");
}
var LOCATION = /^(cpu|mps|meta|cuda(:\d{1,4})?)$/;
var MARK = /* @__PURE__ */ Symbol("mark");
var isTuple = (v) => typeof v === "object" && v !== null && v.t === "tuple";
var num = (v) => typeof v === "bigint" ? Number(v) : typeof v === "number" ? v : NaN;
var ints = (v) => isTuple(v) ? v.items.map(num) : Array.isArray(v) ? v.map(num) : [];
function newDict() {
  return { t: "dict", map: /* @__PURE__ */ new Map(), keys: [] };
}
function hashable(v, depth = 0) {
  if (Array.isArray(v)) return false;
  if (v === null || typeof v !== "object" || Buffer.isBuffer(v)) return true;
  if (v.t === "dict") return false;
  if (v.t === "tuple") return depth < PICKLE_LIMITS.depth && v.items.every((x) => hashable(x, depth + 1));
  return true;
}
function setItem(d, k, v) {
  if (!hashable(k)) throw new Error(`a dict key is ${Array.isArray(k) ? "a list" : "unhashable"} (torch.load raises TypeError: unhashable type)`);
  const key = typeof k === "string" || typeof k === "number" ? k : typeof k === "bigint" ? Number(k) : JSON.stringify(String(k));
  if (!d.map.has(key)) d.keys.push(key);
  d.map.set(key, v);
}
function arity(full, args, min, max = min) {
  if (args.length < min || args.length > max) throw new Error(`${full}() takes ${min === max ? min : `${min} to ${max}`} arguments, ${args.length} given`);
}
function call(fn, args) {
  const full = `${fn.module}.${fn.name}`;
  switch (full) {
    case "collections.OrderedDict": {
      arity(full, args, 0, 1);
      const d = newDict();
      const src = args[0];
      if (src === void 0) return d;
      if (typeof src === "object" && src !== null && !Array.isArray(src) && !Buffer.isBuffer(src) && src.t === "dict") {
        for (const k of src.keys) setItem(d, k, src.map.get(k));
        return d;
      }
      const pairs = Array.isArray(src) ? src : isTuple(src) ? src.items : null;
      if (!pairs) throw new Error("OrderedDict() of something that is not a list of pairs");
      for (const pair of pairs) {
        const kv = isTuple(pair) ? pair.items : Array.isArray(pair) ? pair : null;
        if (!kv || kv.length !== 2) throw new Error("OrderedDict() of an item that is not a pair");
        setItem(d, kv[0], kv[1]);
      }
      return d;
    }
    case "torch._utils._rebuild_tensor_v2":
    case "torch._utils._rebuild_tensor": {
      if (full.endsWith("_v2")) {
        const last = args[6];
        if (args.length === 7 && !(typeof last === "object" && last !== null && !Array.isArray(last) && !Buffer.isBuffer(last) && last.t === "dict" && last.keys.length > 0))
          throw new Error(`${full}() takes 6 arguments (7 with torch 2's metadata dict), 7 given`);
        arity(full, args, 6, 7);
      } else arity(full, args, 4);
      const storage = args[0];
      if (!storage || storage.t !== "storage") throw new Error(`${full} without a storage`);
      return { t: "tensor", storage, offset: num(args[1]), shape: ints(args[2]), stride: ints(args[3]) };
    }
    case "torch._utils._rebuild_parameter":
    case "torch._utils._rebuild_parameter_with_state":
      arity(full, args, full.endsWith("_state") ? 4 : 3);
      if (!(typeof args[0] === "object" && args[0] !== null && args[0].t === "tensor"))
        throw new Error(`${full}() of something that is not a tensor`);
      return args[0] ?? null;
    case "torch.Size":
      arity(full, args, 0, 1);
      return { t: "tuple", items: ints(args[0]) };
    default:
      throw new Error(`refusing to interpret ${full}`);
  }
}
function persistent(pid, loaded) {
  if (!isTuple(pid) || pid.items[0] !== "storage") throw new Error("a persistent id that is not a torch storage");
  if (pid.items.length !== 5) throw new Error(`a storage id of ${pid.items.length} fields (torch writes 5)`);
  const [, type, key, location, numel] = pid.items;
  const g = type;
  const dtype = g?.t === "global" ? STORAGE_DTYPES[g.name] : void 0;
  if (!dtype) throw new Error(`unknown storage type ${g?.t === "global" ? `${g.module}.${g.name}` : "?"}`);
  const k = typeof key === "string" ? key : typeof key === "number" && Number.isInteger(key) ? String(key) : typeof key === "boolean" ? key ? "True" : "False" : null;
  if (k === null) throw new Error("a storage key that is not text");
  if (typeof location !== "string" || !LOCATION.test(location))
    throw new Error(`storage location ${JSON.stringify(String(location).slice(0, 40))} is not one torch.load restores`);
  const first = loaded.get(k);
  if (first) return first;
  const st = { t: "storage", dtype, key: k, location, numel: num(numel) };
  loaded.set(k, st);
  return st;
}
function unpickle(data) {
  const stack = [];
  const memo = /* @__PURE__ */ new Map();
  const loaded = /* @__PURE__ */ new Map();
  let p = 0;
  const push = (v) => {
    if (stack.length >= PICKLE_LIMITS.stack) throw new Error(`pickle stack deeper than ${PICKLE_LIMITS.stack}`);
    stack.push(v);
  };
  const remember = (k, v) => {
    if (memo.size >= PICKLE_LIMITS.memo && !memo.has(k)) throw new Error(`pickle memo larger than ${PICKLE_LIMITS.memo}`);
    memo.set(k, v);
  };
  const need = (n) => {
    if (p + n > data.length) throw new Error("pickle data is truncated");
  };
  const u8 = () => (need(1), data[p++]);
  const u16 = () => (need(2), p += 2, data.readUInt16LE(p - 2));
  const u32 = () => (need(4), p += 4, data.readUInt32LE(p - 4));
  const bytes = (n) => (need(n), p += n, data.subarray(p - n, p));
  const line = () => {
    const end = data.indexOf(10, p);
    if (end < 0) throw new Error("pickle data is truncated");
    const s = utf8(data.subarray(p, end));
    p = end + 1;
    return s;
  };
  const pop = () => {
    const v = stack.pop();
    if (v === void 0 || v === MARK) throw new Error("pickle stack underflow");
    return v;
  };
  const popMark = () => {
    const i = stack.lastIndexOf(MARK);
    if (i < 0) throw new Error("pickle MARK missing");
    const items = stack.splice(i);
    items.shift();
    return items;
  };
  const top = () => {
    const v = stack[stack.length - 1];
    if (v === void 0 || v === MARK) throw new Error("pickle stack underflow");
    return v;
  };
  for (let steps = 0; steps < 5e7; steps++) {
    const op = u8();
    switch (op) {
      case 128: {
        const proto = u8();
        if (proto > 5) throw new Error(`unsupported pickle protocol: ${proto}`);
        break;
      }
      case 149:
        bytes(8);
        break;
      // FRAME
      case 125:
        push(newDict());
        break;
      // }
      case 93:
        push([]);
        break;
      // ]
      case 41:
        push({ t: "tuple", items: [] });
        break;
      // )
      case 40:
        push(MARK);
        break;
      // (
      case 113:
        remember(u8(), top());
        break;
      // q BINPUT
      case 114:
        remember(u32(), top());
        break;
      // r LONG_BINPUT
      case 148:
        remember(memo.size, top());
        break;
      // MEMOIZE
      case 104:
      case 106: {
        const i = op === 104 ? u8() : u32();
        if (!memo.has(i)) throw new Error(`pickle memo ${i} missing`);
        push(memo.get(i));
        break;
      }
      case 88:
        push(utf8(bytes(u32())));
        break;
      // X BINUNICODE
      case 140:
        push(utf8(bytes(u8())));
        break;
      // SHORT_BINUNICODE
      case 141:
        push(utf8(bytes(Number((need(8), p += 8, data.readBigUInt64LE(p - 8))))));
        break;
      case 67:
        push(Buffer.from(bytes(u8())));
        break;
      // C SHORT_BINBYTES
      case 66:
        push(Buffer.from(bytes(u32())));
        break;
      // B BINBYTES
      case 99:
      case 147: {
        let module;
        let name;
        if (op === 99) {
          module = line();
          name = line();
        } else {
          const n = pop();
          const m = pop();
          if (typeof n !== "string" || typeof m !== "string") throw new Error("STACK_GLOBAL requires str");
          name = n;
          module = m;
        }
        if (Object.hasOwn(STORAGE_DTYPES, name)) module = "torch";
        if (!ALLOWED.has(`${module}.${name}`))
          throw new Error(`refusing to interpret ${module}.${name} (only tensors, storages and dicts are read; use trusted-load-command for other objects)`);
        push({ t: "global", module, name });
        break;
      }
      case 81:
        push(persistent(pop(), loaded));
        break;
      // Q BINPERSID
      case 116:
        push({ t: "tuple", items: popMark() });
        break;
      // t
      case 133:
        push({ t: "tuple", items: [pop()] });
        break;
      case 134: {
        const b = pop();
        const a = pop();
        push({ t: "tuple", items: [a, b] });
        break;
      }
      case 135: {
        const c = pop();
        const b = pop();
        const a = pop();
        push({ t: "tuple", items: [a, b, c] });
        break;
      }
      case 75:
        push(u8());
        break;
      // K BININT1
      case 77:
        push(u16());
        break;
      // M BININT2
      case 74:
        push((need(4), p += 4, data.readInt32LE(p - 4)));
        break;
      // J BININT
      case 138:
      case 139: {
        const n = op === 138 ? u8() : u32();
        if (n > PICKLE_LIMITS.longBytes) throw new Error(`pickle LONG of ${n} bytes at byte ${p - 1} (torch writes at most ${PICKLE_LIMITS.longBytes})`);
        const b = bytes(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = v << 8n | BigInt(b[i]);
        if (n && b[n - 1] & 128) v -= 1n << BigInt(8 * n);
        push(v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v);
        break;
      }
      case 73: {
        const s = line();
        if (s !== "01" && s !== "00" && !/^\s*[+-]?\d+(_\d+)*\s*$/.test(s)) throw new Error("pickle INT is not an integer (could not convert string to int)");
        push(s === "01" ? true : s === "00" ? false : Number(s.replace(/[_\s]/g, "")));
        break;
      }
      // I INT
      case 136:
        push(true);
        break;
      case 137:
        push(false);
        break;
      case 78:
        push(null);
        break;
      // N
      case 71:
        push((need(8), p += 8, data.readDoubleBE(p - 8)));
        break;
      // G BINFLOAT
      case 70: {
        const f = line().trim();
        if (!/^[+-]?((\d+(_\d+)*)(\.(\d+(_\d+)*)?)?|\.\d+(_\d+)*)([eE][+-]?\d+(_\d+)*)?$/.test(f) && !/^[+-]?(inf|infinity|nan)$/i.test(f))
          throw new Error("pickle FLOAT is not a number (could not convert string to float)");
        push(/^[+-]?inf/i.test(f) ? f.startsWith("-") ? -Infinity : Infinity : /nan/i.test(f) ? NaN : Number(f.replace(/_/g, "")));
        break;
      }
      // F FLOAT
      case 82:
      case 129: {
        const args = pop();
        const fn = pop();
        if (fn?.t !== "global") throw new Error("pickle REDUCE of something that is not an allowed global");
        push(call(fn, isTuple(args) ? args.items : []));
        break;
      }
      case 115: {
        const v = pop();
        const k = pop();
        const d = top();
        if (d?.t !== "dict") throw new Error("SETITEM on a non-dict");
        setItem(d, k, v);
        break;
      }
      case 117: {
        const items = popMark();
        const d = top();
        if (d?.t !== "dict") throw new Error("SETITEMS on a non-dict");
        for (let i = 0; i + 1 < items.length; i += 2) setItem(d, items[i], items[i + 1]);
        break;
      }
      case 97: {
        const v = pop();
        const l = top();
        if (!Array.isArray(l)) throw new Error("APPEND to a non-list");
        l.push(v);
        break;
      }
      case 101: {
        const items = popMark();
        const l = top();
        if (!Array.isArray(l)) throw new Error("APPENDS to a non-list");
        for (const it of items) l.push(it);
        break;
      }
      case 98:
        pop();
        break;
      // BUILD: object state (e.g. _metadata) carries no tensors we need
      case 46:
        return pop();
      // STOP
      default:
        throw new Error(`pickle opcode 0x${op.toString(16)} at byte ${p - 1} is not one torch writes`);
    }
  }
  throw new Error("pickle too long");
}
function tensorsIn(root) {
  const out = [];
  const seen = /* @__PURE__ */ new Set();
  const todo = [[root, "", 0]];
  let nodes = 0;
  const join2 = (prefix, k) => prefix ? `${prefix}.${k}` : String(k);
  while (todo.length) {
    const [v, name, depth] = todo.pop();
    if (v === null || typeof v !== "object" || Buffer.isBuffer(v)) continue;
    if (seen.has(v)) continue;
    seen.add(v);
    if (++nodes > PICKLE_LIMITS.nodes) throw new Error(`the pickle holds more than ${PICKLE_LIMITS.nodes} containers`);
    if (depth > PICKLE_LIMITS.depth) throw new Error(`the pickle nests deeper than ${PICKLE_LIMITS.depth}`);
    const kids = [];
    if (Array.isArray(v)) v.forEach((x, i) => kids.push([x, join2(name, i), depth + 1]));
    else if (v.t === "tensor") out.push({ name, tensor: v });
    else if (v.t === "tuple") v.items.forEach((x, i) => kids.push([x, join2(name, i), depth + 1]));
    else if (v.t === "dict") for (const k of v.keys) kids.push([v.map.get(k), join2(name, k), depth + 1]);
    for (let i = kids.length - 1; i >= 0; i--) todo.push(kids[i]);
  }
  return out;
}

// src/verify/verifiers/types.ts
var DTYPE_BYTES = {
  float64: 8,
  float32: 4,
  float16: 2,
  bfloat16: 2,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
  uint16: 2,
  uint32: 4,
  uint64: 8,
  complex64: 8,
  complex128: 16,
  float8_e4m3fn: 1,
  float8_e5m2: 1
};
var FLOAT_DTYPES = /* @__PURE__ */ new Set(["float64", "float32", "float16", "bfloat16"]);

// src/verify/verifiers/zip.ts
import { constants, crc32, createInflateRaw, inflateRawSync } from "node:zlib";
var ZIP_LIMITS = { ratio: 1032, inMemory: 256 << 20, directoryBytes: 64 << 20, entries: 1e5 };
var EOCD = 101010256;
var ZIP64_LOCATOR = 117853008;
var ZIP64_EOCD = 101075792;
var CENTRAL = 33639248;
var LOCAL = 67324752;
async function readCentralDirectory(src) {
  if (src.size < 22) throw new Error("too short to be a zip archive");
  const tailLen = Math.min(src.size, 65557);
  const tail = await src.read(src.size - tailLen, tailLen);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new Error("no end-of-central-directory record (truncated, or not a zip)");
  let count = tail.readUInt16LE(at + 10);
  let cdSize = tail.readUInt32LE(at + 12);
  let cdOffset = tail.readUInt32LE(at + 16);
  const eocdPos = src.size - tailLen + at;
  let cdEnd = eocdPos;
  let thisDisk = tail.readUInt16LE(at + 4);
  let cdDisk = tail.readUInt16LE(at + 6);
  let onDisk = tail.readUInt16LE(at + 8);
  const loc = eocdPos >= 20 ? await src.read(eocdPos - 20, 20) : Buffer.alloc(0);
  const sentinel = count === 65535 || cdSize === 4294967295 || cdOffset === 4294967295;
  if (loc.length === 20 && loc.readUInt32LE(0) === ZIP64_LOCATOR) {
    if (loc.readUInt32LE(4) !== 0 || loc.readUInt32LE(16) !== 1) throw new Error("the zip64 locator describes a multi-disk archive (damaged)");
    const ptr = Number(loc.readBigUInt64LE(8));
    if (!Number.isSafeInteger(ptr) || ptr > src.size - 56) throw new Error("the zip64 locator points outside the file");
    const fixed = eocdPos - 20 - 56;
    const at64 = async (pos) => {
      if (pos < 0) return null;
      const rec = await src.read(pos, 56);
      return rec.length === 56 && rec.readUInt32LE(0) === ZIP64_EOCD ? rec : null;
    };
    const plain = { count, cdSize, cdOffset, thisDisk, cdDisk, onDisk };
    const view = (rec) => rec ? {
      count: Number(rec.readBigUInt64LE(32)),
      cdSize: Number(rec.readBigUInt64LE(40)),
      cdOffset: Number(rec.readBigUInt64LE(48)),
      thisDisk: rec.readUInt32LE(16),
      cdDisk: rec.readUInt32LE(20),
      onDisk: Number(rec.readBigUInt64LE(24))
    } : plain;
    const byPtr = await at64(ptr);
    if (byPtr && byPtr.readBigUInt64LE(4) < 44n) throw new Error("the zip64 end record is shorter than its fixed fields (damaged)");
    const a = view(byPtr);
    const atFixed = await at64(fixed);
    const b = view(atFixed);
    if (a.count !== b.count || a.cdSize !== b.cdSize || a.cdOffset !== b.cdOffset || a.thisDisk !== b.thisDisk || a.cdDisk !== b.cdDisk || a.onDisk !== b.onDisk)
      throw new Error("the zip64 records disagree on where the central directory is (damaged)");
    ({ count, cdSize, cdOffset, thisDisk, cdDisk, onDisk } = a);
    cdEnd = atFixed ? fixed : eocdPos;
    if (count === 65535 || cdSize === 4294967295 || cdOffset === 4294967295) throw new Error("zip64 fields without a zip64 end record");
  } else if (sentinel) {
    throw new Error("zip64 fields without a zip64 locator");
  }
  if (onDisk !== count || !(thisDisk === 0 && cdDisk === 0 || thisDisk === 1 && cdDisk === 1))
    throw new Error("the end record describes a multi-disk archive (damaged)");
  if (!Number.isSafeInteger(cdOffset) || !Number.isSafeInteger(cdSize) || cdOffset + cdSize > src.size)
    throw new Error("the central directory lies outside the file (truncated)");
  if (cdOffset + cdSize !== cdEnd) throw new Error("the central directory does not end where the end record says (damaged)");
  if (cdSize > ZIP_LIMITS.directoryBytes) throw new Error(`the central directory is ${cdSize} bytes (at most ${ZIP_LIMITS.directoryBytes} are read)`);
  if (count > ZIP_LIMITS.entries) throw new Error(`the archive claims ${count} entries (at most ${ZIP_LIMITS.entries})`);
  const cd = await src.read(cdOffset, cdSize);
  const entries = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL) throw new Error(`central directory entry ${i} is damaged`);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    const e = {
      method: cd.readUInt16LE(p + 10),
      crc: cd.readUInt32LE(p + 16),
      compressedSize: cd.readUInt32LE(p + 20),
      size: cd.readUInt32LE(p + 24),
      localOffset: cd.readUInt32LE(p + 42),
      name: cd.subarray(p + 46, p + 46 + nameLen).toString("utf8")
    };
    try {
      Object.assign(
        e,
        zip64Values(
          cd.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen),
          ["size", "compressedSize", "localOffset"].filter((k) => e[k] === 4294967295)
        )
      );
    } catch (err) {
      throw new Error(`central directory entry ${i}: ${err.message}`, { cause: err });
    }
    const xEnd = p + 46 + nameLen + extraLen;
    if (!Number.isSafeInteger(e.size) || !Number.isSafeInteger(e.compressedSize) || !Number.isSafeInteger(e.localOffset))
      throw new Error(`${e.name}: sizes beyond any real file`);
    if (e.method === 8 && e.size > e.compressedSize * ZIP_LIMITS.ratio + 1024)
      throw new Error(`${e.name}: declares ${e.size} bytes from ${e.compressedSize} compressed (more than deflate can produce)`);
    if (e.method === 0 && e.size !== e.compressedSize) throw new Error(`${e.name}: a stored entry whose sizes differ (${e.compressedSize} vs ${e.size})`);
    const disk = cd.readUInt16LE(p + 34);
    if (disk !== thisDisk && disk !== 1) throw new Error(`${e.name}: on another disk (damaged)`);
    if (cd.readUInt16LE(p + 8) & 8289) throw new Error(`${e.name}: encrypted or patched data (flags 0x${cd.readUInt16LE(p + 8).toString(16)})`);
    if (cd[p + 6] > 63) throw new Error(`${e.name}: needs zip version ${(cd[p + 6] / 10).toFixed(1)} to extract`);
    entries.push(e);
    p = xEnd + commentLen;
  }
  if (p !== cd.length) throw new Error(`the central directory holds ${cd.length - p} bytes past its ${count} entries (damaged)`);
  return entries;
}
function zip64Values(extra, overflowed) {
  const out = {};
  for (let x = 0; x + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(x);
    const len = extra.readUInt16LE(x + 2);
    if (x + 4 + len > extra.length) throw new Error("an extra field runs past its end");
    if (id === 1) {
      if (8 * overflowed.length > len) throw new Error("the zip64 field is too short");
      let q = x + 4;
      for (const k of ["size", "compressedSize", "localOffset"].filter((f) => overflowed.includes(f))) {
        out[k] = Number(extra.readBigUInt64LE(q));
        q += 8;
      }
    }
    x += 4 + len;
  }
  return out;
}
async function dataOffset(src, e) {
  const h = await src.read(e.localOffset, 30);
  if (h.length < 30 || h.readUInt32LE(0) !== LOCAL) throw new Error(`${e.name}: local header missing at ${e.localOffset}`);
  const nameLen = h.readUInt16LE(26);
  if (nameLen !== Buffer.byteLength(e.name) || !(await src.read(e.localOffset + 30, nameLen)).equals(Buffer.from(e.name)))
    throw new Error(`${e.name}: its local header names another file (damaged)`);
  const start = e.localOffset + 30 + nameLen + h.readUInt16LE(28);
  if (start + e.compressedSize > src.size) throw new Error(`${e.name}: data runs past the end of the file (truncated)`);
  return start;
}
async function readEntry(src, e) {
  if (e.size > ZIP_LIMITS.inMemory || e.compressedSize > ZIP_LIMITS.inMemory)
    throw new Error(`${e.name}: ${e.size} bytes is more than is read into memory (${ZIP_LIMITS.inMemory})`);
  const raw = await src.read(await dataOffset(src, e), e.compressedSize);
  if (e.method === 0) return raw;
  if (e.method !== 8) throw new Error(`${e.name}: compression method ${e.method} is not supported`);
  let out;
  try {
    out = inflateRawSync(raw, { maxOutputLength: Math.max(1, e.size) });
  } catch (err) {
    const code = err.code;
    throw new Error(code === "ERR_BUFFER_TOO_LARGE" ? `${e.name}: inflates past its declared ${e.size} bytes` : `${e.name}: deflate data is damaged`, {
      cause: err
    });
  }
  if (out.length !== e.size) throw new Error(`${e.name}: inflates to ${out.length} bytes, the directory says ${e.size}`);
  return out;
}
async function inflateStream(src, e, start, each, chunk) {
  const inf = createInflateRaw({ chunkSize: 1 << 20, finishFlush: constants.Z_SYNC_FLUSH });
  let crc = 0;
  let out = 0;
  let problem = null;
  inf.on("data", (b) => {
    if (problem) return;
    out += b.length;
    if (out > e.size) {
      problem = `${e.name}: inflates past its declared ${e.size} bytes`;
      return;
    }
    crc = crc32(b, crc);
    each?.(b);
  });
  const done = new Promise((resolve) => {
    inf.on("end", () => resolve());
    inf.on("error", (err) => {
      problem ??= `${e.name}: deflate data is damaged (${err.message})`;
      resolve();
    });
  });
  for (let pos = 0; pos < e.compressedSize && !problem; pos += chunk) {
    const b = await src.read(start + pos, Math.min(chunk, e.compressedSize - pos));
    if (!inf.write(b)) await new Promise((r) => inf.once("drain", () => r()));
  }
  inf.end();
  await done;
  if (problem) return problem;
  if (out !== e.size) return `${e.name}: inflates to ${out} bytes, the directory says ${e.size}`;
  return { crc };
}
async function checkCrc(src, e, each, chunk = 4 << 20) {
  const start = await dataOffset(src, e);
  let crc = 0;
  if (e.method === 0) {
    const at = (pos) => pos < e.size ? prefetch(src.read(start + pos, Math.min(chunk, e.size - pos))) : null;
    let next = at(0);
    for (let pos = 0; next; pos += chunk) {
      const b = await next;
      next = at(pos + chunk);
      crc = crc32(b, crc);
      each?.(b);
    }
  } else if (e.method === 8) {
    const r = await inflateStream(src, e, start, each, chunk);
    if (typeof r === "string") return r;
    crc = r.crc;
  } else {
    return `${e.name}: compression method ${e.method} is not supported`;
  }
  return crc >>> 0 === e.crc ? null : `${e.name}: CRC32 mismatch (data damaged)`;
}

// src/verify/verifiers/torch.ts
var PKL_MAX = 64 << 20;
var nonNegInt = (x) => Number.isSafeInteger(x) && x >= 0;
var TORCH_VERSION_MIN = 1;
var TORCH_VERSION_MAX = 10;
function viewProblem(t) {
  if (!nonNegInt(t.storage.numel)) return `its storage size ${t.storage.numel} is not an element count`;
  if (!nonNegInt(t.offset)) return `storage offset ${t.offset} is not a non-negative integer (torch.load refuses it)`;
  if (!t.shape.every(nonNegInt)) return `shape ${JSON.stringify(t.shape)} has a negative or non-integer size`;
  if (t.stride.length !== t.shape.length) return `${t.stride.length} strides for ${t.shape.length} dimensions`;
  if (!t.stride.every(nonNegInt)) return `strides ${JSON.stringify(t.stride)} are negative or not integers (torch.load refuses them)`;
  if (t.shape.reduce((a, d) => a * d, 1) > Number.MAX_SAFE_INTEGER) return `shape ${JSON.stringify(t.shape)} has more elements than any real tensor`;
  return null;
}
function scannedStorages(found) {
  const storages = /* @__PURE__ */ new Map();
  for (const { tensor } of found) if (!viewProblem(tensor)) storages.set(tensor.storage.key, tensor.storage);
  return storages;
}
function storageDtypes(pkl) {
  return new Map([...scannedStorages(tensorsIn(unpickle(pkl)))].map(([k, s]) => [k, s.dtype]));
}
var TORCH_PKL_MAX = PKL_MAX;
async function verifyTorch(src, scans) {
  const r = { format: "torch-zip", ok: false, problems: [], tensors: [], nonFinite: [] };
  let entries;
  try {
    entries = await readCentralDirectory(src);
  } catch (err) {
    return { ...r, problems: [err.message] };
  }
  const pkl = entries.find((e) => e.name === "data.pkl" || /^[^/]+\/data\.pkl$/.test(e.name));
  if (!pkl) return { ...r, problems: ["no data.pkl entry: not a torch.save zip checkpoint"] };
  const prefix = pkl.name.slice(0, -"data.pkl".length);
  if (!prefix) return { ...r, problems: ["data.pkl is not in a subdirectory (torch.load refuses a file in archive that is not in one)"] };
  const outside = entries.find((e) => !e.name.startsWith(prefix));
  if (outside) return { ...r, problems: [`${outside.name} is not in the archive's directory ${prefix} (torch.load refuses it)`] };
  const version = entries.find((e) => e.name === `${prefix}version` || e.name === `${prefix}.data/version`);
  if (!version) return { ...r, problems: [`no ${prefix}version record (torch.load refuses it: Expected hasRecord("version"))`] };
  try {
    if (version.size > 64) return { ...r, problems: [`the version record is ${version.size} bytes, not a version number`] };
    const bad = await checkCrc(src, version);
    if (bad) return { ...r, problems: [bad] };
    const text = (await readEntry(src, version)).toString("latin1");
    const m = /^\s*(\d{1,19})/.exec(text);
    const v = m ? Number(m[1]) : NaN;
    if (!(v >= TORCH_VERSION_MIN && v <= TORCH_VERSION_MAX))
      return {
        ...r,
        problems: [`archive version ${JSON.stringify(text.slice(0, 20))} is not one torch.load reads (${TORCH_VERSION_MIN} to ${TORCH_VERSION_MAX})`]
      };
  } catch (err) {
    return { ...r, problems: [`the version record: ${err.message}`] };
  }
  let found;
  try {
    if (pkl.size > PKL_MAX) return { ...r, problems: [`data.pkl is ${pkl.size} bytes (at most ${PKL_MAX} are read)`] };
    const bad = await checkCrc(src, pkl);
    if (bad) return { ...r, problems: [bad] };
    found = tensorsIn(unpickle(await readEntry(src, pkl)));
  } catch (err) {
    return { ...r, problems: [`data.pkl: ${err.message}`] };
  }
  const byName = new Map(entries.map((e) => [e.name, e]));
  const storages = scannedStorages(found);
  for (const { name, tensor } of found) {
    const s = tensor.storage;
    const bad = viewProblem(tensor);
    if (bad) {
      r.problems.push(`${name}: ${bad}`);
      continue;
    }
    const item = DTYPE_BYTES[s.dtype] ?? 1;
    const numel = tensor.shape.reduce((a, d) => a * d, 1);
    const extent = tensor.shape.some((d) => d === 0) ? 0 : tensor.shape.reduce((a, d, i) => a + (d - 1) * (tensor.stride[i] ?? 0), 0) + 1;
    if (tensor.offset + extent > s.numel)
      r.problems.push(`${name}: the view (offset ${tensor.offset}, shape ${JSON.stringify(tensor.shape)}) runs past its storage of ${s.numel}`);
    r.tensors.push({ name, dtype: s.dtype, shape: tensor.shape, storage: s.key, bytes: numel * item });
  }
  const storageOf = /* @__PURE__ */ new Map();
  for (const s of storages.values()) {
    const e = byName.get(`${prefix}data/${s.key}`);
    const want = s.numel * (DTYPE_BYTES[s.dtype] ?? 1);
    if (!e) r.problems.push(`storage ${s.key} (data/${s.key}) is missing`);
    else if (e.size < want) r.problems.push(`storage ${s.key}: ${e.size} bytes, ${s.dtype} \xD7 ${s.numel} needs ${want}`);
    else {
      if (e.size > want)
        r.note = `${r.note ? `${r.note}; ` : ""}storage ${s.key} has ${e.size - want} bytes past what its tensors use (ignored, as torch.load does)`;
      storageOf.set(e.name, s);
    }
  }
  for (const e of entries) {
    if (e === pkl) continue;
    const s = storageOf.get(e.name);
    const scan = s && FLOAT_DTYPES.has(s.dtype) ? s : void 0;
    let nonFinite = 0;
    try {
      const seen = scans && e.method === 0 && e.compressedSize === e.size ? scans.get(await dataOffset(src, e)) : void 0;
      const exact = !scan || e.size === scan.numel * (DTYPE_BYTES[scan.dtype] ?? 1);
      if (seen && seen.size === e.size && exact && (!scan || seen.dtype === scan.dtype)) {
        if (seen.crc !== e.crc) r.problems.push(`${e.name}: CRC32 mismatch (data damaged)`);
        nonFinite = scan ? seen.nonFinite : 0;
      } else {
        let left = scan ? scan.numel * (DTYPE_BYTES[scan.dtype] ?? 1) : 0;
        const bad = await checkCrc(
          src,
          e,
          scan ? (b) => {
            const part = b.length <= left ? b : b.subarray(0, left);
            left -= part.length;
            if (part.length) nonFinite += nonFiniteIn(part, scan.dtype);
          } : void 0
        );
        if (bad) r.problems.push(bad);
      }
    } catch (err) {
      r.problems.push(err.message);
    }
    if (scan && nonFinite)
      r.nonFinite.push({
        name: r.tensors.filter((t) => t.storage === scan.key).map((t) => t.name).join(", ") || `storage ${scan.key}`,
        count: nonFinite
      });
  }
  if (r.problems.length) r.nonFinite = [];
  return { ...r, ok: r.problems.length === 0 && r.nonFinite.length === 0 };
}

// src/verify/verifiers/zip-stream.ts
import { crc32 as crc322 } from "node:zlib";
var LOCAL2 = 67324752;
var DESCRIPTOR = Buffer.from([80, 75, 7, 8]);
var HOLD = 23;
function descriptorAt(s, buf, i) {
  const len = s.seen;
  const crcOk = buf.readUInt32LE(i + 4) === s.crc >>> 0;
  if (crcOk && buf.readUInt32LE(i + 8) === len && buf.readUInt32LE(i + 12) === len) return 16;
  if (crcOk && buf.readBigUInt64LE(i + 8) === BigInt(len) && buf.readBigUInt64LE(i + 16) === BigInt(len)) return 24;
  return 0;
}
var MAX_ENTRIES = 1e5;
var ZipStreamScan = class {
  constructor(dtypesOf, pklMax) {
    this.dtypesOf = dtypesOf;
    this.pklMax = pklMax;
  }
  dtypesOf;
  pklMax;
  pos = 0;
  state = { kind: "header", need: 30 };
  head = [];
  headLen = 0;
  dtypes = null;
  dataPrefix = null;
  found = /* @__PURE__ */ new Map();
  get scans() {
    return this.found;
  }
  write(chunk) {
    let b = chunk;
    while (b.length && this.state.kind !== "stop") {
      const s = this.state;
      if (s.kind === "header") {
        const take = Math.min(b.length, s.need - this.headLen);
        this.head.push(b.subarray(0, take));
        this.headLen += take;
        this.pos += take;
        b = b.subarray(take);
        if (this.headLen === s.need) this.header();
      } else if (s.kind === "skip") {
        const take = Math.min(b.length, s.left);
        s.left -= take;
        this.pos += take;
        b = b.subarray(take);
        if (s.left === 0) this.nextHeader();
      } else if (s.kind === "data" && s.left !== null) {
        const take = Math.min(b.length, s.left);
        this.data(s, b.subarray(0, take));
        s.left -= take;
        this.pos += take;
        b = b.subarray(take);
        if (s.left === 0) this.endEntry(s);
      } else if (s.kind === "data") {
        b = this.openData(s, b);
      }
    }
  }
  nextHeader() {
    this.head = [];
    this.headLen = 0;
    this.state = { kind: "header", need: 30 };
  }
  header() {
    const h = Buffer.concat(this.head);
    const sig = h.readUInt32LE(0);
    if (sig !== LOCAL2 || this.found.size >= MAX_ENTRIES) {
      this.state = { kind: "stop" };
      return;
    }
    const nameLen = h.readUInt16LE(26);
    const extraLen = h.readUInt16LE(28);
    if (h.length < 30 + nameLen + extraLen) {
      this.state = { kind: "header", need: 30 + nameLen + extraLen };
      return;
    }
    const flags = h.readUInt16LE(6);
    const method = h.readUInt16LE(8);
    let csize = h.readUInt32LE(18);
    let usize = h.readUInt32LE(22);
    const name = h.toString("utf8", 30, 30 + nameLen);
    if (csize === 4294967295 || usize === 4294967295) {
      let z;
      try {
        z = zip64Values(h.subarray(30 + nameLen, 30 + nameLen + extraLen), [
          ...usize === 4294967295 ? ["size"] : [],
          ...csize === 4294967295 ? ["compressedSize"] : []
        ]);
      } catch {
        return void (this.state = { kind: "stop" });
      }
      usize = z.size ?? usize;
      csize = z.compressedSize ?? csize;
      if (!Number.isSafeInteger(usize) || !Number.isSafeInteger(csize) || usize === 4294967295 || csize === 4294967295)
        return void (this.state = { kind: "stop" });
    }
    const described = (flags & 8) !== 0;
    this.head = [];
    this.headLen = 0;
    if (method !== 0 || !described && csize !== usize) {
      if (described) return void (this.state = { kind: "stop" });
      this.state = csize > 0 ? { kind: "skip", left: csize } : { kind: "header", need: 30 };
      return;
    }
    const isPkl = this.dataPrefix === null && (name === "data.pkl" || /^[^/]+\/data\.pkl$/.test(name));
    if (isPkl) this.dataPrefix = name.slice(0, -"data.pkl".length);
    let dtype = null;
    if (!isPkl && this.dtypes && this.dataPrefix !== null && name.startsWith(`${this.dataPrefix}data/`)) {
      const d = this.dtypes.get(name.slice(this.dataPrefix.length + "data/".length));
      if (d && FLOAT_DTYPES.has(d)) dtype = d;
    }
    const s = {
      kind: "data",
      name,
      start: this.pos,
      left: described ? null : csize,
      seen: 0,
      crc: 0,
      dtype,
      bad: 0,
      carry: null,
      keep: isPkl && (described || csize <= this.pklMax) ? [] : null,
      keptBytes: 0,
      hold: null
    };
    this.state = s;
    if (csize === 0 && !described) this.endEntry(s);
  }
  /**
   * Stored data of unknown length: it ends where a data descriptor stands whose sizes are the bytes seen so far
   * and whose CRC32 is theirs. Returns what is left of the piece after the entry ended (or nothing).
   */
  openData(s, piece) {
    const hold = s.hold;
    if (hold && piece.length > HOLD) {
      const edge = Buffer.concat([hold, piece.subarray(0, HOLD + 1)]);
      s.hold = null;
      const end2 = this.findEnd(s, edge, this.pos - hold.length, hold.length);
      if (end2 >= 0) return end2 >= hold.length ? piece.subarray(end2 - hold.length) : Buffer.concat([hold.subarray(end2), piece]);
    }
    const buf = s.hold ? Buffer.concat([s.hold, piece]) : piece;
    const base = this.pos - (s.hold?.length ?? 0);
    s.hold = null;
    const limit = Math.max(0, buf.length - HOLD);
    const end = this.findEnd(s, buf, base, limit);
    if (end >= 0) return buf.subarray(end);
    s.hold = Buffer.from(buf.subarray(limit));
    this.pos = base + buf.length;
    return Buffer.alloc(0);
  }
  /**
   * Looks for the entry's descriptor starting before `limit` in `buf` (whose first byte is at file offset `base`),
   * giving the entry every byte before it: the offset just past the descriptor, or -1 when none starts before `limit`
   * (every byte before `limit` then given).
   */
  findEnd(s, buf, base, limit) {
    let from = 0;
    for (; ; ) {
      const i = buf.indexOf(DESCRIPTOR, from);
      if (i < 0 || i >= limit) {
        this.data(s, buf.subarray(from, limit));
        return -1;
      }
      this.data(s, buf.subarray(from, i));
      const desc = descriptorAt(s, buf, i);
      if (desc) {
        this.pos = base + i;
        this.endEntry(s);
        this.pos = base + i + desc;
        return i + desc;
      }
      this.data(s, buf.subarray(i, i + 1));
      from = i + 1;
    }
  }
  data(s, b) {
    if (!b.length) return;
    s.crc = crc322(b, s.crc);
    s.seen += b.length;
    if (s.keep) {
      s.keptBytes += b.length;
      if (s.keptBytes > this.pklMax) s.keep = null;
      else s.keep.push(Buffer.from(b));
    }
    if (!s.dtype) return;
    const item = s.dtype === "float64" ? 8 : s.dtype === "float32" ? 4 : 2;
    let rest = b;
    if (s.carry) {
      const need = item - s.carry.length;
      if (b.length < need) {
        s.carry = Buffer.concat([s.carry, b]);
        return;
      }
      s.bad += nonFiniteIn(Buffer.concat([s.carry, b.subarray(0, need)]), s.dtype);
      rest = b.subarray(need);
    }
    const whole = rest.length - rest.length % item;
    if (whole) s.bad += nonFiniteIn(rest.subarray(0, whole), s.dtype);
    s.carry = rest.length > whole ? Buffer.from(rest.subarray(whole)) : null;
  }
  endEntry(s) {
    this.found.set(s.start, { dataOffset: s.start, size: s.seen, crc: s.crc >>> 0, dtype: s.carry ? null : s.dtype, nonFinite: s.bad });
    if (s.keep) {
      try {
        this.dtypes = this.dtypesOf(Buffer.concat(s.keep));
      } catch {
        this.dtypes = null;
      }
    }
    this.nextHeader();
  }
};

// src/verify/stream-scan.ts
function streamScanFor(_path) {
  const z = new ZipStreamScan(storageDtypes, TORCH_PKL_MAX);
  return { write: (chunk) => z.write(chunk), scans: () => z.scans };
}

// src/verify/verifiers/gguf.ts
var GGML_TYPES = {
  0: ["F32", 1, 4],
  1: ["F16", 1, 2],
  2: ["Q4_0", 32, 18],
  3: ["Q4_1", 32, 20],
  6: ["Q5_0", 32, 22],
  7: ["Q5_1", 32, 24],
  8: ["Q8_0", 32, 34],
  9: ["Q8_1", 32, 36],
  10: ["Q2_K", 256, 84],
  11: ["Q3_K", 256, 110],
  12: ["Q4_K", 256, 144],
  13: ["Q5_K", 256, 176],
  14: ["Q6_K", 256, 210],
  15: ["Q8_K", 256, 292],
  16: ["IQ2_XXS", 256, 66],
  17: ["IQ2_XS", 256, 74],
  18: ["IQ3_XXS", 256, 98],
  19: ["IQ1_S", 256, 50],
  20: ["IQ4_NL", 32, 18],
  21: ["IQ3_S", 256, 110],
  22: ["IQ2_S", 256, 82],
  23: ["IQ4_XS", 256, 136],
  24: ["I8", 1, 1],
  25: ["I16", 1, 2],
  26: ["I32", 1, 4],
  27: ["I64", 1, 8],
  28: ["F64", 1, 8],
  29: ["IQ1_M", 256, 56],
  30: ["BF16", 1, 2],
  34: ["TQ1_0", 256, 54],
  35: ["TQ2_0", 256, 66],
  39: ["MXFP4", 32, 17]
};
var FLOATS = { F32: "float32", F16: "float16", BF16: "bfloat16", F64: "float64" };
var VALUE_BYTES = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
var MAX_STRING = 16 << 20;
var MAX_DIMS = 4;
var Malformed = class extends Error {
};
var Cursor = class {
  constructor(src) {
    this.src = src;
  }
  src;
  pos = 0;
  buf = Buffer.alloc(0);
  bufAt = 0;
  async bytes(n, what) {
    if (n < 0 || this.pos + n > this.src.size) throw new Malformed(`${what} at byte ${this.pos} runs past the end of the file (${this.src.size} bytes)`);
    if (this.pos < this.bufAt || this.pos + n > this.bufAt + this.buf.length) {
      this.bufAt = this.pos;
      this.buf = await this.src.read(this.pos, Math.max(n, 1 << 20));
    }
    const out = this.buf.subarray(this.pos - this.bufAt, this.pos - this.bufAt + n);
    this.pos += n;
    return out;
  }
  async u32(what) {
    return (await this.bytes(4, what)).readUInt32LE(0);
  }
  async u64(what) {
    const v = (await this.bytes(8, what)).readBigUInt64LE(0);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Malformed(`${what} at byte ${this.pos - 8} is ${v}, beyond any real file`);
    return Number(v);
  }
  async string(what) {
    const n = await this.u64(`${what} length`);
    if (n > MAX_STRING) throw new Malformed(`${what} at byte ${this.pos - 8} claims ${n} bytes`);
    return (await this.bytes(n, what)).toString("utf8");
  }
  skip(n, what) {
    if (n < 0 || this.pos + n > this.src.size) throw new Malformed(`${what} at byte ${this.pos} runs past the end of the file (${this.src.size} bytes)`);
    this.pos += n;
  }
};
async function readValue(c, type, key, depth = 0) {
  if (type === 8) return c.string(`value of ${key}`);
  if (type === 9) {
    if (depth > 0) throw new Malformed(`${key}: nested arrays are not part of GGUF`);
    const inner = await c.u32(`array type of ${key}`);
    const n = await c.u64(`array length of ${key}`);
    const fixed = VALUE_BYTES[inner];
    if (fixed !== void 0) c.skip(n * fixed, `array ${key}`);
    else if (inner === 8) for (let i = 0; i < n; i++) c.skip(await c.u64(`string ${i} of ${key}`), `string ${i} of ${key}`);
    else throw new Malformed(`${key}: array of unknown value type ${inner}`);
    return null;
  }
  const size = VALUE_BYTES[type];
  if (size === void 0) throw new Malformed(`${key}: unknown value type ${type}`);
  const b = await c.bytes(size, `value of ${key}`);
  return type === 4 ? b.readUInt32LE(0) : type === 5 ? b.readInt32LE(0) : null;
}
async function verifyGguf(src) {
  const r = { format: "gguf", ok: false, problems: [], tensors: [], nonFinite: [] };
  const c = new Cursor(src);
  const infos = [];
  let alignment = 32;
  try {
    if ((await c.bytes(4, "magic")).toString("latin1") !== "GGUF") throw new Malformed("no GGUF magic");
    const version = await c.u32("version");
    if (version !== 2 && version !== 3) throw new Malformed(`GGUF version ${version} is not supported (2 and 3 are)`);
    const tensorCount = await c.u64("tensor count");
    const kvCount = await c.u64("metadata count");
    if (tensorCount * 12 > src.size || kvCount * 12 > src.size)
      throw new Malformed(`counts (${tensorCount} tensors, ${kvCount} metadata) cannot fit in ${src.size} bytes`);
    const keys = /* @__PURE__ */ new Set();
    for (let i = 0; i < kvCount; i++) {
      const key = await c.string(`metadata key ${i}`);
      if (keys.has(key)) throw new Malformed(`metadata key ${key} appears twice`);
      keys.add(key);
      const type = await c.u32(`value type of ${key}`);
      const v = await readValue(c, type, key);
      if (key === "general.alignment") {
        if (type !== 4 || typeof v !== "number" || v === 0 || (v & v - 1) !== 0)
          throw new Malformed(`general.alignment must be a power-of-two u32, got type ${type} value ${String(v)}`);
        alignment = v;
      }
    }
    const names = /* @__PURE__ */ new Set();
    for (let i = 0; i < tensorCount; i++) {
      const name = await c.string(`tensor name ${i}`);
      if (names.has(name)) throw new Malformed(`tensor ${name} appears twice`);
      names.add(name);
      const nDims = await c.u32(`dimension count of ${name}`);
      if (nDims < 1 || nDims > MAX_DIMS) throw new Malformed(`${name}: ${nDims} dimensions (1 to ${MAX_DIMS})`);
      const shape = [];
      for (let d = 0; d < nDims; d++) shape.push(await c.u64(`dimension ${d} of ${name}`));
      const typeId = await c.u32(`type of ${name}`);
      const offset = await c.u64(`offset of ${name}`);
      const t = GGML_TYPES[typeId];
      if (!t) {
        r.problems.push(`${name}: ggml type ${typeId} is unknown to this verifier, so its byte range cannot be checked`);
        continue;
      }
      const [dtype, block, blockBytes] = t;
      const elements = shape.reduce((a, d) => a * d, 1);
      if (!Number.isSafeInteger(elements)) throw new Malformed(`${name}: shape ${JSON.stringify(shape)} overflows`);
      if ((shape[0] ?? 0) % block !== 0) r.problems.push(`${name}: ${dtype} packs ${block} values per block, but the first dimension is ${shape[0]}`);
      if (offset % alignment !== 0) r.problems.push(`${name}: offset ${offset} is not a multiple of the alignment ${alignment}`);
      infos.push({
        name,
        dtype,
        shape,
        storage: String(offset),
        bytes: elements / block * blockBytes,
        offset,
        ...FLOATS[dtype] ? { float: FLOATS[dtype] } : {}
      });
    }
  } catch (err) {
    if (err instanceof Malformed) return { ...r, problems: [err.message] };
    throw err;
  }
  const dataStart = Math.ceil(c.pos / alignment) * alignment;
  let end = dataStart;
  let prev;
  for (const t of [...infos].sort((a, b) => a.offset - b.offset)) {
    if (prev && t.offset < prev.offset + prev.bytes) r.problems.push(`${t.name}: overlaps ${prev.name}`);
    if (dataStart + t.offset + t.bytes > src.size)
      r.problems.push(
        `${t.name}: ${t.dtype}${JSON.stringify(t.shape)} needs bytes ${dataStart + t.offset}\u2013${dataStart + t.offset + t.bytes}, the file has ${src.size} (truncated)`
      );
    end = Math.max(end, dataStart + t.offset + t.bytes);
    prev = t;
  }
  const padded = Math.ceil(end / alignment) * alignment;
  if (src.size > padded) r.problems.push(`${src.size - padded} bytes after the last tensor and its padding to ${alignment}`);
  r.tensors = infos.map(({ name, dtype, shape, storage, bytes }) => ({ name, dtype, shape, storage, bytes }));
  if (r.problems.length === 0) {
    for (const t of infos) {
      if (!t.float) continue;
      const bad = await countNonFinite(src, dataStart + t.offset, t.bytes, t.float);
      if (bad) r.nonFinite.push({ name: t.name, count: bad });
    }
  }
  return { ...r, ok: r.problems.length === 0 && r.nonFinite.length === 0 };
}

// src/verify/verifiers/npy.ts
var DESCR = {
  "<f8": "float64",
  "<f4": "float32",
  "<f2": "float16",
  "<i8": "int64",
  "<i4": "int32",
  "<i2": "int16",
  "|i1": "int8",
  "|u1": "uint8",
  "<u2": "uint16",
  "<u4": "uint32",
  "<u8": "uint64",
  "|b1": "bool",
  "<c8": "complex64",
  "<c16": "complex128"
};
var HEADER_MAX = 65536 + 12;
function parseNpyHeader(h) {
  let i = 0;
  const ws = () => {
    while (i < h.length && /[ \t\n]/.test(h[i])) i++;
  };
  const expect = (c) => {
    ws();
    if (h[i] !== c) throw new Error(`expected ${JSON.stringify(c)} at ${i}`);
    i++;
  };
  const string = () => {
    ws();
    const q = h[i];
    if (q !== "'" && q !== '"') throw new Error(`expected a string at ${i}`);
    const end = h.indexOf(q, i + 1);
    if (end < 0 || h.slice(i + 1, end).includes("\\")) throw new Error("unterminated or escaped string");
    const s = h.slice(i + 1, end);
    i = end + 1;
    return s;
  };
  const value = () => {
    ws();
    if (h.startsWith("True", i)) return i += 4, true;
    if (h.startsWith("False", i)) return i += 5, false;
    if (h[i] === "'" || h[i] === '"') return string();
    if (h[i] === "(") {
      i++;
      const dims = [];
      for (; ; ) {
        ws();
        if (h[i] === ")") break;
        const m = /^[0-9]{1,19}/.exec(h.slice(i, i + 20));
        if (!m) throw new Error(`expected a dimension at ${i}`);
        dims.push(Number(m[0]));
        i += m[0].length;
        ws();
        if (h[i] === ",") i++;
        else if (h[i] !== ")") throw new Error(`expected , or ) at ${i}`);
      }
      i++;
      return dims;
    }
    throw new Error(`unsupported value at ${i} (structured dtypes are not read)`);
  };
  try {
    const d = /* @__PURE__ */ new Map();
    expect("{");
    for (; ; ) {
      ws();
      if (h[i] === "}") break;
      const k = string();
      expect(":");
      if (d.has(k)) return `the header names ${JSON.stringify(k)} twice (numpy would use the last one); refusing it`;
      d.set(k, value());
      ws();
      if (h[i] === ",") i++;
      else if (h[i] !== "}") throw new Error(`expected , or } at ${i}`);
    }
    i++;
    ws();
    if (i !== h.length) throw new Error("text after the dict");
    const keys = [...d.keys()].sort().join(",");
    if (keys !== "descr,fortran_order,shape") return `header keys are [${keys}], numpy needs exactly descr, fortran_order, shape`;
    const descr = d.get("descr");
    const fortran = d.get("fortran_order");
    const shape = d.get("shape");
    if (typeof descr !== "string" || typeof fortran !== "boolean" || !Array.isArray(shape)) return "header values have the wrong types";
    return { descr, fortran, shape };
  } catch (err) {
    return `unreadable header ${JSON.stringify(h.trim().slice(0, 80))}: ${err.message}`;
  }
}
function npyLayout(head, size, name) {
  if (size < 10 || head.length < 10) return "shorter than an .npy header";
  if (!head.subarray(0, 6).equals(Buffer.from([147, 78, 85, 77, 80, 89]))) return "no \\x93NUMPY magic";
  const major = head[6];
  if (major < 1 || major > 3) return `.npy format version ${major} is not known`;
  if (major > 1 && head.length < 12) return "shorter than an .npy header";
  const hlen = major === 1 ? head.readUInt16LE(8) : head.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  if (start + hlen > head.length || start + hlen > size) return "the header runs past the file";
  const parsed = parseNpyHeader(head.subarray(start, start + hlen).toString("latin1"));
  if (typeof parsed === "string") return parsed;
  const { descr, shape } = parsed;
  if (descr.includes("O")) return "object arrays hold pickled Python objects; refusing to read them";
  const dtype = DESCR[descr];
  if (!dtype) return `dtype ${descr} is not supported (big-endian or unusual)`;
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) return `malformed shape (${shape.join(", ")})`;
  const bytes = shape.reduce((a, d) => a * d, 1) * (DTYPE_BYTES[dtype] ?? 1);
  if (!Number.isSafeInteger(bytes)) return `shape (${shape.join(", ")}) is larger than any real file`;
  const dataStart = start + hlen;
  if (size - dataStart !== bytes) return `${dtype}${JSON.stringify(shape)} needs ${bytes} data bytes, the file has ${size - dataStart}`;
  return { tensor: { name, dtype, shape, storage: String(dataStart), bytes }, dataStart };
}
var SCANNED = /* @__PURE__ */ new Set(["float64", "float32", "float16"]);
async function verifyNpy(src) {
  const r = { format: "npy", ok: false, problems: [], tensors: [], nonFinite: [] };
  const l = npyLayout(await src.read(0, Math.min(src.size, HEADER_MAX)), src.size, "array");
  if (typeof l === "string") return { ...r, problems: [l] };
  r.tensors.push(l.tensor);
  if (SCANNED.has(l.tensor.dtype)) {
    const bad = await countNonFinite(src, l.dataStart, l.tensor.bytes, l.tensor.dtype);
    if (bad) r.nonFinite.push({ name: l.tensor.name, count: bad });
  }
  return { ...r, ok: r.nonFinite.length === 0 };
}
function memberScanner(size, name) {
  let head = Buffer.alloc(0);
  let layout = null;
  let pos = 0;
  let carry = Buffer.alloc(0);
  let bad = 0;
  const feedData = (b, dtype) => {
    const item = DTYPE_BYTES[dtype] ?? 1;
    const all = carry.length ? Buffer.concat([carry, b]) : b;
    const whole = all.length - all.length % item;
    bad += nonFiniteIn(all.subarray(0, whole), dtype);
    carry = Buffer.from(all.subarray(whole));
  };
  return {
    each(b) {
      const at = pos;
      pos += b.length;
      if (layout === null) {
        head = Buffer.concat([head, b.subarray(0, Math.max(0, HEADER_MAX - head.length))]);
        if (head.length < Math.min(size, HEADER_MAX)) return;
        layout = npyLayout(head, size, name);
      }
      if (typeof layout === "string" || !SCANNED.has(layout.tensor.dtype)) return;
      const skip = Math.max(0, layout.dataStart - at);
      if (skip < b.length) feedData(b.subarray(skip), layout.tensor.dtype);
    },
    result() {
      return { layout: layout ?? npyLayout(head, size, name), bad };
    }
  };
}
async function verifyNpz(src) {
  const r = { format: "npz", ok: false, problems: [], tensors: [], nonFinite: [] };
  let entries;
  try {
    entries = await readCentralDirectory(src);
  } catch (err) {
    return { ...r, problems: [err.message] };
  }
  for (const e of entries) {
    try {
      const name = e.name.replace(/\.npy$/, "");
      await dataOffset(src, e);
      const scan = memberScanner(e.size, name);
      const bad = await checkCrc(src, e, (b) => scan.each(b));
      if (bad) {
        r.problems.push(bad);
        continue;
      }
      const { layout, bad: nonFinite } = scan.result();
      if (typeof layout === "string") r.problems.push(`${e.name}: ${layout}`);
      else {
        r.tensors.push(layout.tensor);
        if (nonFinite) r.nonFinite.push({ name, count: nonFinite });
      }
    } catch (err) {
      r.problems.push(`${e.name}: ${err.message}`);
    }
  }
  if (entries.length === 0) r.problems.push("the archive is empty");
  return { ...r, ok: r.problems.length === 0 && r.nonFinite.length === 0 };
}

// src/verify/verifiers/safetensors.ts
var DTYPES = {
  F64: "float64",
  F32: "float32",
  F16: "float16",
  BF16: "bfloat16",
  I64: "int64",
  I32: "int32",
  I16: "int16",
  I8: "int8",
  U8: "uint8",
  U16: "uint16",
  U32: "uint32",
  U64: "uint64",
  BOOL: "bool",
  F8_E4M3: "float8_e4m3fn",
  F8_E5M2: "float8_e5m2"
};
async function verifySafetensors(src) {
  const r = { format: "safetensors", ok: false, problems: [], tensors: [], nonFinite: [] };
  if (src.size < 8) return { ...r, problems: ["shorter than the 8-byte header length"] };
  const n = Number((await src.read(0, 8)).readBigUInt64LE(0));
  if (n < 2 || n > 100 * 2 ** 20 || 8 + n > src.size) return { ...r, problems: [`header length ${n} does not fit the file (${src.size} bytes)`] };
  let header;
  try {
    const parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(await src.read(8, n)));
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { ...r, problems: ["header is not a JSON object"] };
    header = parsed;
  } catch (err) {
    return { ...r, problems: [`header is not UTF-8 JSON: ${err.message.slice(0, 120)}`] };
  }
  const dataStart = 8 + n;
  const meta = header["__metadata__"];
  if (meta !== void 0 && (typeof meta !== "object" || meta === null || Array.isArray(meta) || !Object.values(meta).every((v) => typeof v === "string")))
    r.problems.push("__metadata__ is not a map of strings");
  const entries = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const t = raw;
    if (typeof t !== "object" || t === null || Array.isArray(t)) {
      r.problems.push(`${name}: not a tensor entry`);
      continue;
    }
    const dtype = typeof t.dtype === "string" ? DTYPES[t.dtype] : void 0;
    if (!dtype) {
      r.problems.push(`${name}: unknown dtype ${JSON.stringify(t.dtype)?.slice(0, 40)}`);
      continue;
    }
    const offs = t.data_offsets;
    const shape = t.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0) || !Array.isArray(offs) || offs.length !== 2 || !offs.every((o) => Number.isSafeInteger(o) && o >= 0) || offs[0] > offs[1]) {
      r.problems.push(`${name}: malformed shape or data_offsets`);
      continue;
    }
    const [b, e] = offs;
    const want = shape.reduce((a, d) => a * d, 1) * (DTYPE_BYTES[dtype] ?? 1);
    if (e - b !== want) r.problems.push(`${name}: ${dtype}${JSON.stringify(shape)} needs ${want} bytes, data_offsets give ${e - b}`);
    entries.push([name, { dtype, shape, data_offsets: [b, e] }]);
    r.tensors.push({ name, dtype, shape, storage: String(b), bytes: want });
  }
  const ranges = entries.map(([name, t]) => ({ name, b: t.data_offsets[0], e: t.data_offsets[1] })).sort((x, y) => x.b - y.b);
  let at = 0;
  for (const x of ranges) {
    if (x.b < at) r.problems.push(`${x.name}: overlaps the previous tensor`);
    else if (x.b > at) r.problems.push(`${x.name}: a gap of ${x.b - at} bytes before it`);
    at = Math.max(at, x.e);
  }
  if (dataStart + at !== src.size) r.problems.push(`tensors end at byte ${dataStart + at}, the file has ${src.size} (truncated or trailing bytes)`);
  if (r.problems.length === 0) {
    for (const t of r.tensors) {
      if (!FLOAT_DTYPES.has(t.dtype)) continue;
      const bad = await countNonFinite(src, dataStart + Number(t.storage), t.bytes, t.dtype);
      if (bad) r.nonFinite.push({ name: t.name, count: bad });
    }
  }
  return { ...r, ok: r.problems.length === 0 && r.nonFinite.length === 0 };
}

// src/verify/verify-files.ts
var VERIFIER_VERSIONS = { "torch-zip": 2, safetensors: 2, npy: 2, npz: 2, gguf: 1, sha256: 1 };
async function verifyOne(path, src, scans) {
  try {
    return await pick(path, src, scans);
  } catch (err) {
    const e = err;
    return {
      format: "unreadable",
      ok: false,
      problems: [`the verifier could not read it (${e?.name ?? "Error"}: ${String(e?.message ?? err).slice(0, 200)})`],
      tensors: [],
      nonFinite: []
    };
  }
}
async function pick(path, src, scans) {
  if (src.size === 0) return { format: "empty", ok: false, problems: ["the file is empty"], tensors: [], nonFinite: [] };
  if (path.endsWith(".safetensors")) return verifySafetensors(src);
  if (path.endsWith(".npy")) return verifyNpy(src);
  if (path.endsWith(".npz")) return verifyNpz(src);
  const magic = await src.read(0, 4);
  if (path.endsWith(".gguf") || magic.toString("latin1") === "GGUF") return verifyGguf(src);
  if (magic.equals(Buffer.from([80, 75, 3, 4]))) return verifyTorch(src, scans);
  if (/\.(pt|pth|ckpt)$/.test(path)) return verifyTorch(src, scans);
  return { format: "sha256", ok: true, problems: [], tensors: [], nonFinite: [], note: "no structural verifier for this format: sha256 only" };
}
function problemsText(r) {
  return [...r.problems, ...r.nonFinite.map((n) => `${n.count} NaN/Inf in ${n.name}`)].join("; ");
}

export {
  PullError,
  streamFiles,
  streamPull,
  fileSource,
  VERIFIER_VERSIONS,
  verifyOne,
  problemsText,
  trustedLoad,
  streamScanFor
};
