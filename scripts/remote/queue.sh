#!/usr/bin/env bash
# The detached queue of a sweep, written to <run>/attempts/<n>/queue.sh by launch.sh with lib.sh in front of
# it (src/remote/scripts.ts). Args: RUN_DIR ATTEMPT HEARTBEAT_S. It is the run's process: launch, the patrol
# and stop see it exactly as they see a single run's wrapper (pid, pid_start, handle, heartbeat, markers).
# Each cell not DONE runs as the next attempt of its own record, cells/<name>/, through the attempt's
# wrapper.sh (the same wrapper a single run uses, with the cell directory as its run directory), with
# CUDA_VISIBLE_DEVICES set to GPUs no other running cell holds, stdin from /dev/null, the run's environment
# and secrets (inherited). The next cell starts as soon as a slot frees. cells.json is rewritten atomically
# on every change; the run's DONE is written only when every cell is DONE, else FAILED naming the cells.
# Every variable here is TETHER_-prefixed, as in the wrapper: the job cannot use that prefix.

TETHER_RUN_DIR=$1
TETHER_ATTEMPT=$2
TETHER_HB=${3:-30}
TETHER_A=$TETHER_RUN_DIR/attempts/$TETHER_ATTEMPT
# From the first line, as in the wrapper: a TERM right after launch never kills the queue before its marker.
trap 'TETHER_TERM=1' TERM

: >>"$TETHER_A/log"
now_utc | atomic_write "$TETHER_A/started_at"
printf '%s\n' "$$" | atomic_write "$TETHER_A/pid"
printf '%s\n' "$(pid_start "$$")" | atomic_write "$TETHER_A/pid_start"
touch "$TETHER_RUN_DIR/heartbeat"
(
  while kill -0 "$$" 2>/dev/null; do
    touch "$TETHER_RUN_DIR/heartbeat"
    sleep "$TETHER_HB"
  done
) </dev/null >/dev/null 2>&1 &
TETHER_BEAT=$!

tether_log() { printf '%s queue: %s\n' "$(now_utc)" "$*" >>"$TETHER_A/log"; }

# Settings launch.sh wrote: GPUs per cell and what a failure stops (run-wide), this attempt's GPU list and width.
read -r TETHER_GPC TETHER_ON_FAILURE <"$TETHER_RUN_DIR/sweep"
read -r TETHER_MAX <"$TETHER_A/max_parallel"
TETHER_FREE=()
if ((TETHER_GPC > 0)); then read -r -a TETHER_FREE < <(tr ',' ' ' <"$TETHER_A/gpus"); fi
mapfile -t TETHER_CELLS <"$TETHER_RUN_DIR/cells.list"

declare -A TETHER_PID TETHER_START TETHER_GPUS
TETHER_FAILED_ANY=0
export TETHER_QUEUE_A=$TETHER_A

# Each cell's last attempt, learnt once here and kept as cells start (no subshell per cell per update).
declare -A TETHER_ATT
for TETHER_C in "${TETHER_CELLS[@]}"; do TETHER_ATT[$TETHER_C]=$(last_attempt "$TETHER_RUN_DIR/cells/$TETHER_C"); done
TETHER_J_RUN=$(json_str "$(basename "$TETHER_RUN_DIR")")

# cells.json: every cell's state as the queue knows it (pending, running, done, failed), its attempt and GPUs.
write_status() {
  local c first=1 state n j out="{\"schema\":\"tether.cells/v1\",\"run_id\":$TETHER_J_RUN,\"queue_attempt\":$TETHER_ATTEMPT,\"cells\":["
  for c in "${TETHER_CELLS[@]}"; do
    n=${TETHER_ATT[$c]:-0}
    if [ -n "${TETHER_PID[$c]:-}" ]; then state=running
    elif [ -f "$TETHER_RUN_DIR/cells/$c/DONE" ]; then state='done'
    elif [ -f "$TETHER_RUN_DIR/cells/$c/FAILED" ]; then state=failed
    elif ((n > 0)); then state=dead
    else state=pending; fi
    ((first)) || out+=','
    first=0
    jv j "$c"
    out+="{\"name\":$j,\"state\":\"$state\",\"attempt\":$n,\"gpus\":\"${TETHER_GPUS[$c]:-}\"}"
  done
  printf '%s]}\n' "$out" | atomic_write "$TETHER_RUN_DIR/cells.json"
}

start_cell() {
  local c=$1 dir=$TETHER_RUN_DIR/cells/$1 last n i gpus=''
  last=${TETHER_ATT[$c]:-0}
  # The previous attempt's failure stays with that attempt, so the cell's marker describes the live one.
  retire_failed "$dir" "$last"
  n=$((last + 1))
  mkdir -p "$dir/attempts/$n" || { tether_log "cannot create $dir/attempts/$n"; return 1; }
  for ((i = 0; i < TETHER_GPC; i++)); do
    gpus+="${gpus:+,}${TETHER_FREE[0]}"
    TETHER_FREE=("${TETHER_FREE[@]:1}")
  done
  printf '%s\n' "$gpus" | atomic_write "$dir/attempts/$n/gpus"
  if ((TETHER_GPC > 0)); then
    CUDA_VISIBLE_DEVICES=$gpus TETHER_CELL=$c bash "$TETHER_A/wrapper.sh" "$dir" "$n" "$TETHER_HB" </dev/null >/dev/null 2>&1 &
  else
    TETHER_CELL=$c bash "$TETHER_A/wrapper.sh" "$dir" "$n" "$TETHER_HB" </dev/null >/dev/null 2>&1 &
  fi
  TETHER_PID[$c]=$!
  TETHER_ATT[$c]=$n
  TETHER_START[$c]=$(pid_start "$!")
  TETHER_GPUS[$c]=$gpus
  tether_log "cell $c attempt $n started${gpus:+ on GPUs $gpus} (pid $!)"
}

# True while process $1 runs with start time $2 (not a zombie): lib.sh's one /proc reader.
alive_as() {
  proc_alive_as "$1" "$2"
}

# Reaps every cell whose wrapper has exited (gone or a zombie: pid_start fails), frees its GPUs. True if any.
reap() {
  local c any=1 g
  for c in "${!TETHER_PID[@]}"; do
    if ! alive_as "${TETHER_PID[$c]}" "${TETHER_START[$c]}"; then
      wait "${TETHER_PID[$c]}" 2>/dev/null
      if [ -n "${TETHER_GPUS[$c]}" ]; then
        for g in ${TETHER_GPUS[$c]//,/ }; do TETHER_FREE+=("$g"); done
      fi
      unset "TETHER_PID[$c]"
      if [ -f "$TETHER_RUN_DIR/cells/$c/DONE" ]; then
        tether_log "cell $c done"
      else
        TETHER_FAILED_ANY=1
        tether_log "cell $c failed"
      fi
      any=0
    fi
  done
  return "$any"
}

# Waits until a cell finishes (or TERM arrives), in steps of 0.2 s.
wait_slot() {
  until reap; do
    [ -n "${TETHER_TERM:-}" ] && return 1
    sleep 0.2
  done
  write_status
}

# The runbook's disk budget gate before every invocation: the audit's floor (bytes and inodes free where the
# cells write) is checked again before each cell starts. Below it, the cell is held (cells/<c>/blocked says why,
# the patrol shows blocked-disk) while the running cells go on, until there is room again or a TERM.
TETHER_FLOOR_B=0 TETHER_FLOOR_I=0
[ -f "$TETHER_A/disk_floor" ] && read -r TETHER_FLOOR_B TETHER_FLOOR_I <"$TETHER_A/disk_floor"
[[ $TETHER_FLOOR_B =~ ^[0-9]{1,18}$ && $TETHER_FLOOR_I =~ ^[0-9]{1,18}$ ]] || TETHER_FLOOR_B=0 TETHER_FLOOR_I=0
TETHER_WORKDIR=$(expand_home "$(cat "$TETHER_RUN_DIR/workdir" 2>/dev/null)")
disk_room() {
  local avail iavail
  ((TETHER_FLOOR_B > 0 || TETHER_FLOOR_I > 0)) || return 0
  read -r avail iavail < <(timeout 10 df -B1 --output=avail,iavail -- "${TETHER_WORKDIR:-$TETHER_RUN_DIR}" 2>/dev/null | tail -n 1)
  # df that cannot answer, or a filesystem without an inode table ('-'), is not a reason to hold the cell.
  [[ $avail =~ ^[0-9]+$ ]] || return 0
  [[ $iavail =~ ^[0-9]+$ ]] || iavail=$TETHER_FLOOR_I
  if ((avail < TETHER_FLOOR_B || iavail < TETHER_FLOOR_I)); then
    TETHER_ROOM="$avail bytes and $iavail inodes free under ${TETHER_WORKDIR:-$TETHER_RUN_DIR}, below the floor of $TETHER_FLOOR_B bytes and $TETHER_FLOOR_I inodes"
    return 1
  fi
}
hold_for_disk() {
  local c=$1 said=0
  while ! disk_room; do
    if ((said == 0)); then
      printf '%s\n' "$TETHER_ROOM" | atomic_write "$TETHER_RUN_DIR/cells/$c/blocked"
      tether_log "cell $c held: $TETHER_ROOM"
      said=1
    fi
    [ -n "${TETHER_TERM:-}" ] && return 1
    reap && write_status
    sleep 5
  done
  rm -f "$TETHER_RUN_DIR/cells/$c/blocked"
  ((said)) && tether_log "cell $c: the disk has room again"
  return 0
}

write_status
for TETHER_C in "${TETHER_CELLS[@]}"; do
  [ -f "$TETHER_RUN_DIR/cells/$TETHER_C/DONE" ] && continue
  while ((${#TETHER_PID[@]} >= TETHER_MAX || ${#TETHER_FREE[@]} < TETHER_GPC)); do
    if ((${#TETHER_PID[@]} == 0)); then
      # Nothing runs and the free GPUs are still too few: launch.sh refuses this, so the GPU list was bad.
      tether_log "only ${#TETHER_FREE[@]} GPU(s) for $TETHER_GPC per cell: no cell can start"
      break 2
    fi
    wait_slot || break
  done
  [ -n "${TETHER_TERM:-}" ] && break
  if ((TETHER_FAILED_ANY)) && [ "$TETHER_ON_FAILURE" = stop ]; then
    tether_log "a cell failed and on-cell-failure is stop: no new cell starts"
    break
  fi
  hold_for_disk "$TETHER_C" || break
  start_cell "$TETHER_C"
  write_status
done
# The running cells finish (or, after a TERM, checkpoint and exit: they got it too, as one process group).
while ((${#TETHER_PID[@]} > 0)); do
  reap || sleep 0.2
done
write_status

kill "$TETHER_BEAT" 2>/dev/null
TETHER_FINISHED=$(now_utc)
TETHER_BAD=() TETHER_NOT_RUN=()
for TETHER_C in "${TETHER_CELLS[@]}"; do
  if [ -f "$TETHER_RUN_DIR/cells/$TETHER_C/DONE" ]; then continue; fi
  if ((${TETHER_ATT[$TETHER_C]:-0} > 0)); then TETHER_BAD+=("$TETHER_C"); else TETHER_NOT_RUN+=("$TETHER_C"); fi
done
json_list() {
  local x first=1 out='['
  for x in "$@"; do
    ((first)) || out+=','
    first=0
    out+=$(json_str "$x")
  done
  printf '%s]' "$out"
}
printf '%s\n' "$TETHER_FINISHED" | atomic_write "$TETHER_A/finished_at"
if ((${#TETHER_BAD[@]} == 0 && ${#TETHER_NOT_RUN[@]} == 0)); then
  printf '0\n' | atomic_write "$TETHER_A/exit_code"
  write_marker "$TETHER_RUN_DIR/DONE" "$TETHER_ATTEMPT" 0 null cells "$TETHER_FINISHED" "\"cells\":${#TETHER_CELLS[@]}"
  tether_log "all ${#TETHER_CELLS[@]} cells done"
  exit 0
fi
TETHER_STAGE=cells
TETHER_SIGNAL=null
if [ -n "${TETHER_TERM:-}" ]; then
  TETHER_SIGNAL='"TERM"'
  [ -f "$TETHER_A/stop_requested" ] && TETHER_STAGE=stopped
fi
printf '1\n' | atomic_write "$TETHER_A/exit_code"
write_marker "$TETHER_RUN_DIR/FAILED" "$TETHER_ATTEMPT" 1 "$TETHER_SIGNAL" "$TETHER_STAGE" "$TETHER_FINISHED" \
  "\"failed_cells\":$(json_list "${TETHER_BAD[@]}"),\"not_run\":$(json_list "${TETHER_NOT_RUN[@]}")"
tether_log "failed: ${TETHER_BAD[*]:-none}; not run: ${TETHER_NOT_RUN[*]:-none}"
exit 1
