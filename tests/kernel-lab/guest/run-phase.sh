#!/bin/bash
# Runs one boot's scenarios inside the guest, in the host's root (read-only 9p + overlay) that /init chrooted into.
# Like a host's boot it starts udevd (mdevctl's rule starts `auto` definitions when a parent registers) and loads
# the device drivers; then one pwsh process runs the phase's scenarios and writes <results>/<phase>.json.
# Usage: run-phase.sh <phase> <results folder>; <results>/lab.env names the kernel tree, pwsh and the module.
set -u
phase=$1
results=$2
lab_dir=$(cd "$(dirname "$0")/.." && pwd)

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LANG=C.UTF-8
# udevd and udevadm do nothing in a chroot unless told to; this chroot is the whole system.
export SYSTEMD_IGNORE_CHROOT=1
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off
# shellcheck source=/dev/null
. "$results/lab.env"

log=$results/$phase.guest.log
exec >> "$log" 2>&1
stamp() { echo "[$(cut -d' ' -f1 /proc/uptime)s] $*"; }

stamp "phase $phase on $(uname -r)"

# Debian 12's mdevctl (1.2.0-3) installs /usr/bin/mdevctl but its udev rule runs /usr/sbin/mdevctl, so the rule
# never starts a definition. Like an administrator would, the guest overrides the rule (a file of the same name in
# /etc/udev/rules.d wins) with the path that exists; the override lives in the guest's overlay only.
packaged_rule=/lib/udev/rules.d/60-mdevctl.rules
if grep -q /usr/sbin/mdevctl "$packaged_rule" && [ ! -x /usr/sbin/mdevctl ] && [ -x /usr/bin/mdevctl ]; then
    mkdir -p /etc/udev/rules.d
    sed 's|/usr/sbin/mdevctl|/usr/bin/mdevctl|g' "$packaged_rule" > /etc/udev/rules.d/60-mdevctl.rules
    stamp "mdevctl's udev rule runs /usr/sbin/mdevctl, which does not exist; overridden with /usr/bin/mdevctl"
fi
/lib/systemd/systemd-udevd --daemon --resolve-names=never
while read -r module; do
    insmod "$module" || stamp "insmod $module failed"
done < "$KLAB_MODULES_DEVICES"
udevadm settle --timeout=60
stamp "drivers loaded; starting pwsh"

dotnet "$KLAB_PWSH" -NoProfile -NonInteractive -File "$lab_dir/scenarios/$phase.ps1" \
    -ResultPath "$results/$phase.json" -ModuleManifest "$KLAB_MODULE_MANIFEST" -LabProbe "$KLAB_PROBE"
stamp "scenarios exited with $?"
udevadm control --exit
