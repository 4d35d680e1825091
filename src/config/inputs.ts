/** Input names per phase: the action.yml files, the CLI flags and the parsers all use these. */
export const CONNECTION_INPUTS = [
  'host',
  'port',
  'user',
  'ssh-key',
  'ssh-key-path',
  'known-hosts',
  'host-key-fingerprint',
  'accept-new-host-key',
  'connect-timeout',
  'connect-attempts',
] as const;
export const AUDIT_INPUTS = ['run-root', 'mounts', 'interpreter', 'min-free-gb', 'min-free-inodes', 'checkpoint-budget-gb', 'require-gpu'] as const;
export const LAUNCH_INPUTS = [
  'run-id',
  'command',
  'then',
  'workdir',
  'env',
  'secrets',
  'backend',
  'checkpoints',
  'expected-duration',
  'resume',
  'audit',
  'confirm-timeout',
  'commit',
  'run-file',
  'sync-dir',
  'sync-mode',
  'report-to',
  'github-token',
] as const;

export const PATROL_INPUTS = [
  'config',
  'run-ids',
  'run-root',
  'concurrency',
  'stall-after',
  'fail-on',
  'report-to',
  'header',
  'github-token',
  'state-file',
  'progress-regex',
] as const;

export const COLLECT_INPUTS = [
  'run-id',
  'run-root',
  'dest-dir',
  'latest-only',
  'roster',
  'parallel',
  'stall-timeout',
  'trusted-load-command',
  'artifact',
  'retention-days',
  'artifact-budget',
  'provider',
  'instance-id',
  'verb',
] as const;

export const TEARDOWN_INPUTS = [
  'run-id',
  'run-root',
  'provider',
  'instance-id',
  'verb',
  'verified-path',
  'verified-artifact',
  'allow-park-unverified',
  'approval',
  'confirm',
  'dry-run',
  'api-key',
  'provider-api-url',
  'aws-region',
  'teardown-command',
  'teardown-timeout',
  'report-to',
  'header',
  'github-token',
] as const;

export const PHASE_INPUTS = {
  audit: [...CONNECTION_INPUTS, ...AUDIT_INPUTS],
  launch: [...CONNECTION_INPUTS, ...AUDIT_INPUTS, ...LAUNCH_INPUTS],
  patrol: [...CONNECTION_INPUTS, ...PATROL_INPUTS],
  collect: [...CONNECTION_INPUTS, ...COLLECT_INPUTS],
  teardown: [...CONNECTION_INPUTS, ...TEARDOWN_INPUTS],
} as const;
export type Phase = keyof typeof PHASE_INPUTS;
