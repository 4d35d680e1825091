#!/usr/bin/env bash
# Sends checkpoint files to collect, reading each byte on the box once: the whole file is hashed while the
# bytes the runner still owes go out, and the hash follows the file's bytes. Reads only; writes nothing.
# No args (the runner starts it before it knows the run's files). Stdin data: `workdir b64(dir)`,
# `files b64(list)`, then `end`. One list line per file:
#   `<offset> <bytes> <mtime> <path>`: bytes and mtime as the listing (manifest.sh, hash 0) printed them,
#   offset the bytes the runner already holds (0 ≤ offset ≤ bytes; it sends [offset, bytes) and hashes [0, bytes)).
# Stdout: each file's owed bytes in list order, back to back; nothing else.
# Stderr, after each file's bytes: `tether-sent <i> <sha256>` or `tether-changed <i> <why>`.
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
  # fd 4 is the real stdout (set in main); inside $(…) fd 6 is the capture, so only the hash lands in h.
  if ((off == 0)); then
    h=$({ head -c "$bytes" <&3 | tee >("${SHA256_TOOL[@]}" >&6) >&4; } 6>&1)
  else
    h=$({ head -c "$bytes" <&3 | tee >("${SHA256_TOOL[@]}" >&6) | tail -c "+$((off + 1))" >&4; } 6>&1)
  fi
  after=$(fd_stat)
  now=$(stat -c '%s %.9Y %.9Z %i' -- "$path" 2>/dev/null)
  exec 3<&-
  if [ "$after" != "$before" ] || [ "$now" != "$before" ]; then
    echo "tether-changed $i while it was sent" >&2
    return 3
  fi
  h=${h%% *}
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
