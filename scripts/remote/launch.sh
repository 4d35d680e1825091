#!/usr/bin/env bash
# Creates or resumes a run and starts its wrapper detached. Prints one JSON object; exit codes:
#   0 started · 10 alive (refused) · 11 finished (refused) · 12 dead, resume not asked (refused)
#   13 run id used with another command (refused) · 14 workdir missing · 15 backend unavailable · 16 lock/io
#   17 a sweep's cells need more GPUs than the box has · 18 the scheduler refused the job (sbatch's words)
#   19 a live run on this box saves into the same checkpoint directory or files (refused)
# Args: RUN_ROOT RUN_ID BACKEND RESUME(0|1) HEARTBEAT_S
# Stdin data (after this script): spec, identity, command, then, workdir, wrapper; `env NAME b64` lines; end.
# A sweep adds: cells (lines `NAME B64_COMMAND B64_CHECKPOINTS B64_CELL_SPEC`), sweep (`GPUS_PER_CELL
# MAX_PARALLEL ON_FAILURE`, MAX_PARALLEL 0 = from the box), gpus (the audit's GPU indices, comma separated, or
# empty: asked of nvidia-smi here) and queue (queue.sh, which the backend starts instead of the wrapper).
# A recovery's sweep adds done_cells: the cells the old box finished, whose newest checkpoints were restored.
# Env values (secrets included) are exported for the job only (export_job_env): never in a file or argv.

refuse() {
  local code=$1 result=$2 message=$3
  printf '{"result":%s,"message":%s,"attempt":%s,"pid":%s,"handle":%s,"started_at":%s,"run_dir":%s}\n' \
    "$(json_str "$result")" "$(json_str "$message")" "$(json_int "${LAST:-0}")" "$(json_int "${LAST_PID:-}")" \
    "$(json_str "${LAST_HANDLE:-}")" "$(json_str "${LAST_STARTED:-}")" "$(json_str "${RUN_DIR:-}")"
  exit "$code"
}

# What differs between the recorded run and this launch, with the recorded value (bounded, one line): the
# identity covers command, then, workdir, a sweep's cells and the sbatch options.
mismatch_text() {
  local recorded_mode=${1:-} f given recorded
  for f in command 'then' workdir sbatch_options; do
    rd recorded "$RUN_DIR/$f"
    case $f in
      command) given=$DATA_command ;; 'then') given=$DATA_then ;; workdir) given=$DATA_workdir ;; *) given=$DATA_sbatch_options ;;
    esac
    given=${given%$'\n'}
    # Resuming the recorded work: only what was given is compared (an empty field means "as recorded").
    if [ -n "$recorded_mode" ] && { [ "$f" = command ] || [ -z "$given" ]; }; then continue; fi
    if [ "$recorded" != "$given" ] && { [ "$f" != command ] || [ -z "$DATA_sweep" ]; }; then
      recorded=${recorded//[$'\n\r\t']/ }
      printf 'run id %s was started with a different %s: recorded %s; resume runs the recorded work (leave command empty to resume it), so pick a new run id for new work' \
        "$run_id" "${f/sbatch_options/slurm-options}" "'${recorded:0:300}'"
      return
    fi
  done
  [ -n "$recorded_mode" ] && return
  printf 'run id %s was started with different %s; resume runs the recorded work (leave command empty to resume it), so pick a new run id for new work' \
    "$run_id" "$([ -f "$RUN_DIR/sweep" ] && echo cells || echo work)"
}

# Starts the attempt through the backend's own function (scripts/remote/backend_<name>.sh) and records
# the handle it returns next to the attempt, so every later phase asks the same backend about it.
start_backend() {
  local backend=$1 wrapper=$2 n=$3 hb=$4
  declare -F "backend_start_$backend" >/dev/null || refuse 15 backend-unavailable "unknown backend $backend"
  "backend_start_$backend" "$wrapper" "$n" "$hb"
  atomic_put "$RUN_DIR/attempts/$n/handle" "$HANDLE"$'\n' || refuse 16 io-error "cannot record the handle of attempt $n"
}

# Filled by read_data from the stdin data lines.
DATA_spec='' DATA_identity='' DATA_command='' DATA_then='' DATA_workdir='' DATA_wrapper='' DATA_checkpoints='' DATA_preempt_watch='' DATA_park_after='' DATA_attempt_floor=''
DATA_cells='' DATA_sweep='' DATA_gpus='' DATA_queue='' DATA_sbatch_options='' DATA_slurm_conf='' DATA_array='' DATA_disk_floor='' DATA_done_cells=''
# shellcheck disable=SC2034 # read by backend_start_slurm (scripts/remote/backend_slurm.sh)
SLURM_EXTRA=()

# A sweep on Slurm: one array job over the cells that are not DONE (`--array=i,j,…%max`), each task running
# its cell through array.sh. Sets SLURM_EXTRA for backend_start_slurm; refuses when every cell is DONE.
array_spec() {
  local gpc max on_failure c i=0 list=''
  read -r gpc max on_failure <<<"$DATA_sweep"
  while IFS= read -r c; do
    if is_cell_name "$c" && [ ! -f "$RUN_DIR/cells/$c/DONE" ]; then list+="${list:+,}$i"; fi
    i=$((i + 1))
  done <"$RUN_DIR/cells.list"
  [ -n "$list" ] || refuse 11 finished "every cell of run ${RUN_DIR##*/} is DONE; nothing to launch"
  # shellcheck disable=SC2034 # read by backend_start_slurm
  SLURM_EXTRA=("--array=$list$( ((max > 0)) && printf '%%%s' "$max")")
}

# A sweep's record, written once: cells/<name>/ with the bash-readable twins a single run has (command,
# then, workdir, checkpoints with {cell} expanded, spec.json last), cells.list (the order) and sweep.
write_cells() {
  local name cmd ck spec dir gpc max on_failure
  read -r gpc max on_failure <<<"$DATA_sweep"
  [[ $gpc =~ ^[0-9]{1,2}$ && $on_failure =~ ^(continue|stop)$ ]] || return 1
  atomic_put "$RUN_DIR/sweep" "$gpc $on_failure"$'\n' || return 1
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
      printf '%s\n' "$name" >>"$RUN_DIR/cells.list.tmp" || return 1
  done <<<"$DATA_cells"
  mv -f "$RUN_DIR/cells.list.tmp" "$RUN_DIR/cells.list"
}

# A recovery onto a new box (issue 27 §2): the cells the old box finished, their newest checkpoints already
# restored from the runner's sync, are recorded done here (attempt 1, stage restored), so the queue skips them
# and the patrol and collect see them as finished. Only in a record being written for the first time.
mark_restored_done() {
  local c dir now
  now=$(now_utc)
  for c in $DATA_done_cells; do
    is_cell_name "$c" && [ -f "$RUN_DIR/cells/$c/spec.json" ] || return 1
    dir=$RUN_DIR/cells/$c
    mkdir -p "$dir/attempts/1" &&
      printf '%s restored: this cell finished before the box was preempted; its newest verified checkpoint came back from the runner\n' "$now" >>"$dir/attempts/1/log" &&
      atomic_put "$dir/attempts/1/started_at" "$now"$'\n' &&
      atomic_put "$dir/attempts/1/finished_at" "$now"$'\n' &&
      atomic_put "$dir/attempts/1/exit_code" $'0\n' &&
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
        line=${line// /}
        [[ $line =~ ^[0-9]{1,3}$ ]] && list+="${list:+,}$line"
      done < <(timeout 10 nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null)
    fi
    [[ $list =~ ^([0-9]{1,3}(,[0-9]{1,3})*)?$ ]] || list=''
    [ -n "$list" ] && n=$(($(tr -cd ',' <<<"$list" | wc -c) + 1))
    ((n >= gpc)) || refuse 17 no-gpus "each cell needs $gpc GPU(s) but the box has $n (nvidia-smi lists ${list:-none}); lower gpus-per-cell or rent a bigger box"
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
    d=${g%%[*?[]*}
    [[ $d == */* ]] && d=${d%/*} || d=.
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
      IFS=$' \t\n'
      for f in "${hits[@]}"; do
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
# match. Two runs writing one folder make each other's proof a lie (issue 23 §1).
checkpoint_clash() {
  local run_root=$1 self=$2 wd=$3 globs=$4 d other owd ogl oa n=0 mine hits
  [ -n "$globs" ] || return 0
  mine=$(glob_dirs "$wd" "$globs" | sort -u)
  hits=$(glob_hits "$wd" "$globs" | sort -u)
  for d in "$run_root"/*/; do
    other=${d%/}
    other=${other##*/}
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
    same=$(comm -12 <(printf '%s\n' "$mine") <(glob_dirs "$owd" "$ogl" | sort -u) | head -n 1)
    [ -n "$same" ] && refuse 19 checkpoint-clash "run $other is live on this box and saves its checkpoints in the same directory ($same): give this run its own checkpoint directory (or wait for $other to end)"
    if [ -n "$hits" ]; then
      same=$(comm -12 <(printf '%s\n' "$hits") <(glob_hits "$owd" "$ogl" | sort -u) | head -n 1)
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
  if [ -z "${DATA_identity%$'\n'}" ]; then
    # No command given: a resume of the recorded work (launch sends no identity only with resume).
    [ "$resume" = 1 ] || refuse 13 no-command "no command given and resume is not set"
    [ -f "$RUN_DIR/spec.json" ] || refuse 13 no-record "run $run_id has no run record on this box to resume; a first launch needs a command"
    local differs
    differs=$(mismatch_text recorded)
    [ -z "$differs" ] || refuse 13 mismatch "$differs"
  elif [ -f "$RUN_DIR/identity" ] && [ "$recorded_identity" != "${DATA_identity%$'\n'}" ]; then
    refuse 13 mismatch "$(mismatch_text)"
  fi
  LAST=$(last_attempt "$RUN_DIR")
  if ((LAST > 0)); then
    a=$RUN_DIR/attempts/$LAST
    rd LAST_PID "$a/pid"
    rd LAST_STARTED "$a/started_at"
    LAST_STARTED=${LAST_STARTED:0:64}
    [ -f "$RUN_DIR/DONE" ] && refuse 11 finished "run $run_id finished (DONE, attempt $LAST); nothing to launch"
    if run_alive "$a"; then
      local h=''
      rd h "$a/handle"
      # The live attempt's handle goes with the refusal: a relaunch that registers the running run signs it.
      LAST_HANDLE=${h:0:4096}
      # A scheduler's job: its id says more than a pid on some compute node.
      if declare -F "backend_queued_${h%%:*}" >/dev/null; then
        # A parked (held) job is released by resume: the same attempt queues again, nothing is submitted.
        if [ "$resume" = 1 ] && declare -F "backend_release_${h%%:*}" >/dev/null && "backend_release_${h%%:*}" "$a"; then
          printf '{"result":"released","message":%s,"attempt":%s,"pid":null,"handle":%s,"started_at":%s,"run_dir":%s}\n' \
            "$(json_str "released the held job $RELEASED: attempt $LAST is queued again")" "$LAST" "$(json_str "$h")" \
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
        refuse 12 dead "run $run_id failed in attempt $LAST (${failed_marker:0:512}); set resume: true to start attempt $((LAST + 1)) of the same command"
      fi
      refuse 12 dead "run $run_id is dead (attempt $LAST, pid ${LAST_PID:-none}, no process and no DONE/FAILED marker); set resume: true to start attempt $((LAST + 1)) of the same command"
    fi
    # Keep the previous attempt's failure with that attempt, so the run-level marker describes the live one.
    retire_failed "$RUN_DIR" "$LAST"
  fi
  n=$((LAST + 1))
  # A recovery on a new box continues the run's numbering (attempt_floor: the attempts before it ran elsewhere).
  if [[ ${DATA_attempt_floor:-} =~ ^[0-9]{1,6}$ ]] && ((DATA_attempt_floor >= n)); then n=$((DATA_attempt_floor + 1)); fi

  # Before anything of this run is written: a live run on the box must not share its checkpoints. A
  # scheduler's jobs share a filesystem too, so this holds for every backend.
  if [ -f "$RUN_DIR/spec.json" ]; then
    rd ckg "$RUN_DIR/checkpoints"
    rd workdir "$RUN_DIR/workdir"
  else
    ckg=${DATA_checkpoints%$'\n'}
    workdir=${DATA_workdir%$'\n'}
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
      atomic_put "$RUN_DIR/spec.json" "$DATA_spec"$'\n'; }; then
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
  # EC2's spot notice watch for this attempt (`ADDRESS SIGNAL`, checked again by the wrapper).
  if [ -n "$DATA_preempt_watch" ]; then
    [[ $DATA_preempt_watch =~ ^[0-9.]{7,15}:[0-9]{1,5}\ (USR1|USR2|INT|TERM)$ ]] || refuse 16 io-error "the preempt watch is not ADDRESS SIGNAL"
    atomic_put "$a/preempt_watch" "$DATA_preempt_watch"$'\n' || refuse 16 io-error "cannot write $a/preempt_watch"
  fi
  if [ -n "$DATA_park_after" ]; then
    [[ $DATA_park_after =~ ^[0-9]{2,6}\ (ec2-shutdown|runpod-stop)\ [0-9.]{7,15}:[0-9]{1,5}$ ]] || refuse 16 io-error "park-after is not SECONDS HOW ADDRESS"
    atomic_put "$a/park_after" "$DATA_park_after"$'\n' || refuse 16 io-error "cannot write $a/park_after"
  fi
  if [ -f "$RUN_DIR/sweep" ] && [ "$backend" = slurm ]; then
    # A sweep on Slurm: one array job, each task one cell through this attempt's wrapper.
    atomic_put "$a/array.sh" "$DATA_array" || refuse 16 io-error "cannot write $a/array.sh"
    start_backend "$backend" "$a/array.sh" "$n" "$hb"
  elif [ -f "$RUN_DIR/sweep" ]; then
    # A sweep: the backend holds the queue, which runs each cell through this attempt's wrapper.
    { atomic_put "$a/gpus" "$SLOT_GPUS"$'\n' && atomic_put "$a/max_parallel" "$SLOT_WIDTH"$'\n'; } ||
      refuse 16 io-error "cannot write the slots of $a"
    atomic_put "$a/queue.sh" "$DATA_queue" || refuse 16 io-error "cannot write $a/queue.sh"
    # The audit's floor, which the queue checks again before each cell (bytes inodes).
    if [[ $DATA_disk_floor =~ ^[0-9]{1,18}\ [0-9]{1,18}$ ]]; then atomic_put "$a/disk_floor" "$DATA_disk_floor"$'\n' || refuse 16 io-error "cannot write $a/disk_floor"; fi
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
  printf '{"result":"started","attempt":%s,"pid":%s,"handle":%s,"started_at":%s,"run_dir":%s,"env_names":%s,"note":%s}\n' \
    "$n" "$(json_int "$pid")" "$(json_str "$HANDLE")" "$(json_str "$started")" "$(json_str "$RUN_DIR")" \
    "$(json_str "${TETHER_ENV_NAMES[*]}")" "$(json_str "${NOTE:-}")"
}
main "$@"; exit $?
