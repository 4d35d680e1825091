#!/usr/bin/env bash
# The smoke run of actions/smoke (runner side): runs SMOKE_COMMAND with TETHER_SMOKE=1, no GPU and a time
# limit, and writes the tether.smoke/v1 record that launch's require-smoke reads. Never fails itself: the
# command's exit is in the record and the outputs; the action's last step fails the job.
# Env: SMOKE_COMMAND, TIME_LIMIT (seconds), COMMIT (the commit sha), RECORD_DIR, GITHUB_OUTPUT.
set -u
limit=$TIME_LIMIT
[[ $limit =~ ^[0-9]{1,6}$ ]] && ((limit > 0)) || limit=600
log=$RECORD_DIR/tether-smoke.log
record=$RECORD_DIR/tether-smoke.json
start=$(date +%s.%N)
# The command exactly as written, by bash; killed at the limit (TERM, then KILL 10 s later).
TETHER_SMOKE=1 CUDA_VISIBLE_DEVICES='' timeout --kill-after=10 "$limit" bash -c "$SMOKE_COMMAND" </dev/null 2>&1 | tee "$log"
code=${PIPESTATUS[0]}
end=$(date +%s.%N)
python3 - "$record" "$COMMIT" "$code" "$start" "$end" "$log" <<'PY'
import hashlib, json, os, sys, datetime
record, commit, code, start, end, log = sys.argv[1:]
with open(log, 'rb') as f:
    f.seek(0, os.SEEK_END)
    f.seek(max(0, f.tell() - 16384))
    tail = f.read().decode('utf-8', 'replace').splitlines()[-40:]
json.dump({
    'schema': 'tether.smoke/v1',
    'commit': commit,
    'command_sha256': hashlib.sha256(os.environ['SMOKE_COMMAND'].encode()).hexdigest(),
    'exit_code': int(code),
    'duration_s': round(float(end) - float(start), 3),
    'finished_at': datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'),
    'log_tail': tail,
}, open(record, 'w'), indent=1)
PY
{
  echo "exit-code=$code"
  echo "passed=$([ "$code" = 0 ] && echo true || echo false)"
  echo "record-path=$record"
} >>"$GITHUB_OUTPUT"
