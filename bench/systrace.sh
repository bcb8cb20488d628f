#!/bin/bash
# bench/systrace.sh - systrace against strace on 1,000,000 getppid() calls,
# tracer and tracee pinned to one CPU (taskset -c 0): a full trace to
# /dev/null, -c, a launch with -f and a filter that matches nothing
# (against the untraced program and strace --seccomp-bpf), and an attach
# with that filter.  Each pair runs alternately; medians and ratios.  The
# floor is a bare PTRACE_SYSCALL loop (tests/helpers/systrace-floor.c):
# the kernel's two stops per call, which bound every ptrace tracer.
set -u
. "$(dirname "$0")/lib.bash"
cd "$(dirname "$0")/.."
: "${TRIAGE_BUILD:=build/std}" "${TRIAGE_BIN:=bin}"
ST=$TRIAGE_BIN/systrace
SEQ=$TRIAGE_BUILD/helpers/systrace-seq
N=${SYSTRACE_BENCH_CALLS:-1000000}
RUNS=${RUNS:-${SYSTRACE_BENCH_RUNS:-3}}
PIN="taskset -c 0"
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ns CMD...: the wall time of one run, in nanoseconds
ns() {
	local t0 t1
	t0=$(date +%s%N)
	"$@" > /dev/null 2>&1
	t1=$(date +%s%N)
	echo $((t1 - t0))
}
# secs NS: nanoseconds as seconds, 3 decimals
secs() { awk -v n="$1" 'BEGIN { printf "%.3f", n / 1e9 }'; }
# versus NAME-A NAME-B TARGET: a() and b() alternately, medians and ratio
versus() {
	local i ta=() tb=() x y
	for ((i = 0; i < RUNS; i++)); do
		ta+=("$(ns a)")
		tb+=("$(ns b)")
	done
	x=$(secs "$(median "${ta[@]}")") y=$(secs "$(median "${tb[@]}")")
	echo "$1: $x s  $2: $y s  ratio $(awk -v a="$x" -v b="$y" 'BEGIN { printf "%.3f", a / b }') (target <= $3)"
}

# attached TRACER...: start the helper pinned, attach TRACER to it, then
# let it make its calls; the time from the start of the calls to its end.
attached() {
	local fifo fd word pid err t0 t1 tracer
	fifo=$(mktemp -u /tmp/systrace-bench.XXXXXX)
	mkfifo "$fifo" "$fifo.in"
	$PIN "$SEQ" getppid-go "$N" < "$fifo.in" > "$fifo" &
	pids+=("$!")
	exec {go}> "$fifo.in"
	exec {fd}< "$fifo"
	read -r -t 60 -u "$fd" word pid || { echo "bench: helper did not start" >&2; exit 2; }
	err=$(mktemp /tmp/systrace-bench.XXXXXX)
	$PIN "$@" -p "$pid" -o /dev/null 2> "$err" &
	tracer=$!
	pids+=("$tracer")
	while ! grep -q 'attached' "$err"; do sleep 0.01; done
	t0=$(date +%s%N)
	echo > /dev/fd/$go
	while kill -0 "$pid" 2>/dev/null && [ "$(cut -d' ' -f3 /proc/$pid/stat 2>/dev/null)" != Z ]; do
		sleep 0.005
	done
	t1=$(date +%s%N)
	wait "$tracer" 2>/dev/null
	exec {fd}<&- {go}>&-
	rm -f "$fifo" "$fifo.in" "$err"
	echo $((t1 - t0))
}

echo "systrace bench: $N getppid() calls, tracer and tracee on CPU 0"
a() { $PIN "$ST" -o /dev/null "$SEQ" getppid "$N"; }
b() { $PIN strace -o /dev/null "$SEQ" getppid "$N"; }
versus "systrace (full trace)" "strace" 0.7
b() { $PIN "$TRIAGE_BUILD/helpers/systrace-floor" "$SEQ" getppid "$N"; }
versus "systrace (full trace)" "bare ptrace loop (the floor)" 1.0
a() { $PIN "$ST" -c -o /dev/null "$SEQ" getppid "$N"; }
b() { $PIN strace -c -o /dev/null "$SEQ" getppid "$N"; }
versus "systrace -c" "strace -c" 0.7
a() { $PIN "$ST" -f -e trace=openat -o /dev/null "$SEQ" getppid "$N"; }
b() { $PIN "$SEQ" getppid "$N"; }
RUNS=$((RUNS * 3)) versus "systrace -f -e trace=openat" "untraced" 1.5
b() { $PIN strace -f --seccomp-bpf -e trace=openat -o /dev/null "$SEQ" getppid "$N"; }
RUNS=$((RUNS * 3)) versus "systrace -f -e trace=openat" "strace -f --seccomp-bpf" 1.0
ta=() tb=()
for ((i = 0; i < RUNS; i++)); do
	ta+=("$(attached "$ST" -e trace=openat)")
	tb+=("$(attached strace -e trace=openat)")
done
x=$(secs "$(median "${ta[@]}")") y=$(secs "$(median "${tb[@]}")")
echo "systrace -p -e trace=openat: $x s  strace -p -e trace=openat: $y s  ratio $(awk -v a="$x" -v b="$y" 'BEGIN { printf "%.3f", a / b }') (target <= 0.7)"
