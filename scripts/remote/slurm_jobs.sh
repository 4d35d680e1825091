#!/usr/bin/env bash
# A run's own Slurm jobs (provider slurm's teardown): the job ids tether itself recorded, never a job
# found by name or user. Prints one JSON object.
# Args: RUN_ROOT RUN_ID ACTION — state (each job's state and reason), cancel (scancel them), hold
# (scontrol hold the pending ones). Stdin data: `jobs` (the job ids sbatch answered at launch, from the
# signed registration; empty: the attempts' handle files, which the job itself could have rewritten), end.
# Before acting on a job Slurm still knows, its name, comment and user must be the run's (tether-<run>,
# tether:<run>:<attempt>, this user): a job that is not is refused by name and nothing is acted on.
# Exit 0, or 30 (JSON says why) when the run has no record, no job, or a job that is not its own.

refuse() {
  printf '{"error":%s}\n' "$(json_str "$1")"
  exit 30
}

DATA_jobs=''

# Refuses unless every job in `jobs` that squeue still lists is this run's: name tether-<run>, comment
# tether:<run>:<attempt>, submitted by this user.
check_owner() {
  local run=$1 id name comment user me
  me=$(id -un)
  while IFS='|' read -r id name comment user; do
    [ -n "$id" ] || continue
    local n=${comment#"tether:$run:"}
    if [ "$name" != "tether-$run" ] || [ "$n" = "$comment" ] || ! is_attempt "$n" || [ "$user" != "$me" ]; then
      refuse "job ${id:0:24} is not run $run's own (squeue says name ${name:0:80}, comment ${comment:0:80}, user ${user:0:32}): nothing was cancelled or held"
    fi
  done < <(timeout 15 squeue -h -j "$(
    IFS=,
    echo "${jobs[*]}"
  )" -o '%i|%j|%k|%u' 2>/dev/null)
}

main() {
  local run_root run_dir action d job first=1 j_s j_r
  local -a jobs=()
  local -A seen=()
  run_root=$(expand_home "$1")
  run_dir=$run_root/$2
  action=$3
  is_run_id "$2" || refuse "bad run id"
  read_data || refuse "the request did not arrive complete"
  [ -f "$run_dir/spec.json" ] || refuse "no run record at $run_dir"
  slurm_env "$run_dir"
  if [ -n "$DATA_jobs" ]; then
    for job in $DATA_jobs; do
      [[ $job =~ ^[0-9]{1,12}$ ]] || refuse "bad job id ${job:0:24}"
      [ -n "${seen[$job]:-}" ] || jobs+=("$job")
      seen[$job]=1
    done
  else
    for d in "$run_dir"/attempts/*/; do
      [ -d "$d" ] || continue
      slurm_job_var job "${d%/}" || continue
      [ -n "${seen[$job]:-}" ] && continue
      seen[$job]=1
      jobs+=("$job")
    done
  fi
  ((${#jobs[@]})) || refuse "run $2 has no Slurm job recorded (backend slurm?)"
  [ "$action" = state ] || check_owner "$2"
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
