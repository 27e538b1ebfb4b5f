#!/bin/bash
# seeds.sh DIR: the seed inputs of the fuzz targets, made here (nothing binary
# is committed): DIR/elf/ small objects in the shapes lib/elf.c reads (symbols
# in .symtab, in .dynsym only, in a debug file found by .gnu_debuglink
# "fuzz.debug" or by build-id ab cd ef, a 32-bit object, and the crafted
# files of tests/helpers/mkelf if it is built), DIR/perfmap/ perf maps,
# DIR/ldcache/ this machine's loader cache, whole and cut.
set -eu
out=$1
top=$(cd "$(dirname "$0")/../.." && pwd)
cc=${CC:-cc}
mkdir -p "$out/elf" "$out/perfmap" "$out/ldcache"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/seed.c" <<'C'
int seed_global(int x) { return x * 3; }
static int seed_local(int x) { return x + 1; }
int seed_other(int x) { return seed_local(x) + 2; }
C
common="-O1 -fPIC -shared -nostdlib -Wl,--hash-style=gnu -Wl,-z,norelro"
$cc $common -Wl,--build-id=0xabcdef "$work/seed.c" -o "$out/elf/symtab.so"
$cc $common -Wl,--build-id=none "$work/seed.c" -o "$work/link.so"
objcopy --only-keep-debug "$work/link.so" "$work/fuzz.debug"
objcopy --strip-all --add-gnu-debuglink="$work/fuzz.debug" "$work/link.so" "$out/elf/debuglink.so"
cp "$work/fuzz.debug" "$out/elf/debugfile.debug"
objcopy --strip-all "$out/elf/symtab.so" "$out/elf/buildid-stripped.so"
objcopy --only-keep-debug "$out/elf/symtab.so" "$out/elf/buildid.debug"
if $cc -m32 $common "$work/seed.c" -o "$out/elf/elf32.so" 2>/dev/null; then :; fi
if [ -x "$top/build/helpers/mkelf" ]; then
	for kind in good nobits-strtab stripped debug; do
		"$top/build/helpers/mkelf" "$kind" "$out/elf/mkelf-$kind" --build-id abcdef \
			>/dev/null 2>&1 || rm -f "$out/elf/mkelf-$kind"
	done
	"$top/build/helpers/mkelf" zsymtab "$out/elf/mkelf-zsymtab" --zsize 4096 >/dev/null 2>&1 ||
		rm -f "$out/elf/mkelf-zsymtab"
fi
# pair OUT OBJECT DEBUG: an input of fuzz_elf, the object and its debug file.
pair() {
	local n
	n=$(stat -c %s "$2")
	printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((n & 255)) $((n >> 8 & 255)) \
		$((n >> 16 & 255)) $((n >> 24 & 255)))" >"$1"
	cat "$2" "$3" >>"$1"
}
pair "$out/elf/pair-debuglink" "$out/elf/debuglink.so" "$out/elf/debugfile.debug"
pair "$out/elf/pair-buildid" "$out/elf/buildid-stripped.so" "$out/elf/buildid.debug"
for f in "$out"/elf/*; do
	strip_size=$(stat -c %s "$f")
	[ "$strip_size" -le 65536 ] || rm -f "$f"
done

printf '7f0000001000 40 jitted_one\n7f0000001040 20 LJava/Foo;::bar (compiled)\n' \
	>"$out/perfmap/java"
printf '0x1000 0x10 with_prefix\n2000\t8\ttabs\r\n3000 0 zero size\n' >"$out/perfmap/forms"
printf 'ffffffffffffffff 10 top\n1 ffffffff big\nbad line\n1000 10 partial' >"$out/perfmap/edges"

if [ -f /etc/ld.so.cache ]; then
	head -c 65536 /etc/ld.so.cache >"$out/ldcache/host"
	{ printf '\004libz'; head -c 4000 /etc/ld.so.cache; } >"$out/ldcache/cut-named"
fi
