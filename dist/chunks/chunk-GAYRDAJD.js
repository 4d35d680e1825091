import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  TransportError,
  classify
} from "./chunk-GMQBEAIE.js";
import {
  SLURM_ALIVE
} from "./chunk-U6FX2S55.js";
import {
  BACKEND_NAMES,
  fingerprint
} from "./chunk-3ZXXC4EP.js";
import {
  BoxDataError,
  contractSh,
  parseJson
} from "./chunk-FHK73RDK.js";
import {
  require_lib
} from "./chunk-EPCPIVQ4.js";
import {
  __toESM
} from "./chunk-R3K6G2KB.js";

// src/remote/script-text.ts
var TEXTS = { "array.sh": `#!/usr/bin/env bash
# One task of a sweep's Slurm array (backend slurm with cells), written to <run>/attempts/<n>/array.sh by
# launch.sh with lib.sh in front of it. Args: RUN_DIR ATTEMPT HEARTBEAT_S. Task i runs cell i of
# cells.list as the next attempt of that cell's own record, through the attempt's wrapper.sh (the same
# wrapper a single run uses); the cell's handle is slurm:<array job>_<task>. The last cell to finish writes
# the run's DONE (every cell DONE) or FAILED (naming the cells that are not), under the run's lock.

TETHER_RUN_DIR=$1
TETHER_QUEUE_ATTEMPT=$2
TETHER_HB=\${3:-30}
TETHER_TASK=\${SLURM_ARRAY_TASK_ID:-}
[[ $TETHER_TASK =~ ^[0-9]{1,6}$ ]] || { echo "tether: not an array task" >&2; exit 2; }
mapfile -t TETHER_CELLS <"$TETHER_RUN_DIR/cells.list"
TETHER_CELL=\${TETHER_CELLS[TETHER_TASK]:-}
is_cell_name "$TETHER_CELL" || { echo "tether: no cell for task $TETHER_TASK" >&2; exit 2; }
TETHER_DIR=$TETHER_RUN_DIR/cells/$TETHER_CELL
TETHER_LAST=0
last_attempt_var TETHER_LAST "$TETHER_DIR"
# A requeued task runs this again: it is simply the cell's next attempt (the wrapper must not add the
# restart count on top).
TETHER_N=$((TETHER_LAST + 1))
mkdir -p "$TETHER_DIR/attempts/$TETHER_N"
retire_failed "$TETHER_DIR" "$TETHER_LAST"
printf 'slurm:%s_%s\\n' "\${SLURM_ARRAY_JOB_ID:-0}" "$TETHER_TASK" | atomic_write "$TETHER_DIR/attempts/$TETHER_N/handle"
export TETHER_CELL
unset SLURM_RESTART_COUNT
bash "$TETHER_RUN_DIR/attempts/$TETHER_QUEUE_ATTEMPT/wrapper.sh" "$TETHER_DIR" "$TETHER_N" "$TETHER_HB"
TETHER_RC=$?

# The run's marker, once every cell has one (a cell killed without a marker leaves the run to the patrol).
(
  flock -w 30 9 || exit 0
  [ -f "$TETHER_RUN_DIR/DONE" ] && exit 0
  bad=() first=1 out='['
  for c in "\${TETHER_CELLS[@]}"; do
    is_cell_name "$c" || continue
    [ -f "$TETHER_RUN_DIR/cells/$c/DONE" ] && continue
    [ -f "$TETHER_RUN_DIR/cells/$c/FAILED" ] || exit 0
    bad+=("$c")
  done
  now=$(now_utc)
  printf '%s\\n' "$now" | atomic_write "$TETHER_RUN_DIR/attempts/$TETHER_QUEUE_ATTEMPT/finished_at"
  if ((\${#bad[@]} == 0)); then
    write_marker "$TETHER_RUN_DIR/DONE" "$TETHER_QUEUE_ATTEMPT" 0 null cells "$now" "\\"cells\\":\${#TETHER_CELLS[@]}"
  else
    for c in "\${bad[@]}"; do
      ((first)) || out+=','
      first=0
      out+="\\"$c\\""
    done
    write_marker "$TETHER_RUN_DIR/FAILED" "$TETHER_QUEUE_ATTEMPT" 1 null cells "$now" "\\"failed_cells\\":$out],\\"not_run\\":[]"
  fi
) 9>>"$TETHER_RUN_DIR/lock"
exit "$TETHER_RC"
`, "audit.sh": `#!/usr/bin/env bash
# Read-only audit of a box: disks, cgroup, CPU, GPU, kernel Xid lines, interpreter. Prints one JSON object.
# Args: RUN_ROOT INTERPRETER [MOUNT...]. Every probe is bounded by \`timeout\`.
# Raw tool output is returned as strings; parsing and the gate live in TypeScript (src/launch/audit-gate.ts).

# Nearest existing ancestor of a path, so df works before the run root exists.
existing() {
  local p=$1
  while [ ! -e "$p" ] && [ "$p" != / ]; do p=$(dirname "$p"); done
  printf '%s' "$p"
}

disk_json() {
  local path=$1 at bytes inodes
  at=$(existing "$path")
  bytes=$(timeout 10 df -P -B1 "$at" 2>/dev/null | tail -n 1)
  inodes=$(timeout 10 df -P -i "$at" 2>/dev/null | tail -n 1)
  printf '{"path":%s,"checked":%s,"df_bytes":%s,"df_inodes":%s}' \\
    "$(json_str "$path")" "$(json_str "$at")" "$(json_str "$bytes")" "$(json_str "$inodes")"
}

read_file() { head -c 4096 "$1" 2>/dev/null; }

cgroup_json() {
  local mem cpu
  mem=$(cgroup_dir memory)
  cpu=$(cgroup_dir cpu)
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    printf '{"version":2,"memory_max":%s,"memory_current":%s,"memory_events":%s,"cpu_max":%s}' \\
      "$(json_str "$(read_file "$mem/memory.max")")" "$(json_str "$(read_file "$mem/memory.current")")" \\
      "$(json_str "$(read_file "$mem/memory.events")")" "$(json_str "$(read_file "$cpu/cpu.max")")"
  elif [ -d /sys/fs/cgroup/memory ]; then
    printf '{"version":1,"memory_max":%s,"memory_current":%s,"memory_events":%s,"cpu_max":%s}' \\
      "$(json_str "$(read_file "$mem/memory.limit_in_bytes")")" \\
      "$(json_str "$(read_file "$mem/memory.usage_in_bytes")")" \\
      "$(json_str "$(read_file "$mem/memory.oom_control")")" \\
      "$(json_str "$(read_file "$cpu/cpu.cfs_quota_us") $(read_file "$cpu/cpu.cfs_period_us")")"
  else
    printf 'null'
  fi
}

gpu_json() {
  local fields out rc
  if ! command -v nvidia-smi >/dev/null 2>&1; then
    printf '{"present":false}'
    return
  fi
  fields=index,name,memory.total,memory.used,utilization.gpu,temperature.gpu,clocks.sm,clocks.max.sm
  # Newer drivers renamed clocks_throttle_reasons to clocks_event_reasons; ask for the old name first.
  out=$(timeout 20 nvidia-smi --query-gpu="$fields,clocks_throttle_reasons.active" --format=csv,noheader,nounits 2>&1)
  rc=$?
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ]; then
    out=$(timeout 20 nvidia-smi --query-gpu="$fields,clocks_event_reasons.active" --format=csv,noheader,nounits 2>&1)
    rc=$?
  fi
  printf '{"present":true,"exit_code":%s,"query":%s}' "$rc" "$(json_str "$(printf '%s' "$out" | head -c 16384)")"
}

xid_json() {
  local log
  if log=$(timeout 5 dmesg 2>/dev/null); then
    printf '{"readable":true,"lines":%s}' "$(json_str "$(printf '%s\\n' "$log" | grep -a 'NVRM: Xid' | tail -n 20)")"
  else
    printf '{"readable":false,"lines":""}'
  fi
}

interp_json() {
  local interp=$1 path out rc
  if ! path=$(command -v "$interp" 2>/dev/null); then
    printf '{"name":%s,"path":null}' "$(json_str "$interp")"
    return
  fi
  out=$(timeout 60 "$path" -c 'import torch; print(torch.__version__); print(torch.cuda.is_available())' 2>&1 </dev/null)
  rc=$?
  printf '{"name":%s,"path":%s,"torch_exit":%s,"torch_out":%s}' "$(json_str "$interp")" "$(json_str "$path")" "$rc" \\
    "$(json_str "$(printf '%s' "$out" | tail -c 2048)")"
}

main() {
  local run_root interp m disks
  run_root=$(expand_home "$1")
  interp=$2
  shift 2
  disks=$(disk_json "$run_root")
  for m in "$@"; do disks="$disks,$(disk_json "$(expand_home "$m")")"; done
  printf '{"schema":"tether.audit/v1","hostname":%s,"time":%s,"nproc":%s,"uptime":%s,"btime":%s,' \\
    "$(json_str "$(hostname 2>/dev/null)")" "$(json_str "$(now_utc)")" "$(json_int "$(nproc 2>/dev/null)")" \\
    "$(json_str "$(cut -d' ' -f1 /proc/uptime 2>/dev/null)")" "$(json_int "$(awk '/^btime/ {print $2}' /proc/stat 2>/dev/null)")"
  printf '"disks":[%s],"cgroup":%s,"gpu":%s,"xid":%s,"interpreter":%s}\\n' \\
    "$disks" "$(cgroup_json)" "$(gpu_json)" "$(xid_json)" "$(interp_json "$interp")"
}
main "$@"; exit $?
`, "backend_setsid.sh": '#!/usr/bin/env bash\n# shellcheck disable=SC2034 # HANDLE and NOTE are set here for launch.sh, which sources this file\n# Backend setsid (sent with lib.sh to every on-box script): the wrapper in a new session, detached with\n# `setsid -f` and all three streams redirected (the forms that hang or die: test-infra-facts \xA73). The\n# job runs on this box, so liveness is the wrapper\'s pid with its start time (attempt_alive).\n\n# Starts wrapper $1 for attempt $2 (heartbeat $3 s); sets HANDLE.\nbackend_start_setsid() {\n  local wrapper=$1 n=$2 hb=$3\n  TETHER_ARGV=(setsid -f bash "$wrapper" "$RUN_DIR" "$n" "$hb")\n  (export_job_env && exec "${TETHER_ARGV[@]}" </dev/null >/dev/null 2>&1 9>&-)\n  HANDLE=setsid\n}\n\n# True while the attempt in directory $1 runs.\nbackend_alive_setsid() {\n  attempt_alive "$1"\n}\n\n# Sends signal $2 (TERM: the job may checkpoint and exit; KILL after the grace) to the attempt in directory $1.\nbackend_stop_setsid() {\n  attempt_signal "$1" "$2"\n}\n', "backend_slurm.sh": `#!/usr/bin/env bash
# shellcheck disable=SC2034 # HANDLE and NOTE are set here for launch.sh, which sources this file
# Backend slurm (sent with lib.sh to every on-box script): the wrapper is the batch script, submitted with
# sbatch on the login node; the job runs on compute nodes over the shared filesystem the run record lives
# on. The handle is \`slurm:<job id>\`; liveness and state come from Slurm (squeue, then sacct), never from a
# pid on the login node. SLURM_CONF comes from the run record (the \`slurm-conf\` input), when given.

# SLURM_CONF of the run whose record holds attempt dir $1 (or RUN_DIR), exported for the slurm commands.
slurm_env() {
  local conf='' run=\${1:-$RUN_DIR}
  rd conf "$run/slurm_conf"
  if [ -n "$conf" ]; then export SLURM_CONF=$conf; fi
}

# Sets the variable named $1 to the job id of the attempt in dir $2, from its handle (digits, or an array
# task \`J_T\`: it goes into squeue/scancel argv); false when the handle is not a Slurm job's.
slurm_job_var() {
  local _h=''
  rd _h "$2/handle"
  _h=\${_h#slurm:}
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
  run_id=\${RUN_DIR##*/}
  slurm_env "$RUN_DIR"
  command -v sbatch >/dev/null 2>&1 || { rm -rf "$a"; refuse 15 backend-unavailable "sbatch is not on the login node's PATH"; }
  [ -f "$RUN_DIR/sbatch_options" ] && mapfile -t opts <"$RUN_DIR/sbatch_options"
  # The job carries the run and attempt in its name and comment: teardown checks them before any scancel.
  id=$( (export_job_env && exec timeout 60 sbatch --parsable --job-name="tether-$run_id" --comment="tether:$run_id:$n" --output="$a/slurm.out" --open-mode=append \\
    "\${opts[@]}" "\${SLURM_EXTRA[@]}" "$wrapper" "$RUN_DIR" "$n" "$hb") 2>"$a/sbatch.err" 9>&-)
  id=\${id%%;*}
  if ! [[ $id =~ ^[0-9]{1,12}$ ]]; then
    rd err "$a/sbatch.err"
    rm -rf "$a"
    refuse 18 sbatch-refused "sbatch refused the job: \${err:0:2000}"
  fi
  atomic_put "$a/job_id" "$id"$'\\n'
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
    rd conf "\${d%/attempts/*}/slurm_conf"
    if ((\${#jobs[@]} == 0)); then first_conf=$conf; elif [ "$conf" != "$first_conf" ]; then continue; fi
    jobs+=("$job")
  done
  ((\${#jobs[@]})) || return 0
  if [ -n "$first_conf" ]; then export SLURM_CONF=$first_conf; fi
  local IFS=,
  while IFS='|' read -r id rest; do
    [[ $id =~ ^[0-9]{1,12}(_[0-9]{1,6})?$ ]] || [[ $id =~ ^[0-9]{1,12}_\\[ ]] || continue
    SLURM_SQ[$id]=$rest
    # An array job answers for its tasks (123_4, or 123_[5-7] still pending): the job id alone is its first.
    base=\${id%%_*}
    [ -n "\${SLURM_SQ[$base]:-}" ] || SLURM_SQ[$base]=$rest
  done < <(SLURM_TIME_FORMAT=%s timeout 15 squeue -h -j "\${jobs[*]}" -o '%i|%T|%r|%N|%M|%l|%V' 2>/dev/null)
  local -a gone=()
  for job in "\${jobs[@]}"; do [ -n "\${SLURM_SQ[$job]:-}" ] || gone+=("$job"); done
  if ((\${#gone[@]})); then
    local out
    out=$(timeout 15 sacct -n -P -X -j "\${gone[*]}" -o jobid,state,exitcode,nodelist,elapsed,timelimit 2>/dev/null) ||
      out=$(timeout 15 sacct -c -n -P -j "\${gone[*]}" -o jobid,state,exitcode,nodelist,elapsed,timelimit 2>/dev/null)
    while IFS='|' read -r id rest; do
      [[ $id =~ ^[0-9]{1,12}(_[0-9]{1,6})?$ ]] && SLURM_SA[$id]=$rest
    done <<<"$out"
  fi
  for job in "\${jobs[@]}"; do SLURM_PRE[$job]=1; done
}

# The job's state as Slurm says it now: squeue while it is known there, else sacct (sacct -c without
# accounting storage). Sets SLURM_STATE, SLURM_REASON, SLURM_NODES, SLURM_ELAPSED, SLURM_LIMIT, SLURM_EXIT.
slurm_state() {
  local job=$1 line
  SLURM_STATE='' SLURM_REASON='' SLURM_NODES='' SLURM_ELAPSED='' SLURM_LIMIT='' SLURM_EXIT='' SLURM_SUBMIT=''
  if [ -n "\${SLURM_PRE[$job]:-}" ]; then
    if [ -n "\${SLURM_SQ[$job]:-}" ]; then
      IFS='|' read -r SLURM_STATE SLURM_REASON SLURM_NODES SLURM_ELAPSED SLURM_LIMIT SLURM_SUBMIT <<<"\${SLURM_SQ[$job]}"
      return 0
    fi
    [ -n "\${SLURM_SA[$job]:-}" ] || return 1
    IFS='|' read -r SLURM_STATE SLURM_EXIT SLURM_NODES SLURM_ELAPSED SLURM_LIMIT <<<"\${SLURM_SA[$job]}"
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
  SLURM_REASON=\${SLURM_STATE#* }
  [ "$SLURM_REASON" = "$SLURM_STATE" ] && SLURM_REASON=''
  SLURM_STATE=\${SLURM_STATE%% *}
  if [[ $SLURM_REASON =~ ^by\\ ([0-9]{1,10})$ ]]; then
    uid=\${BASH_REMATCH[1]}
    name=$(getent passwd "$uid" 2>/dev/null | cut -d: -f1)
    [[ $name =~ ^[a-z_][a-z0-9_.-]{0,31}$ ]] && SLURM_REASON="by $name (uid $uid)" || SLURM_REASON="by uid $uid"
  fi
}

# True while the attempt in directory $1 is queued or running in Slurm (any state before the end).
backend_alive_slurm() {
  local job
  slurm_job_var job "$1" || return 1
  slurm_env "\${1%/attempts/*}"
  slurm_state "$job" || return 1
  # The states before the end come from src/backends/slurm.ts (TETHER_SLURM_ALIVE, sent ahead of lib.sh).
  [[ " $TETHER_SLURM_ALIVE " == *" $SLURM_STATE "* ]]
}

# Slurm's view of the attempt in dir $1 as a JSON object (for the probe): job, state, reason, nodes, times.
backend_observe_slurm() {
  local job j_s j_r j_n j_e j_l j_x sub=null
  slurm_job_var job "$1" || { printf 'null'; return 0; }
  slurm_env "\${1%/attempts/*}"
  slurm_state "$job" || { printf '{"job":"%s","state":"UNKNOWN"}' "$job"; return 0; }
  jv j_s "\${SLURM_STATE:0:32}"
  jv j_r "\${SLURM_REASON:0:256}"
  jv j_n "\${SLURM_NODES:0:1024}"
  jv j_e "\${SLURM_ELAPSED:0:32}"
  jv j_l "\${SLURM_LIMIT:0:32}"
  jv j_x "\${SLURM_EXIT:0:16}"
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
  slurm_env "\${1%/attempts/*}"
  backend_alive_slurm "$1" || return 1
  if [ "$2" = KILL ]; then timeout 30 scancel "$job" 2>/dev/null; else timeout 30 scancel --full --signal="$2" "$job" 2>/dev/null; fi
}

# Slurm holds the job: launch does not wait for a pid on the login node (the job may still be pending).
backend_queued_slurm() { :; }

# Releases the attempt in dir $1 when Slurm holds it (teardown's park: \`scontrol hold\`, reason JobHeldUser or
# JobHeldAdmin); sets RELEASED to its job id. False when the job is not held: nothing is touched then.
backend_release_slurm() {
  local job
  RELEASED=''
  slurm_job_var job "$1" || return 1
  slurm_env "\${1%/attempts/*}"
  slurm_state "$job" || return 1
  [ "$SLURM_STATE" = PENDING ] && [[ $SLURM_REASON == JobHeld* ]] || return 1
  timeout 30 scontrol release "$job" 2>/dev/null || return 1
  RELEASED=$job
}
`, "backend_tmux.sh": `#!/usr/bin/env bash
# shellcheck disable=SC2034 # HANDLE and NOTE are set here for launch.sh, which sources this file
# Backend tmux (sent with lib.sh to every on-box script): a private tmux server per run on
# <run-dir>/tmux.sock, never the user's. The job runs on this box, so liveness is the wrapper's pid with
# its start time (attempt_alive). Without tmux on the box, the run falls back to setsid with a note.

# Starts wrapper $1 for attempt $2 (heartbeat $3 s); sets HANDLE (and NOTE on a fallback).
backend_start_tmux() {
  local wrapper=$1 n=$2 hb=$3 sock
  if ! command -v tmux >/dev/null 2>&1; then
    NOTE="tmux is not installed on the box, so the job was started with setsid instead (install tmux where a provider kills long nohup/setsid jobs, e.g. AutoDL)"
    backend_start_setsid "$wrapper" "$n" "$hb"
    return
  fi
  # A private server per run: the job inherits this environment, never a user's running tmux server.
  sock=$RUN_DIR/tmux.sock
  if ! tmux -S "$sock" has-session 2>/dev/null; then rm -f "$sock"; fi
  TETHER_ARGV=(tmux -S "$sock" new-session -d -s tether -- bash "$wrapper" "$RUN_DIR" "$n" "$hb")
  (export_job_env && exec "\${TETHER_ARGV[@]}" 9>&-) || refuse 15 backend-unavailable "tmux could not start a session"
  HANDLE="tmux:$sock"
}

# True while the attempt in directory $1 runs.
backend_alive_tmux() {
  attempt_alive "$1"
}

# Sends signal $2 (TERM: the job may checkpoint and exit; KILL after the grace) to the attempt in directory $1.
backend_stop_tmux() {
  attempt_signal "$1" "$2"
}
`, "checkpoints.sh": '#!/usr/bin/env bash\n# The settled checkpoints of runs being synced while they train (patrol `sync`). Read-only: never writes,\n# never kills. Prints one JSON object.\n# Args: RUN_ROOT SETTLE_S MAX_BYTES (what the runner can hold: a bigger file is counted in too_large, never\n# listed). Stdin data: `run RUN_ID MODE KEEP` lines (MODE latest: the newest settled file of the run, or of\n# each cell of a sweep; all: the newest KEEP settled files), then `end`.\n# A file is settled when its mtime is at least SETTLE_S seconds old (never one being written; `*.tmp` never\n# counts). Nothing is read: the runner pulls a file through send.sh, which hashes it while it sends it and\n# refuses it if its size or mtime moved since this listing.\n# Output per run: workdir, the picked files (path, cell, bytes, mtime as `stat %.9Y` prints it: the exact\n# string send.sh compares), and how many newer files were still being written (unsettled), were not a safe\n# name (skipped) or were too large; for a sweep, the cells with such an unsettled or too large file (held).\n\nFILES_MAX=20000\nKEEP_MAX=16\nRUNS_MAX=64\n\ndeclare -A MODE KEEP\n\n# Picks the settled files among glob matches of $2 (relative to workdir $1) for cell $3 (\'-\': none),\n# newest first, at most $4 of them; appends their JSON objects to `out` and counts in `unsettled`/`skipped`.\npick() {\n  local workdir=$1 globs=$2 cell=$3 quota=$4 rec t size path n=0 st exact j jc seen=0 u0=$unsettled l0=$too_large\n  local -a recs=()\n  while IFS= read -r -d \'\' rec; do\n    recs+=("$rec")\n    seen=$((seen + 1))\n    ((seen < FILES_MAX)) || break\n  done < <(glob_find "$workdir" "$globs")\n  ((${#recs[@]})) || return 0\n  # Newest first (mtime with its fraction, as find printed it).\n  mapfile -d \'\' -t recs < <(printf \'%s\\0\' "${recs[@]}" | sort -z -t\' \' -k1,1 -rn)\n  jv jc "$cell"\n  [ "$cell" = - ] && jc=null\n  for rec in "${recs[@]}"; do\n    ((n < quota)) || break\n    t=${rec%% *}\n    t=${t%.*}\n    rec=${rec#* }\n    size=${rec%% *}\n    path=${rec#* }\n    path=${path#./}\n    # The one symlink rule: never followed, skipped and counted (the patrol warns).\n    if [ "$size" = L ]; then\n      skipped=$((skipped + 1))\n      continue\n    fi\n    [[ $t =~ ^[0-9]{1,15}$ && $size =~ ^[0-9]{1,18}$ ]] || continue\n    if ! is_safe_path "$path" || ((${#path} > TETHER_PATH_MAX)); then\n      skipped=$((skipped + 1))\n      continue\n    fi\n    if ((size > MAX_BYTES)); then\n      too_large=$((too_large + 1))\n      continue\n    fi\n    if ! is_settled "$t" "$NOW" "$SETTLE"; then\n      unsettled=$((unsettled + 1))\n      continue\n    fi\n    # The exact mtime send.sh will compare; a file that moved since find saw it is not settled yet.\n    st=$(cd "$workdir" && stat -c \'%s %.9Y\' -- "$path" 2>/dev/null)\n    exact=${st#* }\n    if [ "${st%% *}" != "$size" ] || ! [[ $exact =~ ^[0-9]{1,15}\\.[0-9]{9}$ ]] || [ "${exact%.*}" != "$t" ]; then\n      unsettled=$((unsettled + 1))\n      continue\n    fi\n    jv j "$path"\n    ((first_file)) || out+=\',\'\n    first_file=0\n    out+="{\\"path\\":$j,\\"cell\\":$jc,\\"bytes\\":$size,\\"mtime\\":\\"$exact\\"}"\n    n=$((n + 1))\n  done\n  # (Cell names passed is_cell_name: JSON-safe as they are.)\n  if [ "$cell" != - ] && ((unsettled > u0 || too_large > l0)); then held+="${held:+,}\\"$cell\\""; fi\n}\n\nmain() {\n  local run_root key id a b c mode keep run_dir workdir globs quota out first=1 first_file unsettled skipped too_large held jw nruns=0\n  local -a order=()\n  run_root=$(expand_home "$1")\n  SETTLE=$2\n  [[ $SETTLE =~ ^[0-9]{1,5}$ ]] || SETTLE=5\n  MAX_BYTES=$3\n  [[ $MAX_BYTES =~ ^[0-9]{1,18}$ ]] || MAX_BYTES=0\n  while IFS=\' \' read -r key id a b _; do\n    case $key in\n      end) break ;;\n      run)\n        # run RUN_ID MODE KEEP\n        mode=$a keep=$b\n        if ! is_run_id "$id" || ! [[ $mode == latest || $mode == all ]] || ! [[ $keep =~ ^[1-9][0-9]?$ ]]; then continue; fi\n        ((nruns < RUNS_MAX)) || continue\n        [ -n "${MODE[$id]:-}" ] || order+=("$id")\n        nruns=$((nruns + 1))\n        MODE[$id]=$mode\n        ((keep > KEEP_MAX)) && keep=$KEEP_MAX\n        KEEP[$id]=$keep\n        ;;\n    esac\n  done\n  NOW=$(date +%s)\n  printf \'{"now":%s,"runs":[\' "$NOW"\n  for id in "${order[@]}"; do\n    run_dir=$run_root/$id\n    ((first)) || printf \',\'\n    first=0\n    if [ ! -f "$run_dir/spec.json" ]; then\n      printf \'{"id":"%s","error":"no run record"}\' "$id"\n      continue\n    fi\n    rd workdir "$run_dir/workdir"\n    expand_home_var workdir "$workdir"\n    rd globs "$run_dir/checkpoints"\n    quota=1\n    [ "${MODE[$id]}" = all ] && quota=${KEEP[$id]}\n    out=\'\' first_file=1 unsettled=0 skipped=0 too_large=0 held=\'\'\n    if [ -f "$run_dir/cells.list" ]; then\n      # A sweep: each cell\'s own globs, each cell its own quota.\n      while IFS= read -r c; do\n        is_cell_name "$c" || continue\n        rd globs "$run_dir/cells/$c/checkpoints"\n        [ -n "$globs" ] && pick "$workdir" "$globs" "$c" "$quota"\n      done < <(head -n "$CELLS_MAX" "$run_dir/cells.list")\n    elif [ -n "$globs" ]; then\n      pick "$workdir" "$globs" - "$quota"\n    fi\n    jv jw "$workdir"\n    printf \'{"id":"%s","workdir":%s,"files":[%s],"unsettled":%s,"skipped":%s,"too_large":%s,"held":[%s]}\' "$id" "$jw" "$out" "$unsettled" "$skipped" "$too_large" "$held"\n  done\n  printf \']}\\n\'\n}\nmain "$@"; exit $?\n', "confirm.sh": `#!/usr/bin/env bash
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
    if declare -F "backend_queued_\${h%%:*}" >/dev/null && [ ! -s "$a/pid_start" ]; then break; fi
    sleep 0.2
  done
  run_alive "$a" && alive=true
  if [ -f "$run_dir/DONE" ]; then kind=DONE; elif [ -f "$run_dir/FAILED" ]; then kind=FAILED; fi
  [ -z "$kind" ] || rd marker "$run_dir/$kind"
  printf '{"alive":%s,"log_exists":%s,"marker_kind":"%s","marker":%s,"head":%s}\\n' "$alive" \\
    "$([ -f "$a/log" ] && echo true || echo false)" "$kind" "$(json_str "\${marker:0:4096}")" \\
    "$(json_str "$([ -f "$a/log" ] && timeout 5 head -c 4096 "$a/log" 2>/dev/null | head -n 40)")"
}
main "$@"; exit $?
`, "follow.sh": `#!/usr/bin/env bash
# The follower of a patrol \`follow\`: one per host, read-only, for as long as its SSH channel stays open.
# Prints one short JSON line per change worth a re-assessment and nothing else; the runner probes and
# judges (the follower never classifies anything). Never writes, never kills.
# Args: RUN_ROOT HEARTBEAT_LOST_S SETTLE_S. Stdin data: \`run RUN_ID\` lines, \`hint B64_ERE\` (crash hints,
# matched case-insensitively in new log bytes), then \`end\`. The rest of stdin stays open: the follower
# sleeps by reading it with a 1 s timeout, and exits when it ends (the connection dropped) or after
# MAX_S. Each second costs no process: logs are read from held descriptors; the process, heartbeat,
# checkpoints and cells are looked at every 5 s. Events: \`{"e":"start"}\`, then per run {"e":KIND,"run":ID} with KIND one of attempt (a new
# attempt began), crash (a hint in new log bytes), marker (DONE/FAILED written), exit (the job's process
# ended), heartbeat (the heartbeat went stale), checkpoint (a new settled checkpoint), cells (a sweep's
# cell ended); and \`{"e":"alive"}\` every 30 s.

LOG_READ_MAX=65536
MAX_S=432000
declare -A ATT MARK ALIVE HB CKPT CKSEEN CELLS
declare -a RUNS=()
HINT=''
INIT=0

# Prints an event; nothing during the first look (it only learns how things are now).
emit() { ((INIT)) || printf '{"e":"%s"%s}\\n' "$1" "\${2:+,\\"run\\":\\"$2\\"}"; }

# Each run's current attempt log, held open: new bytes are read from the descriptor every second with no
# process started (bash cannot seek, so on opening, one dd moves the shared file offset to the end).
declare -A LOGFD

open_log() {
  local id=$1 log=$2 fd old size
  old=\${LOGFD[$id]:-}
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

# The bytes appended to run $1's log since the last call (at most LOG_READ_MAX), in \`NEW\`.
read_new() {
  local fd=\${LOGFD[$1]:-} chunk
  NEW=''
  [ -n "$fd" ] || return 0
  while ((\${#NEW} < LOG_READ_MAX)); do
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
    t=\${rec%% *}
    t=\${t%.*}
    [[ $t =~ ^[0-9]{1,15}$ ]] || continue
    # A symlink is never a checkpoint (the patrol's probe counts and warns about it).
    [[ \${rec#* } == 'L '* ]] && continue
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
  if [ "$n" != "\${ATT[$id]:-}" ]; then
    emit attempt "$id"
    ATT[$id]=$n
    ALIVE[$id]=''
    # A new attempt's log is read from its start (the follower's first look starts at its end).
    open_log "$id" "$dir/attempts/$n/log"
  fi
  a=$dir/attempts/$n
  m=''
  { [ -f "$dir/DONE" ] || [ -f "$dir/FAILED" ]; } && m=1
  if [ "$m" != "\${MARK[$id]:-}" ]; then
    [ -n "$m" ] && emit marker "$id"
    MARK[$id]=$m
  fi
  if ((n > 0)); then
    [ -n "\${LOGFD[$id]:-}" ] || open_log "$id" "$a/log"
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
    [ "\${ALIVE[$id]}" = 1 ] && ((alive == 0)) && emit exit "$id"
    ALIVE[$id]=$alive
  fi
  printf -v now '%(%s)T' -1
  hb=$(stat -c %Y -- "$dir/heartbeat" 2>/dev/null) || hb=''
  if [[ $hb =~ ^[0-9]+$ ]] && [ -z "$m" ]; then
    if ((now - hb > HB_LOST)); then
      [ "\${HB[$id]:-}" = fresh ] && emit heartbeat "$id"
      HB[$id]=stale
    else
      HB[$id]=fresh
    fi
  fi
  rec=$(newest_checkpoint "$dir")
  if [ -n "$rec" ] && [ "$rec" != "\${CKSEEN[$id]:-}" ]; then
    t=\${rec%% *}
    t=\${t%.*}
    # Reported once it has settled: unchanged for SETTLE_S (the next look sees the same record).
    if is_settled "$t" "$now" "$SETTLE"; then
      [ -n "\${CKPT[$id]:-}" ] && emit checkpoint "$id"
      CKPT[$id]=1
      CKSEEN[$id]=$rec
    fi
  fi
  if [ -f "$dir/cells.list" ]; then
    ended=$(find "$dir/cells" -mindepth 2 -maxdepth 2 \\( -name DONE -o -name FAILED \\) 2>/dev/null | head -n 1024 | wc -l)
    [ -n "\${CELLS[$id]:-}" ] && [ "$ended" != "\${CELLS[$id]}" ] && emit cells "$id"
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
      run) is_run_id "$val" && ((\${#RUNS[@]} < 64)) && RUNS+=("$val") ;;
      hint) HINT=$(printf '%s' "$val" | base64 -d 2>/dev/null) || HINT='' ;;
    esac
  done
  # Each run's state as it is now: only changes from here on are events.
  INIT=1
  for id in "\${RUNS[@]}"; do
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
    for id in "\${RUNS[@]}"; do look "$id" "$sec"; done
    ((sec % 30 == 0)) && emit alive
  done
}
main "$@"; exit $?
`, "host_key.sh": `#!/usr/bin/env bash
# The box's start step where the provider has no cloud-init (issue 26 \xA72, rank 1): RunPod's start command, vast's
# onstart, Paperspace's startup script. It installs the host key tether generated on the runner for this box only
# (TETHER_HOST_KEY: the OpenSSH private key, base64) and makes sshd serve that key alone, so the key tether pinned
# before the first connection is the only one the box can answer with. An sshd already running (vast starts its
# own before onstart) is told to reload. Then it hands over to what the image would have run (TETHER_THEN).
# Where the provider has no key registry of its own (Paperspace), TETHER_AUTHORIZED_KEY (one public key line) is
# added to TETHER_LOGIN_USER's authorized_keys. Settings, for the provider doubles: TETHER_SSH_DIR (/etc/ssh),
# TETHER_SSHD_PID (/run/sshd.pid), TETHER_AUTHORIZED_KEYS (the login user's ~/.ssh/authorized_keys), TETHER_THEN.
# Exit: 0, or 3 when a key given is not usable (sshd is left as it was).

install_key() {
  local dir=\${TETHER_SSH_DIR:-/etc/ssh}
  local key="$dir/ssh_host_ed25519_key"
  local cfg="$dir/sshd_config"
  umask 077
  mkdir -p "$dir" || return 3
  printf '%s' "$TETHER_HOST_KEY" | base64 -d >"$key.tether" 2>/dev/null || {
    rm -f "$key.tether"
    return 3
  }
  ssh-keygen -y -f "$key.tether" >"$key.pub.tether" 2>/dev/null || {
    rm -f "$key.tether" "$key.pub.tether"
    return 3
  }
  mv -f "$key.tether" "$key" && mv -f "$key.pub.tether" "$key.pub" && chmod 644 "$key.pub" || return 3
  # This key only: every other HostKey line goes, ours comes first (an sshd with any HostKey line serves only those).
  if [ -f "$cfg" ]; then
    { printf 'HostKey %s\\n' "$key"; grep -v -i '^[[:space:]]*HostKey[[:space:]]' "$cfg"; } >"$cfg.tether" && mv -f "$cfg.tether" "$cfg"
    chmod 644 "$cfg"
  else
    printf 'HostKey %s\\n' "$key" >"$cfg"
  fi
  local pidfile=\${TETHER_SSHD_PID:-/run/sshd.pid} pid
  pid=$(cat "$pidfile" 2>/dev/null)
  # SIGHUP: sshd re-executes itself and reads its configuration (and so its host keys) again.
  case "$pid" in '' | *[!0-9]*) ;; *) kill -HUP "$pid" 2>/dev/null ;; esac
  return 0
}

install_login_key() {
  local line=$TETHER_AUTHORIZED_KEY file=\${TETHER_AUTHORIZED_KEYS:-} home
  case "$line" in
    *$'\\n'* | '') return 3 ;;
    ssh-ed25519\\ * | ssh-rsa\\ * | ecdsa-sha2-*) ;;
    *) return 3 ;;
  esac
  if [ -z "$file" ]; then
    home=$(getent passwd "\${TETHER_LOGIN_USER:-root}" | cut -d: -f6)
    [ -n "$home" ] || return 3
    file="$home/.ssh/authorized_keys"
  fi
  mkdir -p "\${file%/*}" && printf '%s\\n' "$line" >>"$file" && chmod 600 "$file" || return 3
  if [ -n "\${TETHER_LOGIN_USER:-}" ]; then chown -R "$TETHER_LOGIN_USER": "\${file%/*}" 2>/dev/null || true; fi
  return 0
}

main() {
  local rc=0
  if [ -n "\${TETHER_HOST_KEY:-}" ]; then
    install_key
    rc=$?
  fi
  unset TETHER_HOST_KEY
  [ "$rc" = 0 ] || echo "tether: TETHER_HOST_KEY is not a usable private key; sshd keeps its own keys" >&2
  if [ -n "\${TETHER_AUTHORIZED_KEY:-}" ]; then
    install_login_key || {
      rc=3
      echo "tether: TETHER_AUTHORIZED_KEY is not one public key line, or its user has no home" >&2
    }
  fi
  if [ -n "\${TETHER_THEN:-}" ]; then
    # shellcheck disable=SC2086 # the image's own start command, word-split as a Docker CMD string would be
    exec $TETHER_THEN
  fi
  return "$rc"
}

main "$@"; exit $?
`, "launch.sh": `#!/usr/bin/env bash
# Creates or resumes a run and starts its wrapper detached. Prints one JSON object; exit codes:
#   0 started \xB7 10 alive (refused) \xB7 11 finished (refused) \xB7 12 dead, resume not asked (refused)
#   13 run id used with another command (refused) \xB7 14 workdir missing \xB7 15 backend unavailable \xB7 16 lock/io
#   17 a sweep's cells need more GPUs than the box has \xB7 18 the scheduler refused the job (sbatch's words)
#   19 a live run on this box saves into the same checkpoint directory or files (refused)
# Args: RUN_ROOT RUN_ID BACKEND RESUME(0|1) HEARTBEAT_S
# Stdin data (after this script): spec, identity, command, then, workdir, wrapper; \`env NAME b64\` lines; end.
# A sweep adds: cells (lines \`NAME B64_COMMAND B64_CHECKPOINTS B64_CELL_SPEC\`), sweep (\`GPUS_PER_CELL
# MAX_PARALLEL ON_FAILURE\`, MAX_PARALLEL 0 = from the box), gpus (the audit's GPU indices, comma separated, or
# empty: asked of nvidia-smi here) and queue (queue.sh, which the backend starts instead of the wrapper).
# A recovery's sweep adds done_cells: the cells the old box finished, whose newest checkpoints were restored.
# Env values (secrets included) are exported for the job only (export_job_env): never in a file or argv.

refuse() {
  local code=$1 result=$2 message=$3
  printf '{"result":%s,"message":%s,"attempt":%s,"pid":%s,"handle":%s,"started_at":%s,"run_dir":%s}\\n' \\
    "$(json_str "$result")" "$(json_str "$message")" "$(json_int "\${LAST:-0}")" "$(json_int "\${LAST_PID:-}")" \\
    "$(json_str "\${LAST_HANDLE:-}")" "$(json_str "\${LAST_STARTED:-}")" "$(json_str "\${RUN_DIR:-}")"
  exit "$code"
}

# What differs between the recorded run and this launch, with the recorded value (bounded, one line): the
# identity covers command, then, workdir, a sweep's cells and the sbatch options.
mismatch_text() {
  local recorded_mode=\${1:-} f given recorded
  for f in command 'then' workdir sbatch_options; do
    rd recorded "$RUN_DIR/$f"
    case $f in
      command) given=$DATA_command ;; 'then') given=$DATA_then ;; workdir) given=$DATA_workdir ;; *) given=$DATA_sbatch_options ;;
    esac
    given=\${given%$'\\n'}
    # Resuming the recorded work: only what was given is compared (an empty field means "as recorded").
    if [ -n "$recorded_mode" ] && { [ "$f" = command ] || [ -z "$given" ]; }; then continue; fi
    if [ "$recorded" != "$given" ] && { [ "$f" != command ] || [ -z "$DATA_sweep" ]; }; then
      recorded=\${recorded//[$'\\n\\r\\t']/ }
      printf 'run id %s was started with a different %s: recorded %s; resume runs the recorded work (leave command empty to resume it), so pick a new run id for new work' \\
        "$run_id" "\${f/sbatch_options/slurm-options}" "'\${recorded:0:300}'"
      return
    fi
  done
  [ -n "$recorded_mode" ] && return
  printf 'run id %s was started with different %s; resume runs the recorded work (leave command empty to resume it), so pick a new run id for new work' \\
    "$run_id" "$([ -f "$RUN_DIR/sweep" ] && echo cells || echo work)"
}

# Starts the attempt through the backend's own function (scripts/remote/backend_<name>.sh) and records
# the handle it returns next to the attempt, so every later phase asks the same backend about it.
start_backend() {
  local backend=$1 wrapper=$2 n=$3 hb=$4
  declare -F "backend_start_$backend" >/dev/null || refuse 15 backend-unavailable "unknown backend $backend"
  "backend_start_$backend" "$wrapper" "$n" "$hb"
  atomic_put "$RUN_DIR/attempts/$n/handle" "$HANDLE"$'\\n' || refuse 16 io-error "cannot record the handle of attempt $n"
}

# Filled by read_data from the stdin data lines.
DATA_spec='' DATA_identity='' DATA_command='' DATA_then='' DATA_workdir='' DATA_wrapper='' DATA_checkpoints='' DATA_preempt_watch='' DATA_park_after='' DATA_attempt_floor=''
DATA_cells='' DATA_sweep='' DATA_gpus='' DATA_queue='' DATA_sbatch_options='' DATA_slurm_conf='' DATA_array='' DATA_disk_floor='' DATA_done_cells=''
# shellcheck disable=SC2034 # read by backend_start_slurm (scripts/remote/backend_slurm.sh)
SLURM_EXTRA=()

# A sweep on Slurm: one array job over the cells that are not DONE (\`--array=i,j,\u2026%max\`), each task running
# its cell through array.sh. Sets SLURM_EXTRA for backend_start_slurm; refuses when every cell is DONE.
array_spec() {
  local gpc max on_failure c i=0 list=''
  read -r gpc max on_failure <<<"$DATA_sweep"
  while IFS= read -r c; do
    if is_cell_name "$c" && [ ! -f "$RUN_DIR/cells/$c/DONE" ]; then list+="\${list:+,}$i"; fi
    i=$((i + 1))
  done <"$RUN_DIR/cells.list"
  [ -n "$list" ] || refuse 11 finished "every cell of run \${RUN_DIR##*/} is DONE; nothing to launch"
  # shellcheck disable=SC2034 # read by backend_start_slurm
  SLURM_EXTRA=("--array=$list$( ((max > 0)) && printf '%%%s' "$max")")
}

# A sweep's record, written once: cells/<name>/ with the bash-readable twins a single run has (command,
# then, workdir, checkpoints with {cell} expanded, spec.json last), cells.list (the order) and sweep.
write_cells() {
  local name cmd ck spec dir gpc max on_failure
  read -r gpc max on_failure <<<"$DATA_sweep"
  [[ $gpc =~ ^[0-9]{1,2}$ && $on_failure =~ ^(continue|stop)$ ]] || return 1
  atomic_put "$RUN_DIR/sweep" "$gpc $on_failure"$'\\n' || return 1
  while read -r name cmd ck spec; do
    [ -n "$name" ] || continue
    is_cell_name "$name" || return 1
    dir=$RUN_DIR/cells/$name
    mkdir -p "$dir/attempts" &&
      printf '%s' "$cmd" | base64 -d | atomic_write "$dir/command" &&
      atomic_put "$dir/then" "$DATA_then" &&
      atomic_put "$dir/workdir" "$DATA_workdir" &&
      printf '%s' "$ck" | base64 -d | atomic_write "$dir/checkpoints" &&
      printf '%s' "$spec" | base64 -d | atomic_write "$dir/spec.json" &&
      printf '%s\\n' "$name" >>"$RUN_DIR/cells.list.tmp" || return 1
  done <<<"$DATA_cells"
  mv -f "$RUN_DIR/cells.list.tmp" "$RUN_DIR/cells.list"
}

# A recovery onto a new box (issue 27 \xA72): the cells the old box finished, their newest checkpoints already
# restored from the runner's sync, are recorded done here (attempt 1, stage restored), so the queue skips them
# and the patrol and collect see them as finished. Only in a record being written for the first time.
mark_restored_done() {
  local c dir now
  now=$(now_utc)
  for c in $DATA_done_cells; do
    is_cell_name "$c" && [ -f "$RUN_DIR/cells/$c/spec.json" ] || return 1
    dir=$RUN_DIR/cells/$c
    mkdir -p "$dir/attempts/1" &&
      printf '%s restored: this cell finished before the box was preempted; its newest verified checkpoint came back from the runner\\n' "$now" >>"$dir/attempts/1/log" &&
      atomic_put "$dir/attempts/1/started_at" "$now"$'\\n' &&
      atomic_put "$dir/attempts/1/finished_at" "$now"$'\\n' &&
      atomic_put "$dir/attempts/1/exit_code" $'0\\n' &&
      write_marker "$dir/DONE" 1 0 null restored "$now" '"restored":true' || return 1
  done
}

# This attempt's GPUs (the audit's list, else nvidia-smi's) and width, in SLOT_GPUS and SLOT_WIDTH; refuses
# (before any attempt directory exists) when a cell needs more GPUs than the box has.
sweep_slots() {
  local gpc max on_failure list='' line n=0 width
  read -r gpc max on_failure <<<"$DATA_sweep"
  if ((gpc > 0)); then
    list=$DATA_gpus
    if [ -z "$list" ]; then
      while IFS= read -r line; do
        line=\${line// /}
        [[ $line =~ ^[0-9]{1,3}$ ]] && list+="\${list:+,}$line"
      done < <(timeout 10 nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null)
    fi
    [[ $list =~ ^([0-9]{1,3}(,[0-9]{1,3})*)?$ ]] || list=''
    [ -n "$list" ] && n=$(($(tr -cd ',' <<<"$list" | wc -c) + 1))
    ((n >= gpc)) || refuse 17 no-gpus "each cell needs $gpc GPU(s) but the box has $n (nvidia-smi lists \${list:-none}); lower gpus-per-cell or rent a bigger box"
    width=$((n / gpc))
  else
    width=$(nproc 2>/dev/null || echo 1)
  fi
  ((max > 0)) && width=$max
  SLOT_GPUS=$list
  SLOT_WIDTH=$width
}

# The directory part of each glob in $2 (newline list) before its first wildcard, resolved against workdir $1:
# where a run's checkpoints go. One per line.
glob_dirs() {
  local wd=$1 g d
  while IFS= read -r g; do
    [ -n "$g" ] || continue
    d=\${g%%[*?[]*}
    [[ $d == */* ]] && d=\${d%/*} || d=.
    [[ $d == /* ]] || d=$wd/$d
    realpath -m -- "$d" 2>/dev/null
  done <<<"$2"
}

# Every existing file globs $2 match under workdir $1, resolved (at most 10000; a symlinked checkpoint is skipped).
glob_hits() {
  local g f n=0
  (
    cd "$1" 2>/dev/null || exit 0
    shopt -s globstar nullglob
    while IFS= read -r g; do
      [ -n "$g" ] || continue
      local IFS=
      # shellcheck disable=SC2206 # globbing is the point; IFS is empty so nothing splits
      local -a hits=($g)
      IFS=$' \\t\\n'
      for f in "\${hits[@]}"; do
        if [ ! -f "$f" ] || [ -L "$f" ]; then continue; fi
        realpath -- "$f"
        n=$((n + 1))
        ((n < 10000)) || exit 0
      done
    done <<<"$2"
  )
}

# Refuses (19) when a live run on this box (at most 64 other run records are looked at) would share
# checkpoints with this one: the same resolved checkpoint directory, or an existing file both runs' globs
# match. Two runs writing one folder make each other's proof a lie (issue 23 \xA71).
checkpoint_clash() {
  local run_root=$1 self=$2 wd=$3 globs=$4 d other owd ogl oa n=0 mine hits
  [ -n "$globs" ] || return 0
  mine=$(glob_dirs "$wd" "$globs" | sort -u)
  hits=$(glob_hits "$wd" "$globs" | sort -u)
  for d in "$run_root"/*/; do
    other=\${d%/}
    other=\${other##*/}
    if [ "$other" = "$self" ] || ! is_run_id "$other" || [ ! -f "$d/spec.json" ] || [ -f "$d/DONE" ]; then continue; fi
    n=$((n + 1))
    ((n <= 64)) || break
    oa=$(last_attempt "$d")
    if ((oa == 0)) || ! run_alive "$d/attempts/$oa"; then continue; fi
    owd='' ogl=''
    rd owd "$d/workdir"
    rd ogl "$d/checkpoints"
    [ -n "$ogl" ] || continue
    owd=$(expand_home "$owd")
    local same
    same=$(comm -12 <(printf '%s\\n' "$mine") <(glob_dirs "$owd" "$ogl" | sort -u) | head -n 1)
    [ -n "$same" ] && refuse 19 checkpoint-clash "run $other is live on this box and saves its checkpoints in the same directory ($same): give this run its own checkpoint directory (or wait for $other to end)"
    if [ -n "$hits" ]; then
      same=$(comm -12 <(printf '%s\\n' "$hits") <(glob_hits "$owd" "$ogl" | sort -u) | head -n 1)
      [ -n "$same" ] && refuse 19 checkpoint-clash "run $other is live on this box and its checkpoint globs match the same file ($same): give this run its own checkpoint directory (or wait for $other to end)"
    fi
  done
  return 0
}

main() {
  local run_root run_id backend resume hb n a i workdir pid started ckg=''
  run_root=$(expand_home "$1")
  run_id=$2
  backend=$3
  resume=$4
  hb=$5
  RUN_DIR=$run_root/$run_id
  read_data || refuse 16 io-error "the launch data did not arrive complete"

  umask 077
  mkdir -p "$RUN_DIR/attempts" || refuse 16 io-error "cannot create $RUN_DIR"
  exec 9>"$RUN_DIR/lock" || refuse 16 io-error "cannot open the run lock"
  flock -w 10 9 || refuse 16 locked "another launch of this run id holds the lock"

  local recorded_identity='' failed_marker=''
  rd recorded_identity "$RUN_DIR/identity"
  if [ -z "\${DATA_identity%$'\\n'}" ]; then
    # No command given: a resume of the recorded work (launch sends no identity only with resume).
    [ "$resume" = 1 ] || refuse 13 no-command "no command given and resume is not set"
    [ -f "$RUN_DIR/spec.json" ] || refuse 13 no-record "run $run_id has no run record on this box to resume; a first launch needs a command"
    local differs
    differs=$(mismatch_text recorded)
    [ -z "$differs" ] || refuse 13 mismatch "$differs"
  elif [ -f "$RUN_DIR/identity" ] && [ "$recorded_identity" != "\${DATA_identity%$'\\n'}" ]; then
    refuse 13 mismatch "$(mismatch_text)"
  fi
  LAST=$(last_attempt "$RUN_DIR")
  if ((LAST > 0)); then
    a=$RUN_DIR/attempts/$LAST
    rd LAST_PID "$a/pid"
    rd LAST_STARTED "$a/started_at"
    LAST_STARTED=\${LAST_STARTED:0:64}
    [ -f "$RUN_DIR/DONE" ] && refuse 11 finished "run $run_id finished (DONE, attempt $LAST); nothing to launch"
    if run_alive "$a"; then
      local h=''
      rd h "$a/handle"
      # The live attempt's handle goes with the refusal: a relaunch that registers the running run signs it.
      LAST_HANDLE=\${h:0:4096}
      # A scheduler's job: its id says more than a pid on some compute node.
      if declare -F "backend_queued_\${h%%:*}" >/dev/null; then
        # A parked (held) job is released by resume: the same attempt queues again, nothing is submitted.
        if [ "$resume" = 1 ] && declare -F "backend_release_\${h%%:*}" >/dev/null && "backend_release_\${h%%:*}" "$a"; then
          printf '{"result":"released","message":%s,"attempt":%s,"pid":null,"handle":%s,"started_at":%s,"run_dir":%s}\\n' \\
            "$(json_str "released the held job $RELEASED: attempt $LAST is queued again")" "$LAST" "$(json_str "$h")" \\
            "$(json_str "$LAST_STARTED")" "$(json_str "$RUN_DIR")"
          exit 0
        fi
        refuse 10 alive "already queued or running: attempt $LAST, $h"
      fi
      refuse 10 alive "already running: attempt $LAST, pid $LAST_PID, since $LAST_STARTED"
    fi
    if [ "$resume" != 1 ]; then
      if [ -f "$RUN_DIR/FAILED" ]; then
        rd failed_marker "$RUN_DIR/FAILED"
        refuse 12 dead "run $run_id failed in attempt $LAST (\${failed_marker:0:512}); set resume: true to start attempt $((LAST + 1)) of the same command"
      fi
      refuse 12 dead "run $run_id is dead (attempt $LAST, pid \${LAST_PID:-none}, no process and no DONE/FAILED marker); set resume: true to start attempt $((LAST + 1)) of the same command"
    fi
    # Keep the previous attempt's failure with that attempt, so the run-level marker describes the live one.
    retire_failed "$RUN_DIR" "$LAST"
  fi
  n=$((LAST + 1))
  # A recovery on a new box continues the run's numbering (attempt_floor: the attempts before it ran elsewhere).
  if [[ \${DATA_attempt_floor:-} =~ ^[0-9]{1,6}$ ]] && ((DATA_attempt_floor >= n)); then n=$((DATA_attempt_floor + 1)); fi

  # Before anything of this run is written: a live run on the box must not share its checkpoints. A
  # scheduler's jobs share a filesystem too, so this holds for every backend.
  if [ -f "$RUN_DIR/spec.json" ]; then
    rd ckg "$RUN_DIR/checkpoints"
    rd workdir "$RUN_DIR/workdir"
  else
    ckg=\${DATA_checkpoints%$'\\n'}
    workdir=\${DATA_workdir%$'\\n'}
  fi
  checkpoint_clash "$run_root" "$run_id" "$(expand_home "$workdir")" "$ckg"

  if [ ! -f "$RUN_DIR/spec.json" ]; then
    # spec.json last: its presence means the bash-readable twins (command, then, workdir, checkpoints) are complete.
    rm -f "$RUN_DIR/cells.list.tmp"
    if [ -n "$DATA_sweep" ] && ! write_cells; then refuse 16 io-error "cannot write the cells of $RUN_DIR"; fi
    if [ -n "$DATA_sweep" ] && [ -n "$DATA_done_cells" ] && ! mark_restored_done; then
      refuse 16 io-error "cannot record the restored cells of $RUN_DIR as done"
    fi
    if ! { atomic_put "$RUN_DIR/command" "$DATA_command" &&
      atomic_put "$RUN_DIR/then" "$DATA_then" &&
      atomic_put "$RUN_DIR/workdir" "$DATA_workdir" &&
      atomic_put "$RUN_DIR/checkpoints" "$DATA_checkpoints" &&
      atomic_put "$RUN_DIR/sbatch_options" "$DATA_sbatch_options" &&
      atomic_put "$RUN_DIR/slurm_conf" "$DATA_slurm_conf" &&
      atomic_put "$RUN_DIR/identity" "$DATA_identity" &&
      atomic_put "$RUN_DIR/spec.json" "$DATA_spec"$'\\n'; }; then
      refuse 16 io-error "cannot write the run record in $RUN_DIR"
    fi
  fi
  workdir=$(expand_home "$(cat "$RUN_DIR/workdir")")
  [ -d "$workdir" ] || refuse 14 workdir-missing "workdir $workdir does not exist on the box (sync the code first or fix 'workdir')"

  if [ -f "$RUN_DIR/sweep" ]; then
    [ -n "$DATA_sweep" ] || refuse 13 mismatch "run id $run_id is a sweep; launch it again with its cells"
    # On Slurm the scheduler gives each task its GPUs; on a box the queue does.
    if [ "$backend" = slurm ]; then array_spec; else sweep_slots; fi
  fi
  a=$RUN_DIR/attempts/$n
  mkdir -p "$a" || refuse 16 io-error "cannot create $a"
  # The wrapper is versioned per attempt: a live process never runs from a path we overwrite.
  atomic_put "$a/wrapper.sh" "$DATA_wrapper" || refuse 16 io-error "cannot write $a/wrapper.sh"
  # EC2's spot notice watch for this attempt (\`ADDRESS SIGNAL\`, checked again by the wrapper).
  if [ -n "$DATA_preempt_watch" ]; then
    [[ $DATA_preempt_watch =~ ^[0-9.]{7,15}:[0-9]{1,5}\\ (USR1|USR2|INT|TERM)$ ]] || refuse 16 io-error "the preempt watch is not ADDRESS SIGNAL"
    atomic_put "$a/preempt_watch" "$DATA_preempt_watch"$'\\n' || refuse 16 io-error "cannot write $a/preempt_watch"
  fi
  if [ -n "$DATA_park_after" ]; then
    [[ $DATA_park_after =~ ^[0-9]{2,6}\\ (ec2-shutdown|runpod-stop)\\ [0-9.]{7,15}:[0-9]{1,5}$ ]] || refuse 16 io-error "park-after is not SECONDS HOW ADDRESS"
    atomic_put "$a/park_after" "$DATA_park_after"$'\\n' || refuse 16 io-error "cannot write $a/park_after"
  fi
  if [ -f "$RUN_DIR/sweep" ] && [ "$backend" = slurm ]; then
    # A sweep on Slurm: one array job, each task one cell through this attempt's wrapper.
    atomic_put "$a/array.sh" "$DATA_array" || refuse 16 io-error "cannot write $a/array.sh"
    start_backend "$backend" "$a/array.sh" "$n" "$hb"
  elif [ -f "$RUN_DIR/sweep" ]; then
    # A sweep: the backend holds the queue, which runs each cell through this attempt's wrapper.
    { atomic_put "$a/gpus" "$SLOT_GPUS"$'\\n' && atomic_put "$a/max_parallel" "$SLOT_WIDTH"$'\\n'; } ||
      refuse 16 io-error "cannot write the slots of $a"
    atomic_put "$a/queue.sh" "$DATA_queue" || refuse 16 io-error "cannot write $a/queue.sh"
    # The audit's floor, which the queue checks again before each cell (bytes inodes).
    if [[ $DATA_disk_floor =~ ^[0-9]{1,18}\\ [0-9]{1,18}$ ]]; then atomic_put "$a/disk_floor" "$DATA_disk_floor"$'\\n' || refuse 16 io-error "cannot write $a/disk_floor"; fi
    start_backend "$backend" "$a/queue.sh" "$n" "$hb"
  else
    start_backend "$backend" "$a/wrapper.sh" "$n" "$hb"
  fi

  if declare -F "backend_queued_$backend" >/dev/null; then
    # A scheduler holds the job: it may wait in its queue, so there is no pid to wait for here.
    pid='' started=''
  else
    for ((i = 0; i < 400; i++)); do
      [ -s "$a/pid_start" ] && break
      sleep 0.025
    done
    pid=$(cat "$a/pid" 2>/dev/null)
    started=$(cat "$a/started_at" 2>/dev/null)
    [ -n "$pid" ] || refuse 16 no-start "the wrapper did not record a pid within 10 s; see $a/log"
  fi
  printf '{"result":"started","attempt":%s,"pid":%s,"handle":%s,"started_at":%s,"run_dir":%s,"env_names":%s,"note":%s}\\n' \\
    "$n" "$(json_int "$pid")" "$(json_str "$HANDLE")" "$(json_str "$started")" "$(json_str "$RUN_DIR")" \\
    "$(json_str "\${TETHER_ENV_NAMES[*]}")" "$(json_str "\${NOTE:-}")"
}
main "$@"; exit $?
`, "lib.sh": `#!/usr/bin/env bash
# Shared helpers, sent ahead of every on-box script on stdin (\`bash -s -- args\`).
# Values arrive as arguments or as base64 data lines after the script; never spliced into script text.

# Sets the variable named $1 to $2 as a JSON string literal (no subshell: the probe calls it often).
jv() {
  local _s=$2
  _s=\${_s//\\\\/\\\\\\\\}
  _s=\${_s//\\"/\\\\\\"}
  _s=\${_s//$'\\n'/\\\\n}
  _s=\${_s//$'\\r'/\\\\r}
  _s=\${_s//$'\\t'/\\\\t}
  if [[ $_s == *[$'\\001'-$'\\037']* ]]; then
    _s=$(printf '%s' "$_s" | tr -d '\\001-\\037')
  fi
  printf -v "$1" '"%s"' "$_s"
}

# Prints $1 as a JSON string literal.
json_str() {
  local _j
  jv _j "$1"
  printf '%s' "$_j"
}

# Sets the variable named $1 to the first 64 KiB of regular file $2 (empty when missing, unreadable or
# not a regular file: a FIFO or a device planted in the run record must not block or flood the probe),
# without a subshell; one trailing newline is dropped.
rd() {
  local _v=''
  [ -f "$2" ] && IFS= read -r -d '' -n 65536 _v 2>/dev/null <"$2"
  printf -v "$1" '%s' "\${_v%$'\\n'}"
}

# The grammar comes from the contract (src/record/contract.ts), sent ahead of this file as TETHER_*_RE;
# without it nothing here can be trusted, so a script sent without it stops at once.
: "\${TETHER_RUN_ID_RE:?the on-box contract (src/record/contract.ts) must come ahead of lib.sh}"
# Attempt numbers: 1..999999, no leading zero.
is_attempt() {
  [[ $1 =~ $TETHER_ATTEMPT_RE ]]
}

# Run ids.
is_run_id() {
  [[ $1 =~ $TETHER_RUN_ID_RE ]]
}

# Cell names: a run id that is never \`.\`, \`..\` or \`-x\`.
is_cell_name() {
  [[ $1 =~ $TETHER_CELL_NAME_RE ]]
}

# A checkpoint path tether takes: relative, no \`..\`, no leading \`.\` or \`-\` in any part, no spaces.
is_safe_path() {
  [[ $1 =~ $TETHER_SAFE_PATH_RE ]]
}

# The checkpoint files of globs $2 (newline list, relative to workdir $1, \`**\` allowed) as NUL-terminated
# \`mtime size path\` records: regular files only (no symlink, no directory), never \`*.tmp\`. Each pattern is
# globbed whole in a subshell (IFS empty: nothing splits), and each find is bounded.
glob_find() {
  (
    cd "$1" 2>/dev/null || exit 0
    shopt -s globstar nullglob
    declare -A seen=()
    local rec path
    while IFS= read -r pattern; do
      [ -n "$pattern" ] || continue
      IFS=
      # shellcheck disable=SC2086 # globbing is the point; IFS is empty so nothing splits
      set -- $pattern
      IFS=$' \\t\\n'
      # A file named like an option or operator (\`-delete\`, \`!\`, \`(\`) must stay a path to find.
      local -a args=()
      local a
      for a in "$@"; do [[ $a == [-\\!\\(\\),]* ]] && args+=("./$a") || args+=("$a"); done
      set -- "\${args[@]}"
      # A symlink is never followed: it comes out as \`MTIME L PATH\` for the caller to skip and count.
      (($# > 0)) && timeout 10 find "$@" -maxdepth 0 \\( -type f ! -name '*.tmp' -printf '%T@ %s %p\\0' \\) -o \\( -type l -printf '%T@ L %p\\0' \\) 2>/dev/null
    done <<<"$2" | while IFS= read -r -d '' rec; do
      # A file two globs match is listed once.
      path=\${rec#* }
      path=\${path#* }
      [ -n "\${seen[$path]:-}" ] && continue
      seen[$path]=1
      printf '%s\\0' "$rec"
    done
  )
}

# The fastest sha256 present (openssl is ~4x sha256sum without SHA-NI), one file per process on up
# to 8 cores at once: checkpoints are few and large, so this is near-linear. Each process prints one
# short line (one write), so the lines never interleave; the caller sorts them.
hash_files() {
  local p
  p=$(nproc 2>/dev/null || echo 1)
  ((p > 8)) && p=8
  sha256_tool
  printf '%s\\0' "$@" | xargs -0 -P "$p" -n 1 timeout 600 "\${SHA256_TOOL[@]}" | while read -r h f; do printf '%s %s\\n' "$h" "\${f#\\*}"; done
}

# Sets SHA256_TOOL to the sha256 command (it hashes stdin, or the files after it): openssl when present (it
# uses the CPU's SHA instructions: ~5x sha256sum here), else sha256sum.
sha256_tool() {
  SHA256_TOOL=(sha256sum --)
  if command -v openssl >/dev/null 2>&1; then SHA256_TOOL=(openssl dgst -sha256 -r); fi
}

# Sets the variable named $1 to $2 when it is an integer, else to null (no subshell: the probe calls it often).
jiv() {
  if [[ $2 =~ ^-?[0-9]+$ ]]; then printf -v "$1" '%s' "$2"; else printf -v "$1" 'null'; fi
}

# Sets the variable named $1 to path $2 with \`~\` expanded (expand_home without a subshell).
expand_home_var() {
  # shellcheck disable=SC2088 # a literal '~/' prefix is what we match
  case $2 in
    '~') printf -v "$1" '%s' "$HOME" ;;
    '~/'*) printf -v "$1" '%s/%s' "$HOME" "\${2#\\~/}" ;;
    *) printf -v "$1" '%s' "$2" ;;
  esac
}

# Prints a number, or null when $1 is not an integer.
json_int() {
  local _i
  jiv _i "$1"
  printf '%s' "$_i"
}

# \`~\` and \`~/x\` relative to the login's home.
expand_home() {
  local _p
  expand_home_var _p "$1"
  printf '%s' "$_p"
}

# Writes stdin to $1 atomically (temp file in the same directory, then rename).
atomic_write() {
  local tmp
  tmp="$1.tmp.$$"
  cat >"$tmp" && mv -f "$tmp" "$1"
}

# Writes text $2 to file $1 the same way, from a variable: no pipe and no cat, one process (mv). Text in a
# variable goes through this; atomic_write is for what arrives on a stream (base64 -d, a generated body).
atomic_put() {
  local tmp="$1.tmp.$$"
  printf '%s' "$2" >"$tmp" && mv -f "$tmp" "$1"
}

# The one reader of /proc/PID/stat, without a subshell: sets PROC_STATE (field 3), PROC_PGRP (field 5) and
# PROC_START (field 22: the start time in clock ticks since boot, so a reused PID is not mistaken for ours).
# The command name (field 2) may hold spaces and parentheses. False when there is no such process.
proc_stat() {
  local stat
  read -r stat 2>/dev/null <"/proc/$1/stat" || return 1
  stat=\${stat##*) }
  # shellcheck disable=SC2086
  set -- $stat
  PROC_STATE=$1 PROC_PGRP=$3 PROC_START=\${20}
}

# True while process $1 runs (a zombie, killed but not yet reaped, counts as gone) with start time $2.
proc_alive_as() {
  proc_stat "$1" && [ "$PROC_STATE" != Z ] && [ "$PROC_START" = "$2" ]
}

# The start time of process $1 (see proc_stat); false when it is gone or a zombie.
pid_start() {
  proc_stat "$1" && [ "$PROC_STATE" != Z ] && printf '%s' "$PROC_START"
}

# The one age rule for a checkpoint (sync's listing, follow's events): written at mtime $1 (seconds), it has
# settled at time $2 once unchanged for $3 seconds. Collect's latest-only takes the newest file still across
# a wait (still_files, below), because it reads the file at once.
is_settled() {
  (($2 - $1 >= $3))
}

# The one stat\u2013wait\u2013stat test: prints those of the files $@ (safe paths relative to the cwd) whose size and
# exact mtime hold across one second, one per line (all files measured together: one wait, not one per file).
still_files() {
  local -A first=()
  local s m p
  while IFS=' ' read -r s m p; do first[$p]="$s $m"; done < <(stat -c '%s %.9Y %n' -- "$@" 2>/dev/null)
  sleep 1
  while IFS=' ' read -r s m p; do
    [ "\${first[$p]:-}" = "$s $m" ] && printf '%s\\n' "$p"
  done < <(stat -c '%s %.9Y %n' -- "$@" 2>/dev/null)
}

# The one marker writer: DONE or FAILED at path $1 for attempt $2, exit code $3, signal $4 (a JSON value: null
# or "TERM"), stage $5, finished at $6, with $7 more JSON fields before finished_at (\`"cells":3\`, may be
# empty). src/record/grammar.ts parseMarker reads it.
write_marker() {
  printf '{"attempt":%s,"exit_code":%s,"signal":%s,"stage":"%s"%s,"finished_at":"%s"}\\n' "$2" "$3" "$4" "$5" "\${7:+,$7}" "$6" | atomic_write "$1"
}

# The previous attempt's FAILED in run or cell directory $1 moves into that attempt, $1/attempts/$2 (when
# $2 > 0), so the marker at the top always describes the live attempt.
retire_failed() {
  if [ -f "$1/FAILED" ] && (($2 > 0)); then mv -f "$1/FAILED" "$1/attempts/$2/FAILED"; fi
  return 0
}

# True when the process recorded in attempt dir $1 (files pid, pid_start) still runs.
attempt_alive() {
  local pid start
  rd pid "$1/pid"
  rd start "$1/pid_start"
  [[ $pid =~ ^[0-9]+$ ]] && [ -n "$start" ] || return 1
  proc_alive_as "$pid" "$start"
}

# True while the attempt in directory $1 runs, asked of the backend that started it (its recorded handle:
# \`tmux:<socket>\`, \`setsid\`, \u2026; see scripts/remote/backend_<name>.sh). An attempt without a handle (older
# records) is judged by its pid and start time.
run_alive() {
  local handle='' backend
  rd handle "$1/handle"
  backend=\${handle%%:*}
  if [[ $backend =~ ^[a-z]+$ ]] && declare -F "backend_alive_$backend" >/dev/null; then
    "backend_alive_$backend" "$1"
  else
    attempt_alive "$1"
  fi
}

# Sends signal $2 to the live attempt in directory $1 (checked by pid and start time first, so a reused pid
# is never signalled). Both backends start the wrapper as a session leader, so the signal goes to its process
# group: the job and its children, the heartbeat and the wrapper (which traps TERM to write its marker). A
# wrapper that does not lead its group is signalled alone. False when the attempt does not run.
attempt_signal() {
  local pid
  attempt_alive "$1" || return 1
  rd pid "$1/pid"
  proc_stat "$pid" || return 1
  if [ "$PROC_PGRP" = "$pid" ]; then kill -s "$2" -- "-$pid" 2>/dev/null; else kill -s "$2" "$pid" 2>/dev/null; fi
}

# Sends signal $2 (TERM, then KILL) to the attempt in directory $1 through the backend that started it
# (backend_stop_<name>, chosen by the recorded handle as in run_alive).
run_signal() {
  local handle='' backend
  rd handle "$1/handle"
  backend=\${handle%%:*}
  if [[ $backend =~ ^[a-z]+$ ]] && declare -F "backend_stop_$backend" >/dev/null; then
    "backend_stop_$backend" "$1" "$2"
  else
    attempt_signal "$1" "$2"
  fi
}

# Sets the variable named $1 to the highest attempt number in run dir $2 (last_attempt without a subshell).
last_attempt_var() {
  local _n=0 _d _b
  for _d in "$2"/attempts/*/; do
    [ -d "$_d" ] || continue
    _b=\${_d%/}
    _b=\${_b##*/}
    is_attempt "$_b" && ((_b > _n)) && _n=$_b
  done
  printf -v "$1" '%s' "$_n"
}

# Highest attempt number in run dir $1 (0 when none); directories outside the attempt grammar are ignored.
last_attempt() {
  local __last
  last_attempt_var __last "$1"
  printf '%s' "$__last"
}

# Reads \`key base64\` data lines from stdin until \`end\` into DATA_<key> (decoded). \`env NAME b64\` lines
# are kept in TETHER_ENV_NAMES / TETHER_ENV_VALUES and exported only by export_job_env, right before
# the job starts: a job variable never changes a variable of these scripts (user names cannot start
# with TETHER_, and every script variable used after export_job_env does).
TETHER_ENV_NAMES=()
TETHER_ENV_VALUES=()
read_data() {
  local key val name decoded
  while IFS=' ' read -r key val name; do
    case $key in
      end) return 0 ;;
      env)
        [[ $val =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || { echo "bad env name" >&2; return 1; }
        decoded=$(printf '%s' "$name" | base64 -d && printf x) || return 1
        TETHER_ENV_NAMES+=("$val")
        TETHER_ENV_VALUES+=("\${decoded%x}")
        ;;
      *)
        [[ $key =~ ^[a-z_]+$ ]] || { echo "bad data key" >&2; return 1; }
        decoded=$(printf '%s' "$val" | base64 -d && printf x) || return 1
        printf -v "DATA_$key" '%s' "\${decoded%x}"
        ;;
    esac
  done
  echo "data ended early" >&2
  return 1
}

# Exports the job's variables (values never pass through argv or a file). Call in a subshell that execs.
export_job_env() {
  local TETHER_I
  for ((TETHER_I = 0; TETHER_I < \${#TETHER_ENV_NAMES[@]}; TETHER_I++)); do
    export "\${TETHER_ENV_NAMES[TETHER_I]}=\${TETHER_ENV_VALUES[TETHER_I]}"
  done
}

now_utc() { date -u +%Y-%m-%dT%H:%M:%SZ; }

# This process's cgroup directory: v2 (\`0::/x\`) when the unified hierarchy is mounted, else the v1
# hierarchy holding controller $1. Falls back to the mount root when the path is not visible (containers).
cgroup_dir() {
  local ctrl=$1 base rel="" n ctrls path
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    base=/sys/fs/cgroup
    while IFS=: read -r n ctrls path; do
      if [ "$n" = 0 ] && [ -z "$ctrls" ]; then rel=$path; fi
    done </proc/self/cgroup
  else
    base=/sys/fs/cgroup/$ctrl
    while IFS=: read -r n ctrls path; do
      case ",$ctrls," in *",$ctrl,"*) rel=$path ;; esac
      : "$n"
    done </proc/self/cgroup
  fi
  if [ -d "$base$rel" ]; then printf '%s' "$base$rel"; else printf '%s' "$base"; fi
}

# CPU quota in whole cores (rounded up), or nothing when there is no quota.
cpu_quota_cores() {
  local dir quota period
  dir=$(cgroup_dir cpu)
  if [ -f "$dir/cpu.max" ]; then
    read -r quota period <"$dir/cpu.max" 2>/dev/null || return 0
  else
    quota=$(cat "$dir/cpu.cfs_quota_us" 2>/dev/null) || return 0
    period=$(cat "$dir/cpu.cfs_period_us" 2>/dev/null) || return 0
  fi
  if [[ $quota =~ ^[0-9]+$ ]] && [[ $period =~ ^[0-9]+$ ]] && ((quota > 0 && period > 0)); then
    printf '%s' $(((quota + period - 1) / period))
  fi
}
`, "logs.sh": `#!/usr/bin/env bash
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
  [ -d "$run_dir" ] || { printf '{"error":"no-run","message":%s}\\n' "$(json_str "no run record at $run_dir")"; return 0; }
  last=$(last_attempt "$run_dir")
  ((n == 0)) && n=$last
  a=$run_dir/attempts/$n
  if ((n == 0)) || [ ! -d "$a" ]; then
    printf '{"error":"no-attempt","message":%s}\\n' "$(json_str "run $(basename "$run_dir") has no attempt $n (newest: $last)")"
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
  printf '{"attempt":%s,"size":%s,"from":%s,"data":"%s","ended":%s,"alive":%s}\\n' "$n" "$size" "$from" "$data" "$ended" "$alive"
}
main "$@"; exit $?
`, "manifest.sh": `#!/usr/bin/env bash
# Lists a run's checkpoint files on the box for collect and teardown (schema tether.box-files/v1), as one
# line: names, sizes and exact mtimes; reads no file and writes nothing (the hashes come with the bytes,
# send.sh). It only lists and measures: which cells are finished, the roster, the latest file and every
# refusal of those are decided in TypeScript (src/record/listing.ts), from what this prints.
# Args: RUN_ROOT RUN_ID STILL(0|1): with 1, each file is also marked \`still\` when its size and mtime hold
# across one second (lib.sh's still_files: never one being written), for a latest-only collect.
# Stdin data: \`cells b64(newline list)\` (a sweep: walk only these cells' globs; none: all cells), then \`end\`.
# Files come from the run's checkpoint globs (relative to its workdir; \`*.tmp\` ignored), or per cell of a sweep
# (cells.list in the run record) from each cell's own globs, every file with the cells whose globs matched it.
# Symlinks are skipped (counted: \`skipped_symlinks\`, and named up to 5); an unsafe name is refused.
# Exit: 0 ok, 30 refused (JSON says why).

DATA_cells=''
links_n=0
declare -a link_names=() files=()
declare -A seen_link=() seen=() cells_of=()

refuse() {
  printf '{"error":%s}\\n' "$(json_str "$1")"
  exit 30
}

# Adds the files matching globs $1 (newline list, relative to the cwd; \`*.tmp\` ignored) to \`files\`, each once,
# through lib.sh's glob_find; skips symlinks (counted in links_n, the first names in link_names) and refuses
# unsafe names. With $2 (a cell), adds it to each file's \`cells_of\` (a file several cells match names each).
add_files() {
  local globs=$1 cell=\${2:-} rec f kind
  # lib.sh's one glob expander and its one symlink rule: \`MTIME SIZE PATH\` records, \`MTIME L PATH\` for a symlink.
  while IFS= read -r -d '' rec; do
    f=\${rec#* }
    kind=\${f%% *}
    f=\${f#* }
    f=\${f#./}
    if [ "$kind" = L ]; then
      # The one symlink rule (probe, sync, follow, collect): never followed, skipped, counted, named.
      [ -n "\${seen_link[$f]:-}" ] && continue
      seen_link[$f]=1
      links_n=$((links_n + 1))
      ((\${#link_names[@]} < 5)) && [[ $f =~ ^[A-Za-z0-9_./-]{1,200}$ ]] && link_names+=("$f")
      continue
    fi
    is_safe_path "$f" || refuse "unsafe file name '$f' (letters, digits, . _ - and /, no leading dot or dash)"
    [ -n "$cell" ] && cells_of[$f]+="\${cells_of[$f]:+ }$cell"
    [ -n "\${seen[$f]:-}" ] && continue
    seen[$f]=1
    ((\${#files[@]} < TETHER_MANIFEST_FILES_MAX)) || refuse "more than $TETHER_MANIFEST_FILES_MAX checkpoint files match"
    files+=("$f")
  done < <(glob_find . "$globs")
}

# JSON array of the newline list $1.
json_lines() {
  local out='' l j
  while IFS= read -r l; do
    [ -n "$l" ] || continue
    jv j "$l"
    out+="\${out:+,}$j"
  done <<<"$1"
  printf '[%s]' "$out"
}

# A sweep's cells as listed: each cell's markers (done, failed, attempt) and globs, and its files added.
# Only the cells in DATA_cells when given (an unknown name is left for the runner to refuse).
list_cells() {
  local c cg first=1
  local -A want=()
  if [ -n "$DATA_cells" ]; then
    while IFS= read -r c; do [ -n "$c" ] && want[$c]=1; done <<<"$DATA_cells"
  fi
  cells_json='['
  while IFS= read -r c; do
    is_cell_name "$c" || continue
    if [ -n "$DATA_cells" ] && [ -z "\${want[$c]:-}" ]; then
      ((first)) || cells_json+=','
      first=0
      cells_json+="{\\"name\\":\\"$c\\",\\"listed\\":false}"
      continue
    fi
    rd cg "$run_dir/cells/$c/checkpoints"
    add_files "$cg" "$c"
    ((first)) || cells_json+=','
    first=0
    cells_json+="{\\"name\\":\\"$c\\",\\"listed\\":true,\\"done\\":$([ -f "$run_dir/cells/$c/DONE" ] && echo true || echo false),\\"failed\\":$([ -f "$run_dir/cells/$c/FAILED" ] && echo true || echo false),\\"attempt\\":$(last_attempt "$run_dir/cells/$c"),\\"globs\\":$(json_lines "$cg")}"
  done < <(head -n "$CELLS_MAX" "$run_dir/cells.list")
  cells_json+=']'
}

main() {
  local run_root run_id still run_dir workdir globs cells_json=null out first=1 size mtime p j jw n=0 links='' l jl
  local -A held=()
  run_root=$(expand_home "$1")
  run_id=$2
  still=$3
  is_run_id "$run_id" || refuse "not a run id"
  run_dir=$run_root/$run_id
  read_data || refuse "the listing request did not arrive complete"
  [ -f "$run_dir/spec.json" ] || refuse "no run record at $run_dir"
  rd workdir "$run_dir/workdir"
  workdir=$(expand_home "$workdir")
  rd globs "$run_dir/checkpoints"
  [ -n "$globs" ] || refuse "the run declares no checkpoint globs (launch input 'checkpoints')"
  cd "$workdir" 2>/dev/null || refuse "workdir $workdir is missing"
  if [ -f "$run_dir/cells.list" ]; then
    list_cells
  else
    add_files "$globs"
  fi
  if [ "$still" = 1 ] && ((\${#files[@]})); then
    while IFS= read -r p; do held[$p]=1; done < <(still_files "\${files[@]}")
  fi
  jv jw "$workdir"
  jv j "$run_id"
  out="{\\"schema\\":\\"tether.box-files/v1\\",\\"run_id\\":$j,\\"attempt\\":$(last_attempt "$run_dir"),\\"created_at\\":\\"$(now_utc)\\",\\"workdir\\":$jw,\\"globs\\":$(json_lines "$globs"),\\"cells\\":$cells_json,\\"files\\":["
  if ((\${#files[@]})); then
    while IFS=' ' read -r size mtime p; do
      jv j "$p"
      ((first)) || out+=','
      first=0
      out+="{\\"path\\":$j,\\"bytes\\":$size,\\"mtime\\":\\"$mtime\\""
      [ -n "\${cells_of[$p]:-}" ] && out+=",\\"cells\\":$(json_lines "\${cells_of[$p]// /$'\\n'}")"
      [ "$still" = 1 ] && out+=",\\"still\\":$([ -n "\${held[$p]:-}" ] && echo true || echo false)"
      out+='}'
      n=$((n + 1))
    done < <(stat -c '%s %.9Y %n' -- "\${files[@]}" | LC_ALL=C sort -k3)
  fi
  ((n == \${#files[@]})) || refuse "could not list every file"
  for l in "\${link_names[@]}"; do
    jv jl "$l"
    links+="\${links:+,}$jl"
  done
  printf '%s\\n' "$out],\\"skipped_symlinks\\":{\\"count\\":$links_n,\\"names\\":[$links]}}"
}
main "$@"; exit $?
`, "nodes.sh": `#!/usr/bin/env bash
# A multi-node launch's read-only checks, one mode a call (issue 28 \xA71). Prints one JSON object.
#   state RUN_ROOT RUN_ID INTERP  the run's record on this node (exists, newest attempt, alive), this node's
#                             clock, and INTERP's Python version (null when it does not run)
#   route ADDR                this node's own source address toward ADDR (\`ip route get\`): rank 0's master-addr
#   listen INTERP PORT S N    a TCP listener on PORT for at most S seconds, until N connections came (rank 0)
#   reach ADDR PORT S         whether ADDR:PORT accepts a connection within S seconds (every other node)
# Nothing is written; the listener is the interpreter's own socket, closed when it returns.

state() {
  local root dir n=0 exists=false alive=false py
  root=$(expand_home "$1")
  is_run_id "$2" || { printf '{"error":"bad-run-id"}\\n'; return 0; }
  dir=$root/$2
  if [ -f "$dir/spec.json" ]; then
    exists=true
    last_attempt_var n "$dir"
    ((n > 0)) && run_alive "$dir/attempts/$n" && alive=true
  fi
  py=$(timeout 10 "$3" -c 'import platform; print(platform.python_version())' 2>/dev/null | head -n 1)
  [[ $py =~ ^[0-9]{1,2}\\.[0-9]{1,3}\\.[0-9A-Za-z+.]{1,20}$ ]] && py="\\"$py\\"" || py=null
  printf '{"exists":%s,"attempt":%s,"alive":%s,"now_ms":%s,"python":%s}\\n' "$exists" "$n" "$alive" "$(date +%s%3N)" "$py"
}

route() {
  local src
  [[ $1 =~ ^[A-Za-z0-9.:-]{1,253}$ ]] || { printf '{"src":null}\\n'; return 0; }
  src=$(timeout 5 ip -o route get "$1" 2>/dev/null | grep -oE ' src [0-9a-fA-F.:]+' | head -n 1)
  src=\${src# src }
  if [ -n "$src" ]; then printf '{"src":"%s"}\\n' "$src"; else printf '{"src":null}\\n'; fi
}

listen() {
  local interp=$1 port=$2 secs=$3 want=$4 out
  [[ $port =~ ^[0-9]{1,5}$ && $secs =~ ^[0-9]{1,2}$ && $want =~ ^[0-9]{1,2}$ ]] || { printf '{"error":"bad-arguments"}\\n'; return 0; }
  command -v "$interp" >/dev/null 2>&1 || { printf '{"error":"no-interpreter"}\\n'; return 0; }
  # shellcheck disable=SC2016 # the program is Python, its $ are not the shell's
  out=$(timeout $((secs + 5)) "$interp" -c '
import socket, sys, time
port, secs, want = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("0.0.0.0", port))
except OSError as e:
    print("bind %d" % e.errno)
    sys.exit(0)
s.listen(64)
print("listening", flush=True)
end, n = time.time() + secs, 0
while n < want and time.time() < end:
    s.settimeout(max(0.05, end - time.time()))
    try:
        c, _ = s.accept()
        c.close()
        n += 1
    except OSError:
        pass
print("accepted %d" % n)
' "$port" "$secs" "$want" 2>/dev/null | tail -n 1)
  case $out in
    accepted\\ *) printf '{"accepted":%s}\\n' "\${out#accepted }" ;;
    bind\\ *) printf '{"error":"port-in-use","errno":%s}\\n' "\${out#bind }" ;;
    *) printf '{"error":"no-listener"}\\n' ;;
  esac
}

reach() {
  local addr=$1 port=$2 secs=$3 end
  [[ $addr =~ ^[A-Za-z0-9.:-]{1,253}$ && $port =~ ^[0-9]{1,5}$ && $secs =~ ^[0-9]{1,2}$ ]] || { printf '{"reached":false}\\n'; return 0; }
  end=$((SECONDS + secs))
  while ((SECONDS <= end)); do
    # shellcheck disable=SC2016 # $1 and $2 are the inner bash's arguments
    if timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$addr" "$port" 2>/dev/null; then
      printf '{"reached":true}\\n'
      return 0
    fi
    sleep 0.2
  done
  printf '{"reached":false}\\n'
}

main() {
  case \${1:-} in
    state) state "$2" "$3" "\${4:-python3}" ;;
    route) route "$2" ;;
    listen) listen "$2" "$3" "$4" "$5" ;;
    reach) reach "$2" "$3" "$4" ;;
    *) printf '{"error":"unknown-mode"}\\n' ;;
  esac
}
main "$@"; exit $?
`, "poweroff.sh": `#!/usr/bin/env bash
# Teardown's park over SSH (provider ssh): powers the box off, as root or through passwordless sudo. The
# connection may drop as the box goes down; the caller proves the park by the box no longer answering.
# Exit: poweroff's own (0 accepted; sudo's error when the user may not).

main() {
  if [ "$(id -u)" = 0 ]; then poweroff; else sudo -n poweroff; fi
}

main "$@"; exit $?
`, "probe.sh": `#!/usr/bin/env bash
# One read-only patrol probe of a host, covering every requested run. Prints one JSON object.
# Args: RUN_ROOT. Stdin data: \`run RUN_ID ATTEMPT LOG_OFFSET\` lines (what the last tick saw), \`cell RUN_ID
# CELL ATTEMPT LOG_OFFSET FINAL\` lines for a sweep's cells the last tick saw (FINAL 1: it saw that attempt's
# DONE/FAILED, so its whole log was read), then \`end\`.
# Never writes, never kills; liveness comes from the recorded pid and its start time, never from
# matching command lines, so the probe cannot count itself. Every sub-command is bounded by \`timeout\`.
# Log bytes travel base64-encoded: the new bytes past LOG_OFFSET (at most DELTA_MAX, the newest kept)
# and the last TAIL_MAX bytes; parsing and classification happen in TypeScript (src/patrol).

# DELTA_MAX, TAIL_MAX, CELL_DELTA_MAX, CELL_TAIL_MAX (a sweep's cells get less log each: most are queued or
# settled) and CELLS_MAX come from the contract (src/record/contract.ts), sent ahead of lib.sh.
: "\${DELTA_MAX:?}" "\${TAIL_MAX:?}" "\${CELL_DELTA_MAX:?}" "\${CELL_TAIL_MAX:?}" "\${CELLS_MAX:?}"
CKPT_MAX=20000
declare -A CELL_SEEN LIVE_START

# Checkpoints matching the run's globs (relative to its workdir, \`**\` allowed, \`*.tmp\` ignored):
# count and the newest file's path, mtime and size; symlinks are never followed, only counted.
checkpoints_json() {
  local run_dir=$1 workdir globs count=0 links=0 newest="" newest_t=0 newest_size=0 rec t rest j
  rd workdir "$run_dir/workdir"
  expand_home_var workdir "$workdir"
  rd globs "$run_dir/checkpoints"
  if [ -n "$globs" ] && [ -d "$workdir" ]; then
    while IFS= read -r -d '' rec; do
      t=\${rec%% *}
      t=\${t%.*}
      rest=\${rec#* }
      if [[ $rest == 'L '* ]]; then
        links=$((links + 1))
        continue
      fi
      count=$((count + 1))
      [[ $t =~ ^[0-9]{1,15}$ ]] || continue
    if ((t > newest_t)); then
        newest_t=$t
        newest_size=\${rest%% *}
        newest=\${rest#* }
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
# Files stat'ed ahead by prestat (a sweep's live cells, in one call): path \u2192 "size mtime".
declare -A PRE

stat_files() {
  local i=0 f list=() idx=() size mt
  for f in "$@"; do
    M[i]=null
    S[i]=0
    if [ -n "\${PRE[$f]:-}" ]; then
      size=\${PRE[$f]%% *}
      mt=\${PRE[$f]#* }
      [ "$mt" = - ] || M[i]=$mt
      S[i]=$size
    elif [ -e "$f" ]; then list+=("$f"); idx+=("$i"); fi
    i=$((i + 1))
  done
  ((\${#list[@]})) || return 0
  i=0
  while IFS='|' read -r size mt; do
    # Only integers leave this function: the probe prints them unquoted into its JSON.
    [[ $mt =~ ^[0-9]{1,15}$ ]] && M[idx[i]]=$mt
    [[ $size =~ ^[0-9]{1,18}$ ]] && S[idx[i]]=$size
    i=$((i + 1))
  done < <(timeout 10 stat -c '%s|%Y' -- "\${list[@]}" 2>/dev/null)
}

# The fields of one record (a run's or a cell's: the same layout) after its id: attempt, liveness, markers,
# times, log bytes (at most $4 new past offset $3 of attempt $2, and a tail of $5), checkpoints. No braces.
# With $6 = window (cells), the new bytes and the tail come as one read: \`window_b64\` from \`window_from\`.
record_fields() {
  local dir=$1 seen_attempt=$2 offset=$3 delta_max=$4 tail_max=$5 mode=\${6:-} a n size alive=false marker="" marker_kind=null start wfrom
  local j_started j_finished j_marker j_spec j_handle j_notice pid exit_code started finished spec delta tail handle notice
  local -a M S
  last_attempt_var n "$dir"
  a=$dir/attempts/$n
  ((n > 0)) && run_alive "$a" && alive=true
  if [ -f "$dir/DONE" ]; then rd marker "$dir/DONE"; marker_kind='"DONE"'
  elif [ -f "$dir/FAILED" ]; then rd marker "$dir/FAILED"; marker_kind='"FAILED"'; fi
  stat_files "$a/log" "$a/started_at" "$dir/heartbeat"
  size=\${S[0]}
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
  jv j_notice "\${notice:0:512}"
  jv j_started "$started"
  jv j_finished "$finished"
  jv j_marker "\${marker:0:1024}"
  jv j_spec "\${spec:0:8192}"
  jv j_handle "\${handle:0:512}"
  delta=''
  tail=''
  if [ "$mode" = window ]; then
    log_window_var wfrom "$start" "$size" "$tail_max"
    # Read ahead by read_windows when it could (one process for all live cells), else here.
    if [ -n "\${WIN[$a/log]+x}" ] && [ "\${WIN_FROM[$a/log]}" = "$wfrom" ]; then
      delta=\${WIN[$a/log]}
    elif ((size > 0)) && [ -f "$a/log" ]; then
      delta=$(timeout 10 tail -c +$((wfrom + 1)) "$a/log" 2>/dev/null | head -c $((delta_max + tail_max)) | base64 -w0)
    fi
    printf '"window_from":%s,"window_b64":"%s",' "$wfrom" "$delta"
    delta=''
  elif [ -n "\${RFROM[$a/log]+x}" ] && [ "\${RFROM[$a/log]}" = "$start" ]; then
    # Read ahead by read_run_logs (one process for every run's log), from this same offset.
    delta=\${RDELTA[$a/log]}
    tail=\${RTAIL[$a/log]}
  # Only a regular file is read (a FIFO or device planted as the log must not block the probe).
  elif ((size > 0)) && [ -f "$a/log" ]; then
    ((size > start)) && delta=$(timeout 10 tail -c +$((start + 1)) "$a/log" 2>/dev/null | head -c "$delta_max" | base64 -w0)
    tail=$(timeout 10 tail -c "$tail_max" "$a/log" 2>/dev/null | base64 -w0)
  fi
  local i_n i_pid i_se i_ec i_hb i_size i_lm i_start
  jiv i_n "$n"
  jiv i_pid "$pid"
  jiv i_se "\${M[1]}"
  jiv i_ec "$exit_code"
  jiv i_hb "\${M[2]}"
  jiv i_size "$size"
  jiv i_lm "\${M[0]}"
  jiv i_start "$start"
  printf '"attempt":%s,"alive":%s,"pid":%s,"started_at":%s,"started_epoch":%s,' "$i_n" "$alive" "$i_pid" "$j_started" "$i_se"
  printf '"preempt_notice":%s,' "$j_notice"
  printf '"handle":%s,"finished_at":%s,"exit_code":%s,"marker":%s,"marker_kind":%s,"heartbeat_mtime":%s,' \\
    "$j_handle" "$j_finished" "$i_ec" "$j_marker" "$marker_kind" "$i_hb"
  # A scheduler's own view of the attempt (backend_observe_<name>), when its backend has one.
  local backend=\${handle%%:*}
  if [[ $backend =~ ^[a-z]+$ ]] && declare -F "backend_observe_$backend" >/dev/null; then
    printf '"scheduler":'
    "backend_observe_$backend" "$a"
    printf ','
  fi
  printf '"spec":%s,"log_size":%s,"log_mtime":%s,"delta_from":%s,"delta_b64":"%s","tail_b64":"%s","checkpoints":' \\
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

# Byte ranges of many logs, read in one bounded process: lines \`FROM MAX PATH\` in $1; RANGES[i] is the
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
  # blocks. \`end\` closes a complete read; otherwise the last line may be partial and is dropped.
  # shellcheck disable=SC2016 # the inner script expands its own variables
  all=$(printf '%s\\n' "$1" | timeout 30 bash -c '
    while read -r from max f; do
      if [ -f "$f" ] && ((max > 0)); then tail -c +$((from + 1)) "$f" 2>/dev/null | head -c "$max" | base64 -w0; fi
      echo
    done
    echo end')
  mapfile -t out <<<"$all"
  if [ "\${out[-1]}" = end ] && ((\${#out[@]} == \${#asked[@]} + 1)); then
    RANGES=("\${out[@]:0:\${#asked[@]}}")
  else
    RANGES=("\${out[@]:0:\${#out[@]}-1}")
  fi
}

# The log windows of many cells (lines \`FROM PATH\` in $1) by read_ranges: WIN and WIN_FROM by path, at
# most CELL_DELTA_MAX + CELL_TAIL_MAX bytes each.
declare -A WIN WIN_FROM
read_windows() {
  local from f lines='' i=0
  local -a paths=() froms=()
  [ -n "$1" ] || return 0
  while read -r from f; do
    paths+=("$f") froms+=("$from")
    lines+="$from $((CELL_DELTA_MAX + CELL_TAIL_MAX)) $f"$'\\n'
  done <<<"$1"
  read_ranges "\${lines%$'\\n'}"
  for ((i = 0; i < \${#RANGES[@]}; i++)); do
    WIN[\${paths[i]}]=\${RANGES[i]}
    WIN_FROM[\${paths[i]}]=\${froms[i]}
  done
}

# The runs' new log bytes and tails (lines \`START SIZE PATH\` in $1, START by log_start_var) by read_ranges:
# by path, RDELTA (at most DELTA_MAX bytes from START), RTAIL (the last TAIL_MAX bytes of SIZE) and RFROM.
declare -A RDELTA RTAIL RFROM
read_run_logs() {
  local start size f lines='' i=0
  local -a paths=() froms=()
  [ -n "$1" ] || return 0
  while read -r start size f; do
    paths+=("$f") froms+=("$start")
    lines+="$start $((size > start ? DELTA_MAX : 0)) $f"$'\\n'
    lines+="$((size > TAIL_MAX ? size - TAIL_MAX : 0)) $TAIL_MAX $f"$'\\n'
  done <<<"$1"
  read_ranges "\${lines%$'\\n'}"
  for ((i = 0; 2 * i + 1 < \${#RANGES[@]}; i++)); do
    RDELTA[\${paths[i]}]=\${RANGES[2 * i]}
    RTAIL[\${paths[i]}]=\${RANGES[2 * i + 1]}
    RFROM[\${paths[i]}]=\${froms[i]}
  done
}

# Lets each backend that can (backend_prefetch_<name>) learn about many attempts at once; by their handles.
prefetch_dirs() {
  local d h b
  local -A by=()
  local -a list
  for d in "$@"; do
    rd h "$d/handle"
    b=\${h%%:*}
    [[ $b =~ ^[a-z]+$ ]] && declare -F "backend_prefetch_$b" >/dev/null && by[$b]+="$d"$'\\n'
  done
  for b in "\${!by[@]}"; do
    mapfile -t list <<<"\${by[$b]%$'\\n'}"
    "backend_prefetch_$b" "\${list[@]}"
  done
}

# Stats many files in one call, for stat_files to find in PRE (a missing file is remembered as size 0).
prestat() {
  local -a M S
  local i=0 f
  (($#)) || return 0
  stat_files "$@"
  for f in "$@"; do
    if [ "\${M[i]}" = null ]; then PRE[$f]="\${S[i]} -"; else PRE[$f]="\${S[i]} \${M[i]}"; fi
    i=$((i + 1))
  done
}

# A sweep's cells (cells.list order, at most CELLS_MAX): each cell's record as a run's, with less log per cell.
# A cell the last tick already saw finished (same attempt, its marker seen, so its whole log was read) is
# \`settled\`: only its marker is sent, no log, no stat and no checkpoint scan, so a long sweep's tick costs
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
    v=\${CELL_SEEN[$run_id/$c]:-0 0 0}
    seen=\${v%% *}
    v=\${v#* }
    offset=\${v%% *}
    final=\${v#* }
    kind=''
    if [ -f "$d/DONE" ]; then kind=DONE; elif [ -f "$d/FAILED" ]; then kind=FAILED; fi
    names+=("$c") ns+=("$n") seens+=("$seen") offsets+=("$offset") finals+=("$final") kinds+=("$kind")
    ((n > 0)) || continue
    [ -n "$kind" ] && ((seen == n && final == 1)) && continue
    live+=("$d/attempts/$n/log" "$d/attempts/$n/started_at" "$d/heartbeat")
    # The offset belongs to the attempt the last tick saw (record_fields resets it the same way).
    if ((seen == n)); then LIVE_START[$d/attempts/$n/log]=$offset; else LIVE_START[$d/attempts/$n/log]=0; fi
  done <"$run_dir/cells.list"
  prestat "\${live[@]}"
  # Their scheduler states in one question, when a scheduler holds them.
  local -a cdirs=()
  for ((i = 0; i < \${#live[@]}; i += 3)); do cdirs+=("\${live[i]%/log}"); done
  prefetch_dirs "\${cdirs[@]}"
  # Then their log windows, in one read (the same window record_fields would take: see there).
  local wl='' p size start wfrom
  for ((i = 0; i < \${#live[@]}; i += 3)); do
    p=\${live[i]}
    size=\${PRE[$p]%% *}
    if ! [[ $size =~ ^[0-9]+$ ]] || ((size == 0)); then continue; fi
    log_start_var start "\${LIVE_START[$p]}" "$size" "$CELL_DELTA_MAX"
    log_window_var wfrom "$start" "$size" "$CELL_TAIL_MAX"
    wl+="$wfrom $p"$'\\n'
  done
  read_windows "\${wl%$'\\n'}"
  printf ',"cells":['
  for ((i = 0; i < \${#names[@]}; i++)); do
    c=\${names[i]} n=\${ns[i]} kind=\${kinds[i]}
    ((i == 0)) || cout+=','
    if [ -n "$kind" ] && ((n > 0 && seens[i] == n && finals[i] == 1)); then
      rd marker "$run_dir/cells/$c/$kind"
      jv j_marker "\${marker:0:1024}"
      cout+="{\\"id\\":\\"$c\\",\\"exists\\":true,\\"settled\\":true,\\"attempt\\":$n,\\"marker_kind\\":\\"$kind\\",\\"marker\\":$j_marker}"
    elif ((n == 0)); then
      # Queued: nothing started yet, so nothing to read (but why the queue holds it, when it does).
      marker=''
      [ -f "$run_dir/cells/$c/blocked" ] && rd marker "$run_dir/cells/$c/blocked"
      if [ -n "$marker" ]; then
        jv j_marker "\${marker:0:512}"
        cout+="{\\"id\\":\\"$c\\",\\"exists\\":true,\\"settled\\":false,\\"queued\\":true,\\"blocked\\":$j_marker}"
      else
        cout+="{\\"id\\":\\"$c\\",\\"exists\\":true,\\"settled\\":false,\\"queued\\":true}"
      fi
    else
      printf '%s' "$cout"
      cout=''
      rd marker "$run_dir/cells/$c/attempts/$n/gpus"
      jv j_marker "\${marker:0:256}"
      printf '{"id":"%s","exists":true,"settled":false,"gpus":%s,' "$c" "$j_marker"
      record_fields "$run_dir/cells/$c" "\${seens[i]}" "\${offsets[i]}" "$CELL_DELTA_MAX" "$CELL_TAIL_MAX" window
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
    gpu=$(printf '{"present":true,"exit_code":%s,"query":%s}' "$rc" "$(json_str "\${out:0:8192}")")
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
  jv j_host "\${HOSTNAME:-}"
  jiv j_bt "$btime"
  jv j_db "$disk_bytes"
  jv j_di "$disk_inodes"
  jv j_mx "\${m_max:0:64}"
  jv j_mc "\${m_cur:0:64}"
  jv j_me "\${m_ev:0:1024}"
  printf '{"schema":"tether.probe/v1","hostname":%s,"now":%s,"btime":%s,"disk_bytes":%s,"disk_inodes":%s,' \\
    "$j_host" "\${EPOCHSECONDS:-$(date +%s)}" "$j_bt" "$j_db" "$j_di"
  printf '"memory":{"max":%s,"current":%s,"events":%s},"gpu":%s,"runs":[' "$j_mx" "$j_mc" "$j_me" "$gpu"
  local -a RUN_LINES=()
  local cell
  local final
  while read -r key id seen offset cell final; do
    [ "$key" = end ] && break
    if [ "$key" = cell ]; then
      # \`cell RUN CELL ATTEMPT OFFSET FINAL\`: here seen is the cell name, offset the attempt, cell the offset.
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
  for key in "\${RUN_LINES[@]}"; do
    read -r id seen offset <<<"$key"
    last_attempt_var n "$RUN_ROOT/$id"
    ((n > 0)) || continue
    a=$RUN_ROOT/$id/attempts/$n
    dirs+=("$a")
    files+=("$a/log" "$a/started_at" "$RUN_ROOT/$id/heartbeat")
    # The offset belongs to the attempt the last tick saw (record_fields resets it the same way).
    if ((seen == n)); then starts+=("$offset"); else starts+=(0); fi
  done
  prefetch_dirs "\${dirs[@]}"
  # Every run's files in one stat, then every log's new bytes and tail in one read (not a process each).
  prestat "\${files[@]}"
  for ((i = 0; i < \${#dirs[@]}; i++)); do
    a=\${dirs[i]}
    size=\${PRE[$a/log]%% *}
    if ! [[ $size =~ ^[0-9]+$ ]] || ((size == 0)); then continue; fi
    log_start_var start "\${starts[i]}" "$size" "$DELTA_MAX"
    logs+="$start $size $a/log"$'\\n'
  done
  read_run_logs "\${logs%$'\\n'}"
  for key in "\${RUN_LINES[@]}"; do
    read -r id seen offset <<<"$key"
    ((first)) || printf ','
    first=0
    run_json "$id" "$seen" "$offset"
  done
  printf ']}\\n'
}
main "$@"; exit $?
`, "queue.sh": `#!/usr/bin/env bash
# The detached queue of a sweep, written to <run>/attempts/<n>/queue.sh by launch.sh with lib.sh in front of
# it (src/remote/scripts.ts). Args: RUN_DIR ATTEMPT HEARTBEAT_S. It is the run's process: launch, the patrol
# and stop see it exactly as they see a single run's wrapper (pid, pid_start, handle, heartbeat, markers).
# Each cell not DONE runs as the next attempt of its own record, cells/<name>/, through the attempt's
# wrapper.sh (the same wrapper a single run uses, with the cell directory as its run directory), with
# CUDA_VISIBLE_DEVICES set to GPUs no other running cell holds, stdin from /dev/null, the run's environment
# and secrets (inherited). The next cell starts as soon as a slot frees. cells.json is rewritten atomically
# on every change; the run's DONE is written only when every cell is DONE, else FAILED naming the cells.
# Every variable here is TETHER_-prefixed, as in the wrapper: the job cannot use that prefix.

TETHER_RUN_DIR=$1
TETHER_ATTEMPT=$2
TETHER_HB=\${3:-30}
TETHER_A=$TETHER_RUN_DIR/attempts/$TETHER_ATTEMPT
# From the first line, as in the wrapper: a TERM right after launch never kills the queue before its marker.
trap 'TETHER_TERM=1' TERM

: >>"$TETHER_A/log"
now_utc | atomic_write "$TETHER_A/started_at"
printf '%s\\n' "$$" | atomic_write "$TETHER_A/pid"
printf '%s\\n' "$(pid_start "$$")" | atomic_write "$TETHER_A/pid_start"
touch "$TETHER_RUN_DIR/heartbeat"
(
  while kill -0 "$$" 2>/dev/null; do
    touch "$TETHER_RUN_DIR/heartbeat"
    sleep "$TETHER_HB"
  done
) </dev/null >/dev/null 2>&1 &
TETHER_BEAT=$!

tether_log() { printf '%s queue: %s\\n' "$(now_utc)" "$*" >>"$TETHER_A/log"; }

# Settings launch.sh wrote: GPUs per cell and what a failure stops (run-wide), this attempt's GPU list and width.
read -r TETHER_GPC TETHER_ON_FAILURE <"$TETHER_RUN_DIR/sweep"
read -r TETHER_MAX <"$TETHER_A/max_parallel"
TETHER_FREE=()
if ((TETHER_GPC > 0)); then read -r -a TETHER_FREE < <(tr ',' ' ' <"$TETHER_A/gpus"); fi
mapfile -t TETHER_CELLS <"$TETHER_RUN_DIR/cells.list"

declare -A TETHER_PID TETHER_START TETHER_GPUS
TETHER_FAILED_ANY=0
export TETHER_QUEUE_A=$TETHER_A

# Each cell's last attempt, learnt once here and kept as cells start (no subshell per cell per update).
declare -A TETHER_ATT
for TETHER_C in "\${TETHER_CELLS[@]}"; do TETHER_ATT[$TETHER_C]=$(last_attempt "$TETHER_RUN_DIR/cells/$TETHER_C"); done
TETHER_J_RUN=$(json_str "$(basename "$TETHER_RUN_DIR")")

# cells.json: every cell's state as the queue knows it (pending, running, done, failed), its attempt and GPUs.
write_status() {
  local c first=1 state n j out="{\\"schema\\":\\"tether.cells/v1\\",\\"run_id\\":$TETHER_J_RUN,\\"queue_attempt\\":$TETHER_ATTEMPT,\\"cells\\":["
  for c in "\${TETHER_CELLS[@]}"; do
    n=\${TETHER_ATT[$c]:-0}
    if [ -n "\${TETHER_PID[$c]:-}" ]; then state=running
    elif [ -f "$TETHER_RUN_DIR/cells/$c/DONE" ]; then state='done'
    elif [ -f "$TETHER_RUN_DIR/cells/$c/FAILED" ]; then state=failed
    elif ((n > 0)); then state=dead
    else state=pending; fi
    ((first)) || out+=','
    first=0
    jv j "$c"
    out+="{\\"name\\":$j,\\"state\\":\\"$state\\",\\"attempt\\":$n,\\"gpus\\":\\"\${TETHER_GPUS[$c]:-}\\"}"
  done
  printf '%s]}\\n' "$out" | atomic_write "$TETHER_RUN_DIR/cells.json"
}

start_cell() {
  local c=$1 dir=$TETHER_RUN_DIR/cells/$1 last n i gpus=''
  last=\${TETHER_ATT[$c]:-0}
  # The previous attempt's failure stays with that attempt, so the cell's marker describes the live one.
  retire_failed "$dir" "$last"
  n=$((last + 1))
  mkdir -p "$dir/attempts/$n" || { tether_log "cannot create $dir/attempts/$n"; return 1; }
  for ((i = 0; i < TETHER_GPC; i++)); do
    gpus+="\${gpus:+,}\${TETHER_FREE[0]}"
    TETHER_FREE=("\${TETHER_FREE[@]:1}")
  done
  printf '%s\\n' "$gpus" | atomic_write "$dir/attempts/$n/gpus"
  if ((TETHER_GPC > 0)); then
    CUDA_VISIBLE_DEVICES=$gpus TETHER_CELL=$c bash "$TETHER_A/wrapper.sh" "$dir" "$n" "$TETHER_HB" </dev/null >/dev/null 2>&1 &
  else
    TETHER_CELL=$c bash "$TETHER_A/wrapper.sh" "$dir" "$n" "$TETHER_HB" </dev/null >/dev/null 2>&1 &
  fi
  TETHER_PID[$c]=$!
  TETHER_ATT[$c]=$n
  TETHER_START[$c]=$(pid_start "$!")
  TETHER_GPUS[$c]=$gpus
  tether_log "cell $c attempt $n started\${gpus:+ on GPUs $gpus} (pid $!)"
}

# True while process $1 runs with start time $2 (not a zombie): lib.sh's one /proc reader.
alive_as() {
  proc_alive_as "$1" "$2"
}

# Reaps every cell whose wrapper has exited (gone or a zombie: pid_start fails), frees its GPUs. True if any.
reap() {
  local c any=1 g
  for c in "\${!TETHER_PID[@]}"; do
    if ! alive_as "\${TETHER_PID[$c]}" "\${TETHER_START[$c]}"; then
      wait "\${TETHER_PID[$c]}" 2>/dev/null
      if [ -n "\${TETHER_GPUS[$c]}" ]; then
        for g in \${TETHER_GPUS[$c]//,/ }; do TETHER_FREE+=("$g"); done
      fi
      unset "TETHER_PID[$c]"
      if [ -f "$TETHER_RUN_DIR/cells/$c/DONE" ]; then
        tether_log "cell $c done"
      else
        TETHER_FAILED_ANY=1
        tether_log "cell $c failed"
      fi
      any=0
    fi
  done
  return "$any"
}

# Waits until a cell finishes (or TERM arrives), in steps of 0.2 s.
wait_slot() {
  until reap; do
    [ -n "\${TETHER_TERM:-}" ] && return 1
    sleep 0.2
  done
  write_status
}

# The runbook's disk budget gate before every invocation: the audit's floor (bytes and inodes free where the
# cells write) is checked again before each cell starts. Below it, the cell is held (cells/<c>/blocked says why,
# the patrol shows blocked-disk) while the running cells go on, until there is room again or a TERM.
TETHER_FLOOR_B=0 TETHER_FLOOR_I=0
[ -f "$TETHER_A/disk_floor" ] && read -r TETHER_FLOOR_B TETHER_FLOOR_I <"$TETHER_A/disk_floor"
[[ $TETHER_FLOOR_B =~ ^[0-9]{1,18}$ && $TETHER_FLOOR_I =~ ^[0-9]{1,18}$ ]] || TETHER_FLOOR_B=0 TETHER_FLOOR_I=0
TETHER_WORKDIR=$(expand_home "$(cat "$TETHER_RUN_DIR/workdir" 2>/dev/null)")
disk_room() {
  local avail iavail
  ((TETHER_FLOOR_B > 0 || TETHER_FLOOR_I > 0)) || return 0
  read -r avail iavail < <(timeout 10 df -B1 --output=avail,iavail -- "\${TETHER_WORKDIR:-$TETHER_RUN_DIR}" 2>/dev/null | tail -n 1)
  # df that cannot answer, or a filesystem without an inode table ('-'), is not a reason to hold the cell.
  [[ $avail =~ ^[0-9]+$ ]] || return 0
  [[ $iavail =~ ^[0-9]+$ ]] || iavail=$TETHER_FLOOR_I
  if ((avail < TETHER_FLOOR_B || iavail < TETHER_FLOOR_I)); then
    TETHER_ROOM="$avail bytes and $iavail inodes free under \${TETHER_WORKDIR:-$TETHER_RUN_DIR}, below the floor of $TETHER_FLOOR_B bytes and $TETHER_FLOOR_I inodes"
    return 1
  fi
}
hold_for_disk() {
  local c=$1 said=0
  while ! disk_room; do
    if ((said == 0)); then
      printf '%s\\n' "$TETHER_ROOM" | atomic_write "$TETHER_RUN_DIR/cells/$c/blocked"
      tether_log "cell $c held: $TETHER_ROOM"
      said=1
    fi
    [ -n "\${TETHER_TERM:-}" ] && return 1
    reap && write_status
    sleep 5
  done
  rm -f "$TETHER_RUN_DIR/cells/$c/blocked"
  ((said)) && tether_log "cell $c: the disk has room again"
  return 0
}

write_status
for TETHER_C in "\${TETHER_CELLS[@]}"; do
  [ -f "$TETHER_RUN_DIR/cells/$TETHER_C/DONE" ] && continue
  while ((\${#TETHER_PID[@]} >= TETHER_MAX || \${#TETHER_FREE[@]} < TETHER_GPC)); do
    if ((\${#TETHER_PID[@]} == 0)); then
      # Nothing runs and the free GPUs are still too few: launch.sh refuses this, so the GPU list was bad.
      tether_log "only \${#TETHER_FREE[@]} GPU(s) for $TETHER_GPC per cell: no cell can start"
      break 2
    fi
    wait_slot || break
  done
  [ -n "\${TETHER_TERM:-}" ] && break
  if ((TETHER_FAILED_ANY)) && [ "$TETHER_ON_FAILURE" = stop ]; then
    tether_log "a cell failed and on-cell-failure is stop: no new cell starts"
    break
  fi
  hold_for_disk "$TETHER_C" || break
  start_cell "$TETHER_C"
  write_status
done
# The running cells finish (or, after a TERM, checkpoint and exit: they got it too, as one process group).
while ((\${#TETHER_PID[@]} > 0)); do
  reap || sleep 0.2
done
write_status

kill "$TETHER_BEAT" 2>/dev/null
TETHER_FINISHED=$(now_utc)
TETHER_BAD=() TETHER_NOT_RUN=()
for TETHER_C in "\${TETHER_CELLS[@]}"; do
  if [ -f "$TETHER_RUN_DIR/cells/$TETHER_C/DONE" ]; then continue; fi
  if ((\${TETHER_ATT[$TETHER_C]:-0} > 0)); then TETHER_BAD+=("$TETHER_C"); else TETHER_NOT_RUN+=("$TETHER_C"); fi
done
json_list() {
  local x first=1 out='['
  for x in "$@"; do
    ((first)) || out+=','
    first=0
    out+=$(json_str "$x")
  done
  printf '%s]' "$out"
}
printf '%s\\n' "$TETHER_FINISHED" | atomic_write "$TETHER_A/finished_at"
if ((\${#TETHER_BAD[@]} == 0 && \${#TETHER_NOT_RUN[@]} == 0)); then
  printf '0\\n' | atomic_write "$TETHER_A/exit_code"
  write_marker "$TETHER_RUN_DIR/DONE" "$TETHER_ATTEMPT" 0 null cells "$TETHER_FINISHED" "\\"cells\\":\${#TETHER_CELLS[@]}"
  tether_log "all \${#TETHER_CELLS[@]} cells done"
  exit 0
fi
TETHER_STAGE=cells
TETHER_SIGNAL=null
if [ -n "\${TETHER_TERM:-}" ]; then
  TETHER_SIGNAL='"TERM"'
  [ -f "$TETHER_A/stop_requested" ] && TETHER_STAGE=stopped
fi
printf '1\\n' | atomic_write "$TETHER_A/exit_code"
write_marker "$TETHER_RUN_DIR/FAILED" "$TETHER_ATTEMPT" 1 "$TETHER_SIGNAL" "$TETHER_STAGE" "$TETHER_FINISHED" \\
  "\\"failed_cells\\":$(json_list "\${TETHER_BAD[@]}"),\\"not_run\\":$(json_list "\${TETHER_NOT_RUN[@]}")"
tether_log "failed: \${TETHER_BAD[*]:-none}; not run: \${TETHER_NOT_RUN[*]:-none}"
exit 1
`, "restore.sh": `#!/usr/bin/env bash
# Receives one verified checkpoint for a recovery (issue 27 \xA72): its bytes on stdin after this script,
# written to WORKDIR/PATH and hashed in the same pass; put in place only when size and sha256 are what the
# runner's sync record says, before the job starts. A file already there is kept when it is the same bytes
# and refused otherwise (nothing is overwritten).
# Args: WORKDIR PATH BYTES SHA256. Prints one JSON object; exit 0 restored or present, 20 mismatch,
# 21 another file is there, 22 bad arguments, 16 io.

main() {
  local dir path=$2 bytes=$3 sha=$4 final tmp got size
  dir=$(expand_home "$1")
  if ! is_safe_path "$path" || ((\${#path} > TETHER_PATH_MAX)) || ! [[ $bytes =~ ^[0-9]{1,15}$ && $sha =~ ^[0-9a-f]{64}$ ]]; then
    printf '{"result":"bad-arguments","message":"not a checkpoint path, size and sha256"}\\n'
    return 22
  fi
  final=$dir/$path
  if [ -e "$final" ] || [ -L "$final" ]; then
    head -c "$bytes" >/dev/null
    got=$( [ -f "$final" ] && [ ! -L "$final" ] && sha256sum -- "$final" | cut -d' ' -f1)
    if [ "$got" = "$sha" ]; then
      printf '{"result":"present","path":%s}\\n' "$(json_str "$final")"
      return 0
    fi
    printf '{"result":"exists","message":%s}\\n' "$(json_str "$final is already there with other bytes; nothing was overwritten")"
    return 21
  fi
  umask 077
  if ! mkdir -p -- "$(dirname -- "$final")"; then
    head -c "$bytes" >/dev/null
    printf '{"result":"io-error","message":%s}\\n' "$(json_str "cannot create the folder of $final")"
    return 16
  fi
  tmp=$final.tether-restore.$$
  got=$(head -c "$bytes" | tee -- "$tmp" | sha256sum | cut -d' ' -f1)
  size=$(stat -c %s -- "$tmp" 2>/dev/null || echo -1)
  if [ "$size" != "$bytes" ] || [ "$got" != "$sha" ]; then
    rm -f -- "$tmp"
    printf '{"result":"mismatch","message":%s}\\n' "$(json_str "arrived as $size bytes with sha256 $got; expected $bytes bytes, $sha")"
    return 20
  fi
  mv -- "$tmp" "$final" || { rm -f -- "$tmp"; printf '{"result":"io-error","message":"cannot put the checkpoint in place"}\\n'; return 16; }
  printf '{"result":"restored","path":%s,"bytes":%s,"sha256":"%s"}\\n' "$(json_str "$final")" "$bytes" "$got"
}
main "$@"; exit $?
`, "send.sh": `#!/usr/bin/env bash
# Sends checkpoint files to collect, reading each byte on the box once: the whole file is hashed while the
# bytes the runner still owes go out, and the hash follows the file's bytes. Reads only; writes nothing.
# No args (the runner starts it before it knows the run's files). Stdin data: \`workdir b64(dir)\`,
# \`files b64(list)\`, then \`end\`. One list line per file:
#   \`<offset> <bytes> <mtime> <path>\`: bytes and mtime as the listing (manifest.sh, hash 0) printed them,
#   offset the bytes the runner already holds (0 \u2264 offset \u2264 bytes; it sends [offset, bytes) and hashes [0, bytes)).
# Stdout: each file's owed bytes in list order, back to back; nothing else.
# Stderr, after each file's bytes: \`tether-sent <i> <sha256>\` or \`tether-changed <i> <why>\`.
# A file that is not as listed (size, mtime), or that changes, is replaced, or cannot be read while it is
# sent, ends the stream (exit 3): its bytes may be short, so nothing may follow them. Exit 30: a bad request.

DATA_files='' DATA_workdir=''

# The open file behind fd 3 (stat -L of /dev/fd/3 is an fstat: a rename or replace of the path does not move it).
fd_stat() {
  stat -L -c '%s %.9Y %.9Z %i' /dev/fd/3 2>/dev/null
}

# Sends file $i ($path) from $off; prints its trailer on stderr; returns 3 when the stream must end.
send_one() {
  local i=$1 off=$2 bytes=$3 mtime=$4 path=$5 before after now h size m
  if ! { exec 3<"$path"; } 2>/dev/null; then
    echo "tether-changed $i unreadable" >&2
    return 3
  fi
  before=$(fd_stat)
  read -r size m _ <<<"$before"
  if [ "$size" != "$bytes" ] || [ "$m" != "$mtime" ]; then
    exec 3<&-
    echo "tether-changed $i not as listed: now $size bytes, mtime $m" >&2
    return 3
  fi
  # fd 4 is the real stdout (set in main); inside $(\u2026) fd 6 is the capture, so only the hash lands in h.
  if ((off == 0)); then
    h=$({ head -c "$bytes" <&3 | tee >("\${SHA256_TOOL[@]}" >&6) >&4; } 6>&1)
  else
    h=$({ head -c "$bytes" <&3 | tee >("\${SHA256_TOOL[@]}" >&6) | tail -c "+$((off + 1))" >&4; } 6>&1)
  fi
  after=$(fd_stat)
  now=$(stat -c '%s %.9Y %.9Z %i' -- "$path" 2>/dev/null)
  exec 3<&-
  if [ "$after" != "$before" ] || [ "$now" != "$before" ]; then
    echo "tether-changed $i while it was sent" >&2
    return 3
  fi
  h=\${h%% *}
  if ! [[ $h =~ ^[0-9a-f]{64}$ ]]; then
    echo "tether-changed $i no hash" >&2
    return 3
  fi
  echo "tether-sent $i $h" >&2
}

main() {
  local workdir i=0 off bytes mtime path
  read_data || {
    echo 'tether-refused the file list did not arrive complete' >&2
    return 30
  }
  [ -n "$DATA_workdir" ] || {
    echo 'tether-refused no workdir' >&2
    return 30
  }
  workdir=$(expand_home "$DATA_workdir")
  cd "$workdir" 2>/dev/null || {
    echo "tether-refused workdir $workdir is missing" >&2
    return 30
  }
  exec 4>&1
  sha256_tool
  while read -r off bytes mtime path; do
    [ -n "$path" ] || continue
    if ! [[ $off =~ ^[0-9]+$ && $bytes =~ ^[0-9]+$ ]] || ((off > bytes)) || ! is_safe_path "$path"; then
      echo "tether-refused bad line $i" >&2
      return 30
    fi
    [ -L "$path" ] && {
      echo "tether-changed $i became a symlink" >&2
      return 3
    }
    send_one "$i" "$off" "$bytes" "$mtime" "$path" || return 3
    i=$((i + 1))
  done <<<"$DATA_files"
}
main "$@"; exit $?
`, "slurm_audit.sh": `#!/usr/bin/env bash
# The audit's Slurm part, on the login node: is the cluster reachable (sinfo), and which partitions exist,
# with their availability, node count and node states. Read-only. Prints one JSON object.
# Args: SLURM_CONF (empty: the login node's own configuration).

main() {
  local out rc first=1 name avail nodes states def j
  [ -n "$1" ] && export SLURM_CONF=$1
  if ! command -v sinfo >/dev/null 2>&1; then
    printf '{"reachable":false,"error":"sinfo is not on the login node'"'"'s PATH"}\\n'
    return 0
  fi
  out=$(timeout 20 sinfo -h -o '%P|%a|%D|%T' 2>&1)
  rc=$?
  if ((rc != 0)); then
    printf '{"reachable":false,"error":%s}\\n' "$(json_str "\${out:0:1024}")"
    return 0
  fi
  printf '{"reachable":true,"partitions":['
  while IFS='|' read -r name avail nodes states; do
    [ -n "$name" ] || continue
    def=false
    if [[ $name == *'*' ]]; then def=true; name=\${name%'*'}; fi
    [[ $name =~ ^[A-Za-z0-9_.-]{1,64}$ ]] || continue
    ((first)) || printf ','
    first=0
    jv j "\${states:0:64}"
    printf '{"name":"%s","default":%s,"avail":%s,"nodes":%s,"state":%s}' "$name" "$def" "$(json_str "\${avail:0:16}")" "$(json_int "$nodes")" "$j"
  done <<<"$out"
  printf ']}\\n'
}
main "$@"; exit $?
`, "slurm_jobs.sh": `#!/usr/bin/env bash
# A run's own Slurm jobs (provider slurm's teardown): the job ids tether itself recorded, never a job
# found by name or user. Prints one JSON object.
# Args: RUN_ROOT RUN_ID ACTION \u2014 state (each job's state and reason), cancel (scancel them), hold
# (scontrol hold the pending ones). Stdin data: \`jobs\` (the job ids sbatch answered at launch, from the
# signed registration; empty: the attempts' handle files, which the job itself could have rewritten), end.
# Before acting on a job Slurm still knows, its name, comment and user must be the run's (tether-<run>,
# tether:<run>:<attempt>, this user): a job that is not is refused by name and nothing is acted on.
# Exit 0, or 30 (JSON says why) when the run has no record, no job, or a job that is not its own.

refuse() {
  printf '{"error":%s}\\n' "$(json_str "$1")"
  exit 30
}

DATA_jobs=''

# Refuses unless every job in \`jobs\` that squeue still lists is this run's: name tether-<run>, comment
# tether:<run>:<attempt>, submitted by this user.
check_owner() {
  local run=$1 id name comment user me
  me=$(id -un)
  while IFS='|' read -r id name comment user; do
    [ -n "$id" ] || continue
    local n=\${comment#"tether:$run:"}
    if [ "$name" != "tether-$run" ] || [ "$n" = "$comment" ] || ! is_attempt "$n" || [ "$user" != "$me" ]; then
      refuse "job \${id:0:24} is not run $run's own (squeue says name \${name:0:80}, comment \${comment:0:80}, user \${user:0:32}): nothing was cancelled or held"
    fi
  done < <(timeout 15 squeue -h -j "$(
    IFS=,
    echo "\${jobs[*]}"
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
      [[ $job =~ ^[0-9]{1,12}$ ]] || refuse "bad job id \${job:0:24}"
      [ -n "\${seen[$job]:-}" ] || jobs+=("$job")
      seen[$job]=1
    done
  else
    for d in "$run_dir"/attempts/*/; do
      [ -d "$d" ] || continue
      slurm_job_var job "\${d%/}" || continue
      [ -n "\${seen[$job]:-}" ] && continue
      seen[$job]=1
      jobs+=("$job")
    done
  fi
  ((\${#jobs[@]})) || refuse "run $2 has no Slurm job recorded (backend slurm?)"
  [ "$action" = state ] || check_owner "$2"
  case $action in
    cancel) timeout 30 scancel "\${jobs[@]}" 2>/dev/null ;;
    hold)
      for job in "\${jobs[@]}"; do
        slurm_state "$job" && [ "$SLURM_STATE" = PENDING ] && timeout 30 scontrol hold "$job" 2>/dev/null
      done
      ;;
    state) ;;
    *) refuse "unknown action $action" ;;
  esac
  printf '{"jobs":['
  for job in "\${jobs[@]}"; do
    ((first)) || printf ','
    first=0
    if slurm_state "$job"; then
      jv j_s "\${SLURM_STATE:0:32}"
      jv j_r "\${SLURM_REASON:0:256}"
    else
      j_s='"UNKNOWN"' j_r='""'
    fi
    printf '{"id":"%s","state":%s,"reason":%s}' "$job" "$j_s" "$j_r"
  done
  printf ']}\\n'
}
main "$@"; exit $?
`, "stop.sh": `#!/usr/bin/env bash
# Stops a run's live attempt by its recorded handle, through the backend that started it (backend_stop_<name>).
# Args: RUN_DIR GRACE_S. Writes attempts/<n>/stop_requested (so the wrapper records stage \`stopped\`), sends
# TERM so the job can checkpoint, waits up to GRACE_S for the attempt to end, then sends KILL. A wrapper
# killed before it could write its marker gets FAILED written here, with stage \`stopped\` and signal KILL:
# a stopped run is never left looking dead. Never touches another run or a process it did not start.
# Prints one JSON object: attempt, was_alive, escalated (KILL was needed), alive (still running), marker_kind.

main() {
  local run_dir grace n a i was_alive=false escalated=false alive=false kind='' now
  run_dir=$(expand_home "$1")
  grace=$2
  [[ $grace =~ ^[0-9]{1,4}$ ]] || { echo "stop.sh: GRACE_S must be whole seconds" >&2; return 2; }
  [ -d "$run_dir" ] || { printf '{"error":"no-run","message":%s}\\n' "$(json_str "no run record at $run_dir")"; return 0; }
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
        printf '137\\n' | atomic_write "$a/exit_code"
        printf '%s\\n' "$now" | atomic_write "$a/finished_at"
      fi
    fi
  fi
  if [ -f "$run_dir/DONE" ]; then kind=DONE; elif [ -f "$run_dir/FAILED" ]; then kind=FAILED; fi
  printf '{"attempt":%s,"was_alive":%s,"escalated":%s,"alive":%s,"marker_kind":"%s"}\\n' "$n" "$was_alive" "$escalated" "$alive" "$kind"
}
main "$@"; exit $?
`, "sync.sh": `#!/usr/bin/env bash
# Receives a code release (a tar on stdin, after this script) into RELEASES/ID, content-addressed.
# A release directory is immutable once present, so a path a live job runs from is never overwritten.
# Args: RELEASES_DIR ID SHA256. Prints one JSON object; exit 0 stored or present, 20 hash mismatch, 16 io.

main() {
  local dir id sha tmp got
  dir=$(expand_home "$1")
  id=$2
  sha=$3
  umask 077
  mkdir -p "$dir" || { printf '{"result":"io-error","message":"cannot create %s"}\\n' "$dir"; return 16; }
  if [ -d "$dir/$id" ]; then
    cat >/dev/null
    printf '{"result":"present","path":%s}\\n' "$(json_str "$dir/$id")"
    return 0
  fi
  tmp=$dir/.incoming.$id.$$
  if ! cat >"$tmp.tar"; then
    rm -f "$tmp.tar"
    printf '{"result":"io-error","message":"could not store the release (disk full?)"}\\n'
    return 16
  fi
  got=$(sha256sum "$tmp.tar" | cut -d' ' -f1)
  if [ "$got" != "$sha" ]; then
    rm -f "$tmp.tar"
    printf '{"result":"hash-mismatch","message":"the release arrived with sha256 %s, expected %s"}\\n' "$got" "$sha"
    return 20
  fi
  if ! { mkdir "$tmp" && tar -xf "$tmp.tar" -C "$tmp" --no-same-owner --no-same-permissions; }; then
    rm -rf "$tmp" "$tmp.tar"
    printf '{"result":"io-error","message":"could not unpack the release"}\\n'
    return 16
  fi
  rm -f "$tmp.tar"
  # Another launch may have stored the same release meanwhile; identical content, keep theirs.
  mv -T "$tmp" "$dir/$id" 2>/dev/null || rm -rf "$tmp"
  printf '{"result":"stored","path":%s}\\n' "$(json_str "$dir/$id")"
}
main "$@"; exit $?
`, "wrapper.sh": `#!/usr/bin/env bash
# The detached wrapper of one attempt, written to <run>/attempts/<n>/wrapper.sh by launch.sh with
# lib.sh in front of it (src/remote/scripts.ts), so the helpers below come from lib.sh.
# Args: RUN_DIR ATTEMPT HEARTBEAT_S. Runs the recorded command (then the \`then\` chain if it exited 0)
# with stdin from /dev/null, keeps a heartbeat, and writes exit_code, finished_at and DONE or FAILED.
# The training code never writes markers; a marker never lands after a failed stage.
# Every variable here is TETHER_-prefixed: the job's own variables (inherited, exported) cannot use that
# prefix, so assigning ours never changes what the job sees.

TETHER_RUN_DIR=$1
TETHER_ATTEMPT=$2
TETHER_HB=\${3:-30}
TETHER_A=$TETHER_RUN_DIR/attempts/$TETHER_ATTEMPT
# A TERM before the command starts (Slurm's lead signal when the time limit is near at once, a stop or a
# preemption right after launch) must not kill the wrapper before it writes its marker: noted here, and
# the command is then not started (below).
trap 'TETHER_TERM=1' TERM
# Under Slurm this is the batch script. A requeued job runs it again with the same arguments: each run is
# the next attempt (same job id), so no attempt's record is ever overwritten.
if [ -n "\${SLURM_JOB_ID:-}" ] && [[ \${SLURM_RESTART_COUNT:-0} =~ ^[1-9][0-9]{0,3}$ ]]; then
  TETHER_ATTEMPT=$((TETHER_ATTEMPT + SLURM_RESTART_COUNT))
  mkdir -p "$TETHER_RUN_DIR/attempts/$TETHER_ATTEMPT"
  cp -f "$TETHER_A/handle" "$TETHER_RUN_DIR/attempts/$TETHER_ATTEMPT/handle" 2>/dev/null
  TETHER_A=$TETHER_RUN_DIR/attempts/$TETHER_ATTEMPT
  # The previous run's marker stays with its attempt.
  retire_failed "$TETHER_RUN_DIR" $((TETHER_ATTEMPT - 1))
fi

# The wrapper's own streams stay as the backend gave them: under tmux, closing the last pty fd makes
# tmux reap the pane and hang up the job. Each stage below is redirected to the attempt log instead.
: >>"$TETHER_A/log"
# pid_start last: launch.sh waits for it and then reads the other two.
now_utc | atomic_write "$TETHER_A/started_at"
printf '%s\\n' "$$" | atomic_write "$TETHER_A/pid"
printf '%s\\n' "$(pid_start "$$")" | atomic_write "$TETHER_A/pid_start"
if [ -n "\${SLURM_JOB_ID:-}" ]; then
  printf '%s\\n' "$SLURM_JOB_ID" | atomic_write "$TETHER_A/job_id"
  printf '%s\\n' "\${SLURM_JOB_NODELIST:-}" | atomic_write "$TETHER_A/nodes"
fi
touch "$TETHER_RUN_DIR/heartbeat"

(
  # A spot notice's signal goes to the attempt's whole process group (below): the heartbeat ignores it.
  trap '' USR1 USR2 INT
  while kill -0 "$$" 2>/dev/null; do
    touch "$TETHER_RUN_DIR/heartbeat"
    sleep "$TETHER_HB"
  done
) </dev/null >/dev/null 2>&1 &
TETHER_BEAT=$!

# EC2's two-minute spot notice (issue 27 \xA71): with <attempt>/preempt_watch (\`ADDRESS SIGNAL\`, written by
# launch.sh for a run on EC2), a watcher asks the instance metadata (IMDSv2, bash's /dev/tcp, every 5 s,
# each call bounded) for spot/instance-action; on a notice it records it in <attempt>/preempt_notice, sends
# the job SIGNAL so it can checkpoint, and TERM 5 s before the notice's time. The wrapper and its helpers
# catch that signal (a no-op), so only the job acts on it.
tether_imds() { # METHOD PATH HEADER: sets TETHER_HTTP_STATUS and TETHER_HTTP_BODY (\u2264 4 KiB)
  local out
  # shellcheck disable=SC2016 # the inner script reads its own positional parameters
  out=$(timeout 4 bash -c 'exec 3<>"/dev/tcp/$1/$2" || exit 1
    printf "%s %s HTTP/1.0\\r\\nHost: %s\\r\\n%s\\r\\nContent-Length: 0\\r\\n\\r\\n" "$3" "$4" "$1" "$5" >&3
    head -c 4096 <&3' _ "\${TETHER_IMDS%:*}" "\${TETHER_IMDS##*:}" "$1" "$2" "$3" 2>/dev/null | tr -d '\\r')
  TETHER_HTTP_STATUS='' TETHER_HTTP_BODY=''
  [[ $out =~ ^HTTP/1\\.[01]\\ ([0-9]{3}) ]] || return 1
  TETHER_HTTP_STATUS=\${BASH_REMATCH[1]}
  TETHER_HTTP_BODY=\${out#*$'\\n\\n'}
}
tether_spot_watch() {
  local token='' action at t now term
  trap '' USR1 USR2 INT
  while kill -0 "$$" 2>/dev/null; do
    if [ -z "$token" ] && tether_imds PUT /latest/api/token 'X-aws-ec2-metadata-token-ttl-seconds: 21600' &&
      [ "$TETHER_HTTP_STATUS" = 200 ] && [[ $TETHER_HTTP_BODY =~ ^[A-Za-z0-9_=+/-]{1,200}$ ]]; then
      token=$TETHER_HTTP_BODY
    fi
    if [ -n "$token" ] && tether_imds GET /latest/meta-data/spot/instance-action "X-aws-ec2-metadata-token: $token"; then
      [ "$TETHER_HTTP_STATUS" = 401 ] && token=''
      if [ "$TETHER_HTTP_STATUS" = 200 ] &&
        [[ $TETHER_HTTP_BODY =~ \\"action\\"[[:space:]]*:[[:space:]]*\\"(terminate|stop|hibernate)\\" ]] && action=\${BASH_REMATCH[1]} &&
        [[ $TETHER_HTTP_BODY =~ \\"time\\"[[:space:]]*:[[:space:]]*\\"([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)\\" ]]; then
        at=\${BASH_REMATCH[1]}
        t=$(date -u -d "$at" +%s 2>/dev/null) || t=$(date +%s)
        now=$(date +%s)
        term=$((t - 5 > now + 1 ? t - 5 : now + 1))
        printf '{"action":"%s","time":"%s","seen_at":"%s","signal":"%s","term_at":"%s"}\\n' "$action" "$at" "$(now_utc)" \\
          "$TETHER_PSIG" "$(date -u -d "@$term" +%Y-%m-%dT%H:%M:%SZ)" | atomic_write "$TETHER_A/preempt_notice"
        echo "tether: EC2 spot notice: $action at $at; sent SIG$TETHER_PSIG to the job, TERM follows at $(date -u -d "@$term" +%H:%M:%SZ)" >>"$TETHER_A/log"
        attempt_signal "$TETHER_A" "$TETHER_PSIG"
        while (($(date +%s) < term)) && kill -0 "$$" 2>/dev/null; do sleep 1; done
        kill -0 "$$" 2>/dev/null && attempt_signal "$TETHER_A" TERM
        return 0
      fi
    fi
    sleep 5
  done
}
TETHER_WATCH=''

# park-after (issue 27 \xA73): with <attempt>/park_after (\`SECONDS HOW ADDRESS\`, written by launch.sh), once the
# attempt's marker is written a detached timer waits SECONDS, then parks the box itself, with no account key:
# \`ec2-shutdown\` asks the instance metadata first and shuts down only an on-demand instance (a spot one could be
# terminated, not stopped); \`runpod-stop\` runs runpodctl with the pod's own key. A newer attempt (a resume or a
# recovery) or a marker gone cancels it. What it did is in <attempt>/self_park (strict JSON, fixed words).
tether_park_note() { # STATE DETAIL
  printf '{"state":"%s","how":"%s","at":"%s","detail":"%s"}\\n' "$1" "$TETHER_PA_HOW" "$(now_utc)" "$2" | atomic_write "$TETHER_A/self_park"
}
tether_park_timer() {
  local end left life='' token='' pod
  end=$(($(date +%s) + TETHER_PA_S))
  tether_park_note waiting "parks at $(date -u -d "@$end" +%Y-%m-%dT%H:%M:%SZ) unless a newer attempt starts"
  while left=$((end - $(date +%s))) && ((left > 0)); do
    sleep $((left < 5 ? left : 5))
    if [ -e "$TETHER_RUN_DIR/attempts/$((TETHER_ATTEMPT + 1))" ]; then
      tether_park_note cancelled "attempt $((TETHER_ATTEMPT + 1)) started"
      return 0
    fi
  done
  if ! [ -f "$TETHER_RUN_DIR/DONE" ] && ! [ -f "$TETHER_RUN_DIR/FAILED" ]; then
    tether_park_note cancelled "the run's marker is gone"
    return 0
  fi
  case $TETHER_PA_HOW in
    ec2-shutdown)
      TETHER_IMDS=$TETHER_PA_ADDR
      if tether_imds PUT /latest/api/token 'X-aws-ec2-metadata-token-ttl-seconds: 60' && [ "$TETHER_HTTP_STATUS" = 200 ] &&
        [[ $TETHER_HTTP_BODY =~ ^[A-Za-z0-9_=+/-]{1,200}$ ]]; then
        token=$TETHER_HTTP_BODY
      fi
      if [ -n "$token" ] && tether_imds GET /latest/meta-data/instance-life-cycle "X-aws-ec2-metadata-token: $token" &&
        [ "$TETHER_HTTP_STATUS" = 200 ] && [[ $TETHER_HTTP_BODY =~ ^(on-demand|spot|scheduled|capacity-block)$ ]]; then
        life=$TETHER_HTTP_BODY
      fi
      if [ "$life" != on-demand ]; then
        tether_park_note refused "the instance metadata says instance-life-cycle \${life:-unknown}, not on-demand: a shutdown could terminate it"
        return 0
      fi
      tether_park_note parking "sudo -n shutdown -h now"
      echo "tether: park-after: the job ended \${TETHER_PA_S} s ago; parking this on-demand instance (OS shutdown)" >>"$TETHER_A/log"
      # shellcheck disable=SC2024 # the log is the attempt's own file: sudo is for the shutdown, not the write
      sudo -n shutdown -h now >>"$TETHER_A/log" 2>&1 || sudo -n poweroff >>"$TETHER_A/log" 2>&1
      ;;
    runpod-stop)
      pod=\${RUNPOD_POD_ID:-$(tr '\\0' '\\n' </proc/1/environ 2>/dev/null | sed -n 's/^RUNPOD_POD_ID=//p' | head -n 1)}
      if ! [[ $pod =~ ^[A-Za-z0-9]{1,64}$ ]] || ! command -v runpodctl >/dev/null; then
        tether_park_note refused "RUNPOD_POD_ID or runpodctl is missing on this box"
        return 0
      fi
      tether_park_note parking "runpodctl pod stop $pod"
      echo "tether: park-after: the job ended \${TETHER_PA_S} s ago; stopping pod $pod (runpodctl)" >>"$TETHER_A/log"
      timeout 60 runpodctl pod stop "$pod" >>"$TETHER_A/log" 2>&1 || timeout 60 runpodctl stop pod "$pod" >>"$TETHER_A/log" 2>&1
      ;;
  esac
}
if [ -z "\${SLURM_JOB_ID:-}" ] && [ -f "$TETHER_A/preempt_watch" ]; then
  read -r TETHER_IMDS TETHER_PSIG <"$TETHER_A/preempt_watch"
  if [[ $TETHER_IMDS =~ ^[0-9]{1,3}(\\.[0-9]{1,3}){3}:[0-9]{1,5}$ ]] && [[ $TETHER_PSIG =~ ^(USR1|USR2|INT|TERM)$ ]]; then
    [ "$TETHER_PSIG" = TERM ] || trap ':' "$TETHER_PSIG"
    tether_spot_watch </dev/null >/dev/null 2>&1 &
    TETHER_WATCH=$!
  fi
fi

TETHER_WORKDIR=$(expand_home "$(cat "$TETHER_RUN_DIR/workdir")")

export PYTHONUNBUFFERED=1 TETHER_RUN_ID TETHER_ATTEMPT=$TETHER_ATTEMPT TETHER_RUN_DIR=$TETHER_RUN_DIR
TETHER_RUN_ID=$(basename "$TETHER_RUN_DIR")
# A sweep's cell (started by queue.sh with TETHER_CELL): its record is <run>/cells/<cell>.
if [ -n "\${TETHER_CELL:-}" ]; then
  TETHER_RUN_ID=$(basename "$(dirname "$(dirname "$TETHER_RUN_DIR")")")
  export TETHER_CELL
fi
# Cap BLAS/OpenMP threads to the cgroup CPU quota when one is set and the user did not choose.
TETHER_CAP=$(cpu_quota_cores)
if [ -z "\${OMP_NUM_THREADS:-}" ] && [ -n "$TETHER_CAP" ]; then
  export OMP_NUM_THREADS=$TETHER_CAP MKL_NUM_THREADS=$TETHER_CAP
fi

# TERM (a provider's stop or preemption, or tether's stop by handle) goes to the whole process group: the job
# gets it and may checkpoint; the wrapper only notes it and, once the job has exited, writes FAILED (even
# when the job exited 0 on TERM: it was stopped, not finished) and skips \`then\`. Bash runs the trap after the
# foreground stage ends, so the marker always follows the job. A stop asked by tether (stop.sh writes
# stop_requested first) is recorded as stage \`stopped\`; any other TERM keeps its stage.
trap 'TETHER_TERM=1' TERM

# Runs stage $1's text as the job; under Slurm in the background, so the lead signal (TERM to this batch
# shell only, \`--signal=B:TERM@lead\`) is forwarded to the job at once and the training code can checkpoint.
tether_stage() {
  if [ -z "\${SLURM_JOB_ID:-}" ]; then
    bash -c "$1" </dev/null >>"$TETHER_A/log" 2>&1
    return
  fi
  bash -c "$1" </dev/null >>"$TETHER_A/log" 2>&1 &
  TETHER_JOB=$!
  trap 'TETHER_TERM=1; kill -TERM "$TETHER_JOB" 2>/dev/null' TERM
  local rc
  while :; do
    wait "$TETHER_JOB"
    rc=$?
    # wait returns early (>128) when the trap ran; the job may still be checkpointing.
    kill -0 "$TETHER_JOB" 2>/dev/null || break
  done
  trap 'TETHER_TERM=1' TERM
  return "$rc"
}

TETHER_STAGE='command'
if [ -n "\${TETHER_TERM:-}" ]; then
  echo "tether: TERM arrived before the command started; it was not started" >>"$TETHER_A/log"
  TETHER_RC=143
elif cd "$TETHER_WORKDIR" 2>>"$TETHER_A/log"; then
  tether_stage "$(cat "$TETHER_RUN_DIR/command")"
  TETHER_RC=$?
  if [ "$TETHER_RC" -eq 0 ] && [ -z "\${TETHER_TERM:-}" ] && [ -s "$TETHER_RUN_DIR/then" ]; then
    TETHER_STAGE='then'
    tether_stage "$(cat "$TETHER_RUN_DIR/then")"
    TETHER_RC=$?
  fi
else
  TETHER_STAGE=workdir
  TETHER_RC=127
fi

kill "$TETHER_BEAT" 2>/dev/null
[ -n "$TETHER_WATCH" ] && kill "$TETHER_WATCH" 2>/dev/null
# A cell's stop is asked of its queue (stop.sh writes the queue attempt's stop_requested).
if [ -n "\${TETHER_TERM:-}" ] && { [ -f "$TETHER_A/stop_requested" ] || [ -f "\${TETHER_QUEUE_A:-/nonexistent}/stop_requested" ]; }; then TETHER_STAGE=stopped; fi
TETHER_FINISHED=$(now_utc)
printf '%s\\n' "$TETHER_RC" | atomic_write "$TETHER_A/exit_code"
printf '%s\\n' "$TETHER_FINISHED" | atomic_write "$TETHER_A/finished_at"
TETHER_SIGNAL=null
if ((TETHER_RC > 128)); then
  TETHER_SIGNAL="\\"$(kill -l $((TETHER_RC - 128)) 2>/dev/null || echo $((TETHER_RC - 128)))\\""
elif [ -n "\${TETHER_TERM:-}" ]; then
  TETHER_SIGNAL='"TERM"'
fi
if [ "$TETHER_RC" -eq 0 ] && [ -z "\${TETHER_TERM:-}" ]; then TETHER_KIND=DONE; else TETHER_KIND=FAILED; fi
write_marker "$TETHER_RUN_DIR/$TETHER_KIND" "$TETHER_ATTEMPT" "$TETHER_RC" "$TETHER_SIGNAL" "$TETHER_STAGE" "$TETHER_FINISHED"
if [ -z "\${SLURM_JOB_ID:-}" ] && [ -z "\${TETHER_CELL:-}" ] && [ -f "$TETHER_A/park_after" ] &&
  read -r TETHER_PA_S TETHER_PA_HOW TETHER_PA_ADDR <"$TETHER_A/park_after" && [[ $TETHER_PA_S =~ ^[0-9]{2,6}$ ]] &&
  [[ $TETHER_PA_HOW =~ ^(ec2-shutdown|runpod-stop)$ ]] && [[ $TETHER_PA_ADDR =~ ^[0-9]{1,3}(\\.[0-9]{1,3}){3}:[0-9]{1,5}$ ]]; then
  # The timer outlives this wrapper: the pane's hangup (and any late signal to the attempt's group) is ignored
  # before the fork, so the child is never without it.
  trap '' HUP INT TERM USR1 USR2
  tether_park_timer </dev/null >/dev/null 2>&1 &
  disown
fi
exit "$TETHER_RC"
` };
function scriptText(name) {
  const text = TEXTS[name];
  if (text === void 0) throw new Error("script-texts: no text " + name);
  return text;
}

// src/remote/scripts.ts
var lib = (() => {
  const text = scriptText("lib.sh");
  const contract = contractSh({ TETHER_SLURM_ALIVE: SLURM_ALIVE.join(" ") });
  const nl = text.startsWith("#!") ? text.indexOf("\n") + 1 : 0;
  return `${text.slice(0, nl)}${contract}
${text.slice(nl)}`;
})();
var SCRIPTS = {
  audit: scriptText("audit.sh"),
  checkpoints: scriptText("checkpoints.sh"),
  confirm: scriptText("confirm.sh"),
  follow: scriptText("follow.sh"),
  launch: scriptText("launch.sh"),
  logs: scriptText("logs.sh"),
  manifest: scriptText("manifest.sh"),
  nodes: scriptText("nodes.sh"),
  send: scriptText("send.sh"),
  poweroff: scriptText("poweroff.sh"),
  probe: scriptText("probe.sh"),
  restore: scriptText("restore.sh"),
  stop: scriptText("stop.sh"),
  sync: scriptText("sync.sh"),
  slurm_jobs: scriptText("slurm_jobs.sh"),
  slurm_audit: scriptText("slurm_audit.sh")
};
var WRAPPER = `${lib}
${scriptText("wrapper.sh")}`;
var ARRAY = `${lib}
${scriptText("array.sh")}`;
var QUEUE = `${lib}
${scriptText("queue.sh")}`;
var LIB = [lib, ...BACKEND_NAMES.map((n) => scriptText(`backend_${n}.sh`))].join("\n");

// src/remote/shell-quote.ts
function shellQuote(arg) {
  if (arg.includes("\0")) throw new Error("an argument contains a NUL byte");
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

// src/remote/invoke.ts
function dataLines(data, env = []) {
  const b64 = (s) => Buffer.from(s, "utf8").toString("base64");
  const lines = Object.entries(data).map(([k, v]) => `${k} ${b64(v)}`);
  for (const [name, value] of env) lines.push(`env ${name} ${b64(value)}`);
  lines.push("end");
  return lines.join("\n") + "\n";
}
function scriptStdin(name, data) {
  const script = SCRIPTS[name];
  if (!/\nmain "\$@"; exit \$\?\n?$/.test(script)) throw new Error(`scripts/remote/${name}.sh must end with: main "$@"; exit $?`);
  const head = Buffer.from(`${LIB}
${script.endsWith("\n") ? script : script + "\n"}`);
  return data === void 0 ? head : Buffer.concat([head, Buffer.isBuffer(data) ? data : Buffer.from(data)]);
}
function scriptCommand(args) {
  return ["bash", "-s", "--", ...args.map(shellQuote)].join(" ");
}
function runScript(session, name, args, opts = {}) {
  return session.exec(scriptCommand(args), {
    stdin: scriptStdin(name, opts.binary ?? opts.data),
    timeoutMs: opts.timeoutMs ?? 12e4,
    maxOutput: opts.maxOutput ?? 1 << 20
  });
}
function parseJsonLine(name, r) {
  const said = () => (r.stderr || r.stdout).trim().slice(0, 300);
  if (r.truncated) throw new BoxDataError(`${name}.sh printed more than its output bound; the box's answer was not read`);
  const line = r.stdout.trim().split("\n").reverse().find((l) => l.startsWith("{"));
  if (line === void 0) throw new BoxDataError(`${name}.sh printed no JSON result (exit ${r.code ?? r.signal}): ${said()}`);
  return parseJson(line, `${name}.sh's result`, 16 << 20);
}

// src/ssh/client.ts
var import_ssh2 = __toESM(require_lib(), 1);

// src/ssh/backoff.ts
function backoffDelayMs(attempt, baseMs = 1e3, capMs = 8e3) {
  if (attempt <= 1) return 0;
  return Math.min(capMs, baseMs * 2 ** (attempt - 2));
}
async function withBackoff(attempts, fn, retryable, sleep = (ms) => new Promise((r) => setTimeout(r, ms))) {
  let last;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const delay = backoffDelayMs(attempt);
    if (delay) await sleep(delay);
    try {
      return await fn(attempt);
    } catch (err) {
      last = err;
      if (!retryable(err)) throw err;
    }
  }
  throw last;
}

// src/ssh/client.ts
function connect(cfg, cred, tuning = {}) {
  return withBackoff(
    cfg.attempts,
    () => connectOnce(cfg, cred, tuning),
    (err) => err instanceof TransportError && err.kind === "network"
  );
}
async function connectOnce(cfg, cred, tuning) {
  const box = { host: cfg.host, port: cfg.port, user: cfg.user, pin: cfg.pin, label: "" };
  if (!cfg.jump) {
    const direct = await handshake(box, cfg, cred, tuning);
    return makeSession(direct.client, direct.seen, direct.seenKey, null);
  }
  const j = cfg.jump;
  const jump = await handshake({ host: j.host, port: j.port, user: j.user, pin: { kind: "pinned", ...j.pin }, label: "jump host " }, cfg, cred, tuning);
  let inner;
  try {
    const sock = await forward(jump.client, cfg, j);
    inner = await handshake({ ...box, sock }, cfg, cred, tuning);
  } catch (err) {
    jump.client.end();
    throw err;
  }
  inner.client.once("close", () => jump.client.end());
  jump.client.once("close", () => inner.client.destroy());
  return makeSession(inner.client, inner.seen, inner.seenKey, jump.seenKey);
}
function forward(jump, cfg, j) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      jump.end();
      reject(
        new TransportError("unreachable", `jump host ${j.host}:${j.port} could not reach ${cfg.host}:${cfg.port} within ${cfg.connectTimeoutMs / 1e3} s`)
      );
    }, cfg.connectTimeoutMs);
    jump.forwardOut("127.0.0.1", 0, cfg.host, cfg.port, (err, stream) => {
      clearTimeout(timer);
      if (!err) return resolve(stream);
      const msg = err.message;
      const kind = /refused/i.test(msg) ? "connection_refused" : /timed out|no route|unreachable/i.test(msg) ? "unreachable" : "network";
      reject(new TransportError(kind, `jump host ${j.host}:${j.port} could not open a channel to ${cfg.host}:${cfg.port}: ${msg}`));
    });
  });
}
function handshake(hop, cfg, cred, tuning) {
  return new Promise((resolve, reject) => {
    const client = new import_ssh2.default.Client();
    let seen = "";
    let seenKey = Buffer.alloc(0);
    let rejectedHostKey = false;
    let settled = false;
    const where = `${hop.label}${hop.host}:${hop.port}`;
    const fail = (err) => {
      if (settled) return;
      settled = true;
      client.end();
      client.destroy();
      reject(err);
    };
    const hardStop = setTimeout(
      () => fail(new TransportError("unreachable", `${where} did not finish the SSH handshake within ${cfg.connectTimeoutMs / 1e3} s`)),
      cfg.connectTimeoutMs + 1e3
    );
    client.on("error", (err) => {
      clearTimeout(hardStop);
      const kind = classify(err, rejectedHostKey);
      const detail = kind === "host_key_mismatch" && hop.pin.kind === "pinned" ? `${where} presented ${seen}, but the pinned key is ${hop.pin.fingerprints.join(" or ")}` : `${where}: ${err.message}`;
      fail(new TransportError(kind, detail, kind === "host_key_mismatch" && seen ? seen : void 0));
    });
    client.on("ready", () => {
      clearTimeout(hardStop);
      if (settled) return;
      settled = true;
      resolve({ client, seen, seenKey });
    });
    try {
      client.connect({
        ...hop.sock ? { sock: hop.sock } : { host: hop.host, port: hop.port },
        username: hop.user,
        ..."privateKey" in cred ? { privateKey: cred.privateKey } : { agent: cred.agent },
        readyTimeout: cfg.connectTimeoutMs,
        keepaliveInterval: tuning.keepaliveIntervalMs ?? 1e4,
        keepaliveCountMax: tuning.keepaliveCountMax ?? 3,
        tryKeyboard: false,
        // Straight to the one method we have: no 'none' probe round trip.
        authHandler: "privateKey" in cred ? ["publickey"] : ["agent"],
        // Runs before authentication: a wrong key never sees our credentials.
        hostVerifier: (key) => {
          seen = fingerprint(key);
          seenKey = Buffer.from(key);
          if (hop.pin.kind === "accept-new") return true;
          const ok = hop.pin.fingerprints.includes(seen) && !hop.pin.revoked.includes(seen);
          rejectedHostKey = !ok;
          return ok;
        }
      });
      if (!hop.sock) client.setNoDelay(true);
    } catch (err) {
      clearTimeout(hardStop);
      fail(new TransportError("network", err.message));
    }
  });
}
function makeSession(client, hostFingerprint, hostKey, jumpHostKey) {
  let lost;
  client.on("error", (err) => {
    lost ??= new TransportError(classify(err, false), err.message);
  });
  const closed = new Promise((res) => client.once("close", () => res(lost?.message ?? "the connection closed")));
  return {
    hostFingerprint,
    hostKey,
    jumpHostKey,
    closed,
    close: () => {
      client.end();
    },
    stream: (command, stdin, onLine, maxLine = 4096) => streamLines(client, () => lost, command, stdin, onLine, maxLine),
    exec: (command, opts = {}) => execBounded(client, () => lost, command, opts)
  };
}
function streamLines(client, lostNow, command, stdin, onLine, maxLine) {
  let channel;
  let stop = false;
  const ended = new Promise((res) => {
    const onClose = () => res(lostNow()?.message ?? "the connection closed");
    client.once("close", onClose);
    const lost = lostNow();
    if (lost) return res(lost.message);
    client.exec(command, { pty: false }, (e, ch) => {
      if (e) return res(`the command could not start: ${e.message}`);
      channel = ch;
      if (stop) ch.close();
      let buf = "";
      ch.on("data", (d) => {
        buf += d.toString("utf8");
        for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
          onLine(buf.slice(0, nl));
          buf = buf.slice(nl + 1);
        }
        if (buf.length > maxLine) {
          buf = "";
          ch.close();
          client.removeListener("close", onClose);
          res(`the box sent a line longer than ${maxLine} bytes; the stream was closed`);
        }
      });
      ch.stderr.on("data", () => void 0);
      ch.on("error", () => void 0);
      ch.on("close", (code, signal) => {
        client.removeListener("close", onClose);
        res(`the command ended (exit ${code ?? signal ?? "?"})`);
      });
      ch.write(stdin);
    });
  });
  return {
    ended,
    close: () => {
      stop = true;
      channel?.close();
    }
  };
}
function execBounded(client, lostNow, command, opts) {
  const lost = lostNow();
  return new Promise((resolve, reject) => {
    if (lost) return reject(lost);
    const max = opts.maxOutput ?? 8 * 1024 * 1024;
    const out = [];
    const err = [];
    let outLen = 0;
    let errLen = 0;
    let truncated = false;
    let done = false;
    const finish = (fn) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      client.removeListener("close", onClose);
      fn();
    };
    const timeoutMs = opts.timeoutMs ?? 12e4;
    const timer = setTimeout(() => {
      finish(() => reject(new TransportError("unreachable", `the command did not finish within ${timeoutMs / 1e3} s; the connection was dropped`)));
      client.destroy();
    }, timeoutMs);
    const onClose = () => finish(() => reject(lostNow() ?? new TransportError("network", "the connection closed before the command finished")));
    client.once("close", onClose);
    client.exec(command, { pty: false }, (e, stream) => {
      if (e) return finish(() => reject(new TransportError("network", e.message)));
      const over = () => {
        truncated = true;
        stream.close();
      };
      stream.on("data", (d) => {
        if (truncated) return;
        if (outLen + d.length > max) return over();
        out.push(d);
        outLen += d.length;
      });
      stream.stderr.on("data", (d) => {
        if (truncated) return;
        if (errLen + d.length > max) return over();
        err.push(d);
        errLen += d.length;
      });
      stream.on(
        "close",
        (code, signal) => finish(
          () => resolve({
            code: code ?? null,
            signal: signal ?? null,
            stdout: Buffer.concat(out).toString("utf8"),
            stderr: Buffer.concat(err).toString("utf8"),
            truncated
          })
        )
      );
      stream.on("error", () => void 0);
      if (opts.stdin !== void 0) stream.end(opts.stdin);
      else stream.end();
    });
  });
}

export {
  scriptText,
  WRAPPER,
  ARRAY,
  QUEUE,
  dataLines,
  scriptStdin,
  scriptCommand,
  runScript,
  parseJsonLine,
  connect
};
