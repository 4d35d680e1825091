#!/usr/bin/env bash
# Receives a code release (a tar on stdin, after this script) into RELEASES/ID, content-addressed.
# A release directory is immutable once present, so a path a live job runs from is never overwritten.
# Args: RELEASES_DIR ID SHA256. Prints one JSON object; exit 0 stored or present, 20 hash mismatch, 16 io.

main() {
  local dir id sha tmp got
  dir=$(expand_home "$1")
  id=$2
  sha=$3
  umask 077
  mkdir -p "$dir" || { printf '{"result":"io-error","message":"cannot create %s"}\n' "$dir"; return 16; }
  if [ -d "$dir/$id" ]; then
    cat >/dev/null
    printf '{"result":"present","path":%s}\n' "$(json_str "$dir/$id")"
    return 0
  fi
  tmp=$dir/.incoming.$id.$$
  if ! cat >"$tmp.tar"; then
    rm -f "$tmp.tar"
    printf '{"result":"io-error","message":"could not store the release (disk full?)"}\n'
    return 16
  fi
  got=$(sha256sum "$tmp.tar" | cut -d' ' -f1)
  if [ "$got" != "$sha" ]; then
    rm -f "$tmp.tar"
    printf '{"result":"hash-mismatch","message":"the release arrived with sha256 %s, expected %s"}\n' "$got" "$sha"
    return 20
  fi
  if ! { mkdir "$tmp" && tar -xf "$tmp.tar" -C "$tmp" --no-same-owner --no-same-permissions; }; then
    rm -rf "$tmp" "$tmp.tar"
    printf '{"result":"io-error","message":"could not unpack the release"}\n'
    return 16
  fi
  rm -f "$tmp.tar"
  # Another launch may have stored the same release meanwhile; identical content, keep theirs.
  mv -T "$tmp" "$dir/$id" 2>/dev/null || rm -rf "$tmp"
  printf '{"result":"stored","path":%s}\n' "$(json_str "$dir/$id")"
}
main "$@"; exit $?
