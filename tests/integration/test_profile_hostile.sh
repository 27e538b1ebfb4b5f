#!/bin/bash
# profile: files that the traced processes control (issue 9).  profile runs as
# root and reads what the processes it samples map: their ELF objects, separate
# debug files and JIT perf maps.  Processes in containers (PID and mount
# namespaces, a root of their own) and on the host map crafted files
# (tests/helpers/mkelf.c) and spin in them (tests/helpers/mapspin.c); one run
# of the real bin/profile over all of them must not crash, hang, blow up its
# memory, take the host's files for the container's, or take names from a perf
# map its process does not own.
#
# When that run fails, each scenario is run again on its own (-p, all at once)
# so that every line below says what that scenario does; the run over all of
# them has failed anyway.
# serial: a dozen targets spin on the CPUs for the whole file
. "$(dirname "$0")/../lib.sh"
need unshare pivot_root mount pgrep od

TOOL=$BIN/profile
HELPERS=$TOP/build/helpers
for h in mkelf mapspin maxrss; do
	[ -x "$HELPERS/$h" ] || skip_all "needs $HELPERS/$h (make vm-helpers)"
done
# The duration of each run, and how long it may take in all.
SECS=3
LIMIT=$((SECS + 5))
ISO_SECS=2
ISO_LIMIT=$((ISO_SECS + 5))
# A profile that inflates the 4 GiB .symtab holds 4 GiB; well below that.
RSS_MAX_KB=$((150 * 1024))
ZSIZE=$(((1 << 32) - 16))
SPARSE=$((16 << 30))
T=hostile_$$

# name NAME: NAME with this run's pid, as a comm (15 characters at most).
name() {
	local n=$1$$
	echo "${n:0:15}"
}
GOOD=$(name hgood) NOBITS=$(name hnobits) ZSYM=$(name hzsym) FIFO=$(name hfifo)
PMFIFO=$(name hpmfifo) PMLINK=$(name hpmlink) NOBODY=$(name hnobody) ROOTPM=$(name hroot)
BID=$(name hbid) LINK=$(name hlink) DFIFO=$(name hdfifo) SPARSEC=$(name hsparse)

randhex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }

# --- the container roots and the crafted files -------------------------------

# ROOT: the objects and debug files (a-d, h-j); ROOT_E and ROOT_F: one perf map
# each at /tmp/perf-1.map (e, f; each target is PID 1 of its namespace).
ROOT=$TMP/root ROOT_E=$TMP/root_e ROOT_F=$TMP/root_f
mkdir -p "$ROOT"/{bin,lib/.debug,tmp,usr/lib/debug/.build-id,usr/lib/debug/lib} \
	"$ROOT_E"/{bin,tmp} "$ROOT_F"/{bin,tmp}
for c in $GOOD $NOBITS $ZSYM $FIFO $BID $LINK $DFIFO $SPARSEC; do
	ln "$HELPERS/mapspin" "$ROOT/bin/$c" 2>/dev/null || cp "$HELPERS/mapspin" "$ROOT/bin/$c"
done
cp "$HELPERS/mapspin" "$ROOT_E/bin/$PMFIFO"
cp "$HELPERS/mapspin" "$ROOT_F/bin/$PMLINK"
cp "$HELPERS/mapspin" "$TMP/$NOBODY"
cp "$HELPERS/mapspin" "$TMP/$ROOTPM"

mkelf() {
	"$HELPERS/mkelf" "$@" 2>"$TMP/mkelf.err" || bail_out "profile_hostile: mkelf $*" "$(cat "$TMP/mkelf.err")"
}
# build_id_path ROOT HEX: where a debug file of that build-id is looked for.
build_id_path() { echo "$1/usr/lib/debug/.build-id/${2:0:2}/${2:2}.debug"; }

mkelf good "$ROOT/lib/$GOOD.so" --name bpfscope_hostile_good
mkelf nobits-strtab "$ROOT/lib/$NOBITS.so" --name bpfscope_hostile_nobits
# c: unless this machine could not take a profile that inflates it.
avail_kb=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo)
if [ "${avail_kb:-0}" -ge $((6 << 20)) ]; then
	mkelf zsymtab "$ROOT/lib/$ZSYM.so" --name bpfscope_hostile_zsym --zsize $ZSIZE
else
	ZSYM=
fi
mkelf good "$ROOT/lib/$FIFO.so" --name bpfscope_hostile_fifo

# h: by build-id, in the container.
BID_HEX=$(randhex 20)
mkdir -p "$(dirname "$(build_id_path "$ROOT" "$BID_HEX")")"
mkelf debug "$(build_id_path "$ROOT" "$BID_HEX")" --name BUILDID_marker --build-id "$BID_HEX"
mkelf stripped "$ROOT/lib/$BID.so" --build-id "$BID_HEX"
# h: by .gnu_debuglink (no build-id: the CRC decides), beside the object in the
# container; and a file of that name where the host's /usr/lib/debug would have
# it, forged to the same CRC, with another name.
LINK_NAME=bpfscope-$T.debug
mkelf debug "$ROOT/lib/$LINK_NAME" --name LINK_marker
mkelf stripped "$ROOT/lib/$LINK.so" --debuglink "$LINK_NAME" --crc "$ROOT/lib/$LINK_NAME"
HOST_DBG_DIR=/usr/lib/debug/lib
for d in /usr/lib/debug "$HOST_DBG_DIR"; do
	[ -d "$d" ] || { mkdir "$d" && on_exit "rmdir '$d'"; }
done
HOST_DBG=$HOST_DBG_DIR/$LINK_NAME
if [ -e "$HOST_DBG" ]; then
	bail_out "profile_hostile: plant a debug file on the host" "$HOST_DBG exists already"
fi
on_exit "rm -f '$HOST_DBG'"
mkelf debug "$HOST_DBG" --name HOSTDBG_marker --match-crc "$ROOT/lib/$LINK_NAME"

# i: every debug file path a FIFO: by build-id, beside, in .debug/, in /usr/lib/debug.
DFIFO_HEX=$(randhex 20)
DFIFO_LINK=$DFIFO.debug
mkelf stripped "$ROOT/lib/$DFIFO.so" --build-id "$DFIFO_HEX" --debuglink "$DFIFO_LINK" \
	--crc "$ROOT/lib/$GOOD.so"
mkdir -p "$(dirname "$(build_id_path "$ROOT" "$DFIFO_HEX")")"
mkfifo "$(build_id_path "$ROOT" "$DFIFO_HEX")" "$ROOT/lib/$DFIFO_LINK" \
	"$ROOT/lib/.debug/$DFIFO_LINK" "$ROOT/usr/lib/debug/lib/$DFIFO_LINK"

# j: a 16 GiB sparse debug file beside the object; the CRC the object wants is
# another file's, so a reader that checks it reads all 16 GiB for nothing.
mkelf debug "$ROOT/lib/$SPARSEC.debug" --name SPARSE_marker --size $SPARSE
mkelf stripped "$ROOT/lib/$SPARSEC.so" --debuglink "$SPARSEC.debug" --crc "$ROOT/lib/$GOOD.so"

# --- the targets ---------------------------------------------------------------

ALL_TARGETS=() JOBS_STARTED=()
# target_pid VAR UNSHARE_PID: the host pid of unshare's child, which is the target.
target_pid() {
	local i p
	for ((i = 0; i < 100; i++)); do
		p=$(pgrep -P "$2" | head -1)
		[ -n "$p" ] && break
		sleep 0.05
	done
	printf -v "$1" '%s' "$p"
}

# start_in VAR ROOT NAME ARGS...: run ROOT/bin/NAME ARGS as PID 1 of new PID
# and mount namespaces with ROOT as its root; VAR gets its host pid.  ROOT is
# made the root with pivot_root, not chroot (unshare --root): a process in a
# chroot has its files named in /proc/PID/maps by their paths on the host,
# which profile would then find on the host, unlike a container's.  (The host's
# root stays mounted at /.oldroot in there: ROOT has no umount to run.)
start_in() {
	local var=$1 root=$2 comm=$3 u
	shift 3
	mkdir -p "$root/.oldroot"
	unshare --pid --fork --mount --kill-child sh -c \
		'mount --bind "$1" "$1" && cd "$1" && pivot_root . .oldroot && shift && exec "$@"' \
		sh "$root" "/bin/$comm" 60 "$@" </dev/null >"$TMP/$comm.log" 2>&1 &
	u=$!
	JOBS_STARTED+=("$u")
	on_exit "kill -KILL $u"
	target_pid "$var" "$u"
	[ -n "${!var}" ] || bail_out "profile_hostile: start $comm in a container" \
		"unshare: $(head -c 300 "$TMP/$comm.log")"
	ALL_TARGETS+=("${!var}")
	on_exit "kill -KILL ${!var}"
}

# start_host VAR NAME ARGS...: run $TMP/NAME on the host; VAR gets its pid.
start_host() {
	local var=$1 comm=$2
	shift 2
	"$TMP/$comm" 60 "$@" </dev/null >"$TMP/$comm.log" 2>&1 &
	printf -v "$var" '%s' "$!"
	JOBS_STARTED+=("$!")
	ALL_TARGETS+=("${!var}")
	on_exit "kill -KILL ${!var}"
}

# wait_until SECS COMMAND...: until the command succeeds, at most SECS.
wait_until() {
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 20; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}
# maps_has PID PATH: PID maps PATH (a line ends in " PATH").
maps_has() {
	awk -v p=" $2" 'substr($0, length($0) - length(p) + 1) == p { f = 1 } END { exit !f }' \
		"/proc/$1/maps" 2>/dev/null
}

# ready NAME PID COMMAND...: bail out unless the target is set up within 5 s.
ready() {
	local comm=$1 pid=$2
	shift 2
	wait_until 5 "$@" && return 0
	bail_out "profile_hostile: $comm sets up" "not ready within 5 s: $(head -c 200 "$TMP/$comm.log") $(
		grep -F "$comm" "/proc/$pid/maps" 2>/dev/null | tail -1)"
}

start_in P_GOOD "$ROOT" "$GOOD" file "/lib/$GOOD.so"
start_in P_NOBITS "$ROOT" "$NOBITS" file "/lib/$NOBITS.so"
[ -n "$ZSYM" ] && start_in P_ZSYM "$ROOT" "$ZSYM" file "/lib/$ZSYM.so"
start_in P_FIFO "$ROOT" "$FIFO" file "/lib/$FIFO.so" --replace-fifo
start_in P_BID "$ROOT" "$BID" file "/lib/$BID.so"
start_in P_LINK "$ROOT" "$LINK" file "/lib/$LINK.so"
start_in P_DFIFO "$ROOT" "$DFIFO" file "/lib/$DFIFO.so"
start_in P_SPARSE "$ROOT" "$SPARSEC" file "/lib/$SPARSEC.so"
start_in P_PMFIFO "$ROOT_E" "$PMFIFO" anon /tmp/addr
start_in P_PMLINK "$ROOT_F" "$PMLINK" anon /tmp/addr
start_host P_NOBODY "$NOBODY" anon "$TMP/addr.nobody"
start_host P_ROOTPM "$ROOTPM" anon "$TMP/addr.root"

ready "$GOOD" "$P_GOOD" maps_has "$P_GOOD" "/lib/$GOOD.so"
ready "$NOBITS" "$P_NOBITS" maps_has "$P_NOBITS" "/lib/$NOBITS.so"
[ -n "$ZSYM" ] && ready "$ZSYM" "$P_ZSYM" maps_has "$P_ZSYM" "/lib/$ZSYM.so"
ready "$FIFO" "$P_FIFO" test -p "$ROOT/lib/$FIFO.so"
ready "$BID" "$P_BID" maps_has "$P_BID" "/lib/$BID.so"
ready "$LINK" "$P_LINK" maps_has "$P_LINK" "/lib/$LINK.so"
ready "$DFIFO" "$P_DFIFO" maps_has "$P_DFIFO" "/lib/$DFIFO.so"
ready "$SPARSEC" "$P_SPARSE" maps_has "$P_SPARSE" "/lib/$SPARSEC.so"
ready "$PMFIFO" "$P_PMFIFO" test -s "$ROOT_E/tmp/addr"
ready "$PMLINK" "$P_PMLINK" test -s "$ROOT_F/tmp/addr"
ready "$NOBODY" "$P_NOBODY" test -s "$TMP/addr.nobody"
ready "$ROOTPM" "$P_ROOTPM" test -s "$TMP/addr.root"
if ! maps_has "$P_FIFO" "/lib/$FIFO.so (deleted)"; then
	bail_out "profile_hostile: d. set up" "the maps of $FIFO do not say (deleted)"
fi

# nspid PID: the pid as its own namespace numbers it.
nspid() { awk '/^NSpid:/ { print $NF }' "/proc/$1/status"; }
# perfmap_line ADDRFILE NAME: a perf map line covering the spin loop.
perfmap_line() {
	local a
	a=$(cat "$1")
	echo "${a#0x} 10 $2"
}

# e: a FIFO as the container's perf map.
mkfifo "$ROOT_E/tmp/perf-$(nspid "$P_PMFIFO").map"
# f: the container's perf map is an absolute link; the host has its own file there.
SECRET_DIR=/tmp/bpfscope-secret-$$
mkdir -p "$SECRET_DIR" "$ROOT_F$SECRET_DIR"
on_exit "rm -rf '$SECRET_DIR'"
perfmap_line "$ROOT_F/tmp/addr" HOST_SECRET_marker >"$SECRET_DIR/map"
perfmap_line "$ROOT_F/tmp/addr" CONTAINER_marker >"$ROOT_F$SECRET_DIR/map"
ln -s "$SECRET_DIR/map" "$ROOT_F/tmp/perf-$(nspid "$P_PMLINK").map"
# g: host perf maps of root processes, one owned by nobody.
for p in "$P_NOBODY" "$P_ROOTPM"; do
	rm -f "/tmp/perf-$p.map"
	on_exit "rm -f /tmp/perf-$p.map"
done
perfmap_line "$TMP/addr.nobody" NOBODY_marker >"/tmp/perf-$P_NOBODY.map"
chown 65534:65534 "/tmp/perf-$P_NOBODY.map"
perfmap_line "$TMP/addr.root" ROOT_marker >"/tmp/perf-$P_ROOTPM.map"

for p in "$P_GOOD" "$P_PMFIFO" "$P_PMLINK"; do
	[ "$(nspid "$p")" = 1 ] ||
		bail_out "profile_hostile: the targets run in PID namespaces" "NSpid of $p: $(nspid "$p")"
done

# --- the runs --------------------------------------------------------------------

# run_profile OUT SECS LIMIT ARGS...: profile -U -f -F 99 ARGS SECS, stopped
# after LIMIT s (status 124); OUT.rss gets "maxrss_kb=N wall_ms=N status=N".
# It runs at nice -10: beside a dozen targets spinning at nice 0 (and whatever
# else loads the machine) it would get a thirteenth of the CPUs for its start
# and its symbolization, and a slow run could pass the LIMIT for a hang.
run_profile() {
	local out=$1 secs=$2 limit=$3
	shift 3
	nice -n -10 "$HELPERS/maxrss" "$out.rss" "$limit" "$TOOL" -U -f -F 99 "$@" "$secs" \
		>"$out" 2>"$out.err"
}
# field OUT NAME: a field of OUT.rss.
field() { sed -n "s/.*\<$2=\([0-9]*\).*/\1/p" "$1.rss" 2>/dev/null; }
# status_text OUT: what became of that run.
status_text() {
	local rc wall
	rc=$(field "$1" status) wall=$(field "$1" wall_ms)
	case $rc in
	0) echo "exit 0 in $wall ms" ;;
	124) echo "HANG: stopped after $wall ms" ;;
	"") echo "no status: $(head -c 200 "$1.err")" ;;
	*)
		if [ "$rc" -gt 128 ]; then
			echo "CRASH: killed by SIG$(kill -l $((rc - 128))) after $wall ms"
		else
			echo "exit $rc after $wall ms: $(head -c 200 "$1.err" | tr '\n' ' ')"
		fi
		;;
	esac
}

run_profile "$TMP/all" $SECS $LIMIT
for p in "${ALL_TARGETS[@]}"; do
	kill -0 "$p" 2>/dev/null ||
		bail_out "profile_hostile: the targets spin through the run" "$p is gone"
done
# Which output each scenario is judged on: the run over all, or its own.
declare -A OUT
SCENARIOS="a b c d e f g h i j"
for s in $SCENARIOS; do OUT[$s]=$TMP/all; done
NOTE=
if [ "$(field "$TMP/all" status)" = 0 ]; then
	ok "profile_hostile: one run over every scenario ($(status_text "$TMP/all"), maxrss $(($(field "$TMP/all" maxrss_kb) / 1024)) MB)"
else
	fail "profile_hostile: one run over every scenario" "$(status_text "$TMP/all")"
	NOTE=" [own -p run]"
	declare -A PIDS=([a]=$P_GOOD [b]="$P_NOBITS,$P_GOOD" [c]=${P_ZSYM:-} [d]=$P_FIFO
		[e]=$P_PMFIFO [f]=$P_PMLINK [g]="$P_NOBODY,$P_ROOTPM" [h]="$P_BID,$P_LINK"
		[i]=$P_DFIFO [j]=$P_SPARSE)
	iso=()
	for s in $SCENARIOS; do
		[ -n "${PIDS[$s]}" ] || continue
		OUT[$s]=$TMP/iso.$s
		run_profile "$TMP/iso.$s" $ISO_SECS $ISO_LIMIT -p "${PIDS[$s]}" &
		iso+=($!)
	done
	wait "${iso[@]}"
fi

# The targets are done with: let the CPUs go (and reap them quietly).
for p in "${ALL_TARGETS[@]}"; do kill -KILL "$p" 2>/dev/null; done
wait "${JOBS_STARTED[@]}" 2>/dev/null

# leaves COMM OUT: the leaf frame of each stack of COMM (folded, -U: the last frame).
leaves() {
	awk -v c="$1;" 'index($0, c) == 1 { sub(/ [0-9]+$/, ""); n = split($0, f, ";"); print f[n] }' "$2"
}
# has_leaf COMM NAME OUT: a stack of COMM ends in NAME.
has_leaf() { leaves "$1" "$3" | grep -qxF -- "$2"; }
# stacks COMM OUT: how many distinct stacks of COMM.
stacks() { leaves "$1" "$2" | wc -l; }
# seen OUT: what the run said about a comm, for a failure message.
seen() { grep "^$1;" "$2" | head -3 | tr '\n' ' ' | head -c 300; }
# ran_ok OUT: the run ended by itself with status 0.
ran_ok() { [ "$(field "$1" status)" = 0 ]; }

# a. control
o=${OUT[a]}
n="profile_hostile: a. an object in a container is named through the container's root$NOTE"
if ran_ok "$o" && has_leaf "$GOOD" bpfscope_hostile_good "$o"; then ok "$n"
else fail "$n" "$(status_text "$o"); $GOOD: $(seen "$GOOD" "$o")"; fi

# b. .symtab -> SHT_NOBITS string table
o=${OUT[b]}
n="profile_hostile: b. a .symtab linked to a SHT_NOBITS string table: no crash, frame unnamed, the control named$NOTE"
unnamed=$(leaves "$NOBITS" "$o" | grep -cE "^\[unknown\]$|$NOBITS\.so")
if ran_ok "$o" && [ "$unnamed" -gt 0 ] && [ "$unnamed" = "$(stacks "$NOBITS" "$o")" ] &&
	has_leaf "$GOOD" bpfscope_hostile_good "$o"; then
	ok "$n"
else
	fail "$n" "$(status_text "$o"); $NOBITS: $(seen "$NOBITS" "$o"); $GOOD: $(seen "$GOOD" "$o")"
fi

# c. 4 GiB compressed .symtab
o=${OUT[c]}
n="profile_hostile: c. a .symtab declaring $ZSIZE bytes compressed is not inflated"
if [ -z "$ZSYM" ]; then
	skip "$n" "MemAvailable ${avail_kb} kB: a profile without the fix would take 4 GiB"
else
	rss=$(field "$o" maxrss_kb)
	n="$n (maxrss ${rss:-?} kB, bound $RSS_MAX_KB kB; $(status_text "$o"))$NOTE"
	if ran_ok "$o" && [ -n "$rss" ] && [ "$rss" -lt $RSS_MAX_KB ] && [ "$(stacks "$ZSYM" "$o")" -gt 0 ]; then
		ok "$n"
	else
		fail "$n" "$ZSYM: $(seen "$ZSYM" "$o")"
	fi
fi

# d. deleted object, a FIFO in its place
o=${OUT[d]}
n="profile_hostile: d. a deleted object replaced by a FIFO: no hang, named through map_files$NOTE"
if ran_ok "$o" && has_leaf "$FIFO" bpfscope_hostile_fifo "$o"; then ok "$n"
else fail "$n" "$(status_text "$o"); $FIFO: $(seen "$FIFO" "$o")"; fi

# e. FIFO perf map
o=${OUT[e]}
n="profile_hostile: e. a FIFO as the container's perf map: no hang$NOTE"
if ran_ok "$o" && [ "$(stacks "$PMFIFO" "$o")" -gt 0 ]; then ok "$n"
else fail "$n" "$(status_text "$o"); $PMFIFO: $(seen "$PMFIFO" "$o")"; fi

# f. perf map symlink
o=${OUT[f]}
n="profile_hostile: f. a perf map link is followed inside the container's root, not the host's$NOTE"
if ran_ok "$o" && has_leaf "$PMLINK" CONTAINER_marker "$o" && ! grep -q HOST_SECRET_marker "$o"; then
	ok "$n"
else
	fail "$n" "$(status_text "$o"); $PMLINK: $(seen "$PMLINK" "$o")"
fi

# g. perf map ownership
o=${OUT[g]}
n="profile_hostile: g. a perf map owned by another user than its process' is not used$NOTE"
if ran_ok "$o" && [ "$(stacks "$NOBODY" "$o")" -gt 0 ] && ! grep -q NOBODY_marker "$o"; then ok "$n"
else fail "$n" "$(status_text "$o"); $NOBODY: $(seen "$NOBODY" "$o")"; fi
n="profile_hostile: g. the root-owned perf map of a root process is used (control)$NOTE"
if ran_ok "$o" && has_leaf "$ROOTPM" ROOT_marker "$o"; then ok "$n"
else fail "$n" "$(status_text "$o"); $ROOTPM: $(seen "$ROOTPM" "$o")"; fi

# h. debug files inside the container
o=${OUT[h]}
n="profile_hostile: h. a debug file found by build-id in the container is used$NOTE"
if ran_ok "$o" && has_leaf "$BID" BUILDID_marker "$o"; then ok "$n"
else fail "$n" "$(status_text "$o"); $BID: $(seen "$BID" "$o")"; fi
n="profile_hostile: h. the .gnu_debuglink file in the container is used, not the host's $HOST_DBG$NOTE"
if ran_ok "$o" && has_leaf "$LINK" LINK_marker "$o" && ! grep -q HOSTDBG_marker "$o"; then ok "$n"
else fail "$n" "$(status_text "$o"); $LINK: $(seen "$LINK" "$o")"; fi

# i. debug file FIFOs
o=${OUT[i]}
n="profile_hostile: i. FIFOs at every debug file path: no hang$NOTE"
if ran_ok "$o" && [ "$(stacks "$DFIFO" "$o")" -gt 0 ]; then ok "$n"
else fail "$n" "$(status_text "$o"); $DFIFO: $(seen "$DFIFO" "$o")"; fi

# j. 16 GiB sparse debuglink candidate
o=${OUT[j]}
n="profile_hostile: j. a 16 GiB sparse .gnu_debuglink candidate is not read whole ($(status_text "$o"))$NOTE"
if ran_ok "$o" && [ "$(stacks "$SPARSEC" "$o")" -gt 0 ]; then ok "$n"
else fail "$n" "$SPARSEC: $(seen "$SPARSEC" "$o")"; fi
