#!/usr/bin/env bash
# Reads a run's log, bounded: the bytes of one attempt's log from OFFSET, at most MAX of them (when OFFSET is
# -1: the last MAX bytes). Read-only. Args: RUN_DIR ATTEMPT OFFSET MAX (ATTEMPT 0: the newest attempt).
# Prints one JSON object: attempt, size (the log's bytes now), from, data (base64 of the bytes read), ended
# (DONE or FAILED written for that attempt's run, or a newer attempt exists), alive.

main() {
  local run_dir n offset max a size from data ended=false alive=false last
  run_dir=$(expand_home "$1")
  n=$2
  offset=$3
  max=$4
  [[ $n =~ ^[0-9]{1,6}$ && $offset =~ ^-?[0-9]{1,18}$ && $max =~ ^[0-9]{1,9}$ ]] || { echo "logs.sh: bad arguments" >&2; return 2; }
  [ -d "$run_dir" ] || { printf '{"error":"no-run","message":%s}\n' "$(json_str "no run record at $run_dir")"; return 0; }
  last=$(last_attempt "$run_dir")
  ((n == 0)) && n=$last
  a=$run_dir/attempts/$n
  if ((n == 0)) || [ ! -d "$a" ]; then
    printf '{"error":"no-attempt","message":%s}\n' "$(json_str "run $(basename "$run_dir") has no attempt $n (newest: $last)")"
    return 0
  fi
  size=0
  # Only a regular file is read: a FIFO or a device planted as the log must not block or flood.
  [ -f "$a/log" ] && size=$(stat -c %s "$a/log")
  if ((offset < 0)); then from=$((size > max ? size - max : 0)); else from=$((offset > size ? size : offset)); fi
  data=''
  if ((size > from)) && [ -f "$a/log" ]; then
    data=$(tail -c "+$((from + 1))" "$a/log" 2>/dev/null | head -c "$max" | base64 -w0)
  fi
  if ((n < last)) || { ((n == last)) && { [ -f "$run_dir/DONE" ] || [ -f "$run_dir/FAILED" ]; }; }; then ended=true; fi
  run_alive "$a" && alive=true
  printf '{"attempt":%s,"size":%s,"from":%s,"data":"%s","ended":%s,"alive":%s}\n' "$n" "$size" "$from" "$data" "$ended" "$alive"
}
main "$@"; exit $?
