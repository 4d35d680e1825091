#!/usr/bin/env bash
# shellcheck disable=SC2034 # HANDLE and NOTE are set here for launch.sh, which sources this file
# Backend setsid (sent with lib.sh to every on-box script): the wrapper in a new session, detached with
# `setsid -f` and all three streams redirected (the forms that hang or die: test-infra-facts §3). The
# job runs on this box, so liveness is the wrapper's pid with its start time (attempt_alive).

# Starts wrapper $1 for attempt $2 (heartbeat $3 s); sets HANDLE.
backend_start_setsid() {
  local wrapper=$1 n=$2 hb=$3
  TETHER_ARGV=(setsid -f bash "$wrapper" "$RUN_DIR" "$n" "$hb")
  (export_job_env && exec "${TETHER_ARGV[@]}" </dev/null >/dev/null 2>&1 9>&-)
  HANDLE=setsid
}

# True while the attempt in directory $1 runs.
backend_alive_setsid() {
  attempt_alive "$1"
}

# Sends signal $2 (TERM: the job may checkpoint and exit; KILL after the grace) to the attempt in directory $1.
backend_stop_setsid() {
  attempt_signal "$1" "$2"
}
