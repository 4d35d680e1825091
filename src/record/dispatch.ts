/**
 * The inputs tether gives a workflow it dispatches for a registered run (ChatOps' /tether collect, resume and
 * teardown; the patrol's collect when a run ends): the run, who asked, and where the run's signed registration
 * says it lives. Pure; one builder so every dispatched workflow gets the same names.
 */
export interface RegisteredWhere {
  host: string;
  port: number;
  hostKeyFingerprint: string;
  jump?: { address: string; hostKeyFingerprint: string } | null;
  provider?: string | null;
  instanceId?: string | null;
  /** A run on many boxes: every node, rank 0 first, as its signed registration names them. */
  nodes?: ReadonlyArray<{ host: string; port: number; user: string; hostKeyFingerprint: string; runRoot: string; instanceId: string | null }> | null;
}

/**
 * A node as a line of the `nodes` input (what launch took): `user@host:port SHA256:… [instance-id=ID] [run-root=PATH]`.
 * A line is split on whitespace, so a run root holding a space is left out, as a one-box dispatch leaves it out:
 * the workflow's own run-root applies (and a collect or teardown that finds no record there refuses).
 */
const nodeLine = (n: NonNullable<RegisteredWhere['nodes']>[number]) =>
  `${n.user}@${n.host.includes(':') ? `[${n.host}]` : n.host}:${n.port} ${n.hostKeyFingerprint}${n.instanceId ? ` instance-id=${n.instanceId}` : ''}` +
  (/\s/.test(n.runRoot) ? '' : ` run-root=${n.runRoot}`);

export function dispatchInputs(runId: string, requestedBy: string, where: RegisteredWhere | null | undefined): Record<string, string> {
  const inputs: Record<string, string> = { 'run-id': runId, 'requested-by': requestedBy };
  // A run on many boxes: every node instead of one host (a workflow for such runs declares `nodes`; its collect
  // reads rank 0 by default and its teardown acts on every node's instance behind its one approval).
  if (where?.nodes?.length) {
    inputs['nodes'] = where.nodes.map(nodeLine).join('\n');
    if (where.jump) Object.assign(inputs, { 'jump-host': where.jump.address, 'jump-host-key-fingerprint': where.jump.hostKeyFingerprint });
    if (where.provider) inputs['provider'] = where.provider;
    return inputs;
  }
  if (where) Object.assign(inputs, { host: where.host, port: String(where.port), 'host-key-fingerprint': where.hostKeyFingerprint });
  // A box behind a bastion: the jump host and its pin, signed at launch (a workflow for such boxes declares both inputs).
  if (where?.jump) Object.assign(inputs, { 'jump-host': where.jump.address, 'jump-host-key-fingerprint': where.jump.hostKeyFingerprint });
  // The instance the run was registered on (signed at launch): collect's card and teardown need it.
  if (where?.provider && where.instanceId) Object.assign(inputs, { provider: where.provider, 'instance-id': where.instanceId });
  return inputs;
}
