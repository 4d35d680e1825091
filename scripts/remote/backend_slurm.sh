#!/usr/bin/env bash
# shellcheck disable=SC2034 # HANDLE and NOTE are set here for launch.sh, which sources this file
# Backend slurm (sent with lib.sh to every on-box script): the wrapper is the batch script, submitted with
# sbatch on the login node; the job runs on compute nodes over the shared filesystem the run record lives
# on. The handle is `slurm:<job id>`; liveness and state come from Slurm (squeue, then sacct), never from a
# pid on the login node. SLURM_CONF comes from the run record (the `slurm-conf` input), when given.

# SLURM_CONF of the run whose record holds attempt dir $1 (or RUN_DIR), exported for the slurm commands.
slurm_env() {
  local conf='' run=${1:-$RUN_DIR}
  rd conf "$run/slurm_conf"
  if [ -n "$conf" ]; then export SLURM_CONF=$conf; fi
}

# Sets the variable named $1 to the job id of the attempt in dir $2, from its handle (digits, or an array
# task `J_T`: it goes into squeue/scancel argv); false when the handle is not a Slurm job's.
slurm_job_var() {
  local _h=''
  rd _h "$2/handle"
  _h=${_h#slurm:}
  [[ $_h =~ ^[0-9]{1,12}(_[0-9]{1,6})?$ ]] || return 1
  printf -v "$1" '%s' "$_h"
}

# Submits wrapper $1 as attempt $2 (heartbeat $3 s) with the run's recorded sbatch options; sets HANDLE.
# An sbatch refusal (bad partition, account, QOS) is a failed launch with Slurm's own words, and leaves no
# attempt behind.
backend_start_slurm() {
  local wrapper=$1 n=$2 hb=$3 a id err run_id
  local -a opts=()
  a=$RUN_DIR/attempts/$n
  run_id=${RUN_DIR##*/}
  slurm_env "$RUN_DIR"
  command -v sbatch >/dev/null 2>&1 || { rm -rf "$a"; refuse 15 backend-unavailable "sbatch is not on the login node's PATH"; }
  [ -f "$RUN_DIR/sbatch_options" ] && mapfile -t opts <"$RUN_DIR/sbatch_options"
  # The job carries the run and attempt in its name and comment: teardown checks them before any scancel.
  id=$( (export_job_env && exec timeout 60 sbatch --parsable --job-name="tether-$run_id" --comment="tether:$run_id:$n" --output="$a/slurm.out" --open-mode=append \
    "${opts[@]}" "${SLURM_EXTRA[@]}" "$wrapper" "$RUN_DIR" "$n" "$hb") 2>"$a/sbatch.err" 9>&-)
  id=${id%%;*}
  if ! [[ $id =~ ^[0-9]{1,12}$ ]]; then
    rd err "$a/sbatch.err"
    rm -rf "$a"
    refuse 18 sbatch-refused "sbatch refused the job: ${err:0:2000}"
  fi
  atomic_put "$a/job_id" "$id"$'\n'
  HANDLE="slurm:$id"
}

# What backend_prefetch_slurm learnt for many jobs at once: squeue's line or sacct's, by job id.
declare -A SLURM_SQ SLURM_SA SLURM_PRE

# Asks Slurm once about the jobs of many attempt dirs (the probe's runs and cells): one squeue for all of
# them, then one sacct for those squeue no longer knows. slurm_state then reads the answers, not Slurm.
backend_prefetch_slurm() {
  local d job conf='' first_conf='' line id rest base
  local -a jobs=()
  for d in "$@"; do
    slurm_job_var job "$d" || continue
    rd conf "${d%/attempts/*}/slurm_conf"
    if ((${#jobs[@]} == 0)); then first_conf=$conf; elif [ "$conf" != "$first_conf" ]; then continue; fi
    jobs+=("$job")
  done
  ((${#jobs[@]})) || return 0
  if [ -n "$first_conf" ]; then export SLURM_CONF=$first_conf; fi
  local IFS=,
  while IFS='|' read -r id rest; do
    [[ $id =~ ^[0-9]{1,12}(_[0-9]{1,6})?$ ]] || [[ $id =~ ^[0-9]{1,12}_\[ ]] || continue
    SLURM_SQ[$id]=$rest
    # An array job answers for its tasks (123_4, or 123_[5-7] still pending): the job id alone is its first.
    base=${id%%_*}
    [ -n "${SLURM_SQ[$base]:-}" ] || SLURM_SQ[$base]=$rest
  done < <(SLURM_TIME_FORMAT=%s timeout 15 squeue -h -j "${jobs[*]}" -o '%i|%T|%r|%N|%M|%l|%V' 2>/dev/null)
  local -a gone=()
  for job in "${jobs[@]}"; do [ -n "${SLURM_SQ[$job]:-}" ] || gone+=("$job"); done
  if ((${#gone[@]})); then
    local out
    out=$(timeout 15 sacct -n -P -X -j "${gone[*]}" -o jobid,state,exitcode,nodelist,elapsed,timelimit 2>/dev/null) ||
      out=$(timeout 15 sacct -c -n -P -j "${gone[*]}" -o jobid,state,exitcode,nodelist,elapsed,timelimit 2>/dev/null)
    while IFS='|' read -r id rest; do
      [[ $id =~ ^[0-9]{1,12}(_[0-9]{1,6})?$ ]] && SLURM_SA[$id]=$rest
    done <<<"$out"
  fi
  for job in "${jobs[@]}"; do SLURM_PRE[$job]=1; done
}

# The job's state as Slurm says it now: squeue while it is known there, else sacct (sacct -c without
# accounting storage). Sets SLURM_STATE, SLURM_REASON, SLURM_NODES, SLURM_ELAPSED, SLURM_LIMIT, SLURM_EXIT.
slurm_state() {
  local job=$1 line
  SLURM_STATE='' SLURM_REASON='' SLURM_NODES='' SLURM_ELAPSED='' SLURM_LIMIT='' SLURM_EXIT='' SLURM_SUBMIT=''
  if [ -n "${SLURM_PRE[$job]:-}" ]; then
    if [ -n "${SLURM_SQ[$job]:-}" ]; then
      IFS='|' read -r SLURM_STATE SLURM_REASON SLURM_NODES SLURM_ELAPSED SLURM_LIMIT SLURM_SUBMIT <<<"${SLURM_SQ[$job]}"
      return 0
    fi
    [ -n "${SLURM_SA[$job]:-}" ] || return 1
    IFS='|' read -r SLURM_STATE SLURM_EXIT SLURM_NODES SLURM_ELAPSED SLURM_LIMIT <<<"${SLURM_SA[$job]}"
    slurm_split_state
    return 0
  fi
  line=$(SLURM_TIME_FORMAT=%s timeout 15 squeue -h -j "$job" -o '%T|%r|%N|%M|%l|%V' 2>/dev/null | head -n 1)
  if [ -n "$line" ]; then
    IFS='|' read -r SLURM_STATE SLURM_REASON SLURM_NODES SLURM_ELAPSED SLURM_LIMIT SLURM_SUBMIT <<<"$line"
    return 0
  fi
  line=$(timeout 15 sacct -n -P -X -j "$job" -o state,exitcode,nodelist,elapsed,timelimit 2>/dev/null | tail -n 1)
  [ -n "$line" ] || line=$(timeout 15 sacct -c -n -P -j "$job" -o state,exitcode,nodelist,elapsed,timelimit 2>/dev/null | tail -n 1)
  [ -n "$line" ] || return 1
  IFS='|' read -r SLURM_STATE SLURM_EXIT SLURM_NODES SLURM_ELAPSED SLURM_LIMIT <<<"$line"
  slurm_split_state
}

# "CANCELLED by 1000" (sacct with accounting storage) keeps who, as the login node names that uid; the
# state word is the first.
slurm_split_state() {
  local uid name
  SLURM_REASON=${SLURM_STATE#* }
  [ "$SLURM_REASON" = "$SLURM_STATE" ] && SLURM_REASON=''
  SLURM_STATE=${SLURM_STATE%% *}
  if [[ $SLURM_REASON =~ ^by\ ([0-9]{1,10})$ ]]; then
    uid=${BASH_REMATCH[1]}
    name=$(getent passwd "$uid" 2>/dev/null | cut -d: -f1)
    [[ $name =~ ^[a-z_][a-z0-9_.-]{0,31}$ ]] && SLURM_REASON="by $name (uid $uid)" || SLURM_REASON="by uid $uid"
  fi
}

# True while the attempt in directory $1 is queued or running in Slurm (any state before the end).
backend_alive_slurm() {
  local job
  slurm_job_var job "$1" || return 1
  slurm_env "${1%/attempts/*}"
  slurm_state "$job" || return 1
  # The states before the end come from src/backends/slurm.ts (TETHER_SLURM_ALIVE, sent ahead of lib.sh).
  [[ " $TETHER_SLURM_ALIVE " == *" $SLURM_STATE "* ]]
}

# Slurm's view of the attempt in dir $1 as a JSON object (for the probe): job, state, reason, nodes, times.
backend_observe_slurm() {
  local job j_s j_r j_n j_e j_l j_x sub=null
  slurm_job_var job "$1" || { printf 'null'; return 0; }
  slurm_env "${1%/attempts/*}"
  slurm_state "$job" || { printf '{"job":"%s","state":"UNKNOWN"}' "$job"; return 0; }
  jv j_s "${SLURM_STATE:0:32}"
  jv j_r "${SLURM_REASON:0:256}"
  jv j_n "${SLURM_NODES:0:1024}"
  jv j_e "${SLURM_ELAPSED:0:32}"
  jv j_l "${SLURM_LIMIT:0:32}"
  jv j_x "${SLURM_EXIT:0:16}"
  # When it was submitted, as epoch seconds, for "waited": squeue prints them so under SLURM_TIME_FORMAT=%s
  # (no process per job); a Slurm that ignores it prints the login node's local time, converted here.
  if [ "$SLURM_STATE" = PENDING ]; then
    if [[ $SLURM_SUBMIT =~ ^[0-9]{1,12}$ ]]; then
      sub=$SLURM_SUBMIT
    elif [[ $SLURM_SUBMIT =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}$ ]]; then
      sub=$(date -d "$SLURM_SUBMIT" +%s 2>/dev/null) || sub=null
      [[ $sub =~ ^[0-9]{1,12}$ ]] || sub=null
    fi
  fi
  printf '{"job":"%s","state":%s,"reason":%s,"nodes":%s,"elapsed":%s,"limit":%s,"exit":%s,"submitted":%s}' "$job" "$j_s" "$j_r" "$j_n" "$j_e" "$j_l" "$j_x" "$sub"
}

# Sends signal $2 to the attempt in directory $1: TERM to every step and the batch shell, so the job may
# checkpoint (the wrapper forwards it to the command); KILL cancels the job. Only this attempt's job id.
backend_stop_slurm() {
  local job
  slurm_job_var job "$1" || return 1
  slurm_env "${1%/attempts/*}"
  backend_alive_slurm "$1" || return 1
  if [ "$2" = KILL ]; then timeout 30 scancel "$job" 2>/dev/null; else timeout 30 scancel --full --signal="$2" "$job" 2>/dev/null; fi
}

# Slurm holds the job: launch does not wait for a pid on the login node (the job may still be pending).
backend_queued_slurm() { :; }

# Releases the attempt in dir $1 when Slurm holds it (teardown's park: `scontrol hold`, reason JobHeldUser or
# JobHeldAdmin); sets RELEASED to its job id. False when the job is not held: nothing is touched then.
backend_release_slurm() {
  local job
  RELEASED=''
  slurm_job_var job "$1" || return 1
  slurm_env "${1%/attempts/*}"
  slurm_state "$job" || return 1
  [ "$SLURM_STATE" = PENDING ] && [[ $SLURM_REASON == JobHeld* ]] || return 1
  timeout 30 scontrol release "$job" 2>/dev/null || return 1
  RELEASED=$job
}
