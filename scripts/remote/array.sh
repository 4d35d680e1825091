#!/usr/bin/env bash
# One task of a sweep's Slurm array (backend slurm with cells), written to <run>/attempts/<n>/array.sh by
# launch.sh with lib.sh in front of it. Args: RUN_DIR ATTEMPT HEARTBEAT_S. Task i runs cell i of
# cells.list as the next attempt of that cell's own record, through the attempt's wrapper.sh (the same
# wrapper a single run uses); the cell's handle is slurm:<array job>_<task>. The last cell to finish writes
# the run's DONE (every cell DONE) or FAILED (naming the cells that are not), under the run's lock.

TETHER_RUN_DIR=$1
TETHER_QUEUE_ATTEMPT=$2
TETHER_HB=${3:-30}
TETHER_TASK=${SLURM_ARRAY_TASK_ID:-}
[[ $TETHER_TASK =~ ^[0-9]{1,6}$ ]] || { echo "tether: not an array task" >&2; exit 2; }
mapfile -t TETHER_CELLS <"$TETHER_RUN_DIR/cells.list"
TETHER_CELL=${TETHER_CELLS[TETHER_TASK]:-}
is_cell_name "$TETHER_CELL" || { echo "tether: no cell for task $TETHER_TASK" >&2; exit 2; }
TETHER_DIR=$TETHER_RUN_DIR/cells/$TETHER_CELL
TETHER_LAST=0
last_attempt_var TETHER_LAST "$TETHER_DIR"
# A requeued task runs this again: it is simply the cell's next attempt (the wrapper must not add the
# restart count on top).
TETHER_N=$((TETHER_LAST + 1))
mkdir -p "$TETHER_DIR/attempts/$TETHER_N"
retire_failed "$TETHER_DIR" "$TETHER_LAST"
printf 'slurm:%s_%s\n' "${SLURM_ARRAY_JOB_ID:-0}" "$TETHER_TASK" | atomic_write "$TETHER_DIR/attempts/$TETHER_N/handle"
export TETHER_CELL
unset SLURM_RESTART_COUNT
bash "$TETHER_RUN_DIR/attempts/$TETHER_QUEUE_ATTEMPT/wrapper.sh" "$TETHER_DIR" "$TETHER_N" "$TETHER_HB"
TETHER_RC=$?

# The run's marker, once every cell has one (a cell killed without a marker leaves the run to the patrol).
(
  flock -w 30 9 || exit 0
  [ -f "$TETHER_RUN_DIR/DONE" ] && exit 0
  bad=() first=1 out='['
  for c in "${TETHER_CELLS[@]}"; do
    is_cell_name "$c" || continue
    [ -f "$TETHER_RUN_DIR/cells/$c/DONE" ] && continue
    [ -f "$TETHER_RUN_DIR/cells/$c/FAILED" ] || exit 0
    bad+=("$c")
  done
  now=$(now_utc)
  printf '%s\n' "$now" | atomic_write "$TETHER_RUN_DIR/attempts/$TETHER_QUEUE_ATTEMPT/finished_at"
  if ((${#bad[@]} == 0)); then
    write_marker "$TETHER_RUN_DIR/DONE" "$TETHER_QUEUE_ATTEMPT" 0 null cells "$now" "\"cells\":${#TETHER_CELLS[@]}"
  else
    for c in "${bad[@]}"; do
      ((first)) || out+=','
      first=0
      out+="\"$c\""
    done
    write_marker "$TETHER_RUN_DIR/FAILED" "$TETHER_QUEUE_ATTEMPT" 1 null cells "$now" "\"failed_cells\":$out],\"not_run\":[]"
  fi
) 9>>"$TETHER_RUN_DIR/lock"
exit "$TETHER_RC"
