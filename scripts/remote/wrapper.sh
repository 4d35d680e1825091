#!/usr/bin/env bash
# The detached wrapper of one attempt, written to <run>/attempts/<n>/wrapper.sh by launch.sh with
# lib.sh in front of it (src/remote/scripts.ts), so the helpers below come from lib.sh.
# Args: RUN_DIR ATTEMPT HEARTBEAT_S. Runs the recorded command (then the `then` chain if it exited 0)
# with stdin from /dev/null, keeps a heartbeat, and writes exit_code, finished_at and DONE or FAILED.
# The training code never writes markers; a marker never lands after a failed stage.
# Every variable here is TETHER_-prefixed: the job's own variables (inherited, exported) cannot use that
# prefix, so assigning ours never changes what the job sees.

TETHER_RUN_DIR=$1
TETHER_ATTEMPT=$2
TETHER_HB=${3:-30}
TETHER_A=$TETHER_RUN_DIR/attempts/$TETHER_ATTEMPT
# A TERM before the command starts (Slurm's lead signal when the time limit is near at once, a stop or a
# preemption right after launch) must not kill the wrapper before it writes its marker: noted here, and
# the command is then not started (below).
trap 'TETHER_TERM=1' TERM
# Under Slurm this is the batch script. A requeued job runs it again with the same arguments: each run is
# the next attempt (same job id), so no attempt's record is ever overwritten.
if [ -n "${SLURM_JOB_ID:-}" ] && [[ ${SLURM_RESTART_COUNT:-0} =~ ^[1-9][0-9]{0,3}$ ]]; then
  TETHER_ATTEMPT=$((TETHER_ATTEMPT + SLURM_RESTART_COUNT))
  mkdir -p "$TETHER_RUN_DIR/attempts/$TETHER_ATTEMPT"
  cp -f "$TETHER_A/handle" "$TETHER_RUN_DIR/attempts/$TETHER_ATTEMPT/handle" 2>/dev/null
  TETHER_A=$TETHER_RUN_DIR/attempts/$TETHER_ATTEMPT
  # The previous run's marker stays with its attempt.
  retire_failed "$TETHER_RUN_DIR" $((TETHER_ATTEMPT - 1))
fi

# The wrapper's own streams stay as the backend gave them: under tmux, closing the last pty fd makes
# tmux reap the pane and hang up the job. Each stage below is redirected to the attempt log instead.
: >>"$TETHER_A/log"
# pid_start last: launch.sh waits for it and then reads the other two.
now_utc | atomic_write "$TETHER_A/started_at"
printf '%s\n' "$$" | atomic_write "$TETHER_A/pid"
printf '%s\n' "$(pid_start "$$")" | atomic_write "$TETHER_A/pid_start"
if [ -n "${SLURM_JOB_ID:-}" ]; then
  printf '%s\n' "$SLURM_JOB_ID" | atomic_write "$TETHER_A/job_id"
  printf '%s\n' "${SLURM_JOB_NODELIST:-}" | atomic_write "$TETHER_A/nodes"
fi
touch "$TETHER_RUN_DIR/heartbeat"

(
  # A spot notice's signal goes to the attempt's whole process group (below): the heartbeat ignores it.
  trap '' USR1 USR2 INT
  while kill -0 "$$" 2>/dev/null; do
    touch "$TETHER_RUN_DIR/heartbeat"
    sleep "$TETHER_HB"
  done
) </dev/null >/dev/null 2>&1 &
TETHER_BEAT=$!

# EC2's two-minute spot notice (issue 27 §1): with <attempt>/preempt_watch (`ADDRESS SIGNAL`, written by
# launch.sh for a run on EC2), a watcher asks the instance metadata (IMDSv2, bash's /dev/tcp, every 5 s,
# each call bounded) for spot/instance-action; on a notice it records it in <attempt>/preempt_notice, sends
# the job SIGNAL so it can checkpoint, and TERM 5 s before the notice's time. The wrapper and its helpers
# catch that signal (a no-op), so only the job acts on it.
tether_imds() { # METHOD PATH HEADER: sets TETHER_HTTP_STATUS and TETHER_HTTP_BODY (≤ 4 KiB)
  local out
  # shellcheck disable=SC2016 # the inner script reads its own positional parameters
  out=$(timeout 4 bash -c 'exec 3<>"/dev/tcp/$1/$2" || exit 1
    printf "%s %s HTTP/1.0\r\nHost: %s\r\n%s\r\nContent-Length: 0\r\n\r\n" "$3" "$4" "$1" "$5" >&3
    head -c 4096 <&3' _ "${TETHER_IMDS%:*}" "${TETHER_IMDS##*:}" "$1" "$2" "$3" 2>/dev/null | tr -d '\r')
  TETHER_HTTP_STATUS='' TETHER_HTTP_BODY=''
  [[ $out =~ ^HTTP/1\.[01]\ ([0-9]{3}) ]] || return 1
  TETHER_HTTP_STATUS=${BASH_REMATCH[1]}
  TETHER_HTTP_BODY=${out#*$'\n\n'}
}
tether_spot_watch() {
  local token='' action at t now term
  trap '' USR1 USR2 INT
  while kill -0 "$$" 2>/dev/null; do
    if [ -z "$token" ] && tether_imds PUT /latest/api/token 'X-aws-ec2-metadata-token-ttl-seconds: 21600' &&
      [ "$TETHER_HTTP_STATUS" = 200 ] && [[ $TETHER_HTTP_BODY =~ ^[A-Za-z0-9_=+/-]{1,200}$ ]]; then
      token=$TETHER_HTTP_BODY
    fi
    if [ -n "$token" ] && tether_imds GET /latest/meta-data/spot/instance-action "X-aws-ec2-metadata-token: $token"; then
      [ "$TETHER_HTTP_STATUS" = 401 ] && token=''
      if [ "$TETHER_HTTP_STATUS" = 200 ] &&
        [[ $TETHER_HTTP_BODY =~ \"action\"[[:space:]]*:[[:space:]]*\"(terminate|stop|hibernate)\" ]] && action=${BASH_REMATCH[1]} &&
        [[ $TETHER_HTTP_BODY =~ \"time\"[[:space:]]*:[[:space:]]*\"([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)\" ]]; then
        at=${BASH_REMATCH[1]}
        t=$(date -u -d "$at" +%s 2>/dev/null) || t=$(date +%s)
        now=$(date +%s)
        term=$((t - 5 > now + 1 ? t - 5 : now + 1))
        printf '{"action":"%s","time":"%s","seen_at":"%s","signal":"%s","term_at":"%s"}\n' "$action" "$at" "$(now_utc)" \
          "$TETHER_PSIG" "$(date -u -d "@$term" +%Y-%m-%dT%H:%M:%SZ)" | atomic_write "$TETHER_A/preempt_notice"
        echo "tether: EC2 spot notice: $action at $at; sent SIG$TETHER_PSIG to the job, TERM follows at $(date -u -d "@$term" +%H:%M:%SZ)" >>"$TETHER_A/log"
        attempt_signal "$TETHER_A" "$TETHER_PSIG"
        while (($(date +%s) < term)) && kill -0 "$$" 2>/dev/null; do sleep 1; done
        kill -0 "$$" 2>/dev/null && attempt_signal "$TETHER_A" TERM
        return 0
      fi
    fi
    sleep 5
  done
}
TETHER_WATCH=''

# park-after (issue 27 §3): with <attempt>/park_after (`SECONDS HOW ADDRESS`, written by launch.sh), once the
# attempt's marker is written a detached timer waits SECONDS, then parks the box itself, with no account key:
# `ec2-shutdown` asks the instance metadata first and shuts down only an on-demand instance (a spot one could be
# terminated, not stopped); `runpod-stop` runs runpodctl with the pod's own key. A newer attempt (a resume or a
# recovery) or a marker gone cancels it. What it did is in <attempt>/self_park (strict JSON, fixed words).
tether_park_note() { # STATE DETAIL
  printf '{"state":"%s","how":"%s","at":"%s","detail":"%s"}\n' "$1" "$TETHER_PA_HOW" "$(now_utc)" "$2" | atomic_write "$TETHER_A/self_park"
}
tether_park_timer() {
  local end left life='' token='' pod
  end=$(($(date +%s) + TETHER_PA_S))
  tether_park_note waiting "parks at $(date -u -d "@$end" +%Y-%m-%dT%H:%M:%SZ) unless a newer attempt starts"
  while left=$((end - $(date +%s))) && ((left > 0)); do
    sleep $((left < 5 ? left : 5))
    if [ -e "$TETHER_RUN_DIR/attempts/$((TETHER_ATTEMPT + 1))" ]; then
      tether_park_note cancelled "attempt $((TETHER_ATTEMPT + 1)) started"
      return 0
    fi
  done
  if ! [ -f "$TETHER_RUN_DIR/DONE" ] && ! [ -f "$TETHER_RUN_DIR/FAILED" ]; then
    tether_park_note cancelled "the run's marker is gone"
    return 0
  fi
  case $TETHER_PA_HOW in
    ec2-shutdown)
      TETHER_IMDS=$TETHER_PA_ADDR
      if tether_imds PUT /latest/api/token 'X-aws-ec2-metadata-token-ttl-seconds: 60' && [ "$TETHER_HTTP_STATUS" = 200 ] &&
        [[ $TETHER_HTTP_BODY =~ ^[A-Za-z0-9_=+/-]{1,200}$ ]]; then
        token=$TETHER_HTTP_BODY
      fi
      if [ -n "$token" ] && tether_imds GET /latest/meta-data/instance-life-cycle "X-aws-ec2-metadata-token: $token" &&
        [ "$TETHER_HTTP_STATUS" = 200 ] && [[ $TETHER_HTTP_BODY =~ ^(on-demand|spot|scheduled|capacity-block)$ ]]; then
        life=$TETHER_HTTP_BODY
      fi
      if [ "$life" != on-demand ]; then
        tether_park_note refused "the instance metadata says instance-life-cycle ${life:-unknown}, not on-demand: a shutdown could terminate it"
        return 0
      fi
      tether_park_note parking "sudo -n shutdown -h now"
      echo "tether: park-after: the job ended ${TETHER_PA_S} s ago; parking this on-demand instance (OS shutdown)" >>"$TETHER_A/log"
      # shellcheck disable=SC2024 # the log is the attempt's own file: sudo is for the shutdown, not the write
      sudo -n shutdown -h now >>"$TETHER_A/log" 2>&1 || sudo -n poweroff >>"$TETHER_A/log" 2>&1
      ;;
    runpod-stop)
      pod=${RUNPOD_POD_ID:-$(tr '\0' '\n' </proc/1/environ 2>/dev/null | sed -n 's/^RUNPOD_POD_ID=//p' | head -n 1)}
      if ! [[ $pod =~ ^[A-Za-z0-9]{1,64}$ ]] || ! command -v runpodctl >/dev/null; then
        tether_park_note refused "RUNPOD_POD_ID or runpodctl is missing on this box"
        return 0
      fi
      tether_park_note parking "runpodctl pod stop $pod"
      echo "tether: park-after: the job ended ${TETHER_PA_S} s ago; stopping pod $pod (runpodctl)" >>"$TETHER_A/log"
      timeout 60 runpodctl pod stop "$pod" >>"$TETHER_A/log" 2>&1 || timeout 60 runpodctl stop pod "$pod" >>"$TETHER_A/log" 2>&1
      ;;
  esac
}
if [ -z "${SLURM_JOB_ID:-}" ] && [ -f "$TETHER_A/preempt_watch" ]; then
  read -r TETHER_IMDS TETHER_PSIG <"$TETHER_A/preempt_watch"
  if [[ $TETHER_IMDS =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}:[0-9]{1,5}$ ]] && [[ $TETHER_PSIG =~ ^(USR1|USR2|INT|TERM)$ ]]; then
    [ "$TETHER_PSIG" = TERM ] || trap ':' "$TETHER_PSIG"
    tether_spot_watch </dev/null >/dev/null 2>&1 &
    TETHER_WATCH=$!
  fi
fi

TETHER_WORKDIR=$(expand_home "$(cat "$TETHER_RUN_DIR/workdir")")

export PYTHONUNBUFFERED=1 TETHER_RUN_ID TETHER_ATTEMPT=$TETHER_ATTEMPT TETHER_RUN_DIR=$TETHER_RUN_DIR
TETHER_RUN_ID=$(basename "$TETHER_RUN_DIR")
# A sweep's cell (started by queue.sh with TETHER_CELL): its record is <run>/cells/<cell>.
if [ -n "${TETHER_CELL:-}" ]; then
  TETHER_RUN_ID=$(basename "$(dirname "$(dirname "$TETHER_RUN_DIR")")")
  export TETHER_CELL
fi
# Cap BLAS/OpenMP threads to the cgroup CPU quota when one is set and the user did not choose.
TETHER_CAP=$(cpu_quota_cores)
if [ -z "${OMP_NUM_THREADS:-}" ] && [ -n "$TETHER_CAP" ]; then
  export OMP_NUM_THREADS=$TETHER_CAP MKL_NUM_THREADS=$TETHER_CAP
fi

# TERM (a provider's stop or preemption, or tether's stop by handle) goes to the whole process group: the job
# gets it and may checkpoint; the wrapper only notes it and, once the job has exited, writes FAILED (even
# when the job exited 0 on TERM: it was stopped, not finished) and skips `then`. Bash runs the trap after the
# foreground stage ends, so the marker always follows the job. A stop asked by tether (stop.sh writes
# stop_requested first) is recorded as stage `stopped`; any other TERM keeps its stage.
trap 'TETHER_TERM=1' TERM

# Runs stage $1's text as the job; under Slurm in the background, so the lead signal (TERM to this batch
# shell only, `--signal=B:TERM@lead`) is forwarded to the job at once and the training code can checkpoint.
tether_stage() {
  if [ -z "${SLURM_JOB_ID:-}" ]; then
    bash -c "$1" </dev/null >>"$TETHER_A/log" 2>&1
    return
  fi
  bash -c "$1" </dev/null >>"$TETHER_A/log" 2>&1 &
  TETHER_JOB=$!
  trap 'TETHER_TERM=1; kill -TERM "$TETHER_JOB" 2>/dev/null' TERM
  local rc
  while :; do
    wait "$TETHER_JOB"
    rc=$?
    # wait returns early (>128) when the trap ran; the job may still be checkpointing.
    kill -0 "$TETHER_JOB" 2>/dev/null || break
  done
  trap 'TETHER_TERM=1' TERM
  return "$rc"
}

TETHER_STAGE='command'
if [ -n "${TETHER_TERM:-}" ]; then
  echo "tether: TERM arrived before the command started; it was not started" >>"$TETHER_A/log"
  TETHER_RC=143
elif cd "$TETHER_WORKDIR" 2>>"$TETHER_A/log"; then
  tether_stage "$(cat "$TETHER_RUN_DIR/command")"
  TETHER_RC=$?
  if [ "$TETHER_RC" -eq 0 ] && [ -z "${TETHER_TERM:-}" ] && [ -s "$TETHER_RUN_DIR/then" ]; then
    TETHER_STAGE='then'
    tether_stage "$(cat "$TETHER_RUN_DIR/then")"
    TETHER_RC=$?
  fi
else
  TETHER_STAGE=workdir
  TETHER_RC=127
fi

kill "$TETHER_BEAT" 2>/dev/null
[ -n "$TETHER_WATCH" ] && kill "$TETHER_WATCH" 2>/dev/null
# A cell's stop is asked of its queue (stop.sh writes the queue attempt's stop_requested).
if [ -n "${TETHER_TERM:-}" ] && { [ -f "$TETHER_A/stop_requested" ] || [ -f "${TETHER_QUEUE_A:-/nonexistent}/stop_requested" ]; }; then TETHER_STAGE=stopped; fi
TETHER_FINISHED=$(now_utc)
printf '%s\n' "$TETHER_RC" | atomic_write "$TETHER_A/exit_code"
printf '%s\n' "$TETHER_FINISHED" | atomic_write "$TETHER_A/finished_at"
TETHER_SIGNAL=null
if ((TETHER_RC > 128)); then
  TETHER_SIGNAL="\"$(kill -l $((TETHER_RC - 128)) 2>/dev/null || echo $((TETHER_RC - 128)))\""
elif [ -n "${TETHER_TERM:-}" ]; then
  TETHER_SIGNAL='"TERM"'
fi
if [ "$TETHER_RC" -eq 0 ] && [ -z "${TETHER_TERM:-}" ]; then TETHER_KIND=DONE; else TETHER_KIND=FAILED; fi
write_marker "$TETHER_RUN_DIR/$TETHER_KIND" "$TETHER_ATTEMPT" "$TETHER_RC" "$TETHER_SIGNAL" "$TETHER_STAGE" "$TETHER_FINISHED"
if [ -z "${SLURM_JOB_ID:-}" ] && [ -z "${TETHER_CELL:-}" ] && [ -f "$TETHER_A/park_after" ] &&
  read -r TETHER_PA_S TETHER_PA_HOW TETHER_PA_ADDR <"$TETHER_A/park_after" && [[ $TETHER_PA_S =~ ^[0-9]{2,6}$ ]] &&
  [[ $TETHER_PA_HOW =~ ^(ec2-shutdown|runpod-stop)$ ]] && [[ $TETHER_PA_ADDR =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}:[0-9]{1,5}$ ]]; then
  # The timer outlives this wrapper: the pane's hangup (and any late signal to the attempt's group) is ignored
  # before the fork, so the child is never without it.
  trap '' HUP INT TERM USR1 USR2
  tether_park_timer </dev/null >/dev/null 2>&1 &
  disown
fi
exit "$TETHER_RC"
