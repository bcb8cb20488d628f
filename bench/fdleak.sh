#!/bin/bash
# bench/fdleak.sh - fdleak -p against lsof -p on five processes holding
# about 19,000 fds each (files, pipes, unix and TCP sockets: 95,000 fds),
# against lsfd -p on one of them, and against the floor
# (bench/fdleak-floor.c: the readdir, readlink and fdinfo read of every
# fd, nothing else); wall and CPU time (medians of paired runs, the CPU
# time of every thread), peak RSS, ratios and time per fd; fdleak on one
# thread and on two (FDLEAK_THREADS); then fdleak --summary against
# ls /proc/PID/fd | wc -l.  The one-process workload has a second floor,
# floor1_socks: the same reads and the socket tables fdleak must read for
# the TARGET of a socket (bench/fdleak-floor.c -s says why).
# FDLEAK_BENCH_OLD=path/to/an/older/fdleak adds its rows, paired with the
# others, for a before and after from one run.
set -u
. "$(dirname "$0")/lib.bash"
cd "${TRIAGE_ROOT:-$(dirname "$0")/..}"
: "${TRIAGE_BUILD:=build/std}" "${TRIAGE_BIN:=bin}"
FDLEAK=$TRIAGE_BIN/fdleak
F=$TRIAGE_BUILD/bench/fdleak-floor
PER=${FDLEAK_BENCH_FDS:-19000}
RUNS=${RUNS:-5}
tmp=$(mktemp -d)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "${F%/*}"
cc -O2 -o "$F" bench/fdleak-floor.c || exit 2

for i in 1 2 3 4 5; do
	fifo=$tmp/fifo$i
	mkfifo "$fifo"
	"$TRIAGE_BUILD/helpers/fdleak-hold" "$PER" > "$fifo" &
	pids+=($!)
	exec {fd}< "$fifo"
	read -r -t 60 -u "$fd" word pid || { echo "bench: helper did not start" >&2; exit 2; }
	exec {fd}<&-
done
list=$(IFS=,; echo "${pids[*]}")
one=${pids[0]}
OLD=${FDLEAK_BENCH_OLD:-}
export FDLEAK F list one OLD
nfds() { local p n=0; for p in ${1//,/ }; do n=$((n + $(ls "/proc/$p/fd" | wc -l))); done; echo $n; }

# run NAME CMD...: one run, "wall cpu rss_kb" appended to $tmp/NAME.runs.
# The CPU time is the subshell's children's from times (milliseconds),
# not GNU time's %U + %S (centiseconds: a 7% step at the floor's 0.14 s).
run() {
	local name=$1 t0 t1
	shift
	t0=$(date +%s%N)
	(/usr/bin/time -f '%M' -o "$tmp/t" "$@" > /dev/null 2>&1; times > "$tmp/cpu")
	t1=$(date +%s%N)
	awk -v w=$((t1 - t0)) -v m="$(tail -n 1 "$tmp/t")" 'NR == 2 {
		split($1, u, /[ms]/); split($2, s, /[ms]/)
		printf "%.4f %.4f %d\n", w / 1e9, u[1] * 60 + u[2] + s[1] * 60 + s[2], m }' \
	    "$tmp/cpu" >> "$tmp/$name.runs"
}
# med NAME: "wall cpu rss" medians of NAME's runs
med() { medians "$tmp/$1.runs"; }
# versus LABEL FDS NAME... : paired runs of each NAME (a shell function
# of that name runs it), RUNS rounds; print each and the ratios of the
# first to the others
versus() {
	local label=$1 fds=$2 i n
	shift 2
	for n in "$@"; do : > "$tmp/$n.runs"; done
	for ((i = 0; i < RUNS; i++)); do
		for n in "$@"; do run "$n" bash -c "$(declare -f "$n"); $n"; done
	done
	echo "$label: $fds fds (medians of $RUNS paired runs)"
	for n in "$@"; do
		read -r w c m <<< "$(med "$n")"
		awk -v n="$n" -v w="$w" -v c="$c" -v m="$m" -v f="$fds" 'BEGIN {
			printf "  %-16s wall %.3f s  CPU %.3f s  peak RSS %6d KiB  %.2f us/fd (CPU)\n", n, w, c, m, c / f * 1e6 }'
		echo "$w $c $m" > "$tmp/$n.med"
	done
}
ratio() {	# ratio A B TARGET
	read -r aw ac am < "$tmp/$1.med"
	read -r bw bc bm < "$tmp/$2.med"
	awk -v a="$1" -v b="$2" -v t="$3" -v aw="$aw" -v ac="$ac" -v am="$am" \
	    -v bw="$bw" -v bc="$bc" -v bm="$bm" 'BEGIN {
		printf "  %s / %s: wall %.3f  CPU %.3f  RSS %.2f%s\n", a, b,
		    aw / bw, (bc > 0 ? ac / bc : 0), (bm > 0 ? am / bm : 0),
		    t == "" ? "" : "  (target <= " t ")" }'
}

"$FDLEAK" -p "$list" > /dev/null	# the dentries, as lsof will find them
fdleak() { "$FDLEAK" -p "$list"; }
fdleak_1thread() { FDLEAK_THREADS=1 "$FDLEAK" -p "$list"; }
fdleak_no_info() { "$FDLEAK" -o pid,fd,type,target -p "$list"; }
fdleak_2threads() { FDLEAK_THREADS=2 "$FDLEAK" -p "$list"; }
lsof() { command lsof -p "$list"; }
floor() { "$F" "$list"; }
floor_links() { "$F" -l "$list"; }
floor_links_stat() { "$F" -Ls "$list"; }	# what -o ...,type,target reads
floor_fdinfo() { "$F" -i "$list"; }
fdleak_old() { "$OLD" -p "$list"; }
old5=() old1=() olds=()
[ -n "$OLD" ] && old5=(fdleak_old) old1=(fdleak1_old) olds=(summary_old)
total=$(nfds "$list")
versus "5 processes" "$total" fdleak "${old5[@]}" fdleak_1thread fdleak_2threads fdleak_no_info lsof floor floor_links floor_links_stat floor_fdinfo
ratio fdleak lsof 0.20
[ -z "$OLD" ] || ratio fdleak_old lsof 0.20
ratio fdleak_1thread lsof 0.20
ratio fdleak_2threads lsof 0.20
ratio fdleak_no_info lsof 0.20
ratio fdleak_no_info floor_links 1.3
ratio fdleak_no_info floor_links_stat 1.3
ratio fdleak floor 1.3
ratio floor lsof ""

fdleak1() { "$FDLEAK" -p "$one"; }
lsfd() { command lsfd -p "$one"; }
floor1() { "$F" "$one"; }
floor1_socks() { "$F" -s "$one"; }
fdleak1_old() { "$OLD" -p "$one"; }
n1=$(nfds "$one")
versus "1 process" "$n1" fdleak1 "${old1[@]}" lsfd floor1 floor1_socks
ratio fdleak1 lsfd 0.25
ratio fdleak1 floor1 1.3
ratio fdleak1 floor1_socks 1.3
ratio floor1 lsfd ""
ratio floor1_socks lsfd ""
[ -z "$OLD" ] || ratio fdleak1_old lsfd 0.25
[ -z "$OLD" ] || ratio fdleak1_old floor1 1.3
read -r _ c5 _ < "$tmp/fdleak.med"
read -r _ c1 _ < "$tmp/fdleak1.med"
awk -v a="$c1" -v b="$c5" -v n1="$n1" -v n5="$total" 'BEGIN {
	printf "growth: %.2f us/fd (CPU) at %d fds, %.2f us/fd at %d fds\n",
	    a / n1 * 1e6, n1, b / n5 * 1e6, n5 }'

summary() { "$FDLEAK" -s -p "$list"; }
ls_wc() { local p; for p in ${list//,/ }; do ls "/proc/$p/fd" | wc -l; done; }
summary_old() { "$OLD" -s -p "$list"; }
RUNS=11 versus "--summary" "$total" summary "${olds[@]}" ls_wc
ratio summary ls_wc 1.00
[ -z "$OLD" ] || ratio summary_old ls_wc 1.00
