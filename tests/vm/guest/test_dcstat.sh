# dcstat in the guest: a storm of N opens of unique names that do not exist
# (each a d_lookup that finds nothing) lifts the counts over the storm to at
# least N references, N slow lookups and N misses, on fentry/fexit and on
# kprobe/kretprobe.
. /tests/lib.sh
n=400
d=$TMP/dcstat.$$
mkdir -p "$d"
for path in best avoid=fentry,fexit; do
	case $path in
	best) want="kinds=fentry+fexit lookup_fast=fentry d_lookup=fexit core=cut" ;;
	*) want="kinds=kprobe+kretprobe lookup_fast=kprobe d_lookup=kprobe" ;;
	esac
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" dcstat -v --json 1; then
		fail "dcstat [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		continue
	fi
	i=0
	while [ $i -lt $n ]; do
		true <"$d/miss.${path#*=}.$i" 2>/dev/null
		i=$((i + 1))
	done
	stop_tool
	rc=$?
	sums=$(awk -F'[,:{}]' '{ for (i = 2; i < NF; i++) {
		if ($i == "\"refs\"") r += $(i + 1); if ($i == "\"slow\"") s += $(i + 1);
		if ($i == "\"miss\"") m += $(i + 1) } } END { print r + 0, s + 0, m + 0 }' "$TMP/out")
	set -- $sums
	if [ $rc = 0 ] && [ "$1" -ge $n ] && [ "$2" -ge $n ] && [ "$3" -ge $n ]; then
		ok "dcstat [$path] counts at least $n refs, slow lookups and misses in a storm of $n misses"
	else
		fail "dcstat [$path] counts at least $n refs, slow lookups and misses in a storm of $n misses" \
			"exit status $rc, refs slow miss: $sums: $(head -n 3 "$TMP/out")"
	fi
	check_path "dcstat [$path] takes $want" "$TMP/out.err" $want
	matrix_line dcstat "$path" "$TMP/out.err"
done
rm -rf "$d"
