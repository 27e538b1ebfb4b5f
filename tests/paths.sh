# What a tool run with -v says about the path it took, for the host tests
# (tests/lib.sh, bash) and the guest tests (tests/vm/guest/lib.sh, busybox
# ash): POSIX sh only.  The wording parsed here is printed by lib/probe.c
# ("TOOL: TARGET via KIND"), lib/events.c ("TOOL: event buffer: KIND") and
# lib/cli.c ("TOOL: CO-RE: against the kernel BTF cut ..." or "... against the
# whole kernel BTF: WHY"); if it changes, change the three sed lines below.

# hooks_taken ERRFILE: "TARGET=KIND" for each hook the tool chose, sorted.
hooks_taken() {
	sed -n 's/^[a-z0-9_-]*: \([A-Za-z0-9_.:-]*\) via \([a-z_]*\)$/\1=\2/p' "$1" | sort -u
}

# buffer_taken ERRFILE: the event buffer chosen (ringbuf or perfbuf); nothing
# for a tool that aggregates in maps.
buffer_taken() {
	sed -n 's/^[a-z0-9_-]*: event buffer: \([a-z]*\)$/\1/p' "$1" | head -n 1
}

# core_taken ERRFILE: "cut" (CO-RE against the kernel BTF cut for the object)
# or "whole" (libbpf's parse of the whole kernel BTF).
core_taken() {
	sed -n -e 's/^[a-z0-9_-]*: CO-RE: against the kernel BTF cut.*/cut/p' \
		-e 's/^[a-z0-9_-]*: CO-RE: against the whole kernel BTF.*/whole/p' "$1" | head -n 1
}

# kinds_taken ERRFILE: the hook kinds of all hooks chosen, sorted, joined by "+".
kinds_taken() {
	hooks_taken "$1" | sed 's/.*=//' | sort -u | tr '\n' '+' | sed 's/+$//'
}

# path_summary ERRFILE: one line saying what was chosen, for failure messages.
path_summary() {
	echo "hooks: $(hooks_taken "$1" | tr '\n' ' ')buffer: $(buffer_taken "$1");" \
		"CO-RE: $(sed -n 's/^[a-z0-9_-]*: CO-RE: //p' "$1" | head -n 1)"
}

# path_mismatch ERRFILE SPEC...: prints what the -v output in ERRFILE says
# against each SPEC that does not hold (nothing when all hold; status 1 then
# 0).  A SPEC is one of
#   buffer=ringbuf|perfbuf|none   the event buffer chosen (none: no buffer)
#   core=cut|whole                how CO-RE relocated
#   kinds=K1+K2                   the hook kinds taken, exactly this set (sorted)
#   TARGET=KIND                   this tracepoint/function hooked through KIND
#   TARGET=-                      this target not hooked at all
# A run whose ERRFILE has no hook and no CO-RE line at all (no -v, or the
# tool did not start) fails every SPEC.
path_mismatch() {
	local f=$1 bad= spec key want got
	shift
	for spec in "$@"; do
		key=${spec%%=*}
		want=${spec#*=}
		case $key in
		buffer)
			got=$(buffer_taken "$f")
			[ -n "$got" ] || got=none
			;;
		core) got=$(core_taken "$f") ;;
		kinds) got=$(kinds_taken "$f") ;;
		*)
			got=$(hooks_taken "$f" | sed -n "s/^$key=//p" | head -n 1)
			[ -n "$got" ] || got=-
			;;
		esac
		[ -z "$(core_taken "$f")" ] && got="(no -v output)"
		[ "$got" = "$want" ] || bad="$bad $key: $got, not $want;"
	done
	[ -z "$bad" ] && return 0
	echo "${bad# }"
	return 1
}
