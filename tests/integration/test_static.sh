#!/bin/bash
# make STATIC=1: the binaries need nothing from the root file system, so they
# run in an empty container (here: a chroot holding only the binary, /proc and /sys).
. "$(dirname "$0")/../lib.sh"
need unshare chroot

out=$TMP/static
if ! make -s -C "$TOP" STATIC=1 SANITIZE= BUILD="$out/build" BIN="$out/bin" "$out/bin/execsnoop" \
	>"$TMP/build.log" 2>&1; then
	bail_out "make STATIC=1 builds" "$(tail -5 "$TMP/build.log")"
fi
if file "$out/bin/execsnoop" | grep -q 'statically linked'; then ok "make STATIC=1 links statically"
else fail "make STATIC=1 links statically" "$(file "$out/bin/execsnoop")"; fi

root=$TMP/root
mkdir -p "$root/proc" "$root/sys" "$root/tmp"
cp "$out/bin/execsnoop" "$root/execsnoop"
m=$(marker static)
# A private mount namespace: the chroot's mounts vanish with it.
unshare -m bash -c '
	root=$1
	mount --make-rprivate /
	mount -t proc proc "$root/proc"
	mount --rbind /sys "$root/sys"
	exec chroot "$root" /execsnoop' _ "$root" >"$TMP/out" 2>"$TMP/err" &
pid=$!
wait_for "$TMP/out" '^PCOMM' 10
/bin/true "$m"
wait_for "$TMP/out" "$m" 5
kill -INT $pid 2>/dev/null
wait $pid
if grep -q -- "true .* /bin/true $m" "$TMP/out"; then
	ok "static execsnoop traces from an empty root"
else
	fail "static execsnoop traces from an empty root" "$(cat "$TMP/out" "$TMP/err" | head -5)"
fi
