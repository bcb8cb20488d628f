#!/usr/bin/env bats
# churn.bats - every command that reads the process table or a process,
# run a few hundred times while about 1,000 processes a second come and
# go, inside a PID namespace whose pid_max is so small that pids are
# reused every few hundred milliseconds: every run exits 0, every output
# is whole JSON, and no record mixes two processes that shared a pid
# (tests/helpers/churn names each child "c" and its own pid).

load common

RUNS=${CHURN_RUNS:-150}

# in_churn SCRIPT [ARGS...]: run bash SCRIPT (with ARGS as "$@") in a new
# PID namespace (its own /proc, pid_max 400; the kernel takes no less than 301) beside churn -t; $CHURN is
# the churn parent's pid there.  Exit 3: the namespace could not be made.
in_churn() {
	local script=$1
	shift
	unshare --pid --fork --mount-proc bash -c '
		echo 400 > /proc/sys/kernel/pid_max || exit 3
		exec {c}< <("$HELPERS/churn" -t)
		read -r -u $c word CHURN || exit 3
		export CHURN
		'"$script"'
		st=$?
		kill -KILL $CHURN
		exit $st' in-churn "$@"
}

# check_runs CMD ARGS...: RUNS runs, each output in its own file, then
# the checks over all of them.
check_runs() {
	local dir=$BATS_TEST_TMPDIR/out
	mkdir -p "$dir"
	run in_churn '
		fail=0
		for i in $(seq '"$RUNS"'); do
			"$@" > "'"$dir"'/$i.json" 2> "'"$dir"'/$i.err"
			st=$?
			if [ $st -ne 0 ]; then
				echo "run $i: exit $st: $(head -c 300 "'"$dir"'/$i.err")"
				fail=1
			fi
		done
		exit $fail' "$@"
	[ "$status" -ne 3 ] || fail "could not set up the namespace: $output"
	[ "$status" -eq 0 ] || fail "$1: a run failed: $(printf '%s\n' "$output" | head -5)"
	local f bad=0
	for f in "$dir"/*.json; do
		jq -e . "$f" > /dev/null 2>&1 || jq -c -n 'inputs' "$f" > /dev/null 2>&1 ||
			{ echo "$f: not JSON: $(head -c 300 "$f")" >&2; bad=1; }
	done
	[ "$bad" -eq 0 ] || fail "$1: output that is not JSON"
	# a record whose comm is a churn child's must carry that child's pid
	run jq -r -n '[inputs] | .. | objects
	    | select((.comm? | type) == "string" and (.comm | test("^c[0-9]+$")))
	    | select(.pid? != null and .comm != "c\(.pid)")
	    | "pid \(.pid) named \(.comm)"' "$dir"/*.json
	assert_success
	[ -z "$output" ] || fail "$1 mixed two processes: $(printf '%s\n' "$output" | head -3)"
	# how many churn children the outputs hold (the check above is only
	# worth something where they appear)
	SEEN=$(jq -n '[inputs] | [.. | objects | select((.comm? | type) ==
	    "string" and (.comm | test("^c[0-9]+$")))] | length' "$dir"/*.json)
	echo "# $1: $SEEN records of churn children in $RUNS runs" >&3
}

@test "churn: proctree --json" {
	check_runs proctree --json
	[ "$SEEN" -gt 0 ]
}

@test "churn: zombies --json" {
	check_runs zombies --json
}

@test "churn: fdleak --top --json" {
	check_runs fdleak --top --json
}

@test "churn: fdleak's who questions, -i and +L1, with --json" {
	RUNS=$((RUNS / 3)) check_runs fdleak -i --json
	RUNS=$((RUNS / 3)) check_runs fdleak +L1 --json
}

@test "churn: ctxswitch --json, the system view" {
	RUNS=$((RUNS / 3)) check_runs ctxswitch -i 0.05 -n 1 --json
}

@test "churn: memmap --json on the churning parent" {
	check_runs sh -c 'exec memmap --json -p "$CHURN"'
}

@test "churn: forkguard --limits --json on the churning parent" {
	check_runs sh -c 'exec forkguard --limits --json -p "$CHURN"'
}
