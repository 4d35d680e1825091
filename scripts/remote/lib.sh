#!/usr/bin/env bash
# Shared helpers, sent ahead of every on-box script on stdin (`bash -s -- args`).
# Values arrive as arguments or as base64 data lines after the script; never spliced into script text.

# Sets the variable named $1 to $2 as a JSON string literal (no subshell: the probe calls it often).
jv() {
  local _s=$2
  _s=${_s//\\/\\\\}
  _s=${_s//\"/\\\"}
  _s=${_s//$'\n'/\\n}
  _s=${_s//$'\r'/\\r}
  _s=${_s//$'\t'/\\t}
  if [[ $_s == *[$'\001'-$'\037']* ]]; then
    _s=$(printf '%s' "$_s" | tr -d '\001-\037')
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
  printf -v "$1" '%s' "${_v%$'\n'}"
}

# The grammar comes from the contract (src/record/contract.ts), sent ahead of this file as TETHER_*_RE;
# without it nothing here can be trusted, so a script sent without it stops at once.
: "${TETHER_RUN_ID_RE:?the on-box contract (src/record/contract.ts) must come ahead of lib.sh}"
# Attempt numbers: 1..999999, no leading zero.
is_attempt() {
  [[ $1 =~ $TETHER_ATTEMPT_RE ]]
}

# Run ids.
is_run_id() {
  [[ $1 =~ $TETHER_RUN_ID_RE ]]
}

# Cell names: a run id that is never `.`, `..` or `-x`.
is_cell_name() {
  [[ $1 =~ $TETHER_CELL_NAME_RE ]]
}

# A checkpoint path tether takes: relative, no `..`, no leading `.` or `-` in any part, no spaces.
is_safe_path() {
  [[ $1 =~ $TETHER_SAFE_PATH_RE ]]
}

# The checkpoint files of globs $2 (newline list, relative to workdir $1, `**` allowed) as NUL-terminated
# `mtime size path` records: regular files only (no symlink, no directory), never `*.tmp`. Each pattern is
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
      IFS=$' \t\n'
      # A file named like an option or operator (`-delete`, `!`, `(`) must stay a path to find.
      local -a args=()
      local a
      for a in "$@"; do [[ $a == [-\!\(\),]* ]] && args+=("./$a") || args+=("$a"); done
      set -- "${args[@]}"
      # A symlink is never followed: it comes out as `MTIME L PATH` for the caller to skip and count.
      (($# > 0)) && timeout 10 find "$@" -maxdepth 0 \( -type f ! -name '*.tmp' -printf '%T@ %s %p\0' \) -o \( -type l -printf '%T@ L %p\0' \) 2>/dev/null
    done <<<"$2" | while IFS= read -r -d '' rec; do
      # A file two globs match is listed once.
      path=${rec#* }
      path=${path#* }
      [ -n "${seen[$path]:-}" ] && continue
      seen[$path]=1
      printf '%s\0' "$rec"
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
  printf '%s\0' "$@" | xargs -0 -P "$p" -n 1 timeout 600 "${SHA256_TOOL[@]}" | while read -r h f; do printf '%s %s\n' "$h" "${f#\*}"; done
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

# Sets the variable named $1 to path $2 with `~` expanded (expand_home without a subshell).
expand_home_var() {
  # shellcheck disable=SC2088 # a literal '~/' prefix is what we match
  case $2 in
    '~') printf -v "$1" '%s' "$HOME" ;;
    '~/'*) printf -v "$1" '%s/%s' "$HOME" "${2#\~/}" ;;
    *) printf -v "$1" '%s' "$2" ;;
  esac
}

# Prints a number, or null when $1 is not an integer.
json_int() {
  local _i
  jiv _i "$1"
  printf '%s' "$_i"
}

# `~` and `~/x` relative to the login's home.
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
  stat=${stat##*) }
  # shellcheck disable=SC2086
  set -- $stat
  PROC_STATE=$1 PROC_PGRP=$3 PROC_START=${20}
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

# The one stat–wait–stat test: prints those of the files $@ (safe paths relative to the cwd) whose size and
# exact mtime hold across one second, one per line (all files measured together: one wait, not one per file).
still_files() {
  local -A first=()
  local s m p
  while IFS=' ' read -r s m p; do first[$p]="$s $m"; done < <(stat -c '%s %.9Y %n' -- "$@" 2>/dev/null)
  sleep 1
  while IFS=' ' read -r s m p; do
    [ "${first[$p]:-}" = "$s $m" ] && printf '%s\n' "$p"
  done < <(stat -c '%s %.9Y %n' -- "$@" 2>/dev/null)
}

# The one marker writer: DONE or FAILED at path $1 for attempt $2, exit code $3, signal $4 (a JSON value: null
# or "TERM"), stage $5, finished at $6, with $7 more JSON fields before finished_at (`"cells":3`, may be
# empty). src/record/grammar.ts parseMarker reads it.
write_marker() {
  printf '{"attempt":%s,"exit_code":%s,"signal":%s,"stage":"%s"%s,"finished_at":"%s"}\n' "$2" "$3" "$4" "$5" "${7:+,$7}" "$6" | atomic_write "$1"
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
# `tmux:<socket>`, `setsid`, …; see scripts/remote/backend_<name>.sh). An attempt without a handle (older
# records) is judged by its pid and start time.
run_alive() {
  local handle='' backend
  rd handle "$1/handle"
  backend=${handle%%:*}
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
  backend=${handle%%:*}
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
    _b=${_d%/}
    _b=${_b##*/}
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

# Reads `key base64` data lines from stdin until `end` into DATA_<key> (decoded). `env NAME b64` lines
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
        TETHER_ENV_VALUES+=("${decoded%x}")
        ;;
      *)
        [[ $key =~ ^[a-z_]+$ ]] || { echo "bad data key" >&2; return 1; }
        decoded=$(printf '%s' "$val" | base64 -d && printf x) || return 1
        printf -v "DATA_$key" '%s' "${decoded%x}"
        ;;
    esac
  done
  echo "data ended early" >&2
  return 1
}

# Exports the job's variables (values never pass through argv or a file). Call in a subshell that execs.
export_job_env() {
  local TETHER_I
  for ((TETHER_I = 0; TETHER_I < ${#TETHER_ENV_NAMES[@]}; TETHER_I++)); do
    export "${TETHER_ENV_NAMES[TETHER_I]}=${TETHER_ENV_VALUES[TETHER_I]}"
  done
}

now_utc() { date -u +%Y-%m-%dT%H:%M:%SZ; }

# This process's cgroup directory: v2 (`0::/x`) when the unified hierarchy is mounted, else the v1
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
