#!/bin/bash
# hardirqs: direct reads of a file on the root disk (virtio-blk here) raise one
# completion interrupt each; the disk's handler row must count at least the
# reads and at most what /proc/interrupts counted, in every mode and on every
# hook kind, and the --cpu and -c filters must keep only their share.
. "$(dirname "$0")/../lib.sh"
need jq dd taskset

[ -x "$BIN/hardirqs" ] || skip_all "bin/hardirqs is not built"

# The disk under /var/tmp and the names of its interrupt handlers.
dir=/var/tmp
mm=$(stat -c '%Hd:%Ld' "$dir" 2>/dev/null) || skip_all "cannot stat $dir"
sysdev=/sys/dev/block/$mm
[ -e "$sysdev/device" ] || sysdev=$sysdev/..	# a partition: its disk
dev=$(basename "$(readlink -f "$sysdev/device" 2>/dev/null)")
# virtio-blk: "virtioN-req.Q" per queue; the busiest is the one reads complete on.
irqs=$(awk -v d="$dev-req" 'index($NF, d) == 1 { print $NF }' /proc/interrupts)
[ -n "$dev" ] && [ -n "$irqs" ] ||
	skip_all "the disk of $dir ($mm) has no virtio-blk queue interrupt in /proc/interrupts"

# irq_counts: "NAME CPU0 CPU1 ..." for each of the disk's handlers.
irq_counts() {
	awk -v d="$dev-req" 'NR == 1 { ncpu = NF; next }
		index($NF, d) == 1 { printf "%s", $NF; for (i = 2; i <= ncpu + 1; i++) printf " %s", $i; print "" }' \
		/proc/interrupts
}
# delta BEFORE AFTER NAME [CPU]: interrupts of handler NAME between two irq_counts
# files, on CPU (column) or on all.
delta() {
	awk -v name="$3" -v cpu="${4:--1}" '
		{ s = 0; for (i = 2; i <= NF; i++) if (cpu < 0 || i == cpu + 2) s += $i }
		FNR == NR && $1 == name { before = s } FNR != NR && $1 == name { after = s }
		END { print after - before }' "$1" "$2"
}

file=$dir/$(marker hardirqs)
on_exit "rm -f $file"
dd if=/dev/urandom of="$file" bs=1M count=8 status=none && sync "$file" ||
	bail_out "hardirqs: a file to read" "cannot write $file"
nreads=1200

# The CPU the disk's first queue interrupts (the -c check's spinner runs there).
irqnum=$(awk -v n="$(echo "$irqs" | head -n 1)" '$NF == n { sub(":", "", $1); print $1 }' /proc/interrupts)
irqcpu=$(cut -d, -f1 "/proc/irq/$irqnum/effective_affinity_list" 2>/dev/null | cut -d- -f1)
[ -n "$irqcpu" ] || irqcpu=0

# The spinner of the -c check: a busy loop on that CPU (for the reads, 0.1-0.5 s),
# in its own cgroup.
cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
cg= cgempty=
if [ -n "$cg2" ] && cg=$cg2/$(marker hardirqs) && mkdir "$cg" 2>/dev/null; then
	on_exit "rmdir $cg"
	cgempty=$cg2/$(marker hardirqs)
	mkdir "$cgempty" && on_exit "rmdir $cgempty"
else
	cg=
fi

# Every run at once, over the same reads: NAME then the tool's arguments.
runs=(
	count "-C"
	time "--json"
	nsecs "--json -N"
	dist "-d"
	cpu0 "-C --cpu 0"
	cpu1 "-C --cpu 1"
	raw "-C -v"
	rawtime "--json -v"
	tp "-C -v"
	tptime "--json -v"
)
[ -n "$cg" ] && runs+=(cg "-C -c $cg" cgempty "-C -c $cgempty")
declare -A pid avoid=([raw]=tp_btf [rawtime]=tp_btf [tp]=tp_btf,raw_tp [tptime]=tp_btf,raw_tp)
irq_counts >"$TMP/before"
for ((i = 0; i < ${#runs[@]}; i += 2)); do
	name=${runs[i]}
	# shellcheck disable=SC2086
	if BPFSCOPE_AVOID=${avoid[$name]:-} start_tool "$TMP/$name" hardirqs ${runs[i + 1]}; then
		pid[$name]=$TOOL_PID
	else
		fail "hardirqs ${runs[i + 1]}: starts" "$(head -c 300 "$TMP/$name.err")"
	fi
done
spin=
if [ -n "$cg" ]; then
	sh -c "echo \$\$ >$cg/cgroup.procs; exec taskset -c $irqcpu sh -c 'while :; do :; done'" &
	spin=$!
	on_exit "kill $spin"
fi
dd if="$file" of=/dev/null iflag=direct bs=4k count=$nreads status=none
dd_rc=$?
[ -n "$spin" ] && kill "$spin" && wait "$spin" 2>/dev/null
for name in "${!pid[@]}"; do
	TOOL_PID=${pid[$name]}
	stop_tool INT || fail "hardirqs ($name): stops with status 0" "status $?: $(tail -n 2 "$TMP/$name.err")"
done
irq_counts >"$TMP/after"
[ $dd_rc = 0 ] || bail_out "hardirqs: $nreads direct reads of $file" "dd failed (status $dd_rc)"

# The disk queue the reads completed on: the handler whose count grew the most.
irq=$(for n in $irqs; do echo "$(delta "$TMP/before" "$TMP/after" "$n") $n"; done | sort -rn |
	awk 'NR == 1 { print $2 }')
max=$(delta "$TMP/before" "$TMP/after" "$irq")

# text_count FILE: the disk handler's count (or time) in a text table.
text_count() { awk -v n="$irq" '$1 == n { print $2; f = 1 } END { if (!f) print 0 }' "$1"; }
json_field() { jq -r --arg n "$irq" "[.hardirqs[] | select(.hardirq == \$n) | .$2] | add // 0" "$1"; }
# missed RUN: the events the run reported missed (a classic tracepoint's program
# is skipped while another tracing program runs on that CPU: an interrupt
# arriving in one); the least a run must count is the reads less those.
missed() { sed -n 's/^hardirqs: \([0-9]*\) events missed.*/\1/p' "$TMP/$1.err" | awk '{ n += $1 } END { print n + 0 }'; }
low() { echo $((nreads - $(missed "$1"))); }
# in_range WHAT GOT LOW HIGH
in_range() {
	if [ "$2" -ge "$3" ] && [ "$2" -le "$4" ]; then
		ok "hardirqs: $1 ($2 in $3..$4)"
	else
		fail "hardirqs: $1" "$2 not in $3..$4"
	fi
}

# -C: the table as upstream prints it, sorted by count; the disk's count bounded.
if grep -qx 'HARDIRQ                    TOTAL_count' "$TMP/count" &&
   awk '/TOTAL_count/ { t = 1; next } t && NF == 2 { if (prev != "" && $2 > prev) bad = 1; prev = $2 }
	END { exit bad }' "$TMP/count"; then
	ok "hardirqs -C: HARDIRQ TOTAL_count table, largest first"
else
	fail "hardirqs -C: HARDIRQ TOTAL_count table" "$(head -c 400 "$TMP/count")"
fi
in_range "-C counts $irq for $nreads direct reads, no more than /proc/interrupts" \
	"$(text_count "$TMP/count")" "$(low count)" "$max"

# Default mode in JSON: the count, and the time in usecs (and nsecs with -N).
n=$(json_field "$TMP/time" count)
us=$(json_field "$TMP/time" total)
in_range "--json: count of $irq" "$n" "$(low time)" "$max"
if [ "$(jq -r .unit "$TMP/time")" = usecs ] && [ "$us" -ge 1 ] && [ "$us" -le $((n * 1000)) ]; then
	ok "hardirqs --json: time in usecs, 0 < total <= 1 ms per interrupt ($us us for $n)"
else
	fail "hardirqs --json: time in usecs" "total $us for $n: $(head -c 300 "$TMP/time")"
fi
n=$(json_field "$TMP/nsecs" count)
ns=$(json_field "$TMP/nsecs" total)
if [ "$(jq -r .unit "$TMP/nsecs")" = nsecs ] && [ "$n" -ge "$(low nsecs)" ] && [ "$ns" -ge $((n * 50)) ] &&
   [ "$ns" -le $((n * 1000000)) ]; then
	ok "hardirqs --json -N: time in nsecs, 50 ns..1 ms per interrupt ($ns ns for $n)"
else
	fail "hardirqs --json -N: time in nsecs" "total $ns for $n: $(head -c 300 "$TMP/nsecs")"
fi

# -d: a histogram per handler, the disk's holding its interrupts.
hist_total() {
	awk -v want="hardirq = $irq" '/^hardirq = / { in_s = ($0 == want); next }
		in_s && / -> / { n += $5 } END { print n + 0 }' "$1"
}
if grep -q "^hardirq = $irq\$" "$TMP/dist" && grep -q '^ *usecs *: count *distribution' "$TMP/dist"; then
	in_range "-d: the $irq histogram counts the reads" "$(hist_total "$TMP/dist")" "$(low dist)" "$max"
else
	fail "hardirqs -d: a histogram for $irq" "$(head -c 400 "$TMP/dist")"
fi

# --cpu: each CPU's count within what that CPU handled, together the reads.
c0=$(text_count "$TMP/cpu0")
c1=$(text_count "$TMP/cpu1")
if [ "$c0" -le "$(delta "$TMP/before" "$TMP/after" "$irq" 0)" ] &&
   [ "$c1" -le "$(delta "$TMP/before" "$TMP/after" "$irq" 1)" ] && [ $((c0 + c1)) -ge $(($(low cpu0) - $(missed cpu1))) ]; then
	ok "hardirqs --cpu: CPU 0 $c0, CPU 1 $c1: each within its own /proc/interrupts column"
else
	fail "hardirqs --cpu" "CPU 0 $c0 (handled $(delta "$TMP/before" "$TMP/after" "$irq" 0)), CPU 1 $c1 (handled $(delta "$TMP/before" "$TMP/after" "$irq" 1))"
fi

# The fallbacks: same counts, on the forced hooks.
for name in raw tp; do
	kind=raw_tp
	[ $name = tp ] && kind=tracepoint
	check_path "hardirqs -C, BPFSCOPE_AVOID=${avoid[$name]}: $kind" "$TMP/$name.err" \
		kinds=$kind irq_handler_entry=$kind irq_handler_exit=-
	in_range "-C on $kind counts $irq" "$(text_count "$TMP/$name")" "$(low $name)" "$max"
	check_path "hardirqs, BPFSCOPE_AVOID=${avoid[$name]}: $kind" "$TMP/${name}time.err" \
		kinds=$kind irq_handler_entry=$kind irq_handler_exit=$kind
	in_range "timed on $kind counts $irq" "$(json_field "$TMP/${name}time" count)" \
		"$(low ${name}time)" "$max"
done

# -c: interrupts arriving while a task of the cgroup runs.  The spinner keeps
# the interrupt's CPU busy in its cgroup (the reader, outside it, runs there
# too, a little); an empty cgroup gets none.
if [ -n "$cg" ]; then
	oncpu=$(delta "$TMP/before" "$TMP/after" "$irq" "$irqcpu")
	got=$(text_count "$TMP/cg")
	none=$(text_count "$TMP/cgempty")
	if [ "$oncpu" -lt $((nreads / 2)) ]; then
		skip "hardirqs -c CGROUP" "$irq was handled on CPU $irqcpu only $oncpu times"
	elif [ "$got" -ge 10 ] && [ "$got" -le "$oncpu" ] && [ "$none" = 0 ]; then
		ok "hardirqs -c CGROUP: $got of the $oncpu on CPU $irqcpu interrupted the spinner's cgroup, none an empty one"
	else
		fail "hardirqs -c CGROUP" "spinner's cgroup: $got, empty cgroup $none, CPU $irqcpu handled $oncpu"
	fi
else
	skip "hardirqs -c CGROUP" "cannot create a cgroup v2"
fi

# Intervals: INTERVAL COUNT ends by itself, -T puts the time before each table.
"$BIN/hardirqs" -C -T 1 2 >"$TMP/iv" 2>"$TMP/iv.err"
rc=$?
if [ $rc = 0 ] && [ "$(grep -c '^HARDIRQ  ' "$TMP/iv")" = 2 ] &&
   [ "$(grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2}$' "$TMP/iv")" = 2 ]; then
	ok "hardirqs -C -T 1 2: two tables, each after its time, then exits"
else
	fail "hardirqs -C -T 1 2" "status $rc: $(head -c 300 "$TMP/iv") $(cat "$TMP/iv.err")"
fi

# Bad input, and no hook at all: one line, non-zero.
one_line_error() {
	local what=$1 want=$2 rc
	shift 2
	"$BIN/hardirqs" "$@" >"$TMP/o" 2>"$TMP/e"
	rc=$?
	if [ $rc = "$want" ] && [ "$(wc -l <"$TMP/e")" = 1 ] && grep -q "^hardirqs: .*$what" "$TMP/e"; then
		ok "hardirqs $*: one-line error ($(cat "$TMP/e"))"
	else
		fail "hardirqs $*: one-line error" "status $rc: $(cat "$TMP/e")"
	fi
}
one_line_error "cannot be combined" 2 -C -d
one_line_error "--cpu" 2 --cpu 4096
BPFSCOPE_AVOID=tp_btf,raw_tp,tracepoint one_line_error "irq_handler_entry" 1 -C
