#!/usr/bin/env bash
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
  (export_job_env && exec "${TETHER_ARGV[@]}" 9>&-) || refuse 15 backend-unavailable "tmux could not start a session"
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
