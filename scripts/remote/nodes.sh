#!/usr/bin/env bash
# A multi-node launch's read-only checks, one mode a call (issue 28 §1). Prints one JSON object.
#   state RUN_ROOT RUN_ID INTERP  the run's record on this node (exists, newest attempt, alive), this node's
#                             clock, and INTERP's Python version (null when it does not run)
#   route ADDR                this node's own source address toward ADDR (`ip route get`): rank 0's master-addr
#   listen INTERP PORT S N    a TCP listener on PORT for at most S seconds, until N connections came (rank 0)
#   reach ADDR PORT S         whether ADDR:PORT accepts a connection within S seconds (every other node)
# Nothing is written; the listener is the interpreter's own socket, closed when it returns.

state() {
  local root dir n=0 exists=false alive=false py
  root=$(expand_home "$1")
  is_run_id "$2" || { printf '{"error":"bad-run-id"}\n'; return 0; }
  dir=$root/$2
  if [ -f "$dir/spec.json" ]; then
    exists=true
    last_attempt_var n "$dir"
    ((n > 0)) && run_alive "$dir/attempts/$n" && alive=true
  fi
  py=$(timeout 10 "$3" -c 'import platform; print(platform.python_version())' 2>/dev/null | head -n 1)
  [[ $py =~ ^[0-9]{1,2}\.[0-9]{1,3}\.[0-9A-Za-z+.]{1,20}$ ]] && py="\"$py\"" || py=null
  printf '{"exists":%s,"attempt":%s,"alive":%s,"now_ms":%s,"python":%s}\n' "$exists" "$n" "$alive" "$(date +%s%3N)" "$py"
}

route() {
  local src
  [[ $1 =~ ^[A-Za-z0-9.:-]{1,253}$ ]] || { printf '{"src":null}\n'; return 0; }
  src=$(timeout 5 ip -o route get "$1" 2>/dev/null | grep -oE ' src [0-9a-fA-F.:]+' | head -n 1)
  src=${src# src }
  if [ -n "$src" ]; then printf '{"src":"%s"}\n' "$src"; else printf '{"src":null}\n'; fi
}

listen() {
  local interp=$1 port=$2 secs=$3 want=$4 out
  [[ $port =~ ^[0-9]{1,5}$ && $secs =~ ^[0-9]{1,2}$ && $want =~ ^[0-9]{1,2}$ ]] || { printf '{"error":"bad-arguments"}\n'; return 0; }
  command -v "$interp" >/dev/null 2>&1 || { printf '{"error":"no-interpreter"}\n'; return 0; }
  # shellcheck disable=SC2016 # the program is Python, its $ are not the shell's
  out=$(timeout $((secs + 5)) "$interp" -c '
import socket, sys, time
port, secs, want = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("0.0.0.0", port))
except OSError as e:
    print("bind %d" % e.errno)
    sys.exit(0)
s.listen(64)
print("listening", flush=True)
end, n = time.time() + secs, 0
while n < want and time.time() < end:
    s.settimeout(max(0.05, end - time.time()))
    try:
        c, _ = s.accept()
        c.close()
        n += 1
    except OSError:
        pass
print("accepted %d" % n)
' "$port" "$secs" "$want" 2>/dev/null | tail -n 1)
  case $out in
    accepted\ *) printf '{"accepted":%s}\n' "${out#accepted }" ;;
    bind\ *) printf '{"error":"port-in-use","errno":%s}\n' "${out#bind }" ;;
    *) printf '{"error":"no-listener"}\n' ;;
  esac
}

reach() {
  local addr=$1 port=$2 secs=$3 end
  [[ $addr =~ ^[A-Za-z0-9.:-]{1,253}$ && $port =~ ^[0-9]{1,5}$ && $secs =~ ^[0-9]{1,2}$ ]] || { printf '{"reached":false}\n'; return 0; }
  end=$((SECONDS + secs))
  while ((SECONDS <= end)); do
    # shellcheck disable=SC2016 # $1 and $2 are the inner bash's arguments
    if timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$addr" "$port" 2>/dev/null; then
      printf '{"reached":true}\n'
      return 0
    fi
    sleep 0.2
  done
  printf '{"reached":false}\n'
}

main() {
  case ${1:-} in
    state) state "$2" "$3" "${4:-python3}" ;;
    route) route "$2" ;;
    listen) listen "$2" "$3" "$4" "$5" ;;
    reach) reach "$2" "$3" "$4" ;;
    *) printf '{"error":"unknown-mode"}\n' ;;
  esac
}
main "$@"; exit $?
