# memcg_create NAME BYTES: make a memory cgroup limited to BYTES, without
# swap, and set MEMCG to its directory; it is removed when the test ends.  cgroup v2
# where the memory controller is there (under the root: v2 puts no process in
# a cgroup whose children use a controller), else the v1 memory hierarchy,
# under this shell's own cgroup.  Sourced by test_oomkill.sh and test_drsnoop.sh.
memcg_create() {
	local name=$1 bytes=$2 v2 v1 dir
	v2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	v1=$(awk '$3 == "cgroup" && $4 ~ /(^|,)memory(,|$)/ { print $2; exit }' /proc/mounts)
	if [ -n "$v2" ] && grep -qw memory "$v2/cgroup.controllers" 2>/dev/null; then
		grep -qw memory "$v2/cgroup.subtree_control" ||
			echo +memory >"$v2/cgroup.subtree_control" || return 1
		dir=$v2/$name
		mkdir "$dir" && echo "$bytes" >"$dir/memory.max" || return 1
		[ ! -e "$dir/memory.swap.max" ] || echo 0 >"$dir/memory.swap.max" || return 1
	elif [ -n "$v1" ]; then
		dir=$v1$(sed -n 's/^[0-9]*:\([^:]*,\)\{0,1\}memory\(,[^:]*\)\{0,1\}://p' /proc/self/cgroup)/$name
		mkdir "$dir" && echo "$bytes" >"$dir/memory.limit_in_bytes" || return 1
		[ ! -e "$dir/memory.memsw.limit_in_bytes" ] ||
			echo "$bytes" >"$dir/memory.memsw.limit_in_bytes" || return 1
	else
		return 1
	fi
	on_exit "memcg_remove '$dir'"
	MEMCG=$dir
}

# memcg_remove DIR: remove the cgroup once its last process is gone (up to 5 s).
memcg_remove() {
	local i
	for ((i = 0; i < 50; i++)); do
		rmdir "$1" 2>/dev/null && return 0
		[ -d "$1" ] || return 0
		sleep 0.1
	done
	return 1
}
