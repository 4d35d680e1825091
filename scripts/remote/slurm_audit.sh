#!/usr/bin/env bash
# The audit's Slurm part, on the login node: is the cluster reachable (sinfo), and which partitions exist,
# with their availability, node count and node states. Read-only. Prints one JSON object.
# Args: SLURM_CONF (empty: the login node's own configuration).

main() {
  local out rc first=1 name avail nodes states def j
  [ -n "$1" ] && export SLURM_CONF=$1
  if ! command -v sinfo >/dev/null 2>&1; then
    printf '{"reachable":false,"error":"sinfo is not on the login node'"'"'s PATH"}\n'
    return 0
  fi
  out=$(timeout 20 sinfo -h -o '%P|%a|%D|%T' 2>&1)
  rc=$?
  if ((rc != 0)); then
    printf '{"reachable":false,"error":%s}\n' "$(json_str "${out:0:1024}")"
    return 0
  fi
  printf '{"reachable":true,"partitions":['
  while IFS='|' read -r name avail nodes states; do
    [ -n "$name" ] || continue
    def=false
    if [[ $name == *'*' ]]; then def=true; name=${name%'*'}; fi
    [[ $name =~ ^[A-Za-z0-9_.-]{1,64}$ ]] || continue
    ((first)) || printf ','
    first=0
    jv j "${states:0:64}"
    printf '{"name":"%s","default":%s,"avail":%s,"nodes":%s,"state":%s}' "$name" "$def" "$(json_str "${avail:0:16}")" "$(json_int "$nodes")" "$j"
  done <<<"$out"
  printf ']}\n'
}
main "$@"; exit $?
