/**
 * The patrol's hosts from the runs launch registered: each registration read strictly, its signature
 * checked with the patrol's own key, then grouped by where it says the run lives (one probe per host).
 * A registration that fails any check is refused by name and never probed. No I/O.
 */
import { connectionTo, type OwnConnection } from '../config/connection.ts';
import type { HostEntry } from '../config/tether-file.ts';
import type { Credential } from '../ssh/keys.ts';
import { verify } from '../ssh/sign.ts';
import { readRegistration, signedBytes, whereRegistered, type Registration } from './entry.ts';
import { nodeKey } from '../record/grammar.ts';
import { isProvisionRecord, provisionedBytes, provisionedInstances, readProvisioned, type Provisioned } from './provisioned.ts';

export interface Registered {
  hosts: HostEntry[];
  /** Accepted registrations, by run id. */
  entries: Record<string, Registration>;
  /** `run-id: why` for each registration that was not taken. */
  refused: string[];
  /** Instances provisioned (signed by this key) on which no run is registered yet: they bill with nothing behind them. */
  provisioned: Provisioned[];
}

/**
 * A registration comment read strictly and its signature checked with this key: the entry, or why not. The
 * one check the patrol, teardown (Slurm's job id) and GitHub item recognition all make. No I/O.
 */
export function verifiedRegistration(body: string, cred: Credential): { entry: Registration } | { why: string } {
  let sealed;
  try {
    sealed = readRegistration(body);
  } catch (err) {
    return { why: (err as Error).message };
  }
  if (!verify(cred, signedBytes(sealed.entry), sealed.signer, sealed.sig))
    return {
      why: `its signature does not verify with this patrol's SSH key (signer ${sealed.signer}): it was edited after launch wrote it, or launched with another key`,
    };
  return { entry: sealed.entry };
}

/** A provision record read strictly and its signature checked with this key. No I/O. */
export function verifiedProvisioned(body: string, cred: Credential): { entry: Provisioned } | { why: string } {
  let r;
  try {
    r = readProvisioned(body);
  } catch (err) {
    return { why: (err as Error).message };
  }
  if (!verify(cred, provisionedBytes(r.entry), r.signer, r.sig))
    return { why: `its signature does not verify with this patrol's SSH key (signer ${r.signer}): edited, or provisioned with another key` };
  return { entry: r.entry };
}

/** The hosts of these registrations; where to connect comes from each, the key and timeouts stay the patrol's own. */
export function registeredHosts(found: Array<{ runId: string; body: string }>, cred: Credential, own: OwnConnection): Registered {
  const byWhere = new Map<string, HostEntry>();
  const entries: Record<string, Registration> = {};
  const refused: string[] = [];
  const provisioned: Provisioned[] = [];
  for (const f of found) {
    if (isProvisionRecord(f.body)) {
      const p = verifiedProvisioned(f.body, cred);
      if ('why' in p) refused.push(`${f.runId}: provision record: ${p.why}`);
      else if (p.entry.runId !== f.runId) refused.push(`${f.runId}: provision record: it is for run ${p.entry.runId}, not the one its comment names`);
      else provisioned.push(...provisionedInstances(p.entry));
      continue;
    }
    let e: Registration;
    try {
      const checked = verifiedRegistration(f.body, cred);
      if ('why' in checked) throw new Error(checked.why);
      e = checked.entry;
      if (e.runId !== f.runId) throw new Error(`the entry is for run ${e.runId}, not the one its comment names`);
      const price = e.hourlyPrice ? Number(e.hourlyPrice) : null;
      // A run on many boxes: each node is a host of its own, probed for the run under its node key.
      const places = e.nodes?.length
        ? e.nodes.map((n) => ({
            at: { ...e, host: n.host, port: n.port, user: n.user, hostKeyFingerprint: n.hostKeyFingerprint, runRoot: n.runRoot },
            key: nodeKey(e.runId, n.rank),
          }))
        : [{ at: e, key: e.runId }];
      for (const { at, key } of places) {
        const where = whereRegistered(at);
        let name = `${at.user}@${at.host}:${at.port}`;
        const same = [...byWhere.values()].filter((h) => h.name === name || h.name.startsWith(`${name} #`)).length;
        if (!byWhere.has(where) && same) name += ` #${same + 1}`; // same address, another host key or run root
        const host = byWhere.get(where) ?? { name, conn: connectionTo(at, own), runRoot: at.runRoot, runIds: [], hourlyPrice: price };
        host.runIds.push(key);
        if (key !== e.runId) host.aliases = { ...host.aliases, [key]: e.runId };
        byWhere.set(where, host);
      }
      entries[e.runId] = e;
    } catch (err) {
      refused.push(`${f.runId}: ${(err as Error).message}`);
    }
  }
  return { hosts: [...byWhere.values()], entries, refused, provisioned };
}
