/** Outputs per phase, documented once (action.yml files are generated from this and OPTION_HELP). */
export const OUTPUT_DOCS = {
  launch: {
    result:
      'started, refused, registered (already running: nothing started, the run registered for the patrol; with report-to), blocked (audit gate) or failed (the job died or printed a traceback during the confirmation window)',
    'run-id': 'the run id',
    attempt: 'the attempt number started (1 for a new run, N+1 for a resume; N when resume released a parked Slurm job)',
    handle: 'how the job is held: tmux:<private socket>, setsid, or slurm:<job id>',
    'run-dir': 'the run record on the box: <run-root>/<run-id>',
    'run-file': 'path of the run description written in the workspace (tether-run-<run-id>.json unless run-file says otherwise)',
    'host-key-fingerprint': "the SHA256 fingerprint of the box's host key as seen on this connection",
    'registration-url': 'with report-to: the comment that registers the run for the patrol (empty otherwise)',
    nodes:
      'with nodes: JSON array, one per node, rank 0 first ({ rank, host, attempt, pid, handle, run_dir }); rank 0 is also the run-dir, handle and host-key-fingerprint above',
  },
  patrol: {
    policies:
      'JSON array of the after-verified acts tried this tick ({ run_id, attempt, verb, outcome: waiting | refused | done | failed, why }): a run launched with after-verified park or destroy, once it ended and a collect verified it',
    collects: 'with auto-collect-workflow: JSON array of the collects dispatched this tick for runs that ended ({ run_id, attempt, url })',
    recoveries:
      'JSON array, one per preempted run: { run_id, attempt, action } (dispatched with its url, dispatch, wait, exhausted, no-workflow, not-yet, dispatch-failed)',
    states:
      'JSON object: run id → { state, class, attempt, step, epoch, metrics, flags, host } (a sweep adds cells; a run on many boxes adds nodes: [{ rank, host, state, class, consequence, step }])',
    'node-stops':
      'JSON array of the runs on many boxes launched with on-node-failure: stop whose surviving nodes the patrol stopped this tick ({ run_id, attempt, nodes: [{ rank, stopped, detail }] })',
    escalate:
      'true when a run needs a person (stalled, failed, dead, rebooted, unreachable, probe-error, unknown), or an instance provisioned 30 min ago still has no run',
    orphans:
      'JSON array of the instances named by tether (tether-…) at the providers the patrol has credentials for that no registration or provision record names ({ provider, instance_id, name, status }): they bill with nothing behind them',
    instances:
      "JSON object: run id → { provider, instance_id, phase, detail }, each registered run's instance as its provider describes it this tick (with the provider's credentials)",
    unlaunched:
      'JSON array of the instances provision recorded on which no run is registered yet ({ run_id, provider, instance_id, created_at }): they bill with nothing behind them',
    tick: 'the tick number, counted in the tick memory',
    entered: 'JSON array of the run ids that entered a fail-on state on this tick (the job fails once for each, not on every tick after)',
    'status-url': 'the URL(s) of the sticky status comment(s) written on this tick',
    synced:
      'with sync: JSON object: run id → { newest (runner path of the newest verified checkpoint, or null), step, written_at, bad (a newer file that failed verification, or null), judged (files pulled and judged on this tick), moved (bytes pulled on this tick), error }',
  },
  collect: {
    verified: 'true when every file arrived complete and passed load-verification (VERIFIED.json written)',
    'verified-path':
      'path of VERIFIED.json on the runner (empty when not verified); with nodes, the run folder holding rank-<r>/VERIFIED.json for each node read (what teardown takes)',
    'manifest-sha256':
      'sha256 of manifest.json (the listed files with the sha256 both the box and the runner computed as the bytes moved), as recorded in VERIFIED.json; empty when the pull stopped',
    files: 'number of files in the manifest',
    'files-sha256': 'sha256 of the sorted (path, bytes, sha256) list: the checkpoints themselves, whenever the manifest was written',
    bytes: 'total bytes in the manifest',
    dest: 'the directory holding the collected files: <dest-dir>/<run-id>',
    'artifact-name': 'name of the checkpoints artifact (tether-<run-id>-<files-sha256 prefix>-checkpoints, …-unverified with artifact: all)',
    'artifact-id': 'id of the checkpoints artifact',
    'artifact-digest': 'sha256 of the uploaded checkpoints zip',
    'verified-artifact': 'name of the artifact holding manifest.json and VERIFIED.json (verified collects only); teardown can download it',
    'nodes-collected':
      'with nodes: JSON array, one object per node read: rank, host, verified, files, bytes, manifest_sha256, artifact_name (its artifacts are tether-<run-id>-rank<r>-…), path (<dest>/<run-id>/rank-<r>)',
  },
  chatops: {
    result: 'ignored (not a /tether command), refused (who or how it was asked), help, done, or failed',
    command: 'the command that ran (status, collect, resume, teardown, help), or empty',
  },
  teardown: {
    state: 'torn-down, parked, refused, dry-run, or failed (the provider did not confirm a terminal state in time)',
    reason: 'one line: why it was refused, what would happen, or what the provider confirmed',
  },
  audit: {
    passed: 'true when the audit gate passed',
    report: 'the audit report as JSON (disks, cgroup, GPUs, Xid lines, interpreter)',
    'host-key-fingerprint': "the SHA256 fingerprint of the box's host key as seen on this connection",
  },
  logs: {
    attempt: 'the attempt whose log was read',
    size: "the log's size in bytes when it was read",
  },
  stop: {
    state: 'stopped, not-running (nothing was signalled), refused (no proof, another box, no confirm) or failed (still running after KILL)',
    reason: 'one line: why, or what happened to the attempt',
    attempt: 'the attempt that was stopped (or found not running)',
  },
  provision: {
    result: 'ready (the box answers SSH with its pinned host key) or failed (reason says why; destroyed says what became of a created box)',
    reason: 'one line: why it failed, or the candidate it took',
    host: "the box's address: launch's host",
    port: "the box's SSH port: launch's port",
    user: "the login on the box (the provider's login user unless user was given): launch's user",
    'host-key-fingerprint':
      'the SHA256 fingerprint of the host key tether generated for this box and pinned before the first connection (or, where the image ignored it, the one its console output lists)',
    'host-key-source':
      "generated (the key tether made and sent in the create call) or console (the key the box's console output lists, read over the provider's API: EC2)",
    'instance-id': "the provider's id of the instance, set the moment the provider names it (also when the provision fails later)",
    provider: 'the provider rented from',
    'hourly-price': 'what the instance costs per hour (US dollars, as the provider lists it)',
    spot: 'true when the box is a spot or interruptible one',
    destroyed: 'with a failed provision of a created box: true when it was destroyed and polled to gone, false when it may still bill',
    'record-url': "with report-to: the comment holding the signed provision record (launch's registration replaces it)",
    'provision-file': 'when ready: the signed hand-off file (tether-provision-<run-id>.json) that tether launch --from-provision reads',
    nodes: "with count above 1, when every box is ready: launch's nodes as they are, one box a line, rank 0 first: user@host:port SHA256:… instance-id=ID",
    'instance-ids': 'with count above 1: JSON array of the instances that came up (ready or, when the provision failed, left running)',
  },
  recover: {
    result:
      "recovered (the next attempt runs on a new box), refused (why: nothing was rented or touched) or failed (provision's or launch's own errors say why)",
    'recover-ms': 'from the start of the recovery to the job confirmed on the new box, in milliseconds',
    'instance-id': "the new box's instance id (provision's output)",
    host: "the new box's address",
    'host-key-fingerprint': "the new box's host key, pinned before the first connection",
    attempt: 'the attempt started on the new box (the registered one + 1)',
    'registration-url': 'the registration comment, signed again with the new box',
  },
} as const;
