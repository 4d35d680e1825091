#!/usr/bin/env bash
# Stops a run's live attempt by its recorded handle, through the backend that started it (backend_stop_<name>).
# Args: RUN_DIR GRACE_S. Writes attempts/<n>/stop_requested (so the wrapper records stage `stopped`), sends
# TERM so the job can checkpoint, waits up to GRACE_S for the attempt to end, then sends KILL. A wrapper
# killed before it could write its marker gets FAILED written here, with stage `stopped` and signal KILL:
# a stopped run is never left looking dead. Never touches another run or a process it did not start.
# Prints one JSON object: attempt, was_alive, escalated (KILL was needed), alive (still running), marker_kind.

main() {
  local run_dir grace n a i was_alive=false escalated=false alive=false kind='' now
  run_dir=$(expand_home "$1")
  grace=$2
  [[ $grace =~ ^[0-9]{1,4}$ ]] || { echo "stop.sh: GRACE_S must be whole seconds" >&2; return 2; }
  [ -d "$run_dir" ] || { printf '{"error":"no-run","message":%s}\n' "$(json_str "no run record at $run_dir")"; return 0; }
  n=$(last_attempt "$run_dir")
  a=$run_dir/attempts/$n
  if ((n > 0)) && run_alive "$a"; then
    was_alive=true
    now_utc | atomic_write "$a/stop_requested"
    run_signal "$a" TERM
    for ((i = 0; i < grace * 5; i++)); do
      run_alive "$a" || break
      sleep 0.2
    done
    if run_alive "$a"; then
      escalated=true
      run_signal "$a" KILL
      for ((i = 0; i < 25; i++)); do
        run_alive "$a" || break
        sleep 0.2
      done
    fi
    run_alive "$a" && alive=true
    # The wrapper writes its marker a moment after its job ends; a killed wrapper never does.
    if [ "$alive" = false ]; then
      for ((i = 0; i < 10; i++)); do
        if [ -f "$run_dir/DONE" ] || [ -f "$run_dir/FAILED" ]; then break; fi
        sleep 0.2
      done
      if [ ! -f "$run_dir/DONE" ] && [ ! -f "$run_dir/FAILED" ]; then
        now=$(now_utc)
        write_marker "$run_dir/FAILED" "$n" 137 '"KILL"' stopped "$now"
        printf '137\n' | atomic_write "$a/exit_code"
        printf '%s\n' "$now" | atomic_write "$a/finished_at"
      fi
    fi
  fi
  if [ -f "$run_dir/DONE" ]; then kind=DONE; elif [ -f "$run_dir/FAILED" ]; then kind=FAILED; fi
  printf '{"attempt":%s,"was_alive":%s,"escalated":%s,"alive":%s,"marker_kind":"%s"}\n' "$n" "$was_alive" "$escalated" "$alive" "$kind"
}
main "$@"; exit $?
