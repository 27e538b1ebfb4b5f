#!/bin/sh
# Build and test dependencies of bpfscope.
#   deps.sh check    name what is missing and how to install it (exit 1 if anything is)
#   deps.sh install  install what is missing with the distribution's package manager
#                    (through sudo when not run as root)
#   deps.sh test     install what the tests need (and, where the package
#                    manager can, the programs some tests trace)
set -u
mode=${1:-check}

# "command-or-file debian-package fedora-package"
BUILD_DEPS='
clang clang clang
llvm-strip llvm llvm
bpftool bpftool bpftool
make make make
cc gcc gcc
objcopy binutils binutils
/usr/include/bpf/libbpf.h libbpf-dev libbpf-devel
@libbpf.a libbpf-dev libbpf-static
/usr/include/libelf.h libelf-dev elfutils-libelf-devel
@libelf.a libelf-dev elfutils-libelf-devel-static
/usr/include/zlib.h zlib1g-dev zlib-devel
@libzstd.a libzstd-dev libzstd-static
/usr/include/argp.h libc6-dev glibc-devel
@libc.a libc6-dev glibc-static
'
TEST_DEPS='
ip iproute2 iproute
nft nftables nftables
losetup mount util-linux
setpriv util-linux util-linux
mkfs.ext4 e2fsprogs e2fsprogs
mkfs.xfs xfsprogs xfsprogs
mkfs.btrfs btrfs-progs btrfs-progs
dd coreutils coreutils
python3 python3 python3
file file file
cpio cpio cpio
qemu-system-x86_64 qemu-system-x86 qemu-system-x86
static:/bin/busybox busybox-static busybox
xz xz-utils xz
/usr/lib/debug/.build-id libc6-dbg glibc-debuginfo
sudo sudo sudo
fuzzer:clang libclang-rt-dev compiler-rt
'
# Programs some tests trace (TLS, a JVM, a database): installed if the package
# manager can, else the tests that need them skip and say why.
TEST_OPTIONAL='
openssl openssl openssl
java default-jre-headless java-17-openjdk-headless
/usr/lib/postgresql postgresql postgresql-server
'

have() {
	case "$1" in
	fuzzer:*) echo 'int LLVMFuzzerTestOneInput(const char *d, long n) { return !d + !n - 2; }' |
		"${1#fuzzer:}" -fsanitize=fuzzer -x c - -o /dev/null 2>/dev/null ;;
	static:*) [ -x "${1#static:}" ] && ! ldd "${1#static:}" >/dev/null 2>&1 ;;
	/*) [ -e "$1" ] ;;
	@*) for d in /usr/lib/*-linux-gnu /usr/lib64 /usr/lib; do
		[ -e "$d/${1#@}" ] && return 0
	    done; return 1 ;;
	*) command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ] ;;
	esac
}

if command -v apt-get >/dev/null 2>&1; then col=2; pm=apt
elif command -v dnf >/dev/null 2>&1; then col=3; pm=dnf
else col=2; pm=unknown
fi

missing_pkgs() {
	echo "$1" | while read -r what deb rpm; do
		[ -n "$what" ] || continue
		have "$what" && continue
		if [ $col = 2 ]; then echo "$deb"; else echo "$rpm"; fi
	done | sort -u | tr '\n' ' ' | sed 's/ $//'
}

install_pkgs() {
	pkgs=$1
	[ -n "$pkgs" ] || return 0
	root=
	if [ "$(id -u)" != 0 ]; then
		if ! command -v sudo >/dev/null 2>&1; then
			echo "deps: installing $pkgs needs root, and there is no sudo here:" \
				"run make deps as root (su -c 'make deps')" >&2
			return 1
		fi
		root=sudo
	fi
	echo "deps: installing $pkgs"
	case $pm in
	apt) $root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
	     $root env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends $pkgs >/dev/null ;;
	dnf) $root dnf install -y -q $pkgs ;;
	*) echo "deps: no apt-get or dnf here; install by hand: $pkgs" >&2; return 1 ;;
	esac
}

optional() {
	install_pkgs "$(missing_pkgs "$TEST_OPTIONAL")" ||
		echo "deps: not installed: $(missing_pkgs "$TEST_OPTIONAL") (the tests that trace them will skip)" >&2
	return 0
}

case $mode in
check)
	pkgs=$(missing_pkgs "$BUILD_DEPS")
	if [ -n "$pkgs" ]; then
		cmd="apt-get install $pkgs"
		[ $pm = dnf ] && cmd="dnf install $pkgs"
		echo "bpfscope: missing build packages: $pkgs" >&2
		echo "bpfscope: install them with: make deps   (or, as root: $cmd)" >&2
		exit 1
	fi ;;
install) install_pkgs "$(missing_pkgs "$BUILD_DEPS$TEST_DEPS")" && optional ;;
test) install_pkgs "$(missing_pkgs "$TEST_DEPS")" && optional ;;
*) echo "usage: $0 check|install|test" >&2; exit 2 ;;
esac
