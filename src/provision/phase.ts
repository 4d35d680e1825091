/**
 * `tether provision` (actions/provision, root `command: provision`): rents one box for a run and hands launch
 * what it takes as it is (host, port, user, host-key-fingerprint, instance-id, provider). The I/O shell around
 * provision.ts: the provider module's verbs, the host key made here (hostkey.ts), the pinned SSH check, the
 * provider's own destroy (drive.ts) for a box that never came up.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import type { ConnectionConfig } from '../config/connection.ts';
import { InputError } from '../config/errors.ts';
import type { ProvisionPhaseConfig } from '../config/provision.ts';
import type { PhaseContext } from '../ports/types.ts';
import { awsFromEnv } from '../providers/aws-provision.ts';
import { drive } from '../providers/drive.ts';
import { providerModule, type ProviderName } from '../providers/index.ts';
import type { Candidate, ProviderContext } from '../providers/types.ts';
import { handoffBytes, renderHandoff, type Handoff } from '../record/handoff.ts';
import { code, inert } from '../report/markdown.ts';
import { connect } from '../ssh/client.ts';
import { TransportError } from '../ssh/errors.ts';
import { loadCredential } from '../ssh/keys.ts';
import { cloudConfig, newHostKey } from './hostkey.ts';
import { moneyText } from '../registry/entry.ts';
import { provisionedBytes, renderProvisioned, type Provisioned } from '../registry/provisioned.ts';
import { sign } from '../ssh/sign.ts';
import { provision, where, type ProvisionOutcome } from './provision.ts';

export interface ProvisionTuning {
  pollMs: number;
  callTimeoutMs: number;
  destroyDeadlineMs: number;
}
// Describe calls are cheap and allowed about once a second (Lambda's documented limit for non-launch calls).
const TUNING: ProvisionTuning = { pollMs: 2000, callTimeoutMs: 30_000, destroyDeadlineMs: 10 * 60_000 };

/** The key's public half in authorized_keys form, or an InputError naming the key input. */
function publicHalf(cfg: ProvisionPhaseConfig): { cred: ReturnType<typeof loadCredential>; publicKey: string } {
  const cred = loadCredential(cfg.key);
  const parsed = 'privateKey' in cred ? ssh2.utils.parseKey(cred.privateKey) : null;
  const k = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!k || k instanceof Error) throw new InputError(cfg.key.kind === 'path' ? 'ssh-key-path' : 'ssh-key', 'is not a usable private key');
  return { cred, publicKey: `${k.type} ${k.getPublicSSH().toString('base64')}` };
}

export async function provisionPhase(cfg: ProvisionPhaseConfig, ctx: PhaseContext, tuning: Partial<ProvisionTuning> = {}): Promise<number> {
  const { reporter, ports, env } = ctx;
  const t = { ...TUNING, ...tuning };
  reporter.mask(cfg.apiKey);
  const module = providerModule(cfg.provider as ProviderName);
  const rent = module.provision!;
  const { cred, publicKey } = publicHalf(cfg);
  const user = cfg.user || module.facts.loginUser || 'root';
  const hostKey = newHostKey(`tether-${cfg.runId}`);
  for (const line of hostKey.privateKey.split('\n')) if (line.trim().length > 20) reporter.mask(line.trim());
  const recordFile = join(ports.workspace, `tether-provision-${cfg.runId}.json`);
  const log = (line: string) => reporter.info(line);

  let handoff: Handoff | null = null;
  const outcome = await provision(
    {
      types: cfg.types,
      regions: cfg.regions,
      maxHourlyPrice: cfg.maxHourlyPrice,
      spec: {
        name: cfg.name,
        image: cfg.image,
        diskGb: cfg.diskGb,
        spot: cfg.spot,
        userData: cloudConfig(hostKey, rent.keyInUserData ? [publicKey] : []),
        hostKey: { privateKey: hostKey.privateKey, publicKey: hostKey.publicKey },
        authorizedKey: publicKey,
      },
      // A start step may run after the provider's own sshd came up (vast): until it has, another key is expected.
      hostKeySettles: rent.hostKeyChannel === 'injected-start-step',
      publicKey,
      hostKeyFingerprint: hostKey.fingerprint,
      timeoutMs: cfg.timeoutS * 1000,
      pollMs: t.pollMs,
      tries: 4,
    },
    {
      provisioner: rent.make({
        apiKey: cfg.apiKey,
        aws: cfg.awsRegion ? awsFromEnv(cfg.awsRegion, env, cfg.subnet, cfg.securityGroup) : null,
        apiUrl: cfg.apiUrl,
        callTimeoutMs: t.callTimeoutMs,
        log,
      }),
      created: async (instanceId: string, c: Candidate) => {
        // Said at once, before the wait: from here on the instance bills, and a killed provision leaves this behind.
        reporter.output('instance-id', instanceId);
        reporter.output('provider', cfg.provider);
        await recordOnGitHub(cfg, cred, instanceId, c, hostKey.fingerprint, ctx);
        handoff = {
          runId: cfg.runId,
          provider: cfg.provider,
          instanceId,
          instanceType: c.instanceType,
          region: c.region,
          hourlyPrice: c.hourlyPrice,
          spot: cfg.spot,
          hostKeyFingerprint: hostKey.fingerprint,
          createdAt: new Date().toISOString(),
          ready: null,
        };
        writeHandoff(recordFile, handoff, cred);
      },
      reach: (host, port, fp) => reachBox(cfg, cred, user, host, port, fp),
      destroy: (instanceId) => destroyBox(cfg, module, env, t, log, instanceId),
      log,
      now: Date.now,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    },
  );
  // (Set inside `created`, which TypeScript cannot see run.)
  const made = handoff as Handoff | null;
  if (outcome.result === 'ready' && made) {
    // Where the box is and its key, signed: launch's from-provision takes the connection from this file.
    writeHandoff(
      recordFile,
      { ...made, hostKeyFingerprint: outcome.hostKeyFingerprint, ready: { host: outcome.host, port: outcome.port, user, readyAt: new Date().toISOString() } },
      cred,
    );
    reporter.output('provision-file', recordFile);
  }
  return report(cfg, outcome, user, ctx);
}

/** The hand-off file, signed with the connection's key where it is one tether holds (an agent cannot sign here). */
function writeHandoff(file: string, h: Handoff, cred: ReturnType<typeof loadCredential>): void {
  writeFileSync(file, renderHandoff(h, 'privateKey' in cred ? sign(cred, handoffBytes(h)) : null), { mode: 0o600 });
}

/** The signed provision record where report-to points, so the next patrol finds the instance even if this job dies now. */
async function recordOnGitHub(
  cfg: ProvisionPhaseConfig,
  cred: ReturnType<typeof loadCredential>,
  instanceId: string,
  c: Candidate,
  fingerprint: string,
  ctx: PhaseContext,
): Promise<void> {
  const store = cfg.store ? ctx.ports.statusStore?.(cfg.store) : undefined;
  if (!store?.register) return;
  const entry: Provisioned = {
    runId: cfg.runId,
    provider: cfg.provider,
    instanceId,
    instanceType: c.instanceType,
    region: c.region,
    hourlyPrice: c.hourlyPrice === null ? '' : moneyText(c.hourlyPrice),
    hostKeyFingerprint: fingerprint,
    createdAt: new Date().toISOString(),
  };
  try {
    const url = await store.register(cfg.runId, renderProvisioned(entry, sign(cred, provisionedBytes(entry)), code));
    ctx.reporter.output('record-url', url);
    ctx.reporter.info(`provision: recorded ${instanceId} for the patrol at ${url}`);
  } catch (err) {
    // The box is already billing: going on to launch it is better than leaving it with nothing behind it.
    ctx.reporter.warn(
      `provision: recording ${instanceId} on GitHub failed (${(err as Error).message}); the patrol will not see it until launch registers the run (tether-provision-${cfg.runId}.json in the workspace names it)`,
    );
  }
}

/** Whether the box answers SSH with exactly this host key and lets the connection's key in (one attempt). */
async function reachBox(
  cfg: ProvisionPhaseConfig,
  cred: ReturnType<typeof loadCredential>,
  user: string,
  host: string,
  port: number,
  fp: string,
): Promise<{ ok: true } | { ok: false; why: string; otherHostKey: boolean; presented?: string }> {
  const conn: ConnectionConfig = {
    host,
    port,
    user,
    key: cfg.key,
    pin: { kind: 'pinned', fingerprints: [fp], revoked: [] },
    connectTimeoutMs: cfg.connectTimeoutMs,
    attempts: 1,
    jump: null,
  };
  try {
    (await connect(conn, cred)).close();
    return { ok: true };
  } catch (err) {
    if (!(err instanceof TransportError)) throw err;
    return { ok: false, why: err.message, otherHostKey: err.kind === 'host_key_mismatch', ...(err.presented ? { presented: err.presented } : {}) };
  }
}

/** The provider's own destroy of a box that never came up, polled to gone (drive.ts). */
async function destroyBox(
  cfg: ProvisionPhaseConfig,
  module: ReturnType<typeof providerModule>,
  env: PhaseContext['env'],
  t: ProvisionTuning,
  log: (line: string) => void,
  instanceId: string,
): Promise<{ ok: boolean; detail: string }> {
  const pctx: ProviderContext = { instanceId, runId: cfg.runId, verb: 'destroy', callTimeoutMs: t.callTimeoutMs, log };
  const p = module.make(
    pctx,
    {
      runId: cfg.runId,
      runRoot: '',
      instanceId,
      verb: 'destroy',
      apiKey: cfg.apiKey,
      apiUrl: cfg.apiUrl,
      awsRegion: cfg.awsRegion,
      teardownCommand: undefined,
      timeoutS: t.destroyDeadlineMs / 1000,
      connection: null,
    },
    env,
    null,
  );
  try {
    const d = await drive(p, 'destroy', pctx, { deadlineMs: t.destroyDeadlineMs, pollMs: t.pollMs, attempts: 3 });
    return { ok: d.ok, detail: d.ok ? `polled to ${d.state}: ${d.detail}` : d.detail };
  } catch (err) {
    return { ok: false, detail: (err as Error).message };
  }
}

function report(cfg: ProvisionPhaseConfig, o: ProvisionOutcome, user: string, ctx: PhaseContext): number {
  const { reporter } = ctx;
  const tried = o.tried.length ? `\n\nAlso considered:\n${o.tried.map((x) => `- ${inert(x)}`).join('\n')}` : '';
  if (o.result === 'ready') {
    const c = o.candidate;
    const fingerprint = o.hostKeyFingerprint;
    const fromConsole = o.hostKeySource === 'console';
    reporter.output('host-key-source', o.hostKeySource);
    reporter.output('result', 'ready');
    reporter.output('reason', where(c));
    reporter.output('host', o.host);
    reporter.output('port', String(o.port));
    reporter.output('user', user);
    reporter.output('host-key-fingerprint', fingerprint);
    reporter.output('hourly-price', c.hourlyPrice === null ? '' : String(c.hourlyPrice));
    reporter.output('spot', String(cfg.spot));
    reporter.info(
      `provision: ${o.instanceId} is up at ${user}@${o.host}:${o.port}, host key ${fingerprint} (${fromConsole ? 'the one its console output lists: the image ignored the key tether sent' : 'generated here, pinned before the first connection'})`,
    );
    reporter.summary(
      [
        `### 🛰️ tether provision — ${code(cfg.runId)}: ready`,
        '',
        `${code(o.instanceId)} at ${cfg.provider}: ${code(c.instanceType)} ${c.region ? `in ${code(c.region)}` : '(any region)'}${c.hourlyPrice !== null ? `, $${c.hourlyPrice.toFixed(2)}/h` : ''}, on ${code(`${user}@${o.host}:${o.port}`)}.`,
        fromConsole
          ? `Host key ${code(fingerprint)}: the image ignored the key tether sent, so the key pinned is the one the box reported in its console output, read over the provider's authenticated API (weaker: an image could print anything there).`
          : `Host key ${code(fingerprint)}: generated on this runner for this box only, sent in the create call, pinned before the first connection.`,
        'It bills until it is torn down (collect, then teardown behind its approval).',
      ].join('\n') + tried,
    );
    return 0;
  }
  reporter.output('result', 'failed');
  reporter.output('reason', o.why);
  if (o.instanceId) reporter.output('destroyed', String(o.destroyed));
  reporter.error(`provision failed (${o.kind}): ${o.why}`);
  reporter.summary(`### ${o.destroyed === false ? '🚨' : '⛔'} tether provision — ${code(cfg.runId)}: failed (${o.kind})\n\n${inert(o.why)}${tried}`);
  // A box that may still bill is the worst ending: its own exit code, so a workflow can page someone.
  return o.instanceId && o.destroyed === false ? 5 : 1;
}
