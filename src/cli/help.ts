import { AUDIT_INPUTS, CHATOPS_INPUTS, COLLECT_INPUTS, TEARDOWN_INPUTS, CONNECTION_INPUTS, LAUNCH_INPUTS, PATROL_INPUTS } from '../config/inputs.ts';

/** One line per option, shared by `--help` and kept in step with action.yml by a test. */
export const OPTION_HELP: Record<string, string> = {
  host: 'box address (host name or IP); no user@ or :port',
  port: 'SSH port (default 22)',
  user: 'login on the box (default root)',
  'ssh-key': 'private key text, from a secret (masked at once); or use ssh-key-path or an ssh agent (SSH_AUTH_SOCK)',
  'ssh-key-path': 'path of a private key file on the runner (self-hosted runners) or laptop',
  'known-hosts': 'OpenSSH known_hosts lines for the box (e.g. from ssh-keyscan), one per line; this or host-key-fingerprint is required',
  'host-key-fingerprint': 'pinned host key fingerprint(s), SHA256:… as printed by ssh-keygen -lf, one per line',
  'accept-new-host-key': 'true: accept an unpinned host key and report its fingerprint (loud opt-in for a first contact; pin it afterwards)',
  'connect-timeout': 'seconds to wait for the SSH handshake (default 15)',
  'connect-attempts': 'attempts for transient network failures, with capped backoff (default 3)',
  'run-root': 'where run records live on the box (default ~/.tether/runs)',
  mounts: 'extra paths on the box whose disks are audited (data and durable mounts), one per line',
  interpreter: 'interpreter whose torch import is checked (default python3)',
  'min-free-gb': 'free GB required on the run root disk (default 10)',
  'min-free-inodes': 'free inodes required on the run root disk (default 100000)',
  'checkpoint-budget-gb': 'GB the checkpoints will take, added to min-free-gb (default 0)',
  'require-gpu': 'true (default): block when nvidia-smi is missing or fails',
  'run-id': 'run id: 1-64 of A-Z a-z 0-9 . _ - (required)',
  command: 'command line run by bash in the workdir, exactly as written (required)',
  then: 'a post-command run only if the command exits 0 (e.g. a copy of results to durable storage)',
  workdir: 'directory on the box to run in (default ~)',
  env: 'non-secret NAME=value lines exported to the job (values taken literally)',
  secrets: 'names of environment variables of this step whose values are sent to the job on stdin (masked; never in argv, files or logs)',
  backend: 'tmux (default), setsid, or slurm (sbatch through the login node; see slurm-options)',
  cells:
    'launch: a sweep instead of one command, one cell a line "name: command" (names 1-64 of A-Z a-z 0-9 . _ -; at most 512 cells), queued on the box with their own GPUs and records; collect: the cells of a sweep to collect (default: all, each must be DONE)',
  'cell-template': 'a sweep from values: a command with {value} (each value as one shell-quoted word) and {name} (the cell name made from it)',
  'cell-values': 'the values for cell-template, one a line; each becomes a cell named by the value with other characters as _',
  'gpus-per-cell': 'GPUs each cell gets through CUDA_VISIBLE_DEVICES (default 1; 0: CPU cells)',
  'max-parallel': "cells running at once (default: the box's GPUs ÷ gpus-per-cell, or its CPUs for CPU cells)",
  'on-cell-failure': 'continue (default: the other cells still run) or stop (no new cell starts after a failure)',
  'slurm-options':
    'backend slurm: sbatch options, one --option=value a line (partition, account, qos, time, nodes, ntasks, cpus-per-task, gres, gpus, mem, constraint, exclusive, …); tether sets output, job name, signal, requeue and array itself',
  'slurm-conf': 'backend slurm: SLURM_CONF for the Slurm commands on the login node (default: its own configuration)',
  'signal-lead':
    'backend slurm: seconds before the time limit when the job gets TERM to checkpoint (default 360, at least 60: Slurm may send it up to 60 s early)',
  requeue: 'backend slurm: true (default): a preempted or failed-node job is requeued as the next attempt with the same job id',
  checkpoints: 'checkpoint globs relative to the workdir, one per line ({cell} is the cell name in a sweep); recorded in spec.json for patrol and collect',
  'expected-duration': 'how long the run should take, e.g. 12h or 90m',
  resume: 'true: start the next attempt of a dead or failed run (same command); on Slurm, release a job teardown parked (held)',
  audit: 'true (default): run the audit gate before launching',
  'require-smoke':
    'true: refuse, before touching the box, unless a tether.smoke/v1 record of this commit says the smoke run passed (actions/smoke; default false)',
  'smoke-waiver': 'with require-smoke: launch without a smoke run, for this reason (one line; the summary records it)',
  'smoke-record': 'with require-smoke: path of the smoke record (tether-smoke.json); default: the artifact tether-smoke-<commit> of this workflow run',
  'confirm-timeout': 'seconds to watch the job after starting it (default 20, at most 60)',
  commit: 'git commit of the code being run, recorded in spec.json',
  'sync-dir': 'a directory on the runner uploaded as a content-addressed release that becomes the workdir (not with workdir)',
  'sync-mode': 'dir (default: the directory as it is, without .git) or git-head (git archive of HEAD)',
  config: 'a tether.yml listing hosts (connection, pinned key, key path) and their runs; instead of host + run-ids',
  concurrency: 'hosts probed at once (default 8)',
  'run-ids':
    'run ids to patrol on this host, comma or newline separated (at most 64); without host, the registered runs to patrol (default: every registered run not torn down)',
  'stall-after': 'alive but no log or checkpoint progress for this long is stalled (default 30m)',
  'min-permission': 'chatops: the least repository role a commenter needs (read, triage, write, maintain, admin; default write), as the API reports it',
  'collect-workflow': 'chatops: the workflow file /tether collect dispatches (inputs run-id and requested-by), e.g. collect-teardown.yml',
  'resume-workflow': 'chatops: the workflow file /tether resume dispatches (inputs run-id and requested-by)',
  'teardown-workflow': 'chatops: the workflow file /tether teardown dispatches (inputs run-id, requested-by and verb when given)',
  'workflow-ref': "chatops: the branch or tag the dispatched workflows run on (default: the repository's default branch)",
  follow:
    'after the tick, keep one SSH connection and one read-only follower per host for this long (e.g. 6h, at most 5d): a crash, a finish, a lost heartbeat or a new checkpoint reaches the status within seconds; ends early when every run has ended',
  sync: 'none (default), latest (each tick, the newest settled checkpoint of each run or cell) or all (the newest sync-keep of them): pulled, verified as collect does, kept on the runner while the run trains',
  'sync-dest': 'with sync: a directory on the self-hosted runner for the synced checkpoints, one folder per run (required with sync)',
  'sync-keep': 'with sync: verified checkpoints kept per run or cell on the runner, older ones deleted there, never on the box (default 2, at most 16)',
  'sync-settle': 'with sync: a checkpoint is pulled once unchanged for this long (default 5s); never *.tmp, never a file being written',
  'sync-artifact': 'with sync: true uploads the newest verified checkpoint of each run as an artifact named by run and content (default false)',
  'checkpoint-every': 'how often the runs write a checkpoint (e.g. 30m): a running run with none newer than 1.5× this is flagged checkpoint-stale',
  'fail-on':
    'states that fail the step when a run enters one (once: not again on later ticks while it stays there), comma separated (e.g. failed,dead,stalled,unreachable)',
  'report-to':
    'where the sticky status comment goes: pr:<n>, issue:<n>, or tracking-issue (one issue per run id); launch registers the run there, and a patrol without config, host and run-ids patrols every run registered there',
  header:
    'names this status comment, so independent patrols keep separate status comments on one PR or issue (1-64 of A-Z a-z 0-9 . _ -; default: none); teardown marks the comment with the same header',
  'github-token': "token for report-to, with issues: write (default: the workflow's GITHUB_TOKEN)",
  'state-file': 'a file that keeps the tick memory between ticks (the sticky comment does this on GitHub)',
  'progress-regex': 'extra regexes with named groups (step, epoch, any metric) read from the log tail, one per line',
  'dest-dir': 'directory on the runner for the checkpoints, laid out as <dest-dir>/<run-id>/… (required)',
  'latest-only': 'true: only the newest settled checkpoint of a running job',
  roster: "expected cell directories (under the first glob's fixed part), comma or newline separated; a mismatch fails",
  parallel: "streams of files pulled at once, one SSH connection each (default: the runner's cores, 2 to 4)",
  'stall-timeout': 'a pull that hears nothing from the box for this long gives up (default 2m); partial files resume on a rerun',
  'trusted-load-command': 'a loader run on each file after structural checks, with no secrets in its environment; the file path is its last argument',
  artifact:
    'workflow artifacts: verified (default: upload only a verified collect), all (also an unverified one, named …-unverified) or none; needs the Actions runtime',
  'retention-days': 'days GitHub keeps the artifacts (1–90, up to 400 where the repository allows); empty: the repository setting',
  provider:
    'teardown: ssh (park by poweroff), command (your teardown-command), lambda, runpod, vastai or aws; in collect, only for the teardown card; in launch, where the box was rented (signed into the registration)',
  'instance-id': "the provider's id of the exact instance to tear down (provider ssh: defaults to host:port); in launch, the rented instance, with provider",
  verb: 'park (reversible stop, where the provider has one) or destroy (irreversible); required for teardown',
  'verified-path': 'VERIFIED.json from collect (a file, or the directory holding it and manifest.json)',
  'verified-artifact': "name of collect's records artifact (its verified-artifact output), downloaded in this workflow run",
  'allow-park-unverified': 'true: allow a reversible park without a VERIFIED.json (never destroy)',
  'stop-running': 'true: tear down even though the run (or a cell) is still alive on the box, killing it; without it teardown refuses a run that has not ended',
  approval:
    'environment (default: the job runs behind an environment with required reviewers) or confirm (the confirm input must equal "<verb> <instance-id>")',
  confirm: 'must equal "<verb> <instance-id>" when given, and always with approval: confirm',
  'dry-run': 'true (default): check the gate and show the card, change nothing; false: act',
  'api-key': 'the provider API key (pass it from a secret; masked)',
  'provider-api-url': "override the provider's API base URL (https, or http on loopback for a proxy or test double)",
  'aws-region': 'EC2 region of the instance (provider aws; credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)',
  'teardown-command': 'provider command: run on the runner with TETHER_INSTANCE_ID, TETHER_RUN_ID and TETHER_VERB; exit 0 means done',
  'teardown-timeout': 'how long to wait for the provider to confirm the terminal state (default 10m)',
  'artifact-budget': 'warn when the artifacts exceed this size (default 500MB, GitHub Free storage), e.g. 2GB',
  'run-file': 'where to write the run description, relative to the workspace (default tether-run.json)',
};

function section(title: string, names: readonly string[]): string {
  return `${title}:\n${names.map((n) => `  --${n.padEnd(22)} ${OPTION_HELP[n] ?? ''}`).join('\n')}`;
}

export function usage(): string {
  return [
    'tether: keep hold of long training runs on rented GPU boxes',
    '',
    'usage: tether <command> [options]',
    '  audit    one read-only probe of the box and the launch gate',
    '  launch   audit, write the run record, start the job detached, confirm it runs',
    '  status   one read-only patrol probe: the state of each run, as a table',
    '  collect  list on the box, one-pass hashed pull, load-verify, VERIFIED.json',
    '  teardown gated on VERIFIED.json: park or destroy the instance, polled to a terminal state (dry run by default)',
    '  verify   the same verifiers on local files or directories (checkpoints you pulled yourself)',
    '',
    "'tether help <command>' (or 'tether <command> --help') lists the options; 'tether --version' prints the version.",
    'Boolean options stand alone (--resume, --no-audit). Secrets: export them, then name them with --secrets.',
  ].join('\n');
}

export const VERIFY_HELP = [
  'usage: tether verify [--json] PATH...',
  '',
  "Runs collect's structural verifiers (torch zip, safetensors, npy/npz, gguf; other files sha256 only) on local",
  'files; a directory is walked recursively, symlinks are skipped and counted. No checkpoint code runs.',
  'One line per file (ok/FAIL, path, format, problem); --json prints [{path, ok, format, problem}].',
  'Exit 0 when every file passed, 1 otherwise, 2 for a bad command line.',
].join('\n');

export const HELP = {
  chatops: [
    'usage: tether chatops (the action, on issue_comment events: it needs the event and the GitHub API)',
    '',
    section('connection (for /tether status)', CONNECTION_INPUTS),
    '',
    section('chatops', CHATOPS_INPUTS),
  ].join('\n'),
  audit: ['usage: tether audit [options]', '', section('connection', CONNECTION_INPUTS), '', section('audit gate', AUDIT_INPUTS)].join('\n'),
  collect: [
    'usage: tether collect --run-id ID --dest-dir DIR [options]',
    '',
    section('connection', CONNECTION_INPUTS),
    '',
    section('collect', COLLECT_INPUTS),
  ].join('\n'),
  teardown: [
    'usage: tether teardown --run-id ID --provider P --verb park|destroy --verified-path DIR [options]',
    '',
    section('connection (optional: rebuilds the manifest to compare)', CONNECTION_INPUTS),
    '',
    section('teardown', TEARDOWN_INPUTS),
  ].join('\n'),
  status: ['usage: tether status --run-ids ID[,ID…] [options]', '', section('connection', CONNECTION_INPUTS), '', section('patrol', PATROL_INPUTS)].join('\n'),
  launch: [
    'usage: tether launch --run-id ID --command CMD [options]',
    '',
    section('connection', CONNECTION_INPUTS),
    '',
    section('audit gate', AUDIT_INPUTS),
    '',
    section('launch', LAUNCH_INPUTS),
  ].join('\n'),
};
