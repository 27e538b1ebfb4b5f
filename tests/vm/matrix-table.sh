#!/bin/bash
# Rewrite the kernel matrix section of a README from the guests' "matrix:" lines
# (matrix: KERNEL TOOL PATH BUFFER event=hook ...), between the markers
# <!-- matrix:begin --> and <!-- matrix:end -->.
set -eu
lines=$1 readme=$2
table=$(awk '
	$1 == "matrix:" {
		kernel = $2; tool = $3; path = $4; buf = $5; kinds = ""
		delete seen
		for (i = 6; i <= NF; i++) {
			split($i, kv, "=")
			if (!(kv[2] in seen)) { seen[kv[2]] = 1; kinds = kinds (kinds ? "+" : "") kv[2] }
		}
		cell[tool, path, kernel] = (kinds ? kinds : "-") " / " buf
		if (!(kernel in kseen)) { kseen[kernel] = 1; kernels[++nk] = kernel }
		if (!((tool, path) in rseen)) { rseen[tool, path] = 1; rows[++nr] = tool SUBSEP path }
	}
	END {
		printf "| tool | forced path |"
		for (k = 1; k <= nk; k++) printf " %s |", kernels[k]
		printf "\n| --- | --- |"
		for (k = 1; k <= nk; k++) printf " --- |"
		printf "\n"
		for (r = 1; r <= nr; r++) {
			split(rows[r], tp, SUBSEP)
			printf "| %s | %s |", tp[1], tp[2]
			for (k = 1; k <= nk; k++) {
				c = cell[tp[1], tp[2], kernels[k]]
				printf " %s |", c ? c : "not run"
			}
			printf "\n"
		}
	}' "$lines")
stamp="Measured by \`tests/vm/run.sh\` on $(date -u +%Y-%m-%d); each cell: hook kinds taken / event buffer."
awk -v table="$table" -v stamp="$stamp" '
	/<!-- matrix:begin -->/ { print; print stamp; print ""; print table; skip = 1; next }
	/<!-- matrix:end -->/ { skip = 0 }
	!skip { print }' "$readme" >"$readme.tmp" && mv "$readme.tmp" "$readme"
