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
import { provisionedBytes, renderProvisioned, type Provisioned, type ProvisionedNode } from '../registry/provisioned.ts';
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

/** What renting one box needs from the phase: the account key's halves, the login, the tuning. */
interface RentContext {
  cfg: ProvisionPhaseConfig;
  ctx: PhaseContext;
  t: ProvisionTuning;
  module: ReturnType<typeof providerModule>;
  cred: ReturnType<typeof loadCredential>;
  publicKey: string;
  user: string;
}

/**
 * One box rented: its own host key made here, the create call, the wait for SSH with exactly that key, and the
 * provider's destroy of a box that never came up. `created` runs the moment the provider names the instance.
 */
async function rentOne(
  r: RentContext,
  name: string,
  created: (instanceId: string, c: Candidate, hostKeyFingerprint: string) => Promise<void>,
): Promise<ProvisionOutcome> {
  const { cfg, ctx, t, module, cred, publicKey, user } = r;
  const rent = module.provision!;
  const hostKey = newHostKey(`tether-${cfg.runId}`);
  for (const line of hostKey.privateKey.split('\n')) if (line.trim().length > 20) ctx.reporter.mask(line.trim());
  const log = (line: string) => ctx.reporter.info(line);
  return provision(
    {
      types: cfg.types,
      regions: cfg.regions,
      maxHourlyPrice: cfg.maxHourlyPrice,
      spec: {
        name,
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
        aws: cfg.awsRegion ? awsFromEnv(cfg.awsRegion, ctx.env, cfg.subnet, cfg.securityGroup) : null,
        apiUrl: cfg.apiUrl,
        callTimeoutMs: t.callTimeoutMs,
        log,
      }),
      created: (instanceId: string, c: Candidate) => created(instanceId, c, hostKey.fingerprint),
      reach: (host, port, fp) => reachBox(cfg, cred, user, host, port, fp),
      destroy: (instanceId) => destroyBox(cfg, module, ctx.env, t, log, instanceId),
      log,
      now: Date.now,
      sleep: (ms) => new Promise((res) => setTimeout(res, ms)),
    },
  );
}

export async function provisionPhase(cfg: ProvisionPhaseConfig, ctx: PhaseContext, tuning: Partial<ProvisionTuning> = {}): Promise<number> {
  const { reporter, ports } = ctx;
  const t = { ...TUNING, ...tuning };
  reporter.mask(cfg.apiKey);
  const module = providerModule(cfg.provider as ProviderName);
  const { cred, publicKey } = publicHalf(cfg);
  const user = cfg.user || module.facts.loginUser || 'root';
  const r: RentContext = { cfg, ctx, t, module, cred, publicKey, user };
  if (cfg.count > 1) return provisionNodes(r);
  const recordFile = join(ports.workspace, `tether-provision-${cfg.runId}.json`);

  let handoff: Handoff | null = null;
  const outcome = await rentOne(r, cfg.name, async (instanceId, c, fingerprint) => {
    // Said at once, before the wait: from here on the instance bills, and a killed provision leaves this behind.
    reporter.output('instance-id', instanceId);
    reporter.output('provider', cfg.provider);
    await recordOnGitHub(cfg, cred, provisionedOf(cfg, instanceId, c, fingerprint), ctx);
    handoff = {
      runId: cfg.runId,
      provider: cfg.provider,
      instanceId,
      instanceType: c.instanceType,
      region: c.region,
      hourlyPrice: c.hourlyPrice,
      spot: cfg.spot,
      hostKeyFingerprint: fingerprint,
      createdAt: new Date().toISOString(),
      ready: null,
    };
    writeHandoff(recordFile, handoff, cred);
  });
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

/** The provision record of one instance, as it is named (created now). */
function provisionedOf(cfg: ProvisionPhaseConfig, instanceId: string, c: Candidate, fingerprint: string): Provisioned {
  return {
    runId: cfg.runId,
    provider: cfg.provider,
    instanceId,
    instanceType: c.instanceType,
    region: c.region,
    hourlyPrice: c.hourlyPrice === null ? '' : moneyText(c.hourlyPrice),
    hostKeyFingerprint: fingerprint,
    createdAt: new Date().toISOString(),
  };
}

/**
 * `count: N` (issue 28): N boxes for a run on many boxes, rented at once, each with its own host key. The run's one
 * provision record names every instance the moment each is named (rewritten in turn), so a killed provision
 * leaves nothing unseen. Ready when every box is: output `nodes` is launch's `nodes` as it is (rank by rank, each
 * pinned, with its instance). A box that did not come up is destroyed as for one box; the ones that did are left
 * up, recorded and listed (nothing ran on them, and no person approved a destroy): the step exits 5.
 */
async function provisionNodes(r: RentContext): Promise<number> {
  const { cfg, ctx, cred, user } = r;
  const { reporter } = ctx;
  const named: ProvisionedNode[] = [];
  let writes: Promise<void> = Promise.resolve();
  // Rank 0 first, until the provider named it: its create registers the account key where a provider keeps one
  // (two at once would race to add the same key); then the others, all at once.
  let first: () => void = () => undefined;
  const firstNamed = new Promise<void>((res) => (first = res));
  const rentRank = (rank: number) =>
    rentOne(r, `${cfg.name}-${rank}`, async (instanceId, c, fingerprint) => {
      const { runId: _run, provider: _provider, ...one } = provisionedOf(cfg, instanceId, c, fingerprint);
      named.push({ rank, ...one });
      reporter.info(`provision: rank ${rank} is ${instanceId}`);
      // The record's own fields are the first instance named; its nodes list every one so far.
      const { rank: _first, ...top } = named[0]!;
      const record: Provisioned = { runId: cfg.runId, provider: cfg.provider, ...top, nodes: [...named] };
      // One comment for the run, rewritten in turn as each instance is named (never two writes at once).
      writes = writes.then(() => recordOnGitHub(cfg, cred, record, ctx));
      await writes;
      if (rank === 0) first();
    });
  const zero = rentRank(0).finally(() => first());
  await firstNamed;
  const outcomes = await Promise.all([zero, ...Array.from({ length: cfg.count - 1 }, (_, k) => rentRank(k + 1))]);
  await writes;
  const lines = outcomes.map((o, rank) =>
    o.result === 'ready'
      ? `${user}@${o.host}:${o.port} ${o.hostKeyFingerprint} instance-id=${o.instanceId}`
      : `rank ${rank}: ${o.why}${o.instanceId ? ` (${o.instanceId} ${o.destroyed ? 'destroyed' : 'may still bill'})` : ''}`,
  );
  reporter.output('provider', cfg.provider);
  reporter.output('user', user);
  reporter.output('spot', String(cfg.spot));
  const ready = outcomes.filter((o) => o.result === 'ready');
  const rows = outcomes.map(
    (o, rank) =>
      `| ${rank} | ${o.result === 'ready' ? `${code(o.instanceId)} | ${code(`${user}@${o.host}:${o.port}`)} | ${code(o.hostKeyFingerprint)}` : `${o.instanceId ? code(o.instanceId) : '—'} | **${o.result}** | ${inert(o.why)}`} |`,
  );
  const table = ['| rank | instance | at | host key / why |', '|---|---|---|---|', ...rows].join('\n');
  if (ready.length === outcomes.length) {
    reporter.output('result', 'ready');
    reporter.output('reason', `${outcomes.length} boxes ready`);
    reporter.output('nodes', lines.join('\n'));
    reporter.output('instance-ids', JSON.stringify(ready.map((o) => o.instanceId)));
    reporter.summary(
      `### 🛰️ tether provision — ${code(cfg.runId)}: ${outcomes.length} boxes ready\n\n${table}\n\nEach host key was generated on this runner for its box only and pinned before the first connection; output \`nodes\` is launch's \`nodes\`. They bill until torn down.`,
    );
    return 0;
  }
  const left = ready.map((o) => (o.result === 'ready' ? o.instanceId : ''));
  const unsure = outcomes.some((o) => o.result === 'failed' && o.instanceId && o.destroyed === false);
  const why = `${outcomes.length - ready.length} of ${outcomes.length} boxes did not come up: ${lines.filter((_, i) => outcomes[i]!.result !== 'ready').join(' | ')}`;
  reporter.output('result', 'failed');
  reporter.output('reason', why);
  reporter.output('instance-ids', JSON.stringify(left));
  reporter.error(
    `provision failed: ${why}${left.length ? `; ${left.join(', ')} came up and are left running (recorded; nothing ran on them): launch on them or tear them down` : ''}`,
  );
  reporter.summary(
    `### ${left.length || unsure ? '🚨' : '⛔'} tether provision — ${code(cfg.runId)}: ${ready.length} of ${outcomes.length} boxes up\n\n${table}\n\n` +
      (left.length
        ? `${left.map((i) => code(i)).join(', ')} came up and bill: nothing ran on them and no person approved a destroy, so they are left for you (the provision record names them; teardown with report-to destroys each behind its approval).`
        : ''),
  );
  return left.length || unsure ? 5 : 1;
}

/** The hand-off file, signed with the connection's key where it is one tether holds (an agent cannot sign here). */
function writeHandoff(file: string, h: Handoff, cred: ReturnType<typeof loadCredential>): void {
  writeFileSync(file, renderHandoff(h, 'privateKey' in cred ? sign(cred, handoffBytes(h)) : null), { mode: 0o600 });
}

/** The signed provision record where report-to points, so the next patrol finds the instance even if this job dies now. */
async function recordOnGitHub(cfg: ProvisionPhaseConfig, cred: ReturnType<typeof loadCredential>, entry: Provisioned, ctx: PhaseContext): Promise<void> {
  const store = cfg.store ? ctx.ports.statusStore?.(cfg.store) : undefined;
  if (!store?.register) return;
  const instanceId = entry.nodes ? entry.nodes.map((n) => n.instanceId).join(', ') : entry.instanceId;
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
