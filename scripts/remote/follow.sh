#!/usr/bin/env bash
# The follower of a patrol `follow`: one per host, read-only, for as long as its SSH channel stays open.
# Prints one short JSON line per change worth a re-assessment and nothing else; the runner probes and
# judges (the follower never classifies anything). Never writes, never kills.
# Args: RUN_ROOT HEARTBEAT_LOST_S SETTLE_S. Stdin data: `run RUN_ID` lines, `hint B64_ERE` (crash hints,
# matched case-insensitively in new log bytes), then `end`. The rest of stdin stays open: the follower
# sleeps by reading it with a 1 s timeout, and exits when it ends (the connection dropped) or after
# MAX_S. Events: `{"e":"start"}`, then per run {"e":KIND,"run":ID} with KIND one of attempt (a new
# attempt began), crash (a hint in new log bytes), marker (DONE/FAILED written), exit (the job's process
# ended), heartbeat (the heartbeat went stale), checkpoint (a new settled checkpoint), cells (a sweep's
# cell ended); and `{"e":"alive"}` every 30 s.

LOG_READ_MAX=65536
MAX_S=90000
declare -A ATT LOGSZ MARK ALIVE HB CKPT CKSEEN CELLS
declare -a RUNS=()
HINT=''

emit() { printf '{"e":"%s"%s}\n' "$1" "${2:+,\"run\":\"$2\"}"; }

# Bytes of regular file $1 (0 when missing), without a subshell per call where bash can: stat is one fork.
size_of() {
  local s
  s=$(stat -c %s -- "$1" 2>/dev/null) || s=0
  [[ $s =~ ^[0-9]{1,18}$ ]] || s=0
  printf -v "$2" '%s' "$s"
}

# The newest checkpoint of run dir $1 as "mtime size path", or empty.
newest_checkpoint() {
  local workdir globs rec best='' bt=0 t
  rd workdir "$1/workdir"
  expand_home_var workdir "$workdir"
  rd globs "$1/checkpoints"
  [ -n "$globs" ] || return 0
  while IFS= read -r -d '' rec; do
    t=${rec%% *}
    t=${t%.*}
    [[ $t =~ ^[0-9]{1,15}$ ]] || continue
    if ((t > bt)); then bt=$t; best=$rec; fi
  done < <(glob_find "$workdir" "$globs")
  printf '%s' "$best"
}

# One look at run $1; $2: the second count (slow checks every 5 s).
look() {
  local id=$1 sec=$2 dir n a sz from m alive hb now rec t ended
  dir=$RUN_ROOT/$id
  [ -f "$dir/spec.json" ] || return 0
  last_attempt_var n "$dir"
  if [ "$n" != "${ATT[$id]:-}" ]; then
    [ -n "${ATT[$id]:-}" ] && emit attempt "$id"
    ATT[$id]=$n
    LOGSZ[$id]=''
    ALIVE[$id]=''
  fi
  a=$dir/attempts/$n
  m=''
  { [ -f "$dir/DONE" ] || [ -f "$dir/FAILED" ]; } && m=1
  if [ "$m" != "${MARK[$id]:-}" ]; then
    [ -n "$m" ] && emit marker "$id"
    MARK[$id]=$m
  fi
  if ((n > 0)); then
    size_of "$a/log" sz
    if [ -z "${LOGSZ[$id]}" ]; then
      LOGSZ[$id]=$sz
    elif ((sz > LOGSZ[$id])); then
      from=${LOGSZ[$id]}
      ((sz - from > LOG_READ_MAX)) && from=$((sz - LOG_READ_MAX))
      LOGSZ[$id]=$sz
      if [ -n "$HINT" ] && tail -c +"$((from + 1))" -- "$a/log" 2>/dev/null | head -c "$((sz - from))" | grep -Eiq -- "$HINT"; then
        emit crash "$id"
      fi
    elif ((sz < LOGSZ[$id])); then
      LOGSZ[$id]=$sz
    fi
  fi
  ((sec % 5 == 0)) || return 0
  # The slower looks: the process, the heartbeat, checkpoints, a sweep's cells.
  if ((n > 0)); then
    alive=0
    run_alive "$a" && alive=1
    [ "${ALIVE[$id]}" = 1 ] && ((alive == 0)) && emit exit "$id"
    ALIVE[$id]=$alive
  fi
  now=$(date +%s)
  hb=$(stat -c %Y -- "$dir/heartbeat" 2>/dev/null) || hb=''
  if [[ $hb =~ ^[0-9]+$ ]] && [ -z "$m" ]; then
    if ((now - hb > HB_LOST)); then
      [ "${HB[$id]:-}" = fresh ] && emit heartbeat "$id"
      HB[$id]=stale
    else
      HB[$id]=fresh
    fi
  fi
  rec=$(newest_checkpoint "$dir")
  if [ -n "$rec" ] && [ "$rec" != "${CKSEEN[$id]:-}" ]; then
    t=${rec%% *}
    t=${t%.*}
    # Reported once it has settled: unchanged for SETTLE_S (the next look sees the same record).
    if ((now - t >= SETTLE)); then
      [ -n "${CKPT[$id]:-}" ] && emit checkpoint "$id"
      CKPT[$id]=1
      CKSEEN[$id]=$rec
    fi
  fi
  if [ -f "$dir/cells.list" ]; then
    ended=$(find "$dir/cells" -mindepth 2 -maxdepth 2 \( -name DONE -o -name FAILED \) 2>/dev/null | head -n 1024 | wc -l)
    [ -n "${CELLS[$id]:-}" ] && [ "$ended" != "${CELLS[$id]}" ] && emit cells "$id"
    CELLS[$id]=$ended
  fi
}

main() {
  local key val sec=0 id
  RUN_ROOT=$(expand_home "$1")
  HB_LOST=$2
  SETTLE=$3
  [[ $HB_LOST =~ ^[0-9]{1,6}$ ]] || HB_LOST=120
  [[ $SETTLE =~ ^[0-9]{1,5}$ ]] || SETTLE=5
  while IFS=' ' read -r key val; do
    case $key in
      end) break ;;
      run) is_run_id "$val" && ((${#RUNS[@]} < 64)) && RUNS+=("$val") ;;
      hint) HINT=$(printf '%s' "$val" | base64 -d 2>/dev/null) || HINT='' ;;
    esac
  done
  # Each run's state as it is now: only changes from here on are events.
  for id in "${RUNS[@]}"; do
    look "$id" 0
    CKPT[$id]=1
  done
  emit start
  while ((sec < MAX_S)); do
    # The sleep: a 1 s read of the open stdin. End of input is the connection gone: stop.
    read -r -t 1 _ && continue
    (($? > 128)) || exit 0
    sec=$((sec + 1))
    for id in "${RUNS[@]}"; do look "$id" "$sec"; done
    ((sec % 30 == 0)) && emit alive
  done
}
main "$@"; exit $?
