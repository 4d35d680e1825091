#!/usr/bin/env bash
# Teardown's park over SSH (provider ssh): powers the box off, as root or through passwordless sudo. The
# connection may drop as the box goes down; the caller proves the park by the box no longer answering.
# Exit: poweroff's own (0 accepted; sudo's error when the user may not).

main() {
  if [ "$(id -u)" = 0 ]; then poweroff; else sudo -n poweroff; fi
}

main "$@"; exit $?
