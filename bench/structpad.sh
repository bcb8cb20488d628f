#!/bin/bash
# bench/structpad.sh - structpad against pahole, in the same run, on every
# type of glibc's debug info (libc6-dbg) and on a generated file of 5,000
# structs built with -g, and on the Rust helper when rustc built it: wall
# time and peak RSS (/usr/bin/time -f '%e %M'), median of the runs, as
# ratios.
set -u
. "$(dirname "$0")/lib.bash"
cd "$(dirname "$0")/.."
: "${TRIAGE_BUILD:=build/std}" "${TRIAGE_BIN:=bin}"
STRUCTPAD=$TRIAGE_BIN/structpad
N=${STRUCTPAD_BENCH_STRUCTS:-5000}
RUNS=${RUNS:-${STRUCTPAD_BENCH_RUNS:-9}}

id=$(readelf -n /lib/x86_64-linux-gnu/libc.so.6 | awk '/Build ID/ { print $3 }')
LIBC=/usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug
[ -f "$LIBC" ] || { echo "bench: no $LIBC (install libc6-dbg)" >&2; exit 2; }

tmp=$(mktemp -d /tmp/structpad-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# N structs of 3 to 12 members of mixed types, some with bit-fields
awk -v n="$N" 'BEGIN {
	split("char short int long double void* _Bool float", ty, " ")
	srand(42)
	for (i = 0; i < n; i++) {
		printf "struct s%d {", i
		m = 3 + int(rand() * 10)
		for (k = 0; k < m; k++) {
			t = ty[1 + int(rand() * 8)]
			if (t == "int" && rand() < 0.2)
				printf " unsigned int f%d:%d;", k, 1 + int(rand() * 12)
			else
				printf " %s f%d;", t, k
		}
		printf " };\nstruct s%d v%d;\n", i, i
	}
	print "int main(void) { return 0; }"
}' > "$tmp/gen.c"
cc -g -O0 -o "$tmp/gen" "$tmp/gen.c" || exit 2

# one FILE TOOL...: "wall-seconds peak-kilobytes cpu-seconds" of one run
# (CPU time too: on a loaded machine the wall time is mostly waiting)
one() {
	local f=$1
	shift
	/usr/bin/time -f '%e %M %U %S' -o "$tmp/t" "$@" "$f" > /dev/null 2>&1
	awk 'END { printf "%s %s %.2f\n", $1, $2, $3 + $4 }' "$tmp/t"
}


report() {	# report NAME TARGET-FILE
	local name=$1 s=$tmp/$1.sp p=$tmp/$1.pa
	local st sm sc pt pm pc
	st=$(median_col "$s" 1) sm=$(median_col "$s" 2) sc=$(median_col "$s" 3)
	pt=$(median_col "$p" 1) pm=$(median_col "$p" 2) pc=$(median_col "$p" 3)
	awk -v n="$name" -v st="$st" -v sm="$sm" -v sc="$sc" -v pt="$pt" \
	    -v pm="$pm" -v pc="$pc" 'BEGIN {
		printf "%s: structpad %.2f s (cpu %.2f s) %.1f MiB, pahole %.2f s (cpu %.2f s) %.1f MiB\n",
		    n, st, sc, sm / 1024, pt, pc, pm / 1024
		printf "%s: time ratio %.3f, cpu ratio %.3f (target <= 0.6), memory ratio %.3f (target <= 0.4)\n",
		    n, (pt > 0 ? st / pt : 0), (pc > 0 ? sc / pc : 0), sm / pm }'
}

# a Rust program with the DWARF of the std it links (rustc -g)
RUST=$TRIAGE_BUILD/helpers/layouts-rs
[ -x "$RUST" ] || RUST=

types=$("$STRUCTPAD" -s --no-header "$LIBC" | wc -l)
gtypes=$("$STRUCTPAD" -s --no-header "$tmp/gen" | wc -l)
[ -z "$RUST" ] || rtypes=$("$STRUCTPAD" -s --no-header "$RUST" | wc -l)
# interleaved, so that machine noise hits both alike
for ((i = 0; i < RUNS; i++)); do
	one "$LIBC" "$STRUCTPAD" >> "$tmp/glibc.sp"
	one "$LIBC" pahole >> "$tmp/glibc.pa"
	one "$tmp/gen" "$STRUCTPAD" >> "$tmp/generated.sp"
	one "$tmp/gen" pahole >> "$tmp/generated.pa"
	[ -z "$RUST" ] || one "$RUST" "$STRUCTPAD" >> "$tmp/rust.sp"
	[ -z "$RUST" ] || one "$RUST" pahole >> "$tmp/rust.pa"
done
echo "structpad bench: median of $RUNS runs, every type printed"
echo "glibc debug info: $LIBC ($types types)"
report glibc
echo "generated: $N structs compiled with -g ($gtypes types)"
report "generated"
if [ -n "$RUST" ]; then
	echo "rust: $RUST ($rtypes types; pahole 1.24 skips what it cannot read)"
	report rust
fi
