#!/usr/bin/env bash
# Read-only audit of a box: disks, cgroup, CPU, GPU, kernel Xid lines, interpreter. Prints one JSON object.
# Args: RUN_ROOT INTERPRETER [MOUNT...]. Every probe is bounded by `timeout`.
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
  printf '{"path":%s,"checked":%s,"df_bytes":%s,"df_inodes":%s}' \
    "$(json_str "$path")" "$(json_str "$at")" "$(json_str "$bytes")" "$(json_str "$inodes")"
}

read_file() { head -c 4096 "$1" 2>/dev/null; }

cgroup_json() {
  local mem cpu
  mem=$(cgroup_dir memory)
  cpu=$(cgroup_dir cpu)
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    printf '{"version":2,"memory_max":%s,"memory_current":%s,"memory_events":%s,"cpu_max":%s}' \
      "$(json_str "$(read_file "$mem/memory.max")")" "$(json_str "$(read_file "$mem/memory.current")")" \
      "$(json_str "$(read_file "$mem/memory.events")")" "$(json_str "$(read_file "$cpu/cpu.max")")"
  elif [ -d /sys/fs/cgroup/memory ]; then
    printf '{"version":1,"memory_max":%s,"memory_current":%s,"memory_events":%s,"cpu_max":%s}' \
      "$(json_str "$(read_file "$mem/memory.limit_in_bytes")")" \
      "$(json_str "$(read_file "$mem/memory.usage_in_bytes")")" \
      "$(json_str "$(read_file "$mem/memory.oom_control")")" \
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
    printf '{"readable":true,"lines":%s}' "$(json_str "$(printf '%s\n' "$log" | grep -a 'NVRM: Xid' | tail -n 20)")"
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
  printf '{"name":%s,"path":%s,"torch_exit":%s,"torch_out":%s}' "$(json_str "$interp")" "$(json_str "$path")" "$rc" \
    "$(json_str "$(printf '%s' "$out" | tail -c 2048)")"
}

main() {
  local run_root interp m disks
  run_root=$(expand_home "$1")
  interp=$2
  shift 2
  disks=$(disk_json "$run_root")
  for m in "$@"; do disks="$disks,$(disk_json "$(expand_home "$m")")"; done
  printf '{"schema":"tether.audit/v1","hostname":%s,"time":%s,"nproc":%s,"uptime":%s,"btime":%s,' \
    "$(json_str "$(hostname 2>/dev/null)")" "$(json_str "$(now_utc)")" "$(json_int "$(nproc 2>/dev/null)")" \
    "$(json_str "$(cut -d' ' -f1 /proc/uptime 2>/dev/null)")" "$(json_int "$(awk '/^btime/ {print $2}' /proc/stat 2>/dev/null)")"
  printf '"disks":[%s],"cgroup":%s,"gpu":%s,"xid":%s,"interpreter":%s}\n' \
    "$disks" "$(cgroup_json)" "$(gpu_json)" "$(xid_json)" "$(interp_json "$interp")"
}
main "$@"; exit $?
