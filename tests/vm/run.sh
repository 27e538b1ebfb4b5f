#!/bin/bash
# The kernel matrix: boot Debian's 6.1 and 6.12 cloud kernels under qemu with an
# initramfs of busybox, the project's static binaries and the guest tests, run
# the tests inside (one boot per kernel for all of them), and report their lines
# here prefixed with the kernel.
#
#   tests/vm/run.sh [SERIES...]      default: 6.1 6.12
#
# Kernels are fetched with apt-get download into $BPFSCOPE_CACHE (default
# /var/cache/bpfscope), never installed.  KVM is used when it works, TCG otherwise.
# The kernels boot at the same time, BPFSCOPE_VM_JOBS at once (default: the
# number of CPUs; a TCG guest runs on one host thread, see accel), each one's
# lines printed in one piece when all are done, with "# time vm/KERNEL/..."
# lines: the guest's boot (init), each guest test file, the wall time of the
# whole boot and what of it was outside the guest's uptime (qemu, firmware).
# BPFSCOPE_VM_TESTS="FILE..." runs those guest tests instead of tests/vm/guest/test_*.sh.
# A kernel complaint (oops, soft lockup: the guest panics on one) fails the run and
# its stack traces are printed.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=${BPFSCOPE_CACHE:-/var/cache/bpfscope}
WORK=$(mktemp -d /tmp/bpfscope-vm.XXXXXX)
GUEST_TIMEOUT=${BPFSCOPE_VM_TIMEOUT:-1500}
series_list=${*:-6.1 6.12}
trap 'rm -rf "$WORK"' EXIT

say() { echo "$*"; }

# Newest "linux-image-<series>...-cloud-amd64-unsigned" package the archive has.
kernel_package() {
	apt-cache search --names-only "^linux-image-${1//./\\.}[.-].*cloud-amd64-unsigned\$" 2>/dev/null |
		awk '{print $1}' | sort -V | tail -n 1
}

# Unpack the kernel package of a series into the cache; prints its directory.
fetch_kernel() {
	local series=$1 pkg dir deb
	pkg=$(kernel_package "$series")
	if [ -z "$pkg" ]; then
		apt-get update -qq >/dev/null 2>&1
		pkg=$(kernel_package "$series")
	fi
	[ -n "$pkg" ] || return 1
	dir=$CACHE/kernels/$pkg
	if [ ! -e "$dir/.done" ]; then
		rm -rf "$dir" && mkdir -p "$dir" || return 1
		(cd "$dir" && apt-get download "$pkg" >/dev/null 2>&1) || return 1
		deb=$(ls "$dir"/*.deb 2>/dev/null | head -n 1)
		[ -n "$deb" ] && dpkg-deb -x "$deb" "$dir/root" && rm -f "$deb" || return 1
		touch "$dir/.done"
	fi
	echo "$dir"
}

build_static() {
	make -s -C "$TOP" STATIC=1 SANITIZE= BUILD=build/static BIN=build/static/bin ${VM_TARGETS:-all} \
		>"$WORK/build.log" 2>&1 &&
		make -s -C "$TOP" STATIC=1 SANITIZE= BUILD=build/static vm-helpers >>"$WORK/build.log" 2>&1
}

# Copy a kernel module (decompressed) into the initramfs tree if the kernel has it.
add_module() {
	local kroot=$1 dest=$2 name=$3 f
	f=$(find "$kroot/lib/modules" -name "$name.ko" -o -name "$name.ko.xz" -o -name "$name.ko.zst" |
		head -n 1)
	[ -n "$f" ] || return 1
	case $f in
	*.xz) xz -dc "$f" >"$dest/modules/$name.ko" ;;
	*.zst) zstd -qdc "$f" >"$dest/modules/$name.ko" ;;
	*) cp "$f" "$dest/modules/$name.ko" ;;
	esac
}

# Modules the guests load, in dependency order: these, then each test file's
# "# guest-modules: NAME..." line (e.g. a file system and what it needs).
GUEST_MODULES="loop veth"
guest_modules() {
	# shellcheck disable=SC2086 # a list of files
	{ echo $GUEST_MODULES; sed -n 's/^# guest-modules: //p' ${BPFSCOPE_VM_TESTS:-"$TOP"/tests/vm/guest/test_*.sh}; } |
		tr ' ' '\n' | awk 'NF && !seen[$0]++'
}

make_initramfs() {
	local kroot=$1 out=$2 tree=$WORK/tree m
	rm -rf "$tree"
	mkdir -p "$tree"/{bin,proc,sys,dev,tmp,run,modules,tests,helpers}
	cp /bin/busybox "$tree/bin/busybox"
	cp "$TOP"/build/static/bin/* "$tree/bin/"
	cp "$TOP"/build/static/helpers/* "$tree/helpers/" 2>/dev/null
	cp "$TOP"/tests/vm/guest/lib.sh "$TOP"/tests/paths.sh "$TOP"/tests/tally.sh \
		${BPFSCOPE_VM_TESTS:-"$TOP"/tests/vm/guest/test_*.sh} "$tree/tests/"
	ls "$TOP"/build/static/bin >"$tree/tests/tools"
	cp "$TOP/tests/vm/guest-init" "$tree/init"
	chmod 755 "$tree/init"
	for m in $(guest_modules); do
		add_module "$kroot" "$tree" "$m" && echo "$m" >>"$tree/modules/order"
	done
	(cd "$tree" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$out"
}

# Under multi-threaded TCG a vCPU can keep running stale code while another
# patches it: attaching or detaching a tracepoint (text_poke_bp) then waits
# forever for a CPU stuck at the patched site in __schedule, a soft lockup
# seen about once in 800 runqlat start/stops on 6.1.  One thread for all
# vCPUs keeps code changes coherent (960 of 960 clean, three times).  So a
# TCG guest uses one host CPU however many vCPUs it has, and the kernels boot
# side by side, one per host CPU (BPFSCOPE_VM_JOBS), rather than one guest
# getting more threads.
accel() {
	if [ -w /dev/kvm ] && timeout 20 qemu-system-x86_64 -accel kvm -M microvm -nographic \
		-no-reboot -kernel /nonexistent </dev/null >/dev/null 2>&1; then
		echo kvm
	else
		echo tcg,thread=single
	fi
}

# Two NUMA nodes of one CPU (a socket each: a shared cache across nodes is a
# kernel warning) and half the memory each, so that NUMA balancing
# has misplaced pages to move (numamove); the total stays 2 CPUs and 1536 MiB.
NUMA="-object memory-backend-ram,id=m0,size=768M -object memory-backend-ram,id=m1,size=768M
	-numa node,nodeid=0,cpus=0,memdev=m0 -numa node,nodeid=1,cpus=1,memdev=m1"

# Boot one kernel; the serial console goes to $log.  Returns qemu's status.
boot() {
	local kernel=$1 initrd=$2 log=$3
	# shellcheck disable=SC2086 # NUMA: words
	timeout -k 5 "$GUEST_TIMEOUT" qemu-system-x86_64 -accel "$ACCEL" -m 1536 -smp 2,sockets=2 $NUMA \
		-nographic -no-reboot -kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 no_timer_check panic=-1 oops=panic softlockup_panic=1 softlockup_all_cpu_backtrace=1 quiet loglevel=5" \
		</dev/null >"$log" 2>&1
}

# What the kernel prints when it is not healthy.
COMPLAINT='Kernel panic|BUG: |Oops: |general protection|RIP: '

# The kernel's first complaint (or the RCU stall report before it) with the stack
# traces after it (every CPU's, with softlockup_all_cpu_backtrace), without the
# "? " guesses: at most 60 lines.
kernel_report() {
	tr -d '\r' <"$1" | grep -v '^\[ *[0-9.]*\]  ? ' |
		awk -v re="$COMPLAINT|rcu: INFO" '$0 ~ re && !p { p = 1 } p && n++ < 60'
}

# Turn the guest's serial log into result lines for the host runner, and its
# times into "# time vm/TAG/NAME SECONDS" lines (WALL: the boot's wall time).
report() {
	local tag=$1 log=$2 status=$3 wall=$4 up
	tr -d '\r' <"$log" | sed -n "s/^\(ok\|not ok\|skip\) - /\1 - [$tag] /p"
	tr -d '\r' <"$log" | sed -n "s|^# time \([^ ]*\) \([0-9.]*\)\$|# time vm/$tag/\1 \2|p" |
		grep -v '/uptime '
	up=$(tr -d '\r' <"$log" | sed -n 's/^# time uptime \([0-9.]*\)$/\1/p')
	echo "# time vm/$tag $wall"
	[ -n "$up" ] && echo "# time vm/$tag/outside $(awk -v w="$wall" -v u="$up" \
		'BEGIN { printf "%.1f", w - u }')"
	tr -d '\r' <"$log" | grep '^matrix: ' >>"$WORK/matrix"
	if grep -qE "$COMPLAINT" "$log"; then
		echo "not ok - [$tag] kernel stayed healthy (serial log: build/vm/serial-$tag.log): $(grep -m1 -E "$COMPLAINT" "$log" | tr -d '\r')"
		kernel_report "$log" | sed 's/^/#   /'
	elif ! grep -q '^BPFSCOPE-VM-DONE' "$log"; then
		echo "not ok - [$tag] guest finished its tests: qemu status $status, no end marker; last serial lines:"
		tr -d '\r' <"$log" | tail -n 30 | sed 's/^/#   /'
	else
		echo "ok - [$tag] guest booted, ran its tests and powered off"
	fi
}

for tool in qemu-system-x86_64 cpio busybox xz; do
	if ! command -v "$tool" >/dev/null; then
		echo "skip - kernel matrix: needs $tool (make deps installs it)"
		exit 0
	fi
done
[ -x /bin/busybox ] && file /bin/busybox | grep -q 'statically linked' || {
	echo "skip - kernel matrix: needs a static /bin/busybox (package busybox-static)"
	exit 0
}
if ! build_static; then
	echo "not ok - kernel matrix: static build failed: $(tail -n 5 "$WORK/build.log")"
	exit 0
fi
ACCEL=$(accel)
JOBS=${BPFSCOPE_VM_JOBS:-$(nproc)}
echo "# kernel matrix: qemu with $ACCEL, $JOBS guests at once"
: >"$WORK/matrix"
booting=
for series in $series_list; do
	if ! kdir=$(fetch_kernel "$series"); then
		echo "skip - [$series] kernel matrix: no Debian package linux-image-$series*-cloud-amd64-unsigned could be fetched"
		continue
	fi
	kernel=$(ls "$kdir"/root/boot/vmlinuz-* | head -n 1)
	tag=$(basename "$kernel" | sed 's/^vmlinuz-//; s/-cloud-amd64$//; s/+deb.*//')
	make_initramfs "$kdir/root" "$WORK/initrd-$series.gz"
	echo "$kernel $tag" >"$WORK/kernel-$series"
	booting="$booting $series"
done

# Boot them side by side, JOBS at a time.
running=0
for series in $booting; do
	if [ $running -ge "$JOBS" ]; then
		wait -n
		running=$((running - 1))
	fi
	read -r kernel tag <"$WORK/kernel-$series"
	echo "# [$tag] booting"
	(
		t0=$EPOCHREALTIME
		boot "$kernel" "$WORK/initrd-$series.gz" "$WORK/serial-$series.log"
		echo "$? $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')" \
			>"$WORK/status-$series"
	) &
	running=$((running + 1))
done
wait
for series in $booting; do
	read -r kernel tag <"$WORK/kernel-$series"
	read -r status wall <"$WORK/status-$series"
	mkdir -p "$TOP/build/vm" && cp "$WORK/serial-$series.log" "$TOP/build/vm/serial-$tag.log"
	report "$tag" "$WORK/serial-$series.log" "$status" "$wall"
	echo "# [$tag] $wall s"
done
if [ -s "$WORK/matrix" ] && [ -n "${BPFSCOPE_MATRIX_OUT:-}" ]; then
	cp "$WORK/matrix" "$BPFSCOPE_MATRIX_OUT"
fi
exit 0
