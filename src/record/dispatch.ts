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
}

export function dispatchInputs(runId: string, requestedBy: string, where: RegisteredWhere | null | undefined): Record<string, string> {
  const inputs: Record<string, string> = { 'run-id': runId, 'requested-by': requestedBy };
  if (where) Object.assign(inputs, { host: where.host, port: String(where.port), 'host-key-fingerprint': where.hostKeyFingerprint });
  // A box behind a bastion: the jump host and its pin, signed at launch (a workflow for such boxes declares both inputs).
  if (where?.jump) Object.assign(inputs, { 'jump-host': where.jump.address, 'jump-host-key-fingerprint': where.jump.hostKeyFingerprint });
  // The instance the run was registered on (signed at launch): collect's card and teardown need it.
  if (where?.provider && where.instanceId) Object.assign(inputs, { provider: where.provider, 'instance-id': where.instanceId });
  return inputs;
}
