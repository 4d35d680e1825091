import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  command,
  oneOf,
  show
} from "./chunk-U6D75MKF.js";
import {
  InputError
} from "./chunk-3B7SBFZS.js";
import {
  BACKEND_NAMES,
  PROVIDER_NAMES
} from "./chunk-3ZXXC4EP.js";
import {
  CELLS_MAX,
  CELL_NAME
} from "./chunk-FHK73RDK.js";

// src/config/inputs.ts
var BACKEND_HELP = {
  tmux: "tmux (default)",
  setsid: "setsid",
  slurm: "slurm (sbatch through the login node; see slurm-options)"
};
var PROVIDER_HELP = {
  ssh: "ssh (park by poweroff)",
  command: "command (your teardown-command)",
  lambda: "lambda",
  runpod: "runpod",
  vastai: "vastai",
  aws: "aws",
  paperspace: "paperspace",
  autodl: "autodl (a person acts in its console; see console-done)",
  slurm: "slurm (cancel or hold the run's jobs through the login node)"
};
var orList = (xs) => xs.length > 1 ? `${xs.slice(0, -1).join(", ")} or ${xs[xs.length - 1]}` : xs[0] ?? "";
var INPUTS = {
  host: {
    help: "box address (host name or IP); no user@ or :port (launch: or nodes, for a run on many boxes)",
    required: ["audit", "logs", "stop"]
  },
  port: { help: "SSH port (default 22)", default: "22" },
  user: { help: "login on the box (default root; provision: the provider's login user)", default: "root", noDefaultIn: ["provision"] },
  "ssh-key": { help: "private key text, from a secret (masked at once); or use ssh-key-path or an ssh agent (SSH_AUTH_SOCK)", kind: "secret" },
  "ssh-key-path": { help: "path of a private key file on the runner (self-hosted runners) or laptop" },
  "known-hosts": {
    help: "OpenSSH known_hosts lines for the box (e.g. from ssh-keyscan), one per line; this or host-key-fingerprint is required",
    kind: "list"
  },
  "host-key-fingerprint": { help: "pinned host key fingerprint(s), SHA256:\u2026 as printed by ssh-keygen -lf, one per line", kind: "list" },
  "accept-new-host-key": {
    help: "true: accept an unpinned host key and report its fingerprint (loud opt-in for a first contact; pin it afterwards)",
    default: "false",
    kind: "boolean"
  },
  "jump-host": {
    help: "a bastion the box is reached through, [user@]host[:port] (OpenSSH's ProxyJump; one hop, the same key; the login defaults to user)"
  },
  "jump-host-key-fingerprint": {
    help: "the jump host's pinned host key fingerprint(s), SHA256:\u2026, one per line (or a known-hosts line for it); required with jump-host",
    kind: "list"
  },
  "connect-timeout": { help: "seconds to wait for the SSH handshake (default 15)", default: "15" },
  "connect-attempts": { help: "attempts for transient network failures, with capped backoff (default 3)", default: "3" },
  "run-root": { help: "where run records live on the box (default ~/.tether/runs)", default: "~/.tether/runs" },
  mounts: { help: "extra paths on the box whose disks are audited (data and durable mounts), one per line", kind: "list" },
  interpreter: { help: "interpreter whose torch import is checked (default python3)", default: "python3" },
  "min-free-gb": { help: "free GB required on the run root disk (default 10)", default: "10" },
  "min-free-inodes": { help: "free inodes required on the run root disk (default 100000)", default: "100000" },
  "checkpoint-budget-gb": { help: "GB the checkpoints will take, added to min-free-gb (default 0)", default: "0" },
  "require-gpu": { help: "true (default): block when nvidia-smi is missing or fails", default: "true", kind: "boolean" },
  "run-id": { help: "run id: 1-64 of A-Z a-z 0-9 . _ - (required)", required: "everywhere" },
  command: {
    help: "command line run by bash in the workdir, exactly as written; required for a first launch, and empty on a resume means the recorded one (with its then and workdir)"
  },
  cells: {
    help: 'launch: a sweep instead of one command, one cell a line "name: command" (names 1-64 of A-Z a-z 0-9 . _ -; at most 512 cells), queued on the box with their own GPUs and records; collect: the cells of a sweep to collect (default: all, each must be DONE)',
    kind: "list"
  },
  "cell-template": { help: "a sweep from values: a command with {value} (each value as one shell-quoted word) and {name} (the cell name made from it)" },
  "cell-values": { help: "the values for cell-template, one a line; each becomes a cell named by the value with other characters as _", kind: "list" },
  "gpus-per-cell": { help: "GPUs each cell gets through CUDA_VISIBLE_DEVICES (default 1; 0: CPU cells)", default: "1" },
  "max-parallel": { help: "cells running at once (default: the box's GPUs \xF7 gpus-per-cell, or its CPUs for CPU cells)" },
  "on-cell-failure": { help: "continue (default: the other cells still run) or stop (no new cell starts after a failure)", default: "continue" },
  then: { help: "a post-command run only if the command exits 0 (e.g. a copy of results to durable storage)" },
  workdir: { help: "directory on the box to run in (default ~)" },
  "slurm-options": {
    help: "backend slurm: sbatch options, one --option=value a line (partition, account, qos, time, nodes, ntasks, cpus-per-task, gres, gpus, mem, constraint, exclusive, \u2026); tether sets output, job name, signal, requeue and array itself",
    kind: "list"
  },
  "slurm-conf": { help: "backend slurm: SLURM_CONF for the Slurm commands on the login node (default: its own configuration)" },
  "signal-lead": {
    help: "backend slurm: seconds before the time limit when the job gets TERM to checkpoint (default 360, at least 60: Slurm may send it up to 60 s early)",
    default: "360"
  },
  requeue: {
    help: "backend slurm: true (default): a preempted or failed-node job is requeued as the next attempt with the same job id",
    default: "true",
    kind: "boolean"
  },
  env: { help: "non-secret NAME=value lines exported to the job (values taken literally)", kind: "list" },
  secrets: { help: "names of environment variables of this step whose values are sent to the job on stdin (masked; never in argv, files or logs)" },
  backend: { help: orList(BACKEND_NAMES.map((b) => BACKEND_HELP[b])), default: "tmux" },
  checkpoints: {
    help: "checkpoint globs relative to the workdir, one per line ({cell} is the cell name in a sweep); recorded in spec.json for patrol and collect",
    kind: "list"
  },
  "expected-duration": { help: "how long the run should take, e.g. 12h or 90m", kind: "duration" },
  resume: {
    help: "true: start the next attempt of a dead or failed run (same command); on Slurm, release a job teardown parked (held)",
    default: "false",
    kind: "boolean"
  },
  audit: { help: "true (default): run the audit gate before launching", default: "true", kind: "boolean" },
  "require-smoke": {
    help: "true: refuse, before touching the box, unless a tether.smoke/v1 record of this commit says the smoke run passed (actions/smoke; default false)",
    default: "false"
  },
  "smoke-waiver": { help: "with require-smoke: launch without a smoke run, for this reason (one line; the summary records it)" },
  "smoke-record": {
    help: "with require-smoke: path of the smoke record (tether-smoke.json); default: the artifact tether-smoke-<commit> of this workflow run"
  },
  "confirm-timeout": { help: "seconds to watch the job after starting it (default 20, at most 60)", default: "20" },
  commit: { help: "git commit of the code being run, recorded in spec.json" },
  provider: {
    help: `teardown: ${orList(PROVIDER_NAMES.map((p) => PROVIDER_HELP[p]))}; in collect, only for the teardown card; in launch, where the box was rented (signed into the registration)`,
    required: ["teardown", "provision", "recover"]
  },
  "instance-id": {
    help: "the provider's id of the exact instance to tear down (provider ssh: defaults to host:port); in launch, the rented instance, with provider"
  },
  recover: {
    help: "recover: the run to continue on a new box after its provider preempted it (the patrol dispatches the launch workflow with it): rents a box of the same spec, restores the newest synced checkpoint from sync-dest, resumes the identical command as the next attempt",
    required: ["recover"]
  },
  nodes: {
    help: "collect and teardown: the run's boxes as launch was given them (instead of host); launch: one run on many boxes (instead of host), one box a line, rank 0 first: [user@]host[:port] [SHA256:fingerprint] [instance-id=ID] [run-root=PATH] [workdir=PATH] (a pin may come from known-hosts instead); every node is audited and checked (same Python and torch, rank 0 reachable on master-port, clocks agree) before any starts, and each job has TETHER_NODE_RANK, TETHER_NNODES, MASTER_ADDR and MASTER_PORT"
  },
  "collect-from": {
    help: "collect, with nodes: rank0 (default: the node that writes the checkpoints in most jobs) or all (every node, each into <dest>/<run-id>/rank-<r>/ with its own manifest and VERIFIED.json); teardown tears a node that was not collected down only when a listing of it shows no checkpoint files",
    default: "rank0"
  },
  "nproc-per-node": {
    help: "launch, with nodes: the processes each node starts (usually its GPU count); the command then runs under torchrun (launcher: torchrun) as what follows its options: a script and its arguments"
  },
  launcher: {
    help: "launch, with nodes: torchrun (the default with nproc-per-node: torchrun --nnodes --node_rank --nproc_per_node --master_addr --master_port, then the command) or none (the default without: the command runs as given and reads the variables itself)"
  },
  "master-addr": {
    help: "launch, with nodes: the address the other nodes reach rank 0 at (default: rank 0's own source address toward rank 1, from ip route get on rank 0; give it when the nodes share a private network the runner does not see)"
  },
  "on-node-failure": {
    help: "launch, with nodes: when one node's job has failed (its marker written) while others still wait in their collective and bill: wait (default: the status says so) or stop (the patrol stops the job on the surviving nodes through its backend, the job and never the box; a recorded opt-in, signed into the registration)",
    default: "wait"
  },
  "master-port": {
    help: "launch, with nodes: rank 0's rendezvous port (default 29500), checked reachable from every node before the launch",
    default: "29500"
  },
  "on-preempt": {
    help: "launch: what happens when the provider says it preempted the box: wait (default: shown, nothing done) replace (the patrol dispatches recover-workflow, which rents a new box of the same spec, restores the newest synced checkpoint (for a sweep, each cell's, finished cells recorded done) and resumes; needs sync-dir, report-to and a provider whose preemption signature is verified: aws, vastai) or restart-instance (vastai: recover starts the same instance again with a new bid, its disk kept, and resumes the recorded work there)",
    default: "wait"
  },
  "max-recoveries": {
    help: "launch, on-preempt replace: at most this many recoveries of the run (default 3); then it stays preempted, said plainly",
    default: "3"
  },
  "after-verified": {
    help: "launch: what the patrol does on its own once the run has ended and a collect verified it (the collect's signed artifact matches the box's files, re-hashed, and no job runs): none (default: a person tears down through teardown), park or destroy, through the provider's API (aws, runpod, vastai, paperspace; lambda destroy only); needs approval-environment, report-to and auto-collect-workflow on the patrol",
    default: "none",
    only: "action"
  },
  "approval-environment": {
    help: "launch, with after-verified: the environment with required reviewers this launch's job runs in (environment: in the workflow): approving the launch approves the after-verified action in advance; the patrol reads this workflow run's approvals through GitHub's API before it acts",
    only: "action"
  },
  "park-after": {
    help: "launch, provider aws or runpod: the box parks itself this long after its job ended (e.g. 30m; 10s to 7d), with no account key on it: EC2's OS shutdown of an on-demand instance whose shutdown behaviour is stop (it asks its metadata first), RunPod's runpodctl with the pod's own key (run-root under /workspace); a newer attempt cancels it. It acts without a fresh approval: a recorded opt-in, signed into the registration",
    kind: "duration"
  },
  "preempt-signal": {
    help: "launch, provider aws: on EC2's two-minute spot notice the job gets this signal to checkpoint (USR1, USR2, INT; TERM: only TERM), then TERM 5 s before the notice's time; none: no watch (default USR1)",
    default: "USR1"
  },
  "metadata-address": {
    help: "launch, provider aws: the instance metadata service the spot-notice watch asks, as IPv4:port (default 169.254.169.254:80; a test serves its own on the box's loopback)",
    default: "169.254.169.254:80"
  },
  "run-file": { help: "where to write the run description, relative to the workspace (default tether-run-<run-id>.json: one file per run)" },
  "sync-dir": { help: "a directory on the runner uploaded as a content-addressed release that becomes the workdir (not with workdir)" },
  "sync-mode": { help: "dir (default: the directory as it is, without .git) or git-head (git archive of HEAD)", default: "dir" },
  notify: {
    help: "patrol: whom a new comment mentions when a run enters a state that needs a person (failed, stalled, dead, rebooted, unreachable for two ticks, host-key-changed, auth-refused), once per run and state: launcher (default: who dispatched its launch), @login or @org/team names, or none",
    default: "launcher"
  },
  "report-to": {
    help: "where the sticky status comment goes: pr:<n>, issue:<n>, or tracking-issue (one issue per run id); launch registers the run there, and a patrol without config, host and run-ids patrols every run registered there"
  },
  "github-token": {
    help: "token for report-to, with issues: write (default: the workflow's GITHUB_TOKEN)",
    kind: "secret",
    actionDefault: "${{ github.token }}"
  },
  config: { help: "a tether.yml listing hosts (connection, pinned key, key path) and their runs; instead of host + run-ids" },
  "run-ids": {
    help: "run ids to patrol on this host, comma or newline separated (at most 64); without host, the registered runs to patrol (default: every registered run not torn down)",
    kind: "list"
  },
  concurrency: { help: "hosts probed at once (default 8)", default: "8" },
  "stall-after": { help: "alive but no log or checkpoint progress for this long is stalled (default 30m)", default: "30m", kind: "duration" },
  "fail-on": {
    help: "states that fail the step when a run enters one (once: not again on later ticks while it stays there), comma separated (e.g. failed,dead,stalled,unreachable)"
  },
  header: {
    help: "names this status comment, so independent patrols keep separate status comments on one PR or issue (1-64 of A-Z a-z 0-9 . _ -; default: none); teardown marks the comment with the same header"
  },
  "state-file": { help: "a file that keeps the tick memory between ticks (the sticky comment does this on GitHub)" },
  "progress-regex": { help: "extra regexes with named groups (step, epoch, any metric) read from the log tail, one per line", kind: "list" },
  follow: {
    help: "after the tick, keep one SSH connection and one read-only follower per host for this long (e.g. 6h, at most 5d): a crash, a finish, a lost heartbeat or a new checkpoint reaches the status within seconds; ends early when every run has ended",
    kind: "duration"
  },
  sync: {
    help: "none (default), latest (each tick, the newest settled checkpoint of each run or cell) or all (the newest sync-keep of them): pulled, verified as collect does, kept on the runner while the run trains",
    default: "none"
  },
  "sync-dest": { help: "with sync: a directory on the self-hosted runner for the synced checkpoints, one folder per run (required with sync)" },
  "sync-keep": {
    help: "with sync: verified checkpoints kept per run or cell on the runner, older ones deleted there, never on the box (default 2, at most 16)",
    default: "2"
  },
  "sync-settle": {
    help: "with sync: a checkpoint is pulled once unchanged for this long (default 5s); never *.tmp, never a file being written",
    default: "5s",
    kind: "duration"
  },
  "sync-artifact": {
    help: "with sync: true uploads the newest verified checkpoint of each run as an artifact named by run and content (default false)",
    default: "false"
  },
  "checkpoint-every": {
    help: "how often the runs write a checkpoint (e.g. 30m): a running run with none newer than 1.5\xD7 this is flagged checkpoint-stale",
    kind: "duration"
  },
  "trusted-load-command": { help: "a loader run on each file after structural checks, with no secrets in its environment; the file path is its last argument" },
  "artifact-budget": { help: "warn when the artifacts exceed this size (default 500MB, GitHub Free storage), e.g. 2GB", default: "500MB" },
  "retention-days": { help: "days GitHub keeps the artifacts (1\u201390, up to 400 where the repository allows); empty: the repository setting" },
  "dest-dir": { help: "directory on the runner for the checkpoints, laid out as <dest-dir>/<run-id>/\u2026 (required)", required: "everywhere" },
  "latest-only": { help: "true: only the newest settled checkpoint of a running job", default: "false", kind: "boolean" },
  roster: { help: "expected cell directories (under the first glob's fixed part), comma or newline separated; a mismatch fails" },
  parallel: { help: "streams of files pulled at once, one SSH connection each (default: the runner's cores, 2 to 4)" },
  "stall-timeout": {
    help: "a pull that hears nothing from the box for this long gives up (default 2m); partial files resume on a rerun",
    default: "120s",
    kind: "duration"
  },
  artifact: {
    help: "workflow artifacts: verified (default: upload only a verified collect), all (also an unverified one, named \u2026-unverified) or none; needs the Actions runtime"
  },
  verb: { help: "park (reversible stop, where the provider has one) or destroy (irreversible); required for teardown", required: ["teardown"] },
  "verified-path": { help: "VERIFIED.json from collect (a file, or the directory holding it and manifest.json); required by stop", required: ["stop"] },
  "verified-artifact": { help: "name of collect's records artifact (its verified-artifact output), downloaded in this workflow run" },
  "allow-park-unverified": { help: "true: allow a reversible park without a VERIFIED.json (never destroy)", default: "false", kind: "boolean" },
  "stop-running": {
    help: "true: tear down even though the run (or a cell) is still alive on the box, killing it; without it teardown refuses a run that has not ended",
    default: "false",
    kind: "boolean"
  },
  approval: {
    help: 'environment (default: the job runs behind an environment with required reviewers) or confirm (the confirm input must equal "<verb> <instance-id>")',
    default: "environment"
  },
  confirm: {
    help: 'teardown: must equal "<verb> <instance-id>" when given, and always with approval: confirm; stop (in a workflow): must equal "stop <run-id>"'
  },
  "stop-grace": { help: "stop: how long the job has after TERM to checkpoint and exit before KILL (default 2m, at most 1h)", default: "2m", kind: "duration" },
  "dry-run": { help: "true (default): check the gate and show the card, change nothing; false: act", default: "true", kind: "boolean" },
  "api-key": { help: "the provider API key (pass it from a secret; masked)", kind: "secret" },
  "provider-api-url": { help: "override the provider's API base URL (https, or http on loopback for a proxy or test double)" },
  "preempt-confirm": {
    help: "patrol: a provider's word that it preempted a run's box is read again this long after (1s to 60s, default 5s) and believed only when both readings say so",
    default: "5s",
    kind: "duration"
  },
  "hourly-price": {
    help: "launch: what the box costs per hour in US dollars (provision's hourly-price output), signed into the registration for the cost and budget lines"
  },
  "max-hours": {
    help: "launch: a budget of run time (e.g. 12h); the status shows a gauge, and crossing it escalates (tether never acts on it)",
    kind: "duration"
  },
  "max-cost": { help: "launch: a budget in US dollars (needs hourly-price); the status shows a gauge, and crossing it escalates (tether never acts on it)" },
  "instance-types": {
    help: "provision: instance types to ask for, in order of preference, one per line (GPU types for RunPod and vast.ai); the first with capacity is taken",
    kind: "list",
    required: ["provision", "recover"]
  },
  regions: { help: "provision: regions to try, in order, one per line (default: any region with capacity; EC2: aws-region)", kind: "list" },
  image: { help: "provision: the machine image, template or family (default: the provider's own default image)" },
  "disk-gb": { help: "provision: the boot disk in GB, where the provider sizes it (default: the provider's)" },
  "max-hourly-price": { help: "provision: no candidate above this price in US dollars per hour is asked for" },
  spot: { help: "provision: true asks for a spot or interruptible box where the provider has one (default false)", default: "false", kind: "boolean" },
  count: {
    help: "provision: boxes for one run (default 1; 2 to 16 for a run on many boxes, named <name>-<rank>, rented at once, each with its own host key; output nodes is launch's nodes)",
    default: "1"
  },
  name: { help: "provision: the instance's name at the provider (default tether-<run-id>); how tether finds its own instances" },
  "provision-timeout": {
    help: "provision: from the create call to a pinned SSH login; a box not up by then is destroyed (default 15m)",
    default: "15m",
    kind: "duration"
  },
  subnet: { help: "provision on aws: the subnet id (subnet-\u2026) to launch in; its route must let the runner reach port 22" },
  "security-group": { help: "provision on aws: the security group id (sg-\u2026) that allows SSH from the runner" },
  "aws-region": { help: "EC2 region of the instance (provider aws; credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)" },
  attempt: { help: "logs: the attempt whose log to read (default: the newest)" },
  "log-bytes": { help: "logs: at most this many bytes, the end of the log (default 64KiB, at most 1MiB)", default: "64KiB" },
  "from-provision": {
    help: "launch: the file `tether provision` left (tether-provision-RUN.json): host, port, user, host key, provider and instance come from it, checked against your SSH key",
    only: "cli"
  },
  tail: { help: "logs: keep reading new lines until the run ends (Ctrl-C stops reading, never the run)", kind: "boolean", only: "cli" },
  "console-done": {
    help: 'provider autodl: your word that you did the verb in the AutoDL console, exactly "shut down <instance-id>" (park) or "released <instance-id>" (destroy)'
  },
  "teardown-command": { help: "provider command: run on the runner with TETHER_INSTANCE_ID, TETHER_RUN_ID and TETHER_VERB; exit 0 means done" },
  "teardown-timeout": { help: "how long to wait for the provider to confirm the terminal state (default 10m)", default: "10m", kind: "duration" },
  "min-permission": {
    help: "chatops: the least repository role a commenter needs (read, triage, write, maintain, admin; default write), as the API reports it",
    default: "write"
  },
  "collect-workflow": { help: "chatops: the workflow file /tether collect dispatches (inputs run-id and requested-by), e.g. collect-teardown.yml" },
  "auto-collect-workflow": {
    help: "patrol: the collect workflow dispatched once per attempt when a registered run has ended (finished, failed, dead, rebooted), with /tether collect's inputs, so collect does not wait for a person (needs actions: write)"
  },
  "resume-workflow": { help: "chatops: the workflow file /tether resume dispatches (inputs run-id and requested-by)" },
  "teardown-workflow": { help: "chatops: the workflow file /tether teardown dispatches (inputs run-id, requested-by and verb when given)" },
  "workflow-ref": {
    help: "chatops and patrol: the branch or tag the dispatched workflows run on (default: the repository's default branch; for the patrol, the branch it runs on)"
  },
  "recover-workflow": {
    help: "patrol: the launch workflow file dispatched with `recover: <run-id>` when the provider preempted a run launched with on-preempt: replace (needs actions: write; empty: the status says so and nothing is dispatched)"
  }
};
var CONNECTION_INPUTS = [
  "host",
  "port",
  "user",
  "ssh-key",
  "ssh-key-path",
  "known-hosts",
  "host-key-fingerprint",
  "accept-new-host-key",
  "jump-host",
  "jump-host-key-fingerprint",
  "connect-timeout",
  "connect-attempts"
];
var AUDIT_INPUTS = [
  "run-root",
  "mounts",
  "interpreter",
  "min-free-gb",
  "min-free-inodes",
  "checkpoint-budget-gb",
  "require-gpu"
];
var LAUNCH_INPUTS = [
  "run-id",
  "from-provision",
  "command",
  "cells",
  "cell-template",
  "cell-values",
  "gpus-per-cell",
  "max-parallel",
  "on-cell-failure",
  "then",
  "workdir",
  "slurm-options",
  "slurm-conf",
  "signal-lead",
  "requeue",
  "env",
  "secrets",
  "backend",
  "checkpoints",
  "expected-duration",
  "hourly-price",
  "max-hours",
  "max-cost",
  "resume",
  "audit",
  "require-smoke",
  "smoke-waiver",
  "smoke-record",
  "confirm-timeout",
  "commit",
  "provider",
  "instance-id",
  "nodes",
  "nproc-per-node",
  "launcher",
  "master-addr",
  "master-port",
  "on-node-failure",
  "on-preempt",
  "max-recoveries",
  "after-verified",
  "approval-environment",
  "park-after",
  "preempt-signal",
  "metadata-address",
  "run-file",
  "sync-dir",
  "sync-mode",
  "report-to",
  "github-token"
];
var PATROL_INPUTS = [
  "config",
  "run-ids",
  "run-root",
  "concurrency",
  "stall-after",
  "fail-on",
  "report-to",
  "header",
  "github-token",
  "state-file",
  "progress-regex",
  "follow",
  "sync",
  "sync-dest",
  "sync-keep",
  "sync-settle",
  "sync-artifact",
  "checkpoint-every",
  "trusted-load-command",
  "artifact-budget",
  "retention-days",
  "notify",
  "provider",
  "api-key",
  "provider-api-url",
  "aws-region",
  "preempt-confirm",
  "recover-workflow",
  "auto-collect-workflow",
  "workflow-ref"
];
var COLLECT_INPUTS = [
  "run-id",
  "run-root",
  "dest-dir",
  "latest-only",
  "roster",
  "cells",
  "parallel",
  "stall-timeout",
  "trusted-load-command",
  "artifact",
  "retention-days",
  "artifact-budget",
  "provider",
  "instance-id",
  "verb",
  "nodes",
  "collect-from"
];
var TEARDOWN_INPUTS = [
  "run-id",
  "run-root",
  "nodes",
  "provider",
  "instance-id",
  "verb",
  "verified-path",
  "verified-artifact",
  "allow-park-unverified",
  "stop-running",
  "approval",
  "confirm",
  "dry-run",
  "api-key",
  "provider-api-url",
  "aws-region",
  "teardown-command",
  "console-done",
  "teardown-timeout",
  "report-to",
  "header",
  "github-token"
];
var CHATOPS_INPUTS = [
  "run-root",
  "report-to",
  "header",
  "github-token",
  "stall-after",
  "min-permission",
  "collect-workflow",
  "resume-workflow",
  "teardown-workflow",
  "workflow-ref"
];
var STOP_INPUTS = ["run-id", "run-root", "verified-path", "stop-grace", "confirm"];
var PROVISION_INPUTS = [
  "run-id",
  "provider",
  "api-key",
  "provider-api-url",
  "instance-types",
  "regions",
  "image",
  "disk-gb",
  "max-hourly-price",
  "spot",
  "count",
  "name",
  "provision-timeout",
  "aws-region",
  "subnet",
  "security-group",
  "report-to",
  "github-token"
];
var RECOVER_INPUTS = [
  "recover",
  "provider",
  "api-key",
  "provider-api-url",
  "instance-types",
  "regions",
  "image",
  "disk-gb",
  "max-hourly-price",
  "spot",
  "provision-timeout",
  "aws-region",
  "subnet",
  "security-group",
  "env",
  "secrets",
  "sync-dest",
  "preempt-confirm",
  "audit",
  "require-gpu",
  "preempt-signal",
  "metadata-address",
  "confirm-timeout",
  "report-to",
  "github-token"
];
var PROVISION_KEY_INPUTS = ["user", "ssh-key", "ssh-key-path", "connect-timeout"];
var LOGS_INPUTS = ["run-id", "run-root", "attempt", "log-bytes", "tail"];
var PHASE_GROUPS = {
  audit: { connection: CONNECTION_INPUTS, "audit gate": AUDIT_INPUTS },
  launch: { connection: CONNECTION_INPUTS, "audit gate": AUDIT_INPUTS, launch: LAUNCH_INPUTS },
  patrol: { connection: CONNECTION_INPUTS, patrol: PATROL_INPUTS },
  collect: { connection: CONNECTION_INPUTS, collect: COLLECT_INPUTS },
  teardown: { "connection (optional: rebuilds the manifest to compare)": CONNECTION_INPUTS, teardown: TEARDOWN_INPUTS },
  chatops: { "connection (for /tether status)": CONNECTION_INPUTS, chatops: CHATOPS_INPUTS },
  logs: { connection: CONNECTION_INPUTS, logs: LOGS_INPUTS },
  stop: { connection: CONNECTION_INPUTS, stop: STOP_INPUTS },
  provision: { "connection (the key registered with the provider, the login, the SSH wait)": PROVISION_KEY_INPUTS, provision: PROVISION_INPUTS },
  recover: { "connection (the key that signed the registration, the login, the SSH wait)": PROVISION_KEY_INPUTS, recover: RECOVER_INPUTS }
};
var PHASE_INPUTS = Object.fromEntries(Object.entries(PHASE_GROUPS).map(([p, g]) => [p, Object.values(g).flat()]));
var inputDef = (name) => INPUTS[name];

// src/config/defaults.ts
function defaultsOf(phase) {
  const out = {};
  for (const n of PHASE_INPUTS[phase]) {
    const def = inputDef(n);
    if (def?.default !== void 0 && !def.noDefaultIn?.includes(phase)) out[n] = def.default;
  }
  return out;
}
function withDefaults(phase, inputs) {
  const out = { ...inputs };
  for (const [k, d] of Object.entries(defaultsOf(phase))) if (!(out[k] ?? "").trim()) out[k] = d;
  return out;
}

// src/config/cells.ts
var CELL_COMMANDS_MAX = 262144;
var ON_CELL_FAILURE = ["continue", "stop"];
function cellLines(cells) {
  return cells.map((c) => `${c.name}: ${c.command}`).join("\n");
}
function shellWord(s) {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
function nameFromValue(value) {
  const s = Array.from(value).map((c) => /[A-Za-z0-9._-]/.test(c) ? c : "_").join("").slice(0, 64);
  return /^[.-]/.test(s) ? `_${s.slice(1)}` : s;
}
var lineNo = (i) => `line ${i + 1}`;
function parseCellLines(raw) {
  const cells = [];
  const seen = /* @__PURE__ */ new Map();
  raw.split("\n").forEach((line, i) => {
    if (!line.trim() || line.trimStart().startsWith("#")) return;
    const m = /^\s*([^:\s]+)\s*:\s?(.*)$/.exec(line);
    if (!m) throw new InputError("cells", `${lineNo(i)}: ${show(line)} is not "name: command"`);
    const [, name = "", command2 = ""] = m;
    if (!CELL_NAME.test(name))
      throw new InputError("cells", `${lineNo(i)}: ${show(name)} is not a cell name (1-64 of A-Z a-z 0-9 . _ -, not starting with . or -)`);
    if (!command2.trim()) throw new InputError("cells", `${lineNo(i)}: cell ${name} has no command`);
    command("cells", command2, true);
    const before = seen.get(name);
    if (before !== void 0) throw new InputError("cells", `${lineNo(i)}: cell ${name} is already ${lineNo(before)}; cell names must be unique`);
    seen.set(name, i);
    cells.push({ name, command: command2 });
  });
  return cells;
}
function parseTemplate(template, raw) {
  if (!template.includes("{value}") && !template.includes("{name}"))
    throw new InputError("cell-template", "uses neither {value} nor {name}: every cell would run the same command");
  command("cell-template", template, true);
  const cells = [];
  const from = /* @__PURE__ */ new Map();
  raw.split("\n").forEach((value, i) => {
    if (!value.trim()) return;
    if (/[\u0000\r]/.test(value)) throw new InputError("cell-values", `${lineNo(i)}: holds a NUL or carriage return`);
    if (value.length > 4096) throw new InputError("cell-values", `${lineNo(i)}: is longer than 4096 characters`);
    const name = nameFromValue(value);
    if (!CELL_NAME.test(name)) throw new InputError("cell-values", `${lineNo(i)}: ${show(value)} gives no usable cell name`);
    const other = from.get(name);
    if (other)
      throw new InputError(
        "cell-values",
        `${lineNo(i)} ${show(value)} and ${lineNo(other.line)} ${show(other.value)} both become cell ${name}; make the values differ in letters, digits, . _ or -`
      );
    from.set(name, { value, line: i });
    cells.push({ name, command: template.replace(/\{(value|name)\}/g, (_, k) => k === "value" ? shellWord(value) : name) });
  });
  return cells;
}
function parseSweep(inputs) {
  const cellsRaw = inputs["cells"] ?? "";
  const template = (inputs["cell-template"] ?? "").trim();
  const valuesRaw = inputs["cell-values"] ?? "";
  const hasCells = cellsRaw.trim() !== "";
  if (!hasCells && !template && !valuesRaw.trim()) {
    for (const k of ["gpus-per-cell", "max-parallel", "on-cell-failure"])
      if ((inputs[k] ?? "").trim() && inputs[k] !== defaultsOf("launch")[k])
        throw new InputError(k, "is for sweeps: give 'cells' (or 'cell-template' with 'cell-values')");
    return void 0;
  }
  if ((inputs["command"] ?? "").trim()) throw new InputError("cells", "a run is either one 'command' or a sweep of 'cells', not both");
  if (hasCells && (template || valuesRaw.trim())) throw new InputError("cells", "give 'cells' or 'cell-template' with 'cell-values', not both");
  if (!hasCells && !template) throw new InputError("cell-template", "is required with 'cell-values' (a command with {value} and {name})");
  if (!hasCells && !valuesRaw.trim()) throw new InputError("cell-values", "is required with 'cell-template' (one value a line)");
  const cells = hasCells ? parseCellLines(cellsRaw) : parseTemplate(template, valuesRaw);
  const input = hasCells ? "cells" : "cell-values";
  if (!cells.length) throw new InputError(input, "lists no cell");
  if (cells.length > CELLS_MAX) throw new InputError(input, `lists ${cells.length} cells; at most ${CELLS_MAX} in one run`);
  const total = cells.reduce((n, c) => n + c.command.length, 0);
  if (total > CELL_COMMANDS_MAX)
    throw new InputError(input, `the cells' commands come to ${total} characters; at most ${CELL_COMMANDS_MAX} (put long commands in a script in the workdir)`);
  return {
    cells,
    gpusPerCell: whole("gpus-per-cell", inputs["gpus-per-cell"], 1, 0, 64),
    maxParallel: whole("max-parallel", inputs["max-parallel"], 0, 1, CELLS_MAX),
    onCellFailure: oneOf("on-cell-failure", inputs["on-cell-failure"], ON_CELL_FAILURE, "continue")
  };
}
function whole(input, raw, fallback, min, max) {
  const s = (raw ?? "").trim();
  if (!s) return fallback;
  if (!/^[0-9]{1,4}$/.test(s) || Number(s) < min || Number(s) > max) throw new InputError(input, `${show(s)} is not a whole number from ${min} to ${max}`);
  return Number(s);
}

export {
  PHASE_INPUTS,
  inputDef,
  defaultsOf,
  withDefaults,
  cellLines,
  parseSweep
};
