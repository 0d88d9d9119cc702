#!/usr/bin/env bash
# Builds what the kernel lab boots, from Debian packages, into a cache folder:
#   <cache>/<release>/root/            the kernel package unpacked (vmlinuz, modules) plus mtty.ko, depmod'ed
#   <cache>/<release>/modules.boot     insmod order (modprobe -D) of what the initramfs needs to reach the root
#   <cache>/<release>/modules.devices  insmod order of the device drivers the scenarios use
#   <cache>/<release>/initramfs.cpio.gz
# Usage: prepare.sh <cache dir>. Prints the kernel release on its last line.
# Nothing is rebuilt when its inputs are unchanged.
set -euo pipefail

cache_dir=$(mkdir -p "$1" && cd "$1" && pwd)
lab_dir=$(cd "$(dirname "$0")" && pwd)

packages=(qemu-system-x86 busybox-static cpio kmod e2fsprogs linux-source-6.1 linux-headers-amd64 udev mdevctl gcc make)

missing_packages() {
    local package
    for package in "$@"; do
        dpkg-query -W -f '${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || echo "$package"
    done
}

install_packages() {
    local missing
    missing=$(missing_packages "$@")
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "kernel lab: Debian packages missing: $missing; install them with: sudo apt-get install -y $missing" >&2
        exit 2
    fi
    echo "kernel lab: installing $missing" >&2
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing >&2
}

install_packages "${packages[@]}"

# The kernel the distribution ships now: the package linux-image-amd64 depends on.
image_package=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
[ -n "$image_package" ] || { echo "kernel lab: apt-cache knows no linux-image-amd64; run apt-get update" >&2; exit 2; }
release=${image_package#linux-image-}
headers_dir=/usr/src/linux-headers-$release
if [ ! -d "$headers_dir" ]; then
    install_packages "linux-headers-$release"
fi

out=$cache_dir/$release
root=$out/root
mkdir -p "$out/debs"

# The image is unpacked, not installed: the host keeps its own kernel and boot loader untouched.
if [ ! -f "$root/boot/vmlinuz-$release" ]; then
    (cd "$out/debs" && apt-get download "$image_package" >&2 2>/dev/null) \
        || { echo "kernel lab: apt-get download $image_package failed" >&2; exit 2; }
    rm -rf "$root"
    dpkg-deb -x "$out"/debs/"$image_package"_*.deb "$root"
fi

# mtty, the kernel's sample mdev driver, built out of tree from the matching linux-source.
mtty_build=$out/mtty
mtty_module=$root/lib/modules/$release/extra/mtty.ko
if [ ! -f "$mtty_module" ]; then
    source_tar=$(ls /usr/src/linux-source-*.tar.xz | head -n 1)
    rm -rf "$mtty_build" && mkdir -p "$mtty_build"
    tar -xJf "$source_tar" -C "$mtty_build" --strip-components=3 --wildcards '*/samples/vfio-mdev/mtty.c'
    echo 'obj-m := mtty.o' > "$mtty_build/Kbuild"
    make -s -C "$headers_dir" M="$mtty_build" modules >&2
    mkdir -p "$(dirname "$mtty_module")"
    cp "$mtty_build/mtty.ko" "$mtty_module"
fi

depmod -b "$root" "$release"

# insmod order for a set of modules, each dependency once, as kmod resolves it.
insmod_order() {
    local module
    for module in "$@"; do
        modprobe -D -S "$release" -d "$root" "$module" | awk '$1 == "insmod" { print $2 }'
    done | awk '!seen[$0]++'
}

insmod_order virtio_pci virtio_blk 9pnet_virtio 9p overlay ext4 > "$out/modules.boot"
insmod_order vfio vfio_iommu_type1 mdev vfio_pci nvme mtty > "$out/modules.devices"

# The initramfs: busybox, the boot modules (paths kept as the lists name them) and /init.
initramfs=$out/initramfs.cpio.gz
stage=$out/initramfs
rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/proc" "$stage/sys" "$stage/dev" "$stage/newroot"
cp /bin/busybox "$stage/bin/busybox"
while read -r module; do
    mkdir -p "$stage$(dirname "$module")"
    cp "$module" "$stage$module"
done < "$out/modules.boot"
cp "$out/modules.boot" "$stage/modules.boot"
install -m 0755 "$lab_dir/guest/init" "$stage/init"
(cd "$stage" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 > "$initramfs"
rm -rf "$stage"

echo "$release"
