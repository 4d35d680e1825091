import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  TransportError,
  classify
} from "./chunk-JVLHI33R.js";
import {
  BACKEND_LIST,
  scriptText
} from "./chunk-7MNXD2ZJ.js";
import {
  BoxDataError,
  parseJson
} from "./chunk-XSXAROAL.js";
import {
  require_lib
} from "./chunk-EPCPIVQ4.js";
import {
  fingerprint
} from "./chunk-UWHVA42A.js";
import {
  __toESM
} from "./chunk-R3K6G2KB.js";

// src/ssh/client.ts
var import_ssh2 = __toESM(require_lib(), 1);

// src/ssh/backoff.ts
function backoffDelayMs(attempt, baseMs = 1e3, capMs = 8e3) {
  if (attempt <= 1) return 0;
  return Math.min(capMs, baseMs * 2 ** (attempt - 2));
}
async function withBackoff(attempts, fn, retryable, sleep = (ms) => new Promise((r) => setTimeout(r, ms))) {
  let last;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const delay = backoffDelayMs(attempt);
    if (delay) await sleep(delay);
    try {
      return await fn(attempt);
    } catch (err) {
      last = err;
      if (!retryable(err)) throw err;
    }
  }
  throw last;
}

// src/ssh/client.ts
function connect(cfg, cred, tuning = {}) {
  return withBackoff(
    cfg.attempts,
    () => connectOnce(cfg, cred, tuning),
    (err) => err instanceof TransportError && err.kind === "network"
  );
}
function connectOnce(cfg, cred, tuning) {
  return new Promise((resolve, reject) => {
    const client = new import_ssh2.default.Client();
    let seen = "";
    let seenKey = Buffer.alloc(0);
    let rejectedHostKey = false;
    let settled = false;
    const fail = (err) => {
      if (settled) return;
      settled = true;
      client.end();
      client.destroy();
      reject(err);
    };
    const hardStop = setTimeout(
      () => fail(new TransportError("unreachable", `${cfg.host}:${cfg.port} did not finish the SSH handshake within ${cfg.connectTimeoutMs / 1e3} s`)),
      cfg.connectTimeoutMs + 1e3
    );
    client.on("error", (err) => {
      clearTimeout(hardStop);
      const kind = classify(err, rejectedHostKey);
      const detail = kind === "host_key_mismatch" && cfg.pin.kind === "pinned" ? `${cfg.host}:${cfg.port} presented ${seen}, but the pinned key is ${cfg.pin.fingerprints.join(" or ")}` : `${cfg.host}:${cfg.port}: ${err.message}`;
      fail(new TransportError(kind, detail));
    });
    client.on("ready", () => {
      clearTimeout(hardStop);
      if (settled) return;
      settled = true;
      resolve(makeSession(client, seen, seenKey));
    });
    try {
      client.connect({
        host: cfg.host,
        port: cfg.port,
        username: cfg.user,
        ..."privateKey" in cred ? { privateKey: cred.privateKey } : { agent: cred.agent },
        readyTimeout: cfg.connectTimeoutMs,
        keepaliveInterval: tuning.keepaliveIntervalMs ?? 1e4,
        keepaliveCountMax: tuning.keepaliveCountMax ?? 3,
        tryKeyboard: false,
        // Straight to the one method we have: no 'none' probe round trip.
        authHandler: "privateKey" in cred ? ["publickey"] : ["agent"],
        // Runs before authentication: a wrong key never sees our credentials.
        hostVerifier: (key) => {
          seen = fingerprint(key);
          seenKey = Buffer.from(key);
          if (cfg.pin.kind === "accept-new") return true;
          const ok = cfg.pin.fingerprints.includes(seen) && !cfg.pin.revoked.includes(seen);
          rejectedHostKey = !ok;
          return ok;
        }
      });
      client.setNoDelay(true);
    } catch (err) {
      clearTimeout(hardStop);
      fail(new TransportError("network", err.message));
    }
  });
}
function makeSession(client, hostFingerprint, hostKey) {
  let lost;
  client.on("error", (err) => {
    lost ??= new TransportError(classify(err, false), err.message);
  });
  const closed = new Promise((res) => client.once("close", () => res(lost?.message ?? "the connection closed")));
  return {
    hostFingerprint,
    hostKey,
    closed,
    close: () => {
      client.end();
    },
    stream: (command, stdin, onLine, maxLine = 4096) => {
      let channel;
      let stop = false;
      const ended = new Promise((res) => {
        const onClose = () => res(lost?.message ?? "the connection closed");
        client.once("close", onClose);
        if (lost) return res(lost.message);
        client.exec(command, { pty: false }, (e, ch) => {
          if (e) return res(`the command could not start: ${e.message}`);
          channel = ch;
          if (stop) ch.close();
          let buf = "";
          ch.on("data", (d) => {
            buf += d.toString("utf8");
            for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
              onLine(buf.slice(0, nl));
              buf = buf.slice(nl + 1);
            }
            if (buf.length > maxLine) {
              buf = "";
              ch.close();
              client.removeListener("close", onClose);
              res(`the box sent a line longer than ${maxLine} bytes; the stream was closed`);
            }
          });
          ch.stderr.on("data", () => void 0);
          ch.on("error", () => void 0);
          ch.on("close", (code, signal) => {
            client.removeListener("close", onClose);
            res(`the command ended (exit ${code ?? signal ?? "?"})`);
          });
          ch.write(stdin);
        });
      });
      return {
        ended,
        close: () => {
          stop = true;
          channel?.close();
        }
      };
    },
    exec: (command, opts = {}) => new Promise((resolve, reject) => {
      if (lost) return reject(lost);
      const max = opts.maxOutput ?? 8 * 1024 * 1024;
      const out = [];
      const err = [];
      let outLen = 0;
      let errLen = 0;
      let truncated = false;
      let done = false;
      const finish = (fn) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        client.removeListener("close", onClose);
        fn();
      };
      const timeoutMs = opts.timeoutMs ?? 12e4;
      const timer = setTimeout(() => {
        finish(() => reject(new TransportError("unreachable", `the command did not finish within ${timeoutMs / 1e3} s; the connection was dropped`)));
        client.destroy();
      }, timeoutMs);
      const onClose = () => finish(() => reject(lost ?? new TransportError("network", "the connection closed before the command finished")));
      client.once("close", onClose);
      client.exec(command, { pty: false }, (e, stream) => {
        if (e) return finish(() => reject(new TransportError("network", e.message)));
        const over = () => {
          truncated = true;
          stream.close();
        };
        stream.on("data", (d) => {
          if (truncated) return;
          if (outLen + d.length > max) return over();
          out.push(d);
          outLen += d.length;
        });
        stream.stderr.on("data", (d) => {
          if (truncated) return;
          if (errLen + d.length > max) return over();
          err.push(d);
          errLen += d.length;
        });
        stream.on(
          "close",
          (code, signal) => finish(
            () => resolve({
              code: code ?? null,
              signal: signal ?? null,
              stdout: Buffer.concat(out).toString("utf8"),
              stderr: Buffer.concat(err).toString("utf8"),
              truncated
            })
          )
        );
        stream.on("error", () => void 0);
        if (opts.stdin !== void 0) stream.end(opts.stdin);
        else stream.end();
      });
    })
  };
}

// src/remote/scripts.ts
var lib = scriptText("lib.sh");
var SCRIPTS = {
  audit: scriptText("audit.sh"),
  checkpoints: scriptText("checkpoints.sh"),
  confirm: scriptText("confirm.sh"),
  follow: scriptText("follow.sh"),
  launch: scriptText("launch.sh"),
  manifest: scriptText("manifest.sh"),
  send: scriptText("send.sh"),
  probe: scriptText("probe.sh"),
  stop: scriptText("stop.sh"),
  sync: scriptText("sync.sh"),
  slurm_jobs: scriptText("slurm_jobs.sh"),
  slurm_audit: scriptText("slurm_audit.sh")
};
var WRAPPER = `${lib}
${scriptText("wrapper.sh")}`;
var ARRAY = `${lib}
${scriptText("array.sh")}`;
var QUEUE = `${lib}
${scriptText("queue.sh")}`;
var LIB = [lib, ...BACKEND_LIST.map((b) => b.script)].join("\n");

// src/remote/shell-quote.ts
function shellQuote(arg) {
  if (arg.includes("\0")) throw new Error("an argument contains a NUL byte");
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

// src/remote/invoke.ts
function dataLines(data, env = []) {
  const b64 = (s) => Buffer.from(s, "utf8").toString("base64");
  const lines = Object.entries(data).map(([k, v]) => `${k} ${b64(v)}`);
  for (const [name, value] of env) lines.push(`env ${name} ${b64(value)}`);
  lines.push("end");
  return lines.join("\n") + "\n";
}
function scriptStdin(name, data) {
  const script = SCRIPTS[name];
  if (!/\nmain "\$@"; exit \$\?\n?$/.test(script)) throw new Error(`scripts/remote/${name}.sh must end with: main "$@"; exit $?`);
  const head = Buffer.from(`${LIB}
${script.endsWith("\n") ? script : script + "\n"}`);
  return data === void 0 ? head : Buffer.concat([head, Buffer.isBuffer(data) ? data : Buffer.from(data)]);
}
function scriptCommand(args) {
  return ["bash", "-s", "--", ...args.map(shellQuote)].join(" ");
}
function runScript(session, name, args, opts = {}) {
  return session.exec(scriptCommand(args), {
    stdin: scriptStdin(name, opts.binary ?? opts.data),
    timeoutMs: opts.timeoutMs ?? 12e4,
    maxOutput: opts.maxOutput ?? 1 << 20
  });
}
function parseJsonLine(name, r) {
  const said = () => (r.stderr || r.stdout).trim().slice(0, 300);
  if (r.truncated) throw new BoxDataError(`${name}.sh printed more than its output bound; the box's answer was not read`);
  const line = r.stdout.trim().split("\n").reverse().find((l) => l.startsWith("{"));
  if (line === void 0) throw new BoxDataError(`${name}.sh printed no JSON result (exit ${r.code ?? r.signal}): ${said()}`);
  return parseJson(line, `${name}.sh's result`, 16 << 20);
}

export {
  connect,
  WRAPPER,
  ARRAY,
  QUEUE,
  shellQuote,
  dataLines,
  scriptStdin,
  scriptCommand,
  runScript,
  parseJsonLine
};
