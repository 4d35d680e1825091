#!/usr/bin/env bash
# A run's own Slurm jobs (provider slurm's teardown): exactly the job ids its attempts recorded
# (attempts/<n>/handle = slurm:<id>), never a job found by name or user. Prints one JSON object.
# Args: RUN_ROOT RUN_ID ACTION — state (each job's state and reason), cancel (scancel them), hold
# (scontrol hold the pending ones). Exit 0, or 30 (JSON says why) when the run has no record or no job.

refuse() {
  printf '{"error":%s}\n' "$(json_str "$1")"
  exit 30
}

main() {
  local run_root run_dir action d job first=1 j_s j_r
  local -a jobs=()
  local -A seen=()
  run_root=$(expand_home "$1")
  run_dir=$run_root/$2
  action=$3
  is_run_id "$2" || refuse "bad run id"
  [ -f "$run_dir/spec.json" ] || refuse "no run record at $run_dir"
  slurm_env "$run_dir"
  for d in "$run_dir"/attempts/*/; do
    [ -d "$d" ] || continue
    slurm_job_var job "${d%/}" || continue
    [ -n "${seen[$job]:-}" ] && continue
    seen[$job]=1
    jobs+=("$job")
  done
  ((${#jobs[@]})) || refuse "run $2 has no Slurm job recorded (backend slurm?)"
  case $action in
    cancel) timeout 30 scancel "${jobs[@]}" 2>/dev/null ;;
    hold)
      for job in "${jobs[@]}"; do
        slurm_state "$job" && [ "$SLURM_STATE" = PENDING ] && timeout 30 scontrol hold "$job" 2>/dev/null
      done
      ;;
    state) ;;
    *) refuse "unknown action $action" ;;
  esac
  printf '{"jobs":['
  for job in "${jobs[@]}"; do
    ((first)) || printf ','
    first=0
    if slurm_state "$job"; then
      jv j_s "${SLURM_STATE:0:32}"
      jv j_r "${SLURM_REASON:0:256}"
    else
      j_s='"UNKNOWN"' j_r='""'
    fi
    printf '{"id":"%s","state":%s,"reason":%s}' "$job" "$j_s" "$j_r"
  done
  printf ']}\n'
}
main "$@"; exit $?
