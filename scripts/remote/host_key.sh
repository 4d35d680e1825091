#!/usr/bin/env bash
# The box's start step where the provider has no cloud-init (issue 26 §2, rank 1): RunPod's start command, vast's
# onstart, Paperspace's startup script. It installs the host key tether generated on the runner for this box only
# (TETHER_HOST_KEY: the OpenSSH private key, base64) and makes sshd serve that key alone, so the key tether pinned
# before the first connection is the only one the box can answer with. An sshd already running (vast starts its
# own before onstart) is told to reload. Then it hands over to what the image would have run (TETHER_THEN).
# Where the provider has no key registry of its own (Paperspace), TETHER_AUTHORIZED_KEY (one public key line) is
# added to TETHER_LOGIN_USER's authorized_keys. Settings, for the provider doubles: TETHER_SSH_DIR (/etc/ssh),
# TETHER_SSHD_PID (/run/sshd.pid), TETHER_AUTHORIZED_KEYS (the login user's ~/.ssh/authorized_keys), TETHER_THEN.
# Exit: 0, or 3 when a key given is not usable (sshd is left as it was).

install_key() {
  local dir=${TETHER_SSH_DIR:-/etc/ssh}
  local key="$dir/ssh_host_ed25519_key"
  local cfg="$dir/sshd_config"
  umask 077
  mkdir -p "$dir" || return 3
  printf '%s' "$TETHER_HOST_KEY" | base64 -d >"$key.tether" 2>/dev/null || {
    rm -f "$key.tether"
    return 3
  }
  ssh-keygen -y -f "$key.tether" >"$key.pub.tether" 2>/dev/null || {
    rm -f "$key.tether" "$key.pub.tether"
    return 3
  }
  mv -f "$key.tether" "$key" && mv -f "$key.pub.tether" "$key.pub" && chmod 644 "$key.pub" || return 3
  # This key only: every other HostKey line goes, ours comes first (an sshd with any HostKey line serves only those).
  if [ -f "$cfg" ]; then
    { printf 'HostKey %s\n' "$key"; grep -v -i '^[[:space:]]*HostKey[[:space:]]' "$cfg"; } >"$cfg.tether" && mv -f "$cfg.tether" "$cfg"
    chmod 644 "$cfg"
  else
    printf 'HostKey %s\n' "$key" >"$cfg"
  fi
  local pidfile=${TETHER_SSHD_PID:-/run/sshd.pid} pid
  pid=$(cat "$pidfile" 2>/dev/null)
  # SIGHUP: sshd re-executes itself and reads its configuration (and so its host keys) again.
  case "$pid" in '' | *[!0-9]*) ;; *) kill -HUP "$pid" 2>/dev/null ;; esac
  return 0
}

install_login_key() {
  local line=$TETHER_AUTHORIZED_KEY file=${TETHER_AUTHORIZED_KEYS:-} home
  case "$line" in
    *$'\n'* | '') return 3 ;;
    ssh-ed25519\ * | ssh-rsa\ * | ecdsa-sha2-*) ;;
    *) return 3 ;;
  esac
  if [ -z "$file" ]; then
    home=$(getent passwd "${TETHER_LOGIN_USER:-root}" | cut -d: -f6)
    [ -n "$home" ] || return 3
    file="$home/.ssh/authorized_keys"
  fi
  mkdir -p "${file%/*}" && printf '%s\n' "$line" >>"$file" && chmod 600 "$file" || return 3
  if [ -n "${TETHER_LOGIN_USER:-}" ]; then chown -R "$TETHER_LOGIN_USER": "${file%/*}" 2>/dev/null || true; fi
  return 0
}

main() {
  local rc=0
  if [ -n "${TETHER_HOST_KEY:-}" ]; then
    install_key
    rc=$?
  fi
  unset TETHER_HOST_KEY
  [ "$rc" = 0 ] || echo "tether: TETHER_HOST_KEY is not a usable private key; sshd keeps its own keys" >&2
  if [ -n "${TETHER_AUTHORIZED_KEY:-}" ]; then
    install_login_key || {
      rc=3
      echo "tether: TETHER_AUTHORIZED_KEY is not one public key line, or its user has no home" >&2
    }
  fi
  if [ -n "${TETHER_THEN:-}" ]; then
    # shellcheck disable=SC2086 # the image's own start command, word-split as a Docker CMD string would be
    exec $TETHER_THEN
  fi
  return "$rc"
}

main "$@"; exit $?
