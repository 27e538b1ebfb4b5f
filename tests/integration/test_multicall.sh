#!/bin/bash
# The multi-call binary (make multicall): every tool in one file, run as
# `bpfscope TOOL ARGS` or through a link named after the tool, and each tool
# then speaks, traces and is named as its own binary would; `make
# install-multicall` and `make install` lay out a package tree under DESTDIR.
. "$(dirname "$0")/../lib.sh"
need make setpriv

# Built into this test's directory from the shared build/ (the tools' objects
# are reused), so bin/ keeps one binary per tool and the test sees today's code.
MC=$TMP/bin
if ! make -s -C "$TOP" BIN="$MC" "$MC/bpfscope" >"$TMP/build.log" 2>&1; then
	bail_out "make multicall builds bpfscope (into the test's BIN)" "$(tail -5 "$TMP/build.log")"
fi
ok "make multicall builds bpfscope (into the test's BIN)"
MULTI=$MC/bpfscope
LINKS=$TMP/links
mkdir -p "$LINKS"
tools=$(for f in "$TOP"/tools/*/*.bpf.c; do basename "$(dirname "$f")"; done | LC_ALL=C sort -u)
for t in $tools; do
	ln -s "$MULTI" "$LINKS/$t"
done

# Other names tools answer to (tools/T/aliases): ext4slower is fsslower -t ext4.
aliases=$(cat "$TOP"/tools/*/aliases 2>/dev/null | LC_ALL=C sort -u)

# --- the front end --------------------------------------------------------------
out=$("$MULTI" --list 2>&1 | LC_ALL=C sort)
want=$(printf '%s\n%s\n' "$tools" "$aliases" | grep . | LC_ALL=C sort)
if [ "$out" = "$want" ]; then ok "--list names every tool of tools/ and every alias"
else fail "--list names every tool of tools/ and every alias" "want '$(echo $want)' got '$(echo $out)'"; fi

for a in $aliases; do
	ln -s "$MULTI" "$LINKS/$a"
	if "$LINKS/$a" --help 2>&1 | grep -q "^Usage: $a "; then
		ok "$a (an alias) runs through a link, named as itself"
	else
		fail "$a (an alias) runs through a link, named as itself" "$("$LINKS/$a" --help 2>&1 | head -2)"
	fi
	break
done

for args in "" "--help"; do
	out=$("$MULTI" $args 2>&1)
	rc=$?
	missing=$(for t in $tools; do grep -qw "$t" <<<"$out" || echo "$t"; done)
	if [ $rc = 0 ] && grep -q '^Usage: bpfscope TOOL' <<<"$out" && [ -z "$missing" ]; then
		ok "bpfscope ${args:-alone} shows the usage and lists the tools"
	else
		fail "bpfscope ${args:-alone} shows the usage and lists the tools" \
			"rc=$rc missing: $missing; $(head -3 <<<"$out")"
	fi
done

out=$("$MULTI" --version 2>&1)
if [ $? = 0 ] && [ "$out" = "bpfscope $(cat "$TOP/VERSION")" ]; then ok "--version"
else fail "--version" "$out"; fi

# one_line_error NAME PREFIX CMD...: fails with one stderr line "PREFIX: ...", no stdout.
one_line_error() {
	local name=$1 prefix=$2 rc
	shift 2
	"$@" >"$TMP/o" 2>"$TMP/e"
	rc=$?
	if [ $rc != 0 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && grep -q "^$prefix: " "$TMP/e" &&
		[ ! -s "$TMP/o" ]; then
		ok "$name"
	else
		fail "$name" "rc=$rc stdout: $(head -c 200 "$TMP/o") stderr: $(head -c 300 "$TMP/e")"
	fi
}

one_line_error "an unknown tool is a one-line error" bpfscope "$MULTI" no_such_tool --help
"$MULTI" no_such_tool >/dev/null 2>&1
check "an unknown tool exits with status 2" test $? = 2
one_line_error "an unknown option of bpfscope is a one-line error" bpfscope "$MULTI" --bogus

# --- each tool, both ways, named as itself -----------------------------------------
for t in $tools; do
	bad=
	for cmd in "$MULTI $t" "$LINKS/$t"; do
		out=$($cmd --help 2>&1)
		if [ $? != 0 ] || ! grep -q "^Usage: $t " <<<"$out"; then
			bad+="'$cmd --help': $(head -1 <<<"$out"); "
		fi
		[ "$($cmd --version 2>&1)" = "bpfscope $(cat "$TOP/VERSION")" ] ||
			bad+="'$cmd --version': $($cmd --version 2>&1); "
	done
	if [ -z "$bad" ]; then ok "$t: bpfscope $t and a link named $t say 'Usage: $t', --version"
	else fail "$t: bpfscope $t and a link named $t say 'Usage: $t', --version" "$bad"; fi
done

one_line_error "bpfscope opensnoop: an unknown option names opensnoop" opensnoop \
	"$MULTI" opensnoop --no-such-option
one_line_error "link execsnoop: an unknown option names execsnoop" execsnoop \
	"$LINKS/execsnoop" --no-such-option
run_as_nobody "$MULTI" runqlat >"$TMP/o" 2>"$TMP/e"
if [ $? != 0 ] && grep -q "^runqlat: needs root" "$TMP/e" && [ "$(wc -l <"$TMP/e")" = 1 ]; then
	ok "bpfscope runqlat unprivileged says 'runqlat: needs root'"
else
	fail "bpfscope runqlat unprivileged says 'runqlat: needs root'" "$(head -c 300 "$TMP/e")"
fi

# --- a real trace through each form ------------------------------------------------
# trace_check NAME DIR PROGRAM ARGS...: run DIR/PROGRAM ARGS (opensnoop), open a
# file unique to this run, and expect its line with the opener's PID, and the
# tracing process named opensnoop.
trace_check() {
	local name=$1 dir=$2 m pid line comm
	shift 2
	m=$(marker mc)
	echo data >"$TMP/$m"
	if ! BIN=$dir start_tool "$TMP/out" "$@"; then
		fail "$name" "did not start: $(head -c 300 "$TMP/out.err")"
		return
	fi
	comm=$(cat "/proc/$TOOL_PID/comm" 2>/dev/null)
	bash -c 'echo $$ >"$1.pid"; exec cat "$1" >/dev/null' _ "$TMP/$m"
	pid=$(cat "$TMP/$m.pid")
	wait_for "$TMP/out" "$m\$" 5
	stop_tool
	line=$(awk -v p="$TMP/$m" '$NF == p' "$TMP/out" | head -1)
	if [ -z "$line" ]; then
		fail "$name" "no line for $TMP/$m: $(head -c 300 "$TMP/out") $(head -c 300 "$TMP/out.err")"
	elif [ "$(awk '{ print $1, $2, $4 }' <<<"$line")" != "$pid cat 0" ]; then
		fail "$name" "expected PID $pid COMM cat ERR 0, got: $line"
	elif [ "$comm" != opensnoop ]; then
		fail "$name" "the tracing process is named '$comm', not opensnoop"
	else
		ok "$name"
	fi
}
trace_check "bpfscope opensnoop traces an open with its PID" "$MC" bpfscope opensnoop
trace_check "a link named opensnoop traces an open with its PID" "$LINKS" opensnoop

# --- installation into a package tree ----------------------------------------------
dest=$TMP/dest
if make -s -C "$TOP" BIN="$MC" install-multicall DESTDIR="$dest" PREFIX=/usr \
	>"$TMP/install.log" 2>&1; then
	bad=
	[ -x "$dest/usr/sbin/bpfscope" ] && [ ! -L "$dest/usr/sbin/bpfscope" ] || bad+="no bpfscope; "
	[ -f "$dest/usr/share/man/man8/bpfscope.8" ] || bad+="no bpfscope.8; "
	for t in $tools; do
		[ "$(readlink "$dest/usr/sbin/$t")" = bpfscope ] || bad+="$t is not a link to bpfscope; "
		[ -f "$dest/usr/share/man/man8/$t.8" ] || bad+="no $t.8; "
	done
	"$dest/usr/sbin/execsnoop" --help 2>&1 | grep -q '^Usage: execsnoop ' ||
		bad+="installed execsnoop --help: $("$dest/usr/sbin/execsnoop" --help 2>&1 | head -1)"
	if [ -z "$bad" ]; then ok "make install-multicall DESTDIR=... PREFIX=/usr: bpfscope, links, man pages"
	else fail "make install-multicall DESTDIR=... PREFIX=/usr: bpfscope, links, man pages" "$bad"; fi
else
	fail "make install-multicall DESTDIR=... PREFIX=/usr" "$(tail -5 "$TMP/install.log")"
fi

# The standalone form over it: regular files replace the links.
if make -s -C "$TOP" BIN="$MC" install DESTDIR="$dest" PREFIX=/usr >"$TMP/install.log" 2>&1; then
	bad=
	for t in $tools; do
		[ -f "$dest/usr/sbin/$t" ] && [ ! -L "$dest/usr/sbin/$t" ] || bad+="$t is not a file; "
	done
	cmp -s "$dest/usr/sbin/bpfscope" "$MULTI" || bad+="bpfscope was written through a link; "
	if [ -z "$bad" ]; then ok "make install DESTDIR=...: a binary per tool replaces the links"
	else fail "make install DESTDIR=...: a binary per tool replaces the links" "$bad"; fi
else
	fail "make install DESTDIR=..." "$(tail -5 "$TMP/install.log")"
fi

if make -s -C "$TOP" BIN="$MC" uninstall DESTDIR="$dest" PREFIX=/usr >"$TMP/install.log" 2>&1 &&
	[ -z "$(find "$dest" ! -type d)" ]; then
	ok "make uninstall DESTDIR=... removes both forms"
else
	fail "make uninstall DESTDIR=... removes both forms" "left: $(find "$dest" ! -type d | head -5)"
fi
