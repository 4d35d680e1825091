#!/usr/bin/env bash
# Bounded confirmation after launch: waits up to WAIT_S seconds (returning early if the attempt ends),
# then reports whether the wrapper is alive, the log exists, any marker, and the log's first lines.
# Args: RUN_DIR ATTEMPT WAIT_S

main() {
  local run_dir n wait a i alive=false marker="" kind=""
  run_dir=$(expand_home "$1")
  n=$2
  wait=$3
  a=$run_dir/attempts/$n
  local h=''
  rd h "$a/handle"
  for ((i = 0; i < wait * 5; i++)); do
    run_alive "$a" || break
    # A scheduler's job that has not started on a node yet (no pid) has nothing to confirm: it waits in the
    # queue, which may take hours; the patrol follows it from here.
    if declare -F "backend_queued_${h%%:*}" >/dev/null && [ ! -s "$a/pid_start" ]; then break; fi
    sleep 0.2
  done
  run_alive "$a" && alive=true
  if [ -f "$run_dir/DONE" ]; then kind=DONE; elif [ -f "$run_dir/FAILED" ]; then kind=FAILED; fi
  [ -z "$kind" ] || rd marker "$run_dir/$kind"
  printf '{"alive":%s,"log_exists":%s,"marker_kind":"%s","marker":%s,"head":%s}\n' "$alive" \
    "$([ -f "$a/log" ] && echo true || echo false)" "$kind" "$(json_str "${marker:0:4096}")" \
    "$(json_str "$([ -f "$a/log" ] && timeout 5 head -c 4096 "$a/log" 2>/dev/null | head -n 40)")"
}
main "$@"; exit $?
