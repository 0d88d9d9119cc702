#!/usr/bin/env bash
# Boots the lab guest once and waits for it to power off.
# Usage: boot.sh <kernel dir from prepare.sh> <state disk image> <results folder> <phase> <console log> <timeout seconds>
# The guest: q35 with QEMU's VT-d in scalable mode (TCG: a KVM guest was seen to hang on this machine), an NVMe
# controller with SR-IOV behind a root port, the host's root read-only over 9p, the results folder over 9p
# (mounted in the guest at the same path), and the state disk that carries the overlay's upper layer across boots.
set -euo pipefail

kernel_dir=$1
state_image=$2
results=$3
phase=$4
console_log=$5
timeout_seconds=$6

lab_dir=$(cd "$(dirname "$0")" && pwd)
release=$(basename "$kernel_dir")

# no_timer_check: on a busy machine the TCG guest is too slow for the kernel's check of the timer through the
# interrupt-remapped IO-APIC, which then panics ("timer doesn't work through Interrupt-remapped IO-APIC").
exec timeout --kill-after=10 "$timeout_seconds" qemu-system-x86_64 \
    -machine q35,kernel-irqchip=split -accel tcg,thread=multi -cpu max -smp 2 -m 3072 \
    -device intel-iommu,intremap=on,x-scalable-mode=on,caching-mode=on \
    -kernel "$kernel_dir/root/boot/vmlinuz-$release" \
    -initrd "$kernel_dir/initramfs.cpio.gz" \
    -append "console=ttyS0 intel_iommu=on,sm_on no_timer_check panic=-1 klab_phase=$phase klab_results=$results klab_script=$lab_dir/guest/run-phase.sh" \
    -display none -monitor none -serial "file:$console_log" -no-reboot -net none \
    -virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
    -virtfs "local,path=$results,mount_tag=results,security_model=none,multidevs=remap" \
    -drive "file=$state_image,if=virtio,format=raw,cache=unsafe" \
    -device pcie-root-port,id=rp0,slot=0 \
    -device nvme-subsys,id=subsys0 \
    -device nvme,bus=rp0,serial=deadbeef,subsys=subsys0,sriov_max_vfs=2,sriov_vq_flexible=4,sriov_vi_flexible=2,max_ioqpairs=6,msix_qsize=4
