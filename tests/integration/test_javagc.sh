#!/bin/bash
# javagc: a small Java program forcing a known number of collections
# (System.gc()) shows exactly that many, with its PID; a second JVM's are
# left out with -p; -t above every collection's time shows none; every JVM
# of the JDK without -p; --json.
. "$(dirname "$0")/../lib.sh"
need java
m=$(marker gc)
cls=GcMark${m//[^0-9]/}
mkdir -p "$TMP/java"
# argv: GO-FILE N: waits for GO-FILE, then N collections.
cat >"$TMP/java/$cls.java" <<JAVA
public class $cls {
    public static void main(String[] a) throws Exception {
        java.io.File go = new java.io.File(a[0]);
        while (!go.exists())
            Thread.sleep(20);
        for (int i = 0; i < Integer.parseInt(a[1]); i++) {
            byte[][] junk = new byte[64][];
            for (int j = 0; j < junk.length; j++)
                junk[j] = new byte[16384];
            System.gc();
        }
    }
}
JAVA
# A JRE has no javac: then java runs the source file itself (JDK 11+, slower).
if command -v javac >/dev/null && javac -d "$TMP/java" "$TMP/java/$cls.java" 2>"$TMP/javac.err"; then
	run=(java -cp "$TMP/java" "$cls")
else
	run=(java "$TMP/java/$cls.java")
fi

# run_jvm GO N: start it in the background (JPID).
run_jvm() {
	rm -f "$1"
	"${run[@]}" "$@" &
	JPID=$!
}

n=$((2 + RANDOM % 3))
run_jvm "$TMP/go2" 4
other=$JPID
run_jvm "$TMP/go" $n
if ! start_tool "$TMP/out" javagc -v -p $JPID; then
	kill $JPID $other
	bail_out "javagc -p starts" "$(cat "$TMP/out.err")"
fi
touch "$TMP/go" "$TMP/go2"
wait $JPID $other
sleep 0.2
stop_tool INT
check "header: TIME CPU PID GC TIME" grep -qE '^TIME +CPU +PID +GC TIME$' "$TMP/out"
check "-p: exactly the $n collections of that JVM, with its PID" \
	test "$(grep -cE "^[0-9:]{8} +[0-9]+ +$JPID +[0-9]+$" "$TMP/out") $(grep -cE '^[0-9]{2}:' "$TMP/out")" = "$n $n"
check_path "USDT hotspot:gc__begin and gc__end, ring buffer" "$TMP/out.err" \
	hotspot:gc__begin=usdt hotspot:gc__end=usdt buffer=ringbuf

# -t above any collection's time: none; the same JVM run shows its collections without it.
max=$(awk '/^[0-9]{2}:/ { if ($4 > m) m = $4 } END { print m + 0 }' "$TMP/out")
run_jvm "$TMP/go" $n
start_tool "$TMP/out" javagc -p $JPID -t $((max * 20 + 1000000)) || bail_out "javagc -t starts" "$(cat "$TMP/out.err")"
touch "$TMP/go"
wait $JPID
sleep 0.2
stop_tool INT
if grep -qE '^[0-9]{2}:' "$TMP/out"; then fail "-t: collections shorter than TIME us are left out" "$(cat "$TMP/out")"
else ok "-t: collections shorter than TIME us are left out"; fi

# Without -p: every JVM of the JDK on PATH, also one started later; --json.
start_tool "$TMP/out" javagc --json || bail_out "javagc starts" "$(cat "$TMP/out.err")"
run_jvm "$TMP/go" 3
touch "$TMP/go"
wait $JPID
sleep 0.2
stop_tool INT
if [ "$(jq -s --argjson p $JPID 'map(select(.pid == $p and .gc_us > 0 and .full)) | length' "$TMP/out")" = 3 ]; then
	ok "without -p, --json: the 3 full collections of a JVM started later"
else
	fail "without -p, --json: the 3 full collections of a JVM started later" "pid $JPID: $(head -c 300 "$TMP/out")"
fi

out=$("$BIN/javagc" -p $$ 2>&1)
check "-p of a process without a JVM: one line naming the probe" \
	test "$(wc -l <<<"$out")" = 1 -a -n "$(grep 'has no USDT probe hotspot:gc__begin' <<<"$out")"
