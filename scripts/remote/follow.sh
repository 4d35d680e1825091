#!/usr/bin/env bash
# The follower of a patrol `follow`: one per host, read-only, for as long as its SSH channel stays open.
# Prints one short JSON line per change worth a re-assessment and nothing else; the runner probes and
# judges (the follower never classifies anything). Never writes, never kills.
# Args: RUN_ROOT HEARTBEAT_LOST_S SETTLE_S. Stdin data: `run RUN_ID` lines, `hint B64_ERE` (crash hints,
# matched case-insensitively in new log bytes), then `end`. The rest of stdin stays open: the follower
# sleeps by reading it with a 1 s timeout, and exits when it ends (the connection dropped) or after
# MAX_S. Each second costs no process: logs are read from held descriptors; the process, heartbeat,
# checkpoints and cells are looked at every 5 s. Events: `{"e":"start"}`, then per run {"e":KIND,"run":ID} with KIND one of attempt (a new
# attempt began), crash (a hint in new log bytes), marker (DONE/FAILED written), exit (the job's process
# ended), heartbeat (the heartbeat went stale), checkpoint (a new settled checkpoint), cells (a sweep's
# cell ended); and `{"e":"alive"}` every 30 s.

LOG_READ_MAX=65536
MAX_S=432000
declare -A ATT MARK ALIVE HB CKPT CKSEEN CELLS
declare -a RUNS=()
HINT=''
INIT=0

# Prints an event; nothing during the first look (it only learns how things are now).
emit() { ((INIT)) || printf '{"e":"%s"%s}\n' "$1" "${2:+,\"run\":\"$2\"}"; }

# Each run's current attempt log, held open: new bytes are read from the descriptor every second with no
# process started (bash cannot seek, so on opening, one dd moves the shared file offset to the end).
declare -A LOGFD

open_log() {
  local id=$1 log=$2 fd old size
  old=${LOGFD[$id]:-}
  [ -n "$old" ] && exec {old}<&-
  unset "LOGFD[$id]"
  [ -f "$log" ] || return 0
  exec {fd}<"$log" || return 0
  if ((INIT)); then
    size=$(stat -c %s -- "$log" 2>/dev/null) || size=0
    [[ $size =~ ^[0-9]{1,18}$ ]] && ((size > 0)) && dd bs=1 skip="$size" count=0 <&"$fd" 2>/dev/null
  fi
  LOGFD[$id]=$fd
}

# The bytes appended to run $1's log since the last call (at most LOG_READ_MAX), in `NEW`.
read_new() {
  local fd=${LOGFD[$1]:-} chunk
  NEW=''
  [ -n "$fd" ] || return 0
  while ((${#NEW} < LOG_READ_MAX)); do
    chunk=''
    IFS= read -r -d '' -N 16384 -u "$fd" chunk 2>/dev/null
    [ -n "$chunk" ] || break
    NEW+=$chunk
  done
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
    # A symlink is never a checkpoint (the patrol's probe counts and warns about it).
    [[ ${rec#* } == 'L '* ]] && continue
    if ((t > bt)); then bt=$t; best=$rec; fi
  done < <(glob_find "$workdir" "$globs")
  printf '%s' "$best"
}

# One look at run $1; $2: the second count (slow checks every 5 s).
look() {
  local id=$1 sec=$2 dir n a m alive hb now rec t ended
  dir=$RUN_ROOT/$id
  [ -f "$dir/spec.json" ] || return 0
  last_attempt_var n "$dir"
  if [ "$n" != "${ATT[$id]:-}" ]; then
    emit attempt "$id"
    ATT[$id]=$n
    ALIVE[$id]=''
    # A new attempt's log is read from its start (the follower's first look starts at its end).
    open_log "$id" "$dir/attempts/$n/log"
  fi
  a=$dir/attempts/$n
  m=''
  { [ -f "$dir/DONE" ] || [ -f "$dir/FAILED" ]; } && m=1
  if [ "$m" != "${MARK[$id]:-}" ]; then
    [ -n "$m" ] && emit marker "$id"
    MARK[$id]=$m
  fi
  if ((n > 0)); then
    [ -n "${LOGFD[$id]:-}" ] || open_log "$id" "$a/log"
    read_new "$id"
    if [ -n "$NEW" ] && [ -n "$HINT" ]; then
      shopt -s nocasematch
      [[ $NEW =~ $HINT ]] && emit crash "$id"
      shopt -u nocasematch
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
  printf -v now '%(%s)T' -1
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
    if is_settled "$t" "$now" "$SETTLE"; then
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
  INIT=1
  for id in "${RUNS[@]}"; do
    look "$id" 0
    CKPT[$id]=1
  done
  INIT=0
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
