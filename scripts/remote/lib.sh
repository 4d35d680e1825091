#!/usr/bin/env bash
# Shared helpers, sent ahead of every on-box script on stdin (`bash -s -- args`).
# Values arrive as arguments or as base64 data lines after the script; never spliced into script text.

# Prints $1 as a JSON string literal.
json_str() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/\\r}
  s=${s//$'\t'/\\t}
  if [[ $s == *[$'\001'-$'\037']* ]]; then
    s=$(printf '%s' "$s" | tr -d '\001-\037')
  fi
  printf '"%s"' "$s"
}

# Prints a number, or null when $1 is not an integer.
json_int() {
  if [[ $1 =~ ^-?[0-9]+$ ]]; then printf '%s' "$1"; else printf 'null'; fi
}

# `~` and `~/x` relative to the login's home.
expand_home() {
  # shellcheck disable=SC2088 # a literal '~/' prefix is what we match
  case $1 in
    '~') printf '%s' "$HOME" ;;
    '~/'*) printf '%s/%s' "$HOME" "${1#\~/}" ;;
    *) printf '%s' "$1" ;;
  esac
}

# Writes stdin to $1 atomically (temp file in the same directory, then rename).
atomic_write() {
  local tmp
  tmp="$1.tmp.$$"
  cat >"$tmp" && mv -f "$tmp" "$1"
}

# Start time of a process in clock ticks since boot (field 22 of /proc/PID/stat), so a reused PID
# is not mistaken for ours. The command name (field 2) may hold spaces and parentheses.
# A zombie (state Z, killed but not yet reaped) counts as gone.
pid_start() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  # shellcheck disable=SC2086
  set -- $stat
  [ "$1" != Z ] || return 1
  printf '%s' "${20}"
}

# True when the process recorded in attempt dir $1 (files pid, pid_start) still runs.
attempt_alive() {
  local pid start now
  pid=$(cat "$1/pid" 2>/dev/null) || return 1
  start=$(cat "$1/pid_start" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  now=$(pid_start "$pid") || return 1
  [ "$now" = "$start" ]
}

# Highest attempt number in run dir $1 (0 when none).
last_attempt() {
  local n=0 d b
  for d in "$1"/attempts/*/; do
    [ -d "$d" ] || continue
    b=$(basename "$d")
    if [[ $b =~ ^[0-9]+$ ]] && ((b > n)); then n=$b; fi
  done
  printf '%s' "$n"
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
    rel=$(sed -n 's/^0:://p' /proc/self/cgroup 2>/dev/null | head -n 1)
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
