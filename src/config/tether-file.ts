import { parse } from 'yaml';
import { parseConnection, type ConnectionConfig, type Inputs } from './connection.ts';
import { InputError } from './errors.ts';
import * as v from './values.ts';
import { DEFAULT_RUN_ROOT } from './audit.ts';

/** One host of tether.yml: its connection and the runs to patrol on it. */
export interface HostEntry {
  name: string;
  conn: ConnectionConfig;
  runRoot: string;
  runIds: string[];
  /** What the instance costs per hour (any currency), for the cost-since-finished line. */
  hourlyPrice: number | null;
  /** Node keys in runIds (`<run>#<rank>`, a run on many boxes) → the run's id on this host. */
  aliases?: Record<string, string>;
}

const HOST_KEYS = new Set([
  'name',
  'host',
  'port',
  'user',
  'ssh-key-path',
  'known-hosts',
  'host-key-fingerprint',
  'accept-new-host-key',
  'jump-host',
  'jump-host-key-fingerprint',
  'connect-timeout',
  'run-root',
  'runs',
  'hourly-price',
]);

/**
 * Parses tether.yml (pure: the caller reads the file). `defaults` apply to every host; each host needs
 * its own pinned key. Run ids are unique across hosts (tick memory is keyed by run id).
 */
export function parseTetherFile(text: string, env: Inputs): HostEntry[] {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new InputError('config', `is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const d = doc as { defaults?: Record<string, unknown>; hosts?: unknown };
  if (!d || typeof d !== 'object' || !Array.isArray(d.hosts) || d.hosts.length === 0)
    throw new InputError('config', "needs a 'hosts:' list (see examples/tether.yml)");
  if (d.hosts.length > 256) throw new InputError('config', `lists ${d.hosts.length} hosts; at most 256`);
  const defaults = d.defaults ?? {};
  const seen = new Map<string, string>();
  return d.hosts.map((raw, i) => {
    const h = { ...defaults, ...(raw as Record<string, unknown>) };
    const where = `hosts[${i}]${typeof h['name'] === 'string' ? ` (${h['name']})` : ''}`;
    if ('ssh-key' in h) throw new InputError('config', `${where}: key text does not belong in a committed file; use ssh-key-path`);
    for (const k of Object.keys(h)) if (!HOST_KEYS.has(k)) throw new InputError('config', `${where}: unknown key '${k}'`);
    const inputs: Inputs = Object.fromEntries(
      Object.entries(h)
        .filter(([k]) => k !== 'runs' && k !== 'name')
        .map(([k, val]) => [k, Array.isArray(val) ? val.join('\n') : String(val)]),
    );
    let conn: ConnectionConfig;
    try {
      conn = parseConnection(inputs, env);
    } catch (err) {
      throw new InputError('config', `${where}: ${(err as Error).message}`);
    }
    const runs = Array.isArray(h['runs']) ? h['runs'].map(String) : typeof h['runs'] === 'string' ? v.splitList(h['runs']) : [];
    if (runs.length === 0) throw new InputError('config', `${where}: 'runs' lists no run ids`);
    for (const id of runs) {
      v.runId('config', id);
      if (seen.has(id)) throw new InputError('config', `run id ${id} is listed on ${seen.get(id)} and ${where}; run ids are unique`);
      seen.set(id, where);
    }
    const price = inputs['hourly-price'];
    const hourlyPrice = price === undefined ? null : v.number('config', price.replace(/^\$/, ''), 0, 0, 10_000);
    return {
      name: typeof h['name'] === 'string' ? h['name'] : `${conn.user}@${conn.host}:${conn.port}`,
      conn,
      runRoot: v.remotePath('config', inputs['run-root'], DEFAULT_RUN_ROOT),
      runIds: runs,
      hourlyPrice,
    };
  });
}
