#!/usr/bin/env bash
# One read-only patrol probe of a host, covering every requested run. Prints one JSON object.
# Args: RUN_ROOT. Stdin data: `run RUN_ID ATTEMPT LOG_OFFSET` lines (what the last tick saw), `cell RUN_ID
# CELL ATTEMPT LOG_OFFSET FINAL` lines for a sweep's cells the last tick saw (FINAL 1: it saw that attempt's
# DONE/FAILED, so its whole log was read), then `end`.
# Never writes, never kills; liveness comes from the recorded pid and its start time, never from
# matching command lines, so the probe cannot count itself. Every sub-command is bounded by `timeout`.
# Log bytes travel base64-encoded: the new bytes past LOG_OFFSET (at most DELTA_MAX, the newest kept)
# and the last TAIL_MAX bytes; parsing and classification happen in TypeScript (src/patrol).

# DELTA_MAX, TAIL_MAX, CELL_DELTA_MAX, CELL_TAIL_MAX (a sweep's cells get less log each: most are queued or
# settled) and CELLS_MAX come from the contract (src/record/contract.ts), sent ahead of lib.sh.
: "${DELTA_MAX:?}" "${TAIL_MAX:?}" "${CELL_DELTA_MAX:?}" "${CELL_TAIL_MAX:?}" "${CELLS_MAX:?}"
CKPT_MAX=20000
declare -A CELL_SEEN LIVE_START

# Checkpoints matching the run's globs (relative to its workdir, `**` allowed, `*.tmp` ignored):
# count and the newest file's path, mtime and size; symlinks are never followed, only counted.
checkpoints_json() {
  local run_dir=$1 workdir globs count=0 links=0 newest="" newest_t=0 newest_size=0 rec t rest j
  rd workdir "$run_dir/workdir"
  expand_home_var workdir "$workdir"
  rd globs "$run_dir/checkpoints"
  if [ -n "$globs" ] && [ -d "$workdir" ]; then
    while IFS= read -r -d '' rec; do
      t=${rec%% *}
      t=${t%.*}
      rest=${rec#* }
      if [[ $rest == 'L '* ]]; then
        links=$((links + 1))
        continue
      fi
      count=$((count + 1))
      [[ $t =~ ^[0-9]{1,15}$ ]] || continue
    if ((t > newest_t)); then
        newest_t=$t
        newest_size=${rest%% *}
        newest=${rest#* }
      fi
      ((count < CKPT_MAX)) || break
    done < <(glob_find "$workdir" "$globs")
  fi
  if ((count == 0)); then
    printf '{"count":0,"newest":null,"newest_mtime":null,"newest_bytes":null,"symlinks":%s}' "$links"
  else
    jv j "$newest"
    printf '{"count":%s,"newest":%s,"newest_mtime":%s,"newest_bytes":%s,"symlinks":%s}' "$count" "$j" "$newest_t" "$(json_int "$newest_size")" "$links"
  fi
}

# mtime and size of each file in one stat call: sets M[n] (mtime or null) and S[n] (size or 0) of the caller.
# Files stat'ed ahead by prestat (a sweep's live cells, in one call): path → "size mtime".
declare -A PRE

stat_files() {
  local i=0 f list=() idx=() size mt
  for f in "$@"; do
    M[i]=null
    S[i]=0
    if [ -n "${PRE[$f]:-}" ]; then
      size=${PRE[$f]%% *}
      mt=${PRE[$f]#* }
      [ "$mt" = - ] || M[i]=$mt
      S[i]=$size
    elif [ -e "$f" ]; then list+=("$f"); idx+=("$i"); fi
    i=$((i + 1))
  done
  ((${#list[@]})) || return 0
  i=0
  while IFS='|' read -r size mt; do
    # Only integers leave this function: the probe prints them unquoted into its JSON.
    [[ $mt =~ ^[0-9]{1,15}$ ]] && M[idx[i]]=$mt
    [[ $size =~ ^[0-9]{1,18}$ ]] && S[idx[i]]=$size
    i=$((i + 1))
  done < <(timeout 10 stat -c '%s|%Y' -- "${list[@]}" 2>/dev/null)
}

# The fields of one record (a run's or a cell's: the same layout) after its id: attempt, liveness, markers,
# times, log bytes (at most $4 new past offset $3 of attempt $2, and a tail of $5), checkpoints. No braces.
# With $6 = window (cells), the new bytes and the tail come as one read: `window_b64` from `window_from`.
record_fields() {
  local dir=$1 seen_attempt=$2 offset=$3 delta_max=$4 tail_max=$5 mode=${6:-} a n size alive=false marker="" marker_kind=null start wfrom
  local j_started j_finished j_marker j_spec j_handle j_notice pid exit_code started finished spec delta tail handle notice
  local -a M S
  last_attempt_var n "$dir"
  a=$dir/attempts/$n
  ((n > 0)) && run_alive "$a" && alive=true
  if [ -f "$dir/DONE" ]; then rd marker "$dir/DONE"; marker_kind='"DONE"'
  elif [ -f "$dir/FAILED" ]; then rd marker "$dir/FAILED"; marker_kind='"FAILED"'; fi
  stat_files "$a/log" "$a/started_at" "$dir/heartbeat"
  size=${S[0]}
  # The offset belongs to the attempt the last tick saw; a new attempt starts at 0.
  ((seen_attempt == n)) || offset=0
  log_start_var start "$offset" "$size" "$delta_max"
  rd pid "$a/pid"
  rd started "$a/started_at"
  rd finished "$a/finished_at"
  rd exit_code "$a/exit_code"
  rd spec "$dir/spec.json"
  rd handle "$a/handle"
  rd notice "$a/preempt_notice"
  jv j_notice "${notice:0:512}"
  jv j_started "$started"
  jv j_finished "$finished"
  jv j_marker "${marker:0:1024}"
  jv j_spec "${spec:0:8192}"
  jv j_handle "${handle:0:512}"
  delta=''
  tail=''
  if [ "$mode" = window ]; then
    log_window_var wfrom "$start" "$size" "$tail_max"
    # Read ahead by read_windows when it could (one process for all live cells), else here.
    if [ -n "${WIN[$a/log]+x}" ] && [ "${WIN_FROM[$a/log]}" = "$wfrom" ]; then
      delta=${WIN[$a/log]}
    elif ((size > 0)) && [ -f "$a/log" ]; then
      delta=$(timeout 10 tail -c +$((wfrom + 1)) "$a/log" 2>/dev/null | head -c $((delta_max + tail_max)) | base64 -w0)
    fi
    printf '"window_from":%s,"window_b64":"%s",' "$wfrom" "$delta"
    delta=''
  elif [ -n "${RFROM[$a/log]+x}" ] && [ "${RFROM[$a/log]}" = "$start" ]; then
    # Read ahead by read_run_logs (one process for every run's log), from this same offset.
    delta=${RDELTA[$a/log]}
    tail=${RTAIL[$a/log]}
  # Only a regular file is read (a FIFO or device planted as the log must not block the probe).
  elif ((size > 0)) && [ -f "$a/log" ]; then
    ((size > start)) && delta=$(timeout 10 tail -c +$((start + 1)) "$a/log" 2>/dev/null | head -c "$delta_max" | base64 -w0)
    tail=$(timeout 10 tail -c "$tail_max" "$a/log" 2>/dev/null | base64 -w0)
  fi
  local i_n i_pid i_se i_ec i_hb i_size i_lm i_start
  jiv i_n "$n"
  jiv i_pid "$pid"
  jiv i_se "${M[1]}"
  jiv i_ec "$exit_code"
  jiv i_hb "${M[2]}"
  jiv i_size "$size"
  jiv i_lm "${M[0]}"
  jiv i_start "$start"
  printf '"attempt":%s,"alive":%s,"pid":%s,"started_at":%s,"started_epoch":%s,' "$i_n" "$alive" "$i_pid" "$j_started" "$i_se"
  printf '"preempt_notice":%s,' "$j_notice"
  printf '"handle":%s,"finished_at":%s,"exit_code":%s,"marker":%s,"marker_kind":%s,"heartbeat_mtime":%s,' \
    "$j_handle" "$j_finished" "$i_ec" "$j_marker" "$marker_kind" "$i_hb"
  # A scheduler's own view of the attempt (backend_observe_<name>), when its backend has one.
  local backend=${handle%%:*}
  if [[ $backend =~ ^[a-z]+$ ]] && declare -F "backend_observe_$backend" >/dev/null; then
    printf '"scheduler":'
    "backend_observe_$backend" "$a"
    printf ','
  fi
  printf '"spec":%s,"log_size":%s,"log_mtime":%s,"delta_from":%s,"delta_b64":"%s","tail_b64":"%s","checkpoints":' \
    "$j_spec" "$i_size" "$i_lm" "$i_start" "$delta" "$tail"
  checkpoints_json "$dir"
}

# Where this tick's new log bytes start: at OFFSET $2 (where the last tick stopped in this same attempt; 0
# for a new one, or when the log is now shorter), but at most MAX $4 bytes before its SIZE $3. Sets $1.
log_start_var() {
  local _s=$2
  ((_s <= $3)) || _s=0
  (($3 - _s <= $4)) || _s=$(($3 - $4))
  printf -v "$1" '%s' "$_s"
}

# Where a cell's log window starts: at START $2, or earlier so that it also holds the last TAIL_MAX $4 bytes
# of its SIZE $3 (never before byte 0). Sets $1.
log_window_var() {
  local _w=$(($3 - $4))
  ((_w <= $2)) || _w=$2
  ((_w >= 0)) || _w=0
  printf -v "$1" '%s' "$_w"
}

# Byte ranges of many logs, read in one bounded process: lines `FROM MAX PATH` in $1; RANGES[i] is the
# base64 of at most MAX bytes of line i's PATH from byte FROM (empty for a file that is not a regular
# one: a FIFO or device planted as a log must not block the probe). A read cut short (timeout) sets only
# the lines it finished; the callers read the rest one by one.
declare -a RANGES
read_ranges() {
  local all
  local -a asked=() out=()
  RANGES=()
  [ -n "$1" ] || return 0
  mapfile -t asked <<<"$1"
  # Captured whole, then split: mapfile on a pipe reads a byte at a time, on the here-string's file in
  # blocks. `end` closes a complete read; otherwise the last line may be partial and is dropped.
  # shellcheck disable=SC2016 # the inner script expands its own variables
  all=$(printf '%s\n' "$1" | timeout 30 bash -c '
    while read -r from max f; do
      if [ -f "$f" ] && ((max > 0)); then tail -c +$((from + 1)) "$f" 2>/dev/null | head -c "$max" | base64 -w0; fi
      echo
    done
    echo end')
  mapfile -t out <<<"$all"
  if [ "${out[-1]}" = end ] && ((${#out[@]} == ${#asked[@]} + 1)); then
    RANGES=("${out[@]:0:${#asked[@]}}")
  else
    RANGES=("${out[@]:0:${#out[@]}-1}")
  fi
}

# The log windows of many cells (lines `FROM PATH` in $1) by read_ranges: WIN and WIN_FROM by path, at
# most CELL_DELTA_MAX + CELL_TAIL_MAX bytes each.
declare -A WIN WIN_FROM
read_windows() {
  local from f lines='' i=0
  local -a paths=() froms=()
  [ -n "$1" ] || return 0
  while read -r from f; do
    paths+=("$f") froms+=("$from")
    lines+="$from $((CELL_DELTA_MAX + CELL_TAIL_MAX)) $f"$'\n'
  done <<<"$1"
  read_ranges "${lines%$'\n'}"
  for ((i = 0; i < ${#RANGES[@]}; i++)); do
    WIN[${paths[i]}]=${RANGES[i]}
    WIN_FROM[${paths[i]}]=${froms[i]}
  done
}

# The runs' new log bytes and tails (lines `START SIZE PATH` in $1, START by log_start_var) by read_ranges:
# by path, RDELTA (at most DELTA_MAX bytes from START), RTAIL (the last TAIL_MAX bytes of SIZE) and RFROM.
declare -A RDELTA RTAIL RFROM
read_run_logs() {
  local start size f lines='' i=0
  local -a paths=() froms=()
  [ -n "$1" ] || return 0
  while read -r start size f; do
    paths+=("$f") froms+=("$start")
    lines+="$start $((size > start ? DELTA_MAX : 0)) $f"$'\n'
    lines+="$((size > TAIL_MAX ? size - TAIL_MAX : 0)) $TAIL_MAX $f"$'\n'
  done <<<"$1"
  read_ranges "${lines%$'\n'}"
  for ((i = 0; 2 * i + 1 < ${#RANGES[@]}; i++)); do
    RDELTA[${paths[i]}]=${RANGES[2 * i]}
    RTAIL[${paths[i]}]=${RANGES[2 * i + 1]}
    RFROM[${paths[i]}]=${froms[i]}
  done
}

# Lets each backend that can (backend_prefetch_<name>) learn about many attempts at once; by their handles.
prefetch_dirs() {
  local d h b
  local -A by=()
  local -a list
  for d in "$@"; do
    rd h "$d/handle"
    b=${h%%:*}
    [[ $b =~ ^[a-z]+$ ]] && declare -F "backend_prefetch_$b" >/dev/null && by[$b]+="$d"$'\n'
  done
  for b in "${!by[@]}"; do
    mapfile -t list <<<"${by[$b]%$'\n'}"
    "backend_prefetch_$b" "${list[@]}"
  done
}

# Stats many files in one call, for stat_files to find in PRE (a missing file is remembered as size 0).
prestat() {
  local -a M S
  local i=0 f
  (($#)) || return 0
  stat_files "$@"
  for f in "$@"; do
    if [ "${M[i]}" = null ]; then PRE[$f]="${S[i]} -"; else PRE[$f]="${S[i]} ${M[i]}"; fi
    i=$((i + 1))
  done
}

# A sweep's cells (cells.list order, at most CELLS_MAX): each cell's record as a run's, with less log per cell.
# A cell the last tick already saw finished (same attempt, its marker seen, so its whole log was read) is
# `settled`: only its marker is sent, no log, no stat and no checkpoint scan, so a long sweep's tick costs
# what its live cells cost.
cells_json() {
  local run_id=$1 run_dir=$2 c n v seen offset final j_marker marker kind k=0 i d cout='' unlaunched=0
  local -a names=() ns=() seens=() offsets=() finals=() kinds=() live=()
  # One pass over the cells: what each is (settled, queued or live) and, for the live ones, the files to stat.
  # Cell names passed is_cell_name, so they are JSON-safe as they are.
  while IFS= read -r c && ((k < CELLS_MAX)); do
    is_cell_name "$c" || continue
    k=$((k + 1))
    d=$run_dir/cells/$c
    # A name in cells.list without the cell record launch writes was never launched by tether: refused, counted.
    if [ ! -f "$d/spec.json" ]; then
      unlaunched=$((unlaunched + 1))
      continue
    fi
    last_attempt_var n "$d"
    v=${CELL_SEEN[$run_id/$c]:-0 0 0}
    seen=${v%% *}
    v=${v#* }
    offset=${v%% *}
    final=${v#* }
    kind=''
    if [ -f "$d/DONE" ]; then kind=DONE; elif [ -f "$d/FAILED" ]; then kind=FAILED; fi
    names+=("$c") ns+=("$n") seens+=("$seen") offsets+=("$offset") finals+=("$final") kinds+=("$kind")
    ((n > 0)) || continue
    [ -n "$kind" ] && ((seen == n && final == 1)) && continue
    live+=("$d/attempts/$n/log" "$d/attempts/$n/started_at" "$d/heartbeat")
    # The offset belongs to the attempt the last tick saw (record_fields resets it the same way).
    if ((seen == n)); then LIVE_START[$d/attempts/$n/log]=$offset; else LIVE_START[$d/attempts/$n/log]=0; fi
  done <"$run_dir/cells.list"
  prestat "${live[@]}"
  # Their scheduler states in one question, when a scheduler holds them.
  local -a cdirs=()
  for ((i = 0; i < ${#live[@]}; i += 3)); do cdirs+=("${live[i]%/log}"); done
  prefetch_dirs "${cdirs[@]}"
  # Then their log windows, in one read (the same window record_fields would take: see there).
  local wl='' p size start wfrom
  for ((i = 0; i < ${#live[@]}; i += 3)); do
    p=${live[i]}
    size=${PRE[$p]%% *}
    if ! [[ $size =~ ^[0-9]+$ ]] || ((size == 0)); then continue; fi
    log_start_var start "${LIVE_START[$p]}" "$size" "$CELL_DELTA_MAX"
    log_window_var wfrom "$start" "$size" "$CELL_TAIL_MAX"
    wl+="$wfrom $p"$'\n'
  done
  read_windows "${wl%$'\n'}"
  printf ',"cells":['
  for ((i = 0; i < ${#names[@]}; i++)); do
    c=${names[i]} n=${ns[i]} kind=${kinds[i]}
    ((i == 0)) || cout+=','
    if [ -n "$kind" ] && ((n > 0 && seens[i] == n && finals[i] == 1)); then
      rd marker "$run_dir/cells/$c/$kind"
      jv j_marker "${marker:0:1024}"
      cout+="{\"id\":\"$c\",\"exists\":true,\"settled\":true,\"attempt\":$n,\"marker_kind\":\"$kind\",\"marker\":$j_marker}"
    elif ((n == 0)); then
      # Queued: nothing started yet, so nothing to read (but why the queue holds it, when it does).
      marker=''
      [ -f "$run_dir/cells/$c/blocked" ] && rd marker "$run_dir/cells/$c/blocked"
      if [ -n "$marker" ]; then
        jv j_marker "${marker:0:512}"
        cout+="{\"id\":\"$c\",\"exists\":true,\"settled\":false,\"queued\":true,\"blocked\":$j_marker}"
      else
        cout+="{\"id\":\"$c\",\"exists\":true,\"settled\":false,\"queued\":true}"
      fi
    else
      printf '%s' "$cout"
      cout=''
      rd marker "$run_dir/cells/$c/attempts/$n/gpus"
      jv j_marker "${marker:0:256}"
      printf '{"id":"%s","exists":true,"settled":false,"gpus":%s,' "$c" "$j_marker"
      record_fields "$run_dir/cells/$c" "${seens[i]}" "${offsets[i]}" "$CELL_DELTA_MAX" "$CELL_TAIL_MAX" window
      printf '}'
    fi
  done
  printf '%s],"unlaunched_cells":%s' "$cout" "$unlaunched"
}

run_json() {
  local id=$1 seen_attempt=$2 offset=$3 run_dir j_id
  run_dir=$RUN_ROOT/$id
  jv j_id "$id"
  if [ ! -f "$run_dir/spec.json" ]; then
    printf '{"id":%s,"exists":false}' "$j_id"
    return
  fi
  printf '{"id":%s,"exists":true,' "$j_id"
  record_fields "$run_dir" "$seen_attempt" "$offset" "$DELTA_MAX" "$TAIL_MAX"
  [ -f "$run_dir/cells.list" ] && cells_json "$id" "$run_dir"
  printf '}'
}

main() {
  local key id seen offset first=1 i mem disk_bytes disk_inodes gpu out rc at
  RUN_ROOT=$(expand_home "$1")
  at=$RUN_ROOT
  while [ ! -e "$at" ] && [ "$at" != / ]; do at=$(dirname "$at"); done
  # (df -P prints a header and one line; read keeps the last, as tail -n 1 would, without a process)
  disk_bytes='' disk_inodes=''
  while IFS= read -r out; do disk_bytes=$out; done < <(timeout 10 df -P -B1 "$at" 2>/dev/null)
  while IFS= read -r out; do disk_inodes=$out; done < <(timeout 10 df -P -i "$at" 2>/dev/null)
  mem=$(cgroup_dir memory)
  gpu='{"present":false}'
  if command -v nvidia-smi >/dev/null 2>&1; then
    out=$(timeout 10 nvidia-smi --query-gpu=index,name,memory.total,memory.used,utilization.gpu,temperature.gpu,clocks.sm,clocks.max.sm,clocks_throttle_reasons.active --format=csv,noheader,nounits 2>&1)
    rc=$?
    gpu=$(printf '{"present":true,"exit_code":%s,"query":%s}' "$rc" "$(json_str "${out:0:8192}")")
  fi
  local k val btime=null
  while read -r k val; do
    if [ "$k" = btime ]; then btime=$val; break; fi
  done </proc/stat
  # The cgroup's memory files (v2, else v1) by the read builtin: no process per file.
  local m_max m_cur m_ev j_host j_bt j_db j_di j_mx j_mc j_me
  rd m_max "$mem/memory.max"
  [ -n "$m_max" ] || rd m_max "$mem/memory.limit_in_bytes"
  rd m_cur "$mem/memory.current"
  [ -n "$m_cur" ] || rd m_cur "$mem/memory.usage_in_bytes"
  rd m_ev "$mem/memory.events"
  [ -n "$m_ev" ] || rd m_ev "$mem/memory.oom_control"
  jv j_host "${HOSTNAME:-}"
  jiv j_bt "$btime"
  jv j_db "$disk_bytes"
  jv j_di "$disk_inodes"
  jv j_mx "${m_max:0:64}"
  jv j_mc "${m_cur:0:64}"
  jv j_me "${m_ev:0:1024}"
  printf '{"schema":"tether.probe/v1","hostname":%s,"now":%s,"btime":%s,"disk_bytes":%s,"disk_inodes":%s,' \
    "$j_host" "${EPOCHSECONDS:-$(date +%s)}" "$j_bt" "$j_db" "$j_di"
  printf '"memory":{"max":%s,"current":%s,"events":%s},"gpu":%s,"runs":[' "$j_mx" "$j_mc" "$j_me" "$gpu"
  local -a RUN_LINES=()
  local cell
  local final
  while read -r key id seen offset cell final; do
    [ "$key" = end ] && break
    if [ "$key" = cell ]; then
      # `cell RUN CELL ATTEMPT OFFSET FINAL`: here seen is the cell name, offset the attempt, cell the offset.
      if is_run_id "$id" && is_cell_name "$seen" && [[ $offset =~ ^(0|[1-9][0-9]{0,5})$ ]] && [[ $cell =~ ^(0|[1-9][0-9]{0,14})$ ]] && [[ $final =~ ^[01]$ ]]; then
        CELL_SEEN[$id/$seen]="$offset $cell $final"
      fi
      continue
    fi
    if [ "$key" != run ] || ! is_run_id "$id" || ! [[ $seen =~ ^(0|[1-9][0-9]{0,5})$ ]] || ! [[ $offset =~ ^(0|[1-9][0-9]{0,14})$ ]]; then continue; fi
    RUN_LINES+=("$id $seen $offset")
  done
  # Schedulers answer for all the runs' jobs at once (backend_prefetch_<name>), not once per run.
  local -a dirs=() files=() starts=()
  local n a size start logs=''
  for key in "${RUN_LINES[@]}"; do
    read -r id seen offset <<<"$key"
    last_attempt_var n "$RUN_ROOT/$id"
    ((n > 0)) || continue
    a=$RUN_ROOT/$id/attempts/$n
    dirs+=("$a")
    files+=("$a/log" "$a/started_at" "$RUN_ROOT/$id/heartbeat")
    # The offset belongs to the attempt the last tick saw (record_fields resets it the same way).
    if ((seen == n)); then starts+=("$offset"); else starts+=(0); fi
  done
  prefetch_dirs "${dirs[@]}"
  # Every run's files in one stat, then every log's new bytes and tail in one read (not a process each).
  prestat "${files[@]}"
  for ((i = 0; i < ${#dirs[@]}; i++)); do
    a=${dirs[i]}
    size=${PRE[$a/log]%% *}
    if ! [[ $size =~ ^[0-9]+$ ]] || ((size == 0)); then continue; fi
    log_start_var start "${starts[i]}" "$size" "$DELTA_MAX"
    logs+="$start $size $a/log"$'\n'
  done
  read_run_logs "${logs%$'\n'}"
  for key in "${RUN_LINES[@]}"; do
    read -r id seen offset <<<"$key"
    ((first)) || printf ','
    first=0
    run_json "$id" "$seen" "$offset"
  done
  printf ']}\n'
}
main "$@"; exit $?
