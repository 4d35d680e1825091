#!/usr/bin/env bash
# The detached wrapper of one attempt, written to <run>/attempts/<n>/wrapper.sh by launch.sh with
# lib.sh in front of it (src/remote/scripts.ts), so the helpers below come from lib.sh.
# Args: RUN_DIR ATTEMPT HEARTBEAT_S. Runs the recorded command (then the `then` chain if it exited 0)
# with stdin from /dev/null, keeps a heartbeat, and writes exit_code, finished_at and DONE or FAILED.
# The training code never writes markers; a marker never lands after a failed stage.

run_dir=$1
n=$2
hb=${3:-30}
a=$run_dir/attempts/$n

# The wrapper's own streams stay as the backend gave them: under tmux, closing the last pty fd makes
# tmux reap the pane and hang up the job. Each stage below is redirected to the attempt log instead.
: >>"$a/log"
# pid_start last: launch.sh waits for it and then reads the other two.
now_utc | atomic_write "$a/started_at"
printf '%s\n' "$$" | atomic_write "$a/pid"
printf '%s\n' "$(pid_start "$$")" | atomic_write "$a/pid_start"
touch "$run_dir/heartbeat"

(
  while kill -0 "$$" 2>/dev/null; do
    touch "$run_dir/heartbeat"
    sleep "$hb"
  done
) </dev/null >/dev/null 2>&1 &
beat=$!

workdir=$(expand_home "$(cat "$run_dir/workdir")")

export PYTHONUNBUFFERED=1 TETHER_RUN_ID TETHER_ATTEMPT=$n TETHER_RUN_DIR=$run_dir
TETHER_RUN_ID=$(basename "$run_dir")
# Cap BLAS/OpenMP threads to the cgroup CPU quota when one is set and the user did not choose.
cap=$(cpu_quota_cores)
if [ -z "${OMP_NUM_THREADS:-}" ] && [ -n "$cap" ]; then
  export OMP_NUM_THREADS=$cap MKL_NUM_THREADS=$cap
fi

stage='command'
if cd "$workdir" 2>>"$a/log"; then
  bash -c "$(cat "$run_dir/command")" </dev/null >>"$a/log" 2>&1
  rc=$?
  if [ "$rc" -eq 0 ] && [ -s "$run_dir/then" ]; then
    stage='then'
    bash -c "$(cat "$run_dir/then")" </dev/null >>"$a/log" 2>&1
    rc=$?
  fi
else
  stage=workdir
  rc=127
fi

kill "$beat" 2>/dev/null
finished=$(now_utc)
printf '%s\n' "$rc" | atomic_write "$a/exit_code"
printf '%s\n' "$finished" | atomic_write "$a/finished_at"
signal=null
if ((rc > 128)); then signal="\"$(kill -l $((rc - 128)) 2>/dev/null || echo $((rc - 128)))\""; fi
marker=$(printf '{"attempt":%s,"exit_code":%s,"signal":%s,"stage":"%s","finished_at":"%s"}' "$n" "$rc" "$signal" "$stage" "$finished")
if [ "$rc" -eq 0 ]; then
  printf '%s\n' "$marker" | atomic_write "$run_dir/DONE"
else
  printf '%s\n' "$marker" | atomic_write "$run_dir/FAILED"
fi
exit "$rc"
