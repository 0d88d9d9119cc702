#!/bin/sh
# Starts a QEMU VM by hand with the VDEVs a qemu attachment gives it (qemu-by-hand.yaml): the VM's own arguments
# first, then the include file the engine keeps in step with the VDEVs appends their -device arguments to "$@".
# Usage: start-vm.sh <vm name> [more QEMU arguments...]
# HDIOV_QEMU_ARGS_FILE overrides the include file (default /etc/hdiov/qemu/<vm name>.args); QEMU the program.
set -eu
vm=$1
shift
arguments_file=${HDIOV_QEMU_ARGS_FILE:-/etc/hdiov/qemu/$vm.args}
[ -r "$arguments_file" ] || { echo "start-vm.sh: $arguments_file is missing: run Set-HdIovHostState with the spec first" >&2; exit 1; }

set -- -name "$vm" -machine q35 -accel kvm -cpu host -m 4G -nographic "$@"
. "$arguments_file"
exec "${QEMU:-qemu-system-x86_64}" "$@"
