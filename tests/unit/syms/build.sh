#!/bin/sh
# Build the processes test_syms resolves symbols in.  usage: build.sh OUTDIR
#   target_pie        PIE, linked with libsymtest.so
#   target_nopie      non-PIE, linked with libsymtest.so
#   target_dynsym     PIE, -rdynamic, stripped, no debug file: .dynsym only
#   target_debuglink  stripped; debug file beside it, found by .gnu_debuglink
#   target_debugdir   stripped; debug file in .debug/, found by .gnu_debuglink
#   target_static     static, for running inside a chroot
#   libsymtest2.so    dlopen()ed later by a running target
set -eu
src=$(cd "$(dirname "$0")" && pwd)
out=$1
cc=${CC:-cc}
cflags="-O1 -g -fno-omit-frame-pointer -fno-inline"
mkdir -p "$out" "$out/.debug"
cd "$out"

$cc $cflags -fPIC -shared -o libsymtest.so "$src/lib.c"
$cc $cflags -fPIC -shared -DLIB_FUNC=syms_lib_delta -o libsymtest2.so "$src/lib.c"
link="-L. -lsymtest -Wl,-rpath,$out -ldl"
$cc $cflags -fPIE -pie -o target_pie "$src/target.c" $link
$cc $cflags -fno-pie -no-pie -o target_nopie "$src/target.c" $link
$cc $cflags -fPIE -pie -rdynamic -o target_dynsym "$src/target.c" $link
strip --strip-all target_dynsym

for t in debuglink debugdir; do
	$cc $cflags -fPIE -pie -Wl,--build-id=none -o target_$t "$src/target.c" $link
	objcopy --only-keep-debug target_$t target_$t.debug
	strip --strip-all target_$t
	objcopy --add-gnu-debuglink=target_$t.debug target_$t
done
mv target_debugdir.debug .debug/

$cc $cflags -static -DNO_LIB -o target_static "$src/target.c"

# build.sh OUTDIR bench: the libelf vs libdwfl comparison (needs libdw-dev and build/libbpfscope.a)
if [ "${2:-}" = bench ]; then
	top=$src/../../..
	$cc -O2 -D_GNU_SOURCE -I"$top/include" -o bench "$src/bench.c" \
		"$top/build/libbpfscope.a" -ldw -lelf -lz
fi
