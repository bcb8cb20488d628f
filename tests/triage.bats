#!/usr/bin/env bats
# triage.bats - each scenario, built by a helper, is triage's first finding
# with the right next command; a healthy process gives no WARN; --json has
# the same findings as the text; bad input is one line and exit 2.

bats_require_minimum_version 1.5.0
load common

CGS=()

teardown() {
	kill_helpers
	local cg
	# the cgroups a test made: empty once their killed tasks are gone
	for cg in "${CGS[@]}"; do
		wait_until rmdir "$cg" 2>/dev/null || true
	done
}

# mkcg DIR: make a cgroup this test removes at teardown
mkcg() {
	mkdir "$1"
	CGS+=("$1")
}

# first_finding: the first "SEV  check ..." line of $output
first_finding() {
	printf '%s\n' "$output" | grep -m1 -E '^(CRIT|WARN|INFO)  '
}

# the next: line of the first finding
first_next() {
	printf '%s\n' "$output" | grep -m1 -E '^      next: ' | sed 's/^      next: *//'
}

@test "fds leaking in CLOSE_WAIT: the first finding is fds, next fdleak --watch" {
	start_helper fdleak-leak 40 leak
	run -0 triage -p "$HELPER_PID"
	run -0 first_finding
	assert_output --regexp "^(WARN|CRIT)  fds +pid $HELPER_PID fdleak-leak: leaking: \\+[0-9.]+ fds/s, [0-9]+ of 20000, the soft limit in [0-9]+ s$"
	run -0 triage -p "$HELPER_PID"
	run -0 first_next
	assert_output "fdleak --watch -p $HELPER_PID"
	# the helper's sockets are in CLOSE_WAIT, as fdleak lists them
	run -0 fdleak -p "$HELPER_PID"
	assert_output --partial CLOSE_WAIT
}

@test "zombies from a parent that never waits: the verdict is zombies -p's" {
	start_helper zombies-parent -z 4
	run -0 triage -p "$HELPER_PID"
	first=$(first_finding)
	next=$(first_next)
	[[ $first == "WARN  zombies  pid $HELPER_PID zombies-parent: "* ]] || fail "$first"
	assert_equal "$next" "zombies -p $HELPER_PID"
	# one verdict, one place: the text zombies prints for this parent
	run -0 zombies -p "$HELPER_PID"
	want=$(printf '%s\n' "$output" | sed -n 's/^  verdict: //p')
	[ -n "$want" ]
	assert_equal "$first" "WARN  zombies  pid $HELPER_PID zombies-parent: $want"
	run -0 triage -p "$HELPER_PID" --json
	assert_equal "$(jq -r '.findings[0].summary' <<< "$output")" "$want"
	assert_equal "$(jq -r '.findings[0].evidence.zombies' <<< "$output")" 4
}

@test "RSS growing towards a cgroup memory limit: the first finding is memory" {
	if [ -d /sys/fs/cgroup/memory ] && [ -f /sys/fs/cgroup/memory/memory.limit_in_bytes ]; then
		cg=/sys/fs/cgroup/memory/triage-test-$$
		mkcg "$cg"
		echo $((96 * 1024 * 1024)) > "$cg/memory.limit_in_bytes"
	else
		cg=/sys/fs/cgroup/unified/triage-test-$$
		mkcg "$cg"
		echo $((96 * 1024 * 1024)) > "$cg/memory.max"
	fi
	# 16 MB at once, then 12 MB/s up to 80 MB: the limit in a few seconds
	start_helper triage-memgrow "$cg/cgroup.procs" 16 12 80
	run -0 triage -p "$HELPER_PID"
	run -0 first_finding
	assert_output --regexp "^WARN  memory +pid $HELPER_PID triage-memgrow: cgroup memory at [0-9.]+% of its limit, reached in [0-9]+ s at the current growth$"
	run -0 triage -p "$HELPER_PID"
	run -0 first_next
	assert_output "memmap -w -p $HELPER_PID"
	run -0 triage -p "$HELPER_PID" --json
	assert_equal "$(jq -r '.findings[0].evidence.cgroup' <<< "$output")" "$cg"
	assert_equal "$(jq -r '.findings[0].evidence.cgroup_limit_bytes' <<< "$output")" $((96 * 1024 * 1024))
	run jq -e '.findings[0].evidence.rss_kb_per_second > 4000' <<< "$output"
	assert_success
}

@test "throttled by a cgroup CPU quota with more threads than the quota: the first finding is cpu" {
	cg=/sys/fs/cgroup/cpu/triage-test-$$
	mkcg "$cg"
	echo 50000 > "$cg/cpu.cfs_quota_us"
	echo 100000 > "$cg/cpu.cfs_period_us"
	# a full share of the CPUs, so it reaches its quota on a busy machine
	echo 262144 > "$cg/cpu.shares"
	start_helper triage-threads spin 3
	echo "$HELPER_PID" > "$cg/cgroup.procs"
	for t in /proc/$HELPER_PID/task/*; do echo "${t##*/}" > "$cg/tasks"; done
	run -0 triage -p "$HELPER_PID" -i 1
	run -0 first_finding
	assert_output --regexp "^WARN  cpu +pid $HELPER_PID triage-threads: throttled by a cgroup CPU quota of 0.50 CPUs: [1-9][0-9]* busy threads, [1-9][0-9]* periods throttled in [0-9.]+ s$"
	run -0 triage -p "$HELPER_PID"
	run -0 first_next
	assert_output "ctxswitch -t -p $HELPER_PID"
}

@test "a task stuck in D (a vfork parent) and a stopped one: the first finding is threads" {
	start_helper proctree-tree
	vfork= stopped=
	for w in $HELPER_READY; do
		case $w in
		vfork=*) vfork=${w#vfork=} ;;
		stopped=*) stopped=${w#stopped=} ;;
		esac
	done
	[ -n "$vfork" ] && [ -n "$stopped" ]
	run -0 triage -p "$vfork"
	run -0 first_finding
	assert_output --regexp "^WARN  threads +pid $vfork pt-vfork: 1 thread in D \\(uninterruptible\\) for at least [0-9.]+ s"
	run -0 triage -p "$vfork"
	run -0 first_next
	assert_output "proctree -p -s $vfork"
	run -0 triage -p "$stopped"
	run -0 first_finding
	assert_output --regexp "^WARN  threads +pid $stopped [^ ]+: 1 thread stopped \\(T\\) for at least [0-9.]+ s: kill -CONT $stopped resumes it$"
}

@test "a fork fence nearly full: the first finding is forks, next forkguard -l" {
	cg=/sys/fs/cgroup/pids/triage-test-$$
	mkcg "$cg"
	start_helper triage-threads sleep 20
	echo "$HELPER_PID" > "$cg/cgroup.procs"
	echo 22 > "$cg/pids.max"
	run -0 triage -p "$HELPER_PID"
	run -0 first_finding
	assert_output "WARN  forks    pid $HELPER_PID triage-threads: pids.max nearly full: 20 of 22 tasks (90.9%), room for 2 more forks at $cg"
	run -0 triage -p "$HELPER_PID"
	run -0 first_next
	assert_output "forkguard -l -p $HELPER_PID"
	# the same fence forkguard -l names as the tightest
	run -0 forkguard -l -p "$HELPER_PID"
	assert_output --partial "$cg"
}

@test "a healthy process (sleep, an idle shell) gives no WARN and --check exits 0" {
	sleep 100 &
	track_pid $!
	run -0 triage --check -p $!
	refute_output --regexp '^(CRIT|WARN)'
	assert_line --regexp '^ok: .*fds.*memory.*cpu'
	bash --norc --noprofile -c 'sleep 100; :' &
	track_pid $!
	run -0 triage --check -p $!
	refute_output --regexp '^(CRIT|WARN)'
}

@test "--check exits 1 when a finding is WARN or worse" {
	start_helper zombies-parent -z 2
	run -1 triage --check -p "$HELPER_PID"
	assert_line --regexp '^WARN  zombies'
	run -0 triage -p "$HELPER_PID"
}

# Other suites may run helpers of their own at the same time (a process
# holding 19,000 fds, say): a CRIT may name one of those, never the
# machine itself, but for an OOM kill that the kernel's own count shows
# in the window (another suite's OOM test).
@test "the whole machine: no CRIT about the machine, top lists with next commands" {
	local oom0 oom1
	oom0=$(awk '$1 == "oom_kill" { print $2 }' /proc/vmstat)
	run -0 --separate-stderr triage --json
	oom1=$(awk '$1 == "oom_kill" { print $2 }' /proc/vmstat)
	machine_crit=$(jq -r --argjson oom "$((oom1 - oom0))" '.findings[]
	    | select(.severity == "CRIT" and .pid == null)
	    | select(.check != "oom" or $oom == 0) | .summary' <<< "$output")
	assert_equal "$machine_crit" ""
	for pid in $(jq -r '.findings[] | select(.severity == "CRIT") | .pid' <<< "$output"); do
		exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || continue
		# this suite's helpers, or another clone's
		[[ $exe == */build/*/helpers/* ]] || fail "CRIT on pid $pid ($exe), not a test helper"
	done
	assert_equal "$(jq -r '[.findings[] | select(.check == "load")] | length' <<< "$output")" 1
	run -0 jq -e '.top.memory | length > 0' <<< "$output"
	run -0 triage
	assert_line --regexp '^(WARN|INFO)  load +load [0-9.]+ on [0-9]+ CPUs'
	assert_line --regexp '^top memory:$'
	assert_line --regexp '^ +[0-9]+ .* kB RSS  next: memmap -s -p [0-9]+$'
}

# slices PID: times every thread of PID got a CPU (schedstat's third
# field); main PID: the main thread's switches, as /proc/PID/status and
# so pidstat -w count them
slices() { cat /proc/"$1"/task/*/schedstat | awk '{ s += $3 } END { print s }'; }
main_switches() { awk '/^(non)?voluntary_ctxt_switches/ { s += $2 } END { print s }' /proc/"$1"/status; }

@test "the machine view ranks switches by every thread's, where pidstat -w counts the main thread's" {
	start_helper ctxswitch-threads
	local p=$HELPER_PID s0 s1 m0 m1 t0 t1 rate
	s0=$(slices "$p") m0=$(main_switches "$p") t0=$EPOCHREALTIME
	run -0 --separate-stderr triage -t 50 --json
	s1=$(slices "$p") m1=$(main_switches "$p") t1=$EPOCHREALTIME
	rate=$(jq -r --argjson p "$p" '.top.switches[] | select(.pid == $p) | .switches_per_second' <<< "$output")
	[ -n "$rate" ] || fail "pid $p not in the top switches: $(jq -c .top.switches <<< "$output")"
	run -0 jq -r --argjson p "$p" '.top.switches[] | select(.pid == $p) | .next' <<< "$output"
	assert_output "ctxswitch -t -p $p"
	# the same count as the threads' own, over the run of triage
	# (which holds its window and a little more)
	awk -v r="$rate" -v d="$((s1 - s0))" -v m="$((m1 - m0))" -v t0="$t0" -v t1="$t1" 'BEGIN {
		b = d / (t1 - t0); mr = m / (t1 - t0)
		printf "triage %.0f/s, threads over the run %.0f/s, main thread %.0f/s\n", r, b, mr
		exit !(r >= 0.5 * b && r <= 2 * b && r > 5 * mr + 50) }'
	run -0 triage -t 50
	assert_line --regexp "^ +$p ctxswitch-threa +[0-9]+ switches/s, 7 threads  next: ctxswitch -t -p $p$"
}

@test "the machine view lists a zombie parent and a stopped process" {
	start_helper zombies-parent -z 3
	zp=$HELPER_PID
	run -0 triage -t 50
	assert_line --regexp "^WARN  zombies +pid $zp zombies-parent: never calls wait"
	assert_line --regexp "^ +$zp zombies-parent +3 zombie children  next: zombies -p $zp$"
}

@test "--json parses, follows the vocabulary and has the same findings as the text" {
	start_helper zombies-parent -z 2
	run -0 triage -p "$HELPER_PID" --json
	json_vocab triage
	j=$(jq -r '.findings[] | "\(.severity) \(.check) \(.pid)"' <<< "$output")
	run -0 triage -p "$HELPER_PID"
	t=$(printf '%s\n' "$output" | sed -nE 's/^(CRIT|WARN|INFO)  ([a-z]+) +pid ([0-9]+) .*/\1 \2 \3/p')
	[ -n "$t" ]
	assert_equal "$t" "$j"
	run -0 triage --json
	json_vocab triage
	j=$(jq -r '.findings[] | "\(.severity) \(.check)"' <<< "$output")
	[ -n "$j" ]
}

@test "--prom: one sample per finding, counts by severity" {
	start_helper zombies-parent -z 2
	run -0 triage -p "$HELPER_PID" --prom
	assert_line '# TYPE triage_triage_findings gauge'
	assert_line 'triage_triage_findings{severity="WARN"} 1'
	assert_line "triage_triage_finding{check=\"zombies\",pid=\"$HELPER_PID\",comm=\"zombies-parent\",severity=\"WARN\"} 1"
	if command -v promtool > /dev/null; then
		run -0 promtool check metrics <<< "$output"
	fi
}

@test "bad input: no such pid, a kernel thread, a name that matches nothing, a zombie" {
	run -2 --separate-stderr triage -p 4194304
	assert_equal "$stderr" "triage: pid 4194304: no such process"
	run -2 --separate-stderr triage -p 2
	assert_equal "${#stderr_lines[@]}" 1
	[[ $stderr == "triage: pid 2: a kernel thread"* ]]
	run -2 --separate-stderr triage -p no-such-process-name-xyz
	assert_equal "$stderr" "triage: no-such-process-name-xyz: no process matches this name"
	run -2 --separate-stderr triage -p 1 -t 3
	assert_equal "$stderr" "triage: -t goes with the machine view, not -p"
	run -2 --separate-stderr triage --json --prom
	assert_equal "${#stderr_lines[@]}" 1
	run -2 --separate-stderr triage -i 0
	assert_equal "${#stderr_lines[@]}" 1
	run -2 --separate-stderr triage extra
	assert_equal "${#stderr_lines[@]}" 1
	start_helper zombies-parent -z 1
	z=${HELPER_READY#* }
	z=${z%% *}
	run -2 --separate-stderr triage -p "$z"
	assert_equal "$stderr" "triage: pid $z: a zombie: check its parent (triage -p $HELPER_PID)"
}

@test "nobody against a root process: a partial report that says what it could not read" {
	start_helper zombies-parent -z 1
	run -2 --separate-stderr setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$TRIAGE_BIN/triage" -p "$HELPER_PID"
	assert_line "not read: mappings of pid $HELPER_PID (map_count): Permission denied"
	assert_line --regexp "^triage: pid $HELPER_PID zombies-parent"
}

@test "hostile names are escaped in text and kept whole in JSON" {
	mkdir "$BATS_TEST_TMPDIR/h"
	start_helper hostile "$BATS_TEST_TMPDIR/h"
	run -0 triage -p "$HELPER_PID"
	no_raw_escapes
	assert_line --regexp "^WARN  zombies +pid $HELPER_PID .*\\\\e"
	run -0 triage -p "$HELPER_PID" --json
	comm=$(jq -r '.target.comm' <<< "$output")
	assert_equal "$comm" "$(cat /proc/$HELPER_PID/comm)"
	run -0 triage -t 100
	no_raw_escapes
}

@test "--color colours the severity only when asked" {
	start_helper zombies-parent -z 1
	run -0 triage -p "$HELPER_PID" --color=always
	assert_line --regexp $'^\e\\[33mWARN\e\\[0m  zombies'
	run -0 triage -p "$HELPER_PID"
	no_raw_escapes
}

@test "an OOM kill in the process's memory cgroup is an oom finding" {
	if [ -f /sys/fs/cgroup/memory/memory.limit_in_bytes ]; then
		cg=/sys/fs/cgroup/memory/triage-test-oom-$$
		mkcg "$cg"
		echo 0 > "$cg/memory.swappiness"
		echo $((32 * 1024 * 1024)) > "$cg/memory.limit_in_bytes"
	else
		cg=/sys/fs/cgroup/unified/triage-test-oom-$$
		mkcg "$cg"
		echo $((32 * 1024 * 1024)) > "$cg/memory.max"
		echo 0 > "$cg/memory.swap.max"
	fi
	start_helper triage-threads sleep 1
	echo "$HELPER_PID" > "$cg/cgroup.procs"
	# 64 MB touched at once under a 32 MB limit: the kernel kills it
	run timeout 20 "$HELPERS/triage-memgrow" "$cg/cgroup.procs" 64 1 64
	assert_equal "$status" 137
	run -0 triage -p "$HELPER_PID"
	run -0 first_finding
	assert_output "WARN  oom      pid $HELPER_PID triage-threads: 1 OOM kill in its memory cgroup $cg"
	run -0 triage -p "$HELPER_PID"
	run -0 first_next
	assert_output "memmap -s -p $HELPER_PID"
}
