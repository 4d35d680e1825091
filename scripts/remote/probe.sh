#!/usr/bin/env bash
# One read-only patrol probe of a host, covering every requested run. Prints one JSON object.
# Args: RUN_ROOT. Stdin data: `run RUN_ID ATTEMPT LOG_OFFSET` lines (what the last tick saw), `cell RUN_ID
# CELL ATTEMPT LOG_OFFSET` lines for a sweep's cells the last tick saw, then `end`.
# Never writes, never kills; liveness comes from the recorded pid and its start time, never from
# matching command lines, so the probe cannot count itself. Every sub-command is bounded by `timeout`.
# Log bytes travel base64-encoded: the new bytes past LOG_OFFSET (at most DELTA_MAX, the newest kept)
# and the last TAIL_MAX bytes; parsing and classification happen in TypeScript (src/patrol).

DELTA_MAX=65536
TAIL_MAX=8192
CKPT_MAX=20000
# A sweep's cells: less log each (most are queued or settled), at most CELLS_MAX of them.
CELL_DELTA_MAX=16384
CELL_TAIL_MAX=4096
CELLS_MAX=512
declare -A CELL_SEEN

# Checkpoints matching the run's globs (relative to its workdir, `**` allowed, `*.tmp` ignored):
# count and the newest file's path, mtime and size.
checkpoints_json() {
  local run_dir=$1 workdir globs count=0 newest="" newest_t=0 newest_size=0 rec t rest j
  rd workdir "$run_dir/workdir"
  workdir=$(expand_home "$workdir")
  rd globs "$run_dir/checkpoints"
  if [ -n "$globs" ] && [ -d "$workdir" ]; then
    # find prints "mtime size path"; the subshell globs each pattern whole (IFS empty: no splitting).
    while IFS= read -r -d '' rec; do
      count=$((count + 1))
      t=${rec%% *}
      t=${t%.*}
      rest=${rec#* }
      [[ $t =~ ^[0-9]{1,15}$ ]] || continue
    if ((t > newest_t)); then
        newest_t=$t
        newest_size=${rest%% *}
        newest=${rest#* }
      fi
      ((count < CKPT_MAX)) || break
    done < <(
      cd "$workdir" || exit 0
      shopt -s globstar nullglob
      while IFS= read -r pattern; do
        [ -n "$pattern" ] || continue
        IFS=
        # shellcheck disable=SC2086 # globbing is the point; IFS is empty so nothing splits
        set -- $pattern
        IFS=$' \t\n'
        (($# > 0)) && timeout 10 find "$@" -maxdepth 0 -type f ! -name '*.tmp' -printf '%T@ %s %p\0' 2>/dev/null
      done <<<"$globs"
    )
  fi
  if ((count == 0)); then
    printf '{"count":0,"newest":null,"newest_mtime":null,"newest_bytes":null}'
  else
    jv j "$newest"
    printf '{"count":%s,"newest":%s,"newest_mtime":%s,"newest_bytes":%s}' "$count" "$j" "$newest_t" "$(json_int "$newest_size")"
  fi
}

# mtime and size of each file in one stat call: sets M[n] (mtime or null) and S[n] (size or 0) of the caller.
stat_files() {
  local i=0 f list=() idx=() size mt
  for f in "$@"; do
    M[i]=null
    S[i]=0
    if [ -e "$f" ]; then list+=("$f"); idx+=("$i"); fi
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
# times, log bytes (at most $5 new past offset $3 of attempt $2, and a tail of $6), checkpoints. No braces.
record_fields() {
  local dir=$1 seen_attempt=$2 offset=$3 delta_max=$4 tail_max=$5 a n size alive=false marker="" marker_kind=null start
  local j_started j_finished j_marker j_spec j_handle pid exit_code started finished spec delta tail handle
  local -a M S
  n=$(last_attempt "$dir")
  a=$dir/attempts/$n
  ((n > 0)) && run_alive "$a" && alive=true
  if [ -f "$dir/DONE" ]; then rd marker "$dir/DONE"; marker_kind='"DONE"'
  elif [ -f "$dir/FAILED" ]; then rd marker "$dir/FAILED"; marker_kind='"FAILED"'; fi
  stat_files "$a/log" "$a/started_at" "$dir/heartbeat"
  size=${S[0]}
  # The offset belongs to the attempt the last tick saw; a new attempt (or a truncated log) starts at 0.
  if ((seen_attempt != n || offset > size)); then offset=0; fi
  start=$offset
  ((size - start <= delta_max)) || start=$((size - delta_max))
  rd pid "$a/pid"
  rd started "$a/started_at"
  rd finished "$a/finished_at"
  rd exit_code "$a/exit_code"
  rd spec "$dir/spec.json"
  rd handle "$a/handle"
  jv j_started "$started"
  jv j_finished "$finished"
  jv j_marker "${marker:0:1024}"
  jv j_spec "${spec:0:8192}"
  jv j_handle "${handle:0:512}"
  delta=''
  tail=''
  # Only a regular file is read (a FIFO or device planted as the log must not block the probe).
  if ((size > 0)) && [ -f "$a/log" ]; then
    ((size > start)) && delta=$(timeout 10 tail -c +$((start + 1)) "$a/log" 2>/dev/null | head -c "$delta_max" | base64 -w0)
    tail=$(timeout 10 tail -c "$tail_max" "$a/log" 2>/dev/null | base64 -w0)
  fi
  printf '"attempt":%s,"alive":%s,"pid":%s,"started_at":%s,"started_epoch":%s,' \
    "$(json_int "$n")" "$alive" "$(json_int "$pid")" "$j_started" "$(json_int "${M[1]}")"
  printf '"handle":%s,"finished_at":%s,"exit_code":%s,"marker":%s,"marker_kind":%s,"heartbeat_mtime":%s,' \
    "$j_handle" "$j_finished" "$(json_int "$exit_code")" "$j_marker" "$marker_kind" "$(json_int "${M[2]}")"
  printf '"spec":%s,"log_size":%s,"log_mtime":%s,"delta_from":%s,"delta_b64":"%s","tail_b64":"%s","checkpoints":' \
    "$j_spec" "$(json_int "$size")" "$(json_int "${M[0]}")" "$(json_int "$start")" "$delta" "$tail"
  checkpoints_json "$dir"
}

# A sweep's cells (cells.list order, at most CELLS_MAX): each cell's record as a run's, with less log per cell.
# A cell the last tick already saw finished (same attempt, whole log read, a marker) is `settled`: only its
# marker is sent, no log and no checkpoint scan, so a long sweep's tick costs what its live cells cost.
cells_json() {
  local run_id=$1 run_dir=$2 c first=1 n seen offset j_c j_marker marker kind size k=0
  local -a M S
  printf ',"cells":['
  while IFS= read -r c && ((k < CELLS_MAX)); do
    is_cell_name "$c" || continue
    k=$((k + 1))
    ((first)) || printf ','
    first=0
    jv j_c "$c"
    read -r seen offset <<<"${CELL_SEEN[$run_id/$c]:-0 0}"
    n=$(last_attempt "$run_dir/cells/$c")
    kind=''
    [ -f "$run_dir/cells/$c/DONE" ] && kind=DONE
    [ -z "$kind" ] && [ -f "$run_dir/cells/$c/FAILED" ] && kind=FAILED
    if [ -n "$kind" ] && ((n > 0 && seen == n)); then
      stat_files "$run_dir/cells/$c/attempts/$n/log"
      size=${S[0]}
      if ((offset == size)); then
        rd marker "$run_dir/cells/$c/$kind"
        jv j_marker "${marker:0:1024}"
        printf '{"id":%s,"exists":true,"settled":true,"attempt":%s,"marker_kind":"%s","marker":%s}' "$j_c" "$n" "$kind" "$j_marker"
        continue
      fi
    fi
    printf '{"id":%s,"exists":true,"settled":false,' "$j_c"
    rd marker "$run_dir/cells/$c/attempts/$n/gpus"
    jv j_marker "${marker:0:256}"
    printf '"gpus":%s,' "$j_marker"
    record_fields "$run_dir/cells/$c" "$seen" "$offset" "$CELL_DELTA_MAX" "$CELL_TAIL_MAX"
    printf '}'
  done <"$run_dir/cells.list"
  printf ']'
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
  local key id seen offset first=1 mem disk_bytes disk_inodes gpu out rc at
  RUN_ROOT=$(expand_home "$1")
  at=$RUN_ROOT
  while [ ! -e "$at" ] && [ "$at" != / ]; do at=$(dirname "$at"); done
  disk_bytes=$(timeout 10 df -P -B1 "$at" 2>/dev/null | tail -n 1)
  disk_inodes=$(timeout 10 df -P -i "$at" 2>/dev/null | tail -n 1)
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
  printf '{"schema":"tether.probe/v1","hostname":%s,"now":%s,"btime":%s,"disk_bytes":%s,"disk_inodes":%s,' \
    "$(json_str "${HOSTNAME:-}")" "${EPOCHSECONDS:-$(date +%s)}" "$(json_int "$btime")" \
    "$(json_str "$disk_bytes")" "$(json_str "$disk_inodes")"
  printf '"memory":{"max":%s,"current":%s,"events":%s},"gpu":%s,"runs":[' \
    "$(json_str "$(head -c 64 "$mem/memory.max" 2>/dev/null || head -c 64 "$mem/memory.limit_in_bytes" 2>/dev/null)")" \
    "$(json_str "$(head -c 64 "$mem/memory.current" 2>/dev/null || head -c 64 "$mem/memory.usage_in_bytes" 2>/dev/null)")" \
    "$(json_str "$(head -c 1024 "$mem/memory.events" 2>/dev/null || head -c 1024 "$mem/memory.oom_control" 2>/dev/null)")" "$gpu"
  local -a RUN_LINES=()
  local cell
  while read -r key id seen offset cell; do
    [ "$key" = end ] && break
    if [ "$key" = cell ]; then
      # `cell RUN CELL ATTEMPT OFFSET`: here seen is the cell name, offset the attempt, cell the offset.
      if is_run_id "$id" && is_cell_name "$seen" && [[ $offset =~ ^(0|[1-9][0-9]{0,5})$ ]] && [[ $cell =~ ^(0|[1-9][0-9]{0,14})$ ]]; then
        CELL_SEEN[$id/$seen]="$offset $cell"
      fi
      continue
    fi
    if [ "$key" != run ] || ! is_run_id "$id" || ! [[ $seen =~ ^(0|[1-9][0-9]{0,5})$ ]] || ! [[ $offset =~ ^(0|[1-9][0-9]{0,14})$ ]]; then continue; fi
    RUN_LINES+=("$id $seen $offset")
  done
  for key in "${RUN_LINES[@]}"; do
    read -r id seen offset <<<"$key"
    ((first)) || printf ','
    first=0
    run_json "$id" "$seen" "$offset"
  done
  printf ']}\n'
}
main "$@"; exit $?
