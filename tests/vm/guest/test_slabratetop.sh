# slabratetop in the guest: a shell that stops itself until slabratetop -p is
# attached, then makes N directories in tmpfs with one mkdir: N inodes from
# shmem_inode_cache (through kmem_cache_alloc_lru on the function hooks), on
# each hook kind.  The classic tracepoint names the cache only in kernels
# newer than these (6.18), so avoid=tp_btf,raw_tp takes fentry here.
. /tests/lib.sh
CACHE=shmem_inode_cache
for path in best avoid=tp_btf avoid=tp_btf,raw_tp avoid=tp_btf,raw_tp,fentry; do
	case $path in
	best) want="kinds=tp_btf kmem_cache_alloc=tp_btf core=cut" ;;
	avoid=tp_btf) want="kinds=raw_tp kmem_cache_alloc=raw_tp" ;;
	avoid=tp_btf,raw_tp) want="kinds=fentry" ;;
	*) want="kinds=kprobe" ;;
	esac
	n=$((30 + $(od -An -N1 -tu1 /dev/urandom) % 50))
	d=$TMP/dirs.$n
	mkdir "$d"
	sh -c 'kill -STOP $$; cd "$1" && shift && exec mkdir "$@"' _ "$d" $(seq 1 $n | sed "s/^/d/") &
	p=$!
	i=0
	while [ "$(sed 's/.*) //' /proc/$p/stat | cut -d' ' -f1)" != T ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" slabratetop -v --json -r 1000 -p $p 60; then
		fail "slabratetop [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		kill -KILL $p
		continue
	fi
	kill -CONT $p
	wait $p
	stop_tool
	rc=$?
	got=$(sed -n "s/.*\"cache\":\"$CACHE\",\"allocs\":\([0-9]*\).*/\1/p" "$TMP/out")
	if [ $rc = 0 ] && [ "$(ls "$d" | wc -l)" = $n ] && [ "${got:-0}" -ge $n ] &&
		[ "${got:-0}" -le $((n + 5)) ]; then
		ok "slabratetop [$path] -p counts the $n inodes of a marked mkdir ($got)"
	else
		fail "slabratetop [$path] -p counts the $n inodes of a marked mkdir" \
			"exit status $rc, $CACHE: ${got:-none}: $(head -c 300 "$TMP/out")"
	fi
	check_path "slabratetop [$path] takes $want" "$TMP/out.err" $want
	matrix_line slabratetop "$path" "$TMP/out.err"
	rm -rf "$d"
done
