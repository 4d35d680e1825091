#!/usr/bin/env bash
# Receives one verified checkpoint for a recovery (issue 27 §2): its bytes on stdin after this script,
# written to WORKDIR/PATH and hashed in the same pass; put in place only when size and sha256 are what the
# runner's sync record says, before the job starts. A file already there is kept when it is the same bytes
# and refused otherwise (nothing is overwritten).
# Args: WORKDIR PATH BYTES SHA256. Prints one JSON object; exit 0 restored or present, 20 mismatch,
# 21 another file is there, 22 bad arguments, 16 io.

main() {
  local dir path=$2 bytes=$3 sha=$4 final tmp got size
  dir=$(expand_home "$1")
  if ! is_safe_path "$path" || ((${#path} > TETHER_PATH_MAX)) || ! [[ $bytes =~ ^[0-9]{1,15}$ && $sha =~ ^[0-9a-f]{64}$ ]]; then
    printf '{"result":"bad-arguments","message":"not a checkpoint path, size and sha256"}\n'
    return 22
  fi
  final=$dir/$path
  if [ -e "$final" ] || [ -L "$final" ]; then
    head -c "$bytes" >/dev/null
    got=$( [ -f "$final" ] && [ ! -L "$final" ] && sha256sum -- "$final" | cut -d' ' -f1)
    if [ "$got" = "$sha" ]; then
      printf '{"result":"present","path":%s}\n' "$(json_str "$final")"
      return 0
    fi
    printf '{"result":"exists","message":%s}\n' "$(json_str "$final is already there with other bytes; nothing was overwritten")"
    return 21
  fi
  umask 077
  if ! mkdir -p -- "$(dirname -- "$final")"; then
    head -c "$bytes" >/dev/null
    printf '{"result":"io-error","message":%s}\n' "$(json_str "cannot create the folder of $final")"
    return 16
  fi
  tmp=$final.tether-restore.$$
  got=$(head -c "$bytes" | tee -- "$tmp" | sha256sum | cut -d' ' -f1)
  size=$(stat -c %s -- "$tmp" 2>/dev/null || echo -1)
  if [ "$size" != "$bytes" ] || [ "$got" != "$sha" ]; then
    rm -f -- "$tmp"
    printf '{"result":"mismatch","message":%s}\n' "$(json_str "arrived as $size bytes with sha256 $got; expected $bytes bytes, $sha")"
    return 20
  fi
  mv -- "$tmp" "$final" || { rm -f -- "$tmp"; printf '{"result":"io-error","message":"cannot put the checkpoint in place"}\n'; return 16; }
  printf '{"result":"restored","path":%s,"bytes":%s,"sha256":"%s"}\n' "$(json_str "$final")" "$bytes" "$got"
}
main "$@"; exit $?
