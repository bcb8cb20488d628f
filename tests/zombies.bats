#!/usr/bin/env bats
# zombies.bats - zombies against live parents that leave zombies.

load common

# PID 1 of some machines never reaps: helpers get SIGTERM first, which
# makes them reap their own children, and only then the SIGKILL of
# kill_helpers, so no test leaves a zombie behind.
teardown() {
	local p
	for p in "${STARTED_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${STARTED_PIDS[@]}"; do
		wait_until exited "$p" || true
	done
	kill_helpers
	if [ -n "${CG:-}" ]; then
		wait_until rmdir "$CG" 2>/dev/null || true
	fi
}

# exited PID: gone, or dead and waiting for the test shell to wait.
exited() {
	local s
	s=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -z "$s" ] || [ "$s" = Z ]
}

# zombie children of $1 as ps counts them (state Z, threads or not).
ps_zombies() {
	ps -eo ppid=,stat= | awk -v p="$1" '$1 == p && $2 ~ /^Z/' | wc -l
}

start_parent() {
	start_helper zombies-parent "$@"
	read -r -a KIDS <<< "${HELPER_READY#* }"
}

is_sleeping() {
	[ "$(awk '{ print $3 }' "/proc/$1/stat")" = S ]
}

assert_statuses() {
	assert_line --regexp "^ *${KIDS[0]} +$HELPER_PID +[0-9.]+s +[0-9.]+ exited 3 +zombie-child$"
	assert_line --regexp "^ *${KIDS[1]} +$HELPER_PID .* killed by SIGTERM +zombie-child$"
	assert_line --regexp "^ *${KIDS[2]} +$HELPER_PID .* exited 42 +zombie-child$"
	assert_line --regexp "^ *${KIDS[3]} +$HELPER_PID .* killed by SIGKILL +zombie-child$"
}

@test "SIGCHLD default, never waited: zombies, statuses and verdict" {
	start_parent -m default -z 4
	# the ready line comes just before the helper blocks in poll(); under
	# ASan it can still be running when zombies reads its state
	wait_until is_sleeping "$HELPER_PID"
	run -0 zombies -p "$HELPER_PID"
	assert_statuses
	assert_line "parent $HELPER_PID zombies-parent: 4 zombies"
	assert_output --regexp "facts: +state S, .*SIGCHLD default"
	assert_output --partial "verdict: never calls wait() for its children"
	assert_output --regexp "pid pressure: [0-9]+ tasks, [0-9]+ zombies; pid_max $(cat /proc/sys/kernel/pid_max) "
}

@test "pid pressure names the pids.max of the parent's cgroup" {
	# v1 pids controller here; the v2 tree where pids is enabled elsewhere
	if [ -d /sys/fs/cgroup/pids ]; then
		CG=/sys/fs/cgroup/pids/triage-zombies-$$
	else
		CG=/sys/fs/cgroup/triage-zombies-$$
	fi
	mkdir "$CG"
	echo 50 > "$CG/pids.max"
	# the parent is born in the cgroup, so its zombies count there too
	local wrap=$BATS_TEST_TMPDIR/wrap
	mkdir -p "$wrap"
	printf '#!/bin/sh\necho $$ > %s/cgroup.procs && exec %s/zombies-parent "$@"\n' \
		"$CG" "$HELPERS" > "$wrap/zombies-parent"
	chmod +x "$wrap/zombies-parent"
	HELPERS=$wrap start_parent -m default -z 4
	assert_equal "$(cat "$CG/pids.current")" 5
	run -0 zombies -p "$HELPER_PID"
	assert_output --regexp "pid pressure: .*; pids.max 50 for $HELPER_PID: 5 used \(10.0%\)$"
	run -0 zombies --json -p "$HELPER_PID"
	jq -e --arg cg "$CG" '.parents[0] | .pids_max == 50 and
		.pids_current == 5 and .pids_cgroup == $cg' <<<"$output"
}

@test "SIGCHLD caught by a handler that does not wait" {
	start_parent -m handler -z 4
	run -0 zombies -p "$HELPER_PID"
	assert_statuses
	assert_output --partial "SIGCHLD caught"
	assert_output --partial "verdict: catches SIGCHLD but its handler does not wait()"
}

@test "SIGCHLD blocked" {
	start_parent -m blocked -z 4
	run -0 zombies -p "$HELPER_PID"
	assert_statuses
	assert_output --partial "SIGCHLD default+blocked"
	assert_output --partial "verdict: blocks SIGCHLD"
}

@test "SIGCHLD ignored: the kernel reaps, no zombies reported" {
	start_parent -m ignored -z 4
	[ "$(ps_zombies "$HELPER_PID")" -eq 0 ]
	run -0 zombies -p "$HELPER_PID"
	assert_output --partial "no zombies among"
	refute_output --partial "zombie-child"
	run -0 zombies --json -p "$HELPER_PID"
	run -0 jq -e '.zombies == [] and .parents == []' <<< "$output"
}

@test "a Go program is named as the cause (ELF with .go.buildinfo)" {
	start_helper zombies-goparent -m handler -z 4
	run -0 zombies -p "$HELPER_PID"
	assert_output --partial "verdict: is a Go program: exec.Cmd.Start() without Wait()"
	run -0 zombies --json -p "$HELPER_PID"
	run -0 jq -e '.parents[0].go == true' <<< "$output"
}

@test "PID 1 of a container: verdict, and --reap refuses without --force" {
	local fifo=$BATS_TEST_TMPDIR/ns line
	mkfifo "$fifo"
	setsid unshare --pid --fork "$HELPERS/zombies-parent" -z 4 > "$fifo" &
	track_pid $!
	exec {fd}< "$fifo"
	read -r -t 20 -u "$fd" line
	HELPER_PID=$(cut -d' ' -f2 <<< "$line")
	track_pid "$HELPER_PID"
	grep -q 'NSpid:.*[[:space:]]1$' "/proc/$HELPER_PID/status"
	run -0 zombies -p "$HELPER_PID"
	assert_output --partial "container init (pid 1 inside)"
	assert_output --partial "verdict: is PID 1 of a container"
	run -1 zombies --reap --min-age 0 -p "$HELPER_PID"
	assert_output --partial "parent is PID 1 of a container (use --force)"
	[ "$(ps_zombies "$HELPER_PID")" -eq 4 ]
	run -0 zombies --reap --force --min-age 0 -p "$HELPER_PID"
	[ "$(ps_zombies "$HELPER_PID")" -eq 0 ]
}

@test "a leader that called pthread_exit while a thread runs is not a zombie" {
	start_helper zombies-leader
	run -0 ps -o stat= -p "$HELPER_PID"
	assert_output --regexp '^Z'
	run -0 zombies -p "$HELPER_PID"
	assert_output --partial "no zombies among"
	run -0 zombies --all -p "$HELPER_PID"
	assert_line --regexp "^ *$HELPER_PID .*not a zombie: leader exited, 1 threads run +zleader$"
	run -0 zombies --all --json -p "$HELPER_PID"
	run -0 jq -e '(.zombies | length) == 0 and .exited_leaders[0].pid == '"$HELPER_PID" <<< "$output"
}

# reap_and_verify ARGS...: reap a live, working parent; prove it kept its
# registers and memory and is neither stopped nor traced.
reap_and_verify() {
	local fifo=$BATS_TEST_TMPDIR/cmd before
	mkfifo "$fifo"
	start_parent -m handler -z 8 -c "$fifo" "$@"
	exec {cmdfd}> "$fifo"
	echo check >&"$cmdfd"
	helper_line
	before=$(cut -d' ' -f2 <<< "$REPLY")
	[ "$(ps_zombies "$HELPER_PID")" -eq 8 ]
	run -0 zombies --reap --min-age 0 -p "$HELPER_PID"
	assert_line --regexp "^ *${KIDS[0]} +$HELPER_PID reaped +wait4 +exited 3 .*zombie-child$"
	assert_line --regexp "^ *${KIDS[3]} +$HELPER_PID reaped +wait4 +killed by SIGKILL .*zombie-child$"
	assert_line "reaped 8 of 8 zombies (0 by SIGCHLD, 8 by wait4)"
	[ "$(ps_zombies "$HELPER_PID")" -eq 0 ]
	echo ping >&"$cmdfd"
	helper_line
	[ "$REPLY" = pong ]
	echo check >&"$cmdfd"
	helper_line
	read -r _ rounds mism anom memok <<< "$REPLY"
	[ "$mism" -eq 0 ] && [ "$anom" -eq 0 ] && [ "$memok" -eq 1 ] || fail "after reap: $REPLY"
	[ "$rounds" -gt "$before" ]
	echo wait >&"$cmdfd"
	helper_line
	[ "$REPLY" = "wait ECHILD" ]
	run -0 grep -E '^(State|TracerPid):' "/proc/$HELPER_PID/status"
	assert_line --regexp '^State:[[:space:]]+[SR] '
	assert_line --regexp '^TracerPid:[[:space:]]+0$'
}

@test "--reap removes every zombie of a parent blocked in poll, which keeps working" {
	reap_and_verify
}

@test "--reap removes every zombie of a spinning parent (vDSO syscall site)" {
	reap_and_verify -s
}

@test "--reap --dry-run changes nothing" {
	start_parent -z 4
	run -0 zombies --reap --dry-run --min-age 0 -p "$HELPER_PID"
	assert_line --regexp "^ *${KIDS[0]} +$HELPER_PID would-reap .*exited 3"
	assert_line "dry run: would reap 4 of 4 zombies"
	[ "$(ps_zombies "$HELPER_PID")" -eq 4 ]
}

@test "--reap refuses young zombies and stopped parents" {
	start_parent -z 4
	run -1 zombies --reap --min-age 3600 -p "$HELPER_PID"
	assert_line --regexp "^ *${KIDS[0]} +$HELPER_PID refused .*under --min-age 3600s"
	[ "$(ps_zombies "$HELPER_PID")" -eq 4 ]
	kill -STOP "$HELPER_PID"
	wait_until grep -q '^State:.T' "/proc/$HELPER_PID/status"
	run -1 zombies --reap --min-age 0 -p "$HELPER_PID"
	assert_output --partial "parent is stopped (state T)"
	run -0 zombies -p "$HELPER_PID"
	assert_output --partial "verdict: is stopped (state T)"
	kill -CONT "$HELPER_PID"
	[ "$(ps_zombies "$HELPER_PID")" -eq 4 ]
}

@test "--reap without CAP_SYS_PTRACE: one line naming it, exit 2" {
	start_parent -z 4
	run -2 --separate-stderr setpriv --reuid=nobody --regid=nogroup \
		--clear-groups --inh-caps=-all "$TRIAGE_BIN/zombies" --reap \
		--min-age 0 -p "$HELPER_PID"
	[ "${#stderr_lines[@]}" -eq 1 ] || fail "stderr: $stderr"
	[[ $stderr == "zombies: pid $HELPER_PID: ptrace: "*"(needs CAP_SYS_PTRACE; run as root)" ]] || fail "stderr: $stderr"
	[ "$(ps_zombies "$HELPER_PID")" -eq 4 ]
}

@test "--reap: a parent that exits on SIGCHLD is not an error" {
	start_parent -R -x -z 4
	run -0 zombies --reap --min-age 0 -p "$HELPER_PID"
	assert_output --partial "parent exited during the reap; init reaps it"
	refute_output --partial "refused"
}

@test "--check exit codes" {
	start_parent -z 2
	run -0 zombies --check --min-age 3600 -p "$HELPER_PID"
	assert_output --partial "zombie-child"
	wait_until bash -c '"$0" --check --min-age 0.3 -p "$1" >/dev/null; [ $? -eq 1 ]' "$TRIAGE_BIN/zombies" "$HELPER_PID"
	run -1 zombies --check --min-age 0.3 -p "$HELPER_PID"
	run -1 zombies --check --min-age 0 -p "$HELPER_PID"
}

@test "DEAD-FOR is the time since death, for zombies that died on different CPUs" {
	# each CPU's scheduler clock leaves out its own IRQ and steal time,
	# so they drift apart: ages must not depend on where a zombie died
	local t0 t1 t2 t3
	t0=$(date +%s.%N)
	start_parent -C -z 4
	t1=$(date +%s.%N)
	local cpus=$(for k in "${KIDS[@]}"; do awk '{ print $39 }' "/proc/$k/stat"; done | sort -u | wc -l)
	[ "$(nproc)" -eq 1 ] || assert [ "$cpus" -ge 2 ]
	local i ages
	for i in 1 2 3 4 5; do
		sleep 0.2
		t2=$(date +%s.%N)
		run -0 zombies --json -p "$HELPER_PID"
		t3=$(date +%s.%N)
		ages=$(jq -r '[.zombies[].zombie_seconds] | map(tostring) | join(" ")' <<<"$output")
		# died after t0 and before t1; read between t2 and t3.  The
		# scheduler clock leaves out the time the hypervisor stole
		# from that CPU (2-3% on this VM when the host is busy), so
		# an age may fall short, never run over: allow 25% below.
		# The bug this guards against made ages 0 or seconds off.
		awk -v lo="$(awk -v a="$t2" -v b="$t1" 'BEGIN { print (a - b) * 0.75 - 0.05 }')" \
		    -v hi="$(awk -v a="$t3" -v b="$t0" 'BEGIN { print a - b + 0.05 }')" \
		    -v ages="$ages" 'BEGIN { n = split(ages, a, " "); if (n != 4) exit 1
			for (i = 1; i <= n; i++) if (a[i] < lo || a[i] > hi) exit 1 }' ||
			fail "run $i: ages $ages not within $t0..$t1 to $t2..$t3"
	done
}

@test "--check is 0 without zombies" {
	start_parent -m ignored -z 2
	run -0 zombies --check --min-age 0 -p "$HELPER_PID"
}

@test "--watch shows the growth of a parent making a zombie every 100 ms" {
	start_parent -g 100
	run -0 zombies --watch -i 0.5 -n 4 --json -p "$HELPER_PID"
	[ "${#lines[@]}" -eq 4 ]
	json_vocab zombies stream
	# the first zombie may not have died yet at the first sample
	run -0 jq -s -e '
		(.[0].parents[0].zombies // 0) as $a | (.[3].parents[0].zombies) as $b |
		(.[3].elapsed_seconds - .[0].elapsed_seconds) as $t |
		(.[3].time_unix - .[0].time_unix) as $u |
		($u - $t | fabs) < 0.2 and all(.[]; .type == "sample") and
		$b > $a and (($b - $a) / $t) > 5 and (($b - $a) / $t) < 15 and
		.[3].parents[0].zombies_per_second > 5 and
		.[3].parents[0].zombies_per_second < 15 and
		.[3].parents[0].oldest_seen_seconds >= 1.4' <<< "$output"
	run -0 zombies --watch -i 0.3 -n 2 -p "$HELPER_PID"
	assert_line --index 0 --regexp '^ *TIME +PPID +ZOMBIES +NEW +RATE/S +DEAD-FOR +SEEN +NAME$'
	assert_line --index 1 --regexp "^ *0\\.0 +$HELPER_PID +[0-9]+ +[0-9]+ +0\\.00 .*zombies-parent$"
	assert_line --index 2 --regexp "^ *0\\.[0-9] +$HELPER_PID +[0-9]+ +[1-9][0-9]* +[0-9.]+ .*zombies-parent$"
}

@test "--json parses with jq and carries statuses and the verdict" {
	start_parent -m handler -z 4
	run -0 zombies --json -p "$HELPER_PID"
	run -0 jq -e --argjson p "$HELPER_PID" '
		(.zombies | length) == 4 and
		([.zombies[].status] | sort) == (["exited 3", "exited 42",
		    "killed by SIGKILL", "killed by SIGTERM"]) and
		.zombies[0].ppid == $p and .zombies[0].zombie_seconds >= 0 and
		.parents[0].pid == $p and .parents[0].zombies == 4 and
		.parents[0].sigchld == "caught" and
		(.parents[0].verdict | test("handler")) and
		.pressure.pid_max > 0' <<< "$output"
	run -0 zombies --reap --dry-run --min-age 0 --json -p "$HELPER_PID"
	run -0 jq -e '(.reap | length) == 4 and .reap[0].result == "would-reap"' <<< "$output"
}

@test "a parent named with terminal escapes is shown escaped" {
	start_parent -z 2 -N $'\e]0;pwned\a'
	run -0 zombies -p "$HELPER_PID"
	no_raw_escapes
	assert_output --partial 'parent '"$HELPER_PID"' \e]0;pwned\x07: 2 zombies'
	run -0 zombies --watch -n 1 -p "$HELPER_PID"
	no_raw_escapes
	assert_output --partial '\e]0;pwned'
	run -0 zombies --json -p "$HELPER_PID"
	run -0 jq -r '.parents[0].comm' <<< "$output"
	[ "$output" = $'\e]0;pwned\a' ]
}

@test "counts agree with ps -eo stat on the same helper tree" {
	start_parent -z 6
	local tree=$HELPER_PID
	start_helper zombies-leader
	local ps_count ours
	ps_count=$(ps -eo ppid=,stat= | awk -v p="$tree" '$1 == p && $2 ~ /^Z/' | wc -l)
	run -0 zombies --json -p "$tree"
	ours=$(jq '.zombies | length' <<< "$output")
	[ "$ps_count" -eq 6 ] && [ "$ours" -eq 6 ]
	# ps marks the exited leader Z too; only "Zl" tells it has threads.
	run -0 ps -o stat= -p "$HELPER_PID"
	assert_output --regexp '^Z.*l'
	run -0 zombies --json -p "$HELPER_PID"
	run -0 jq -e '.zombies == []' <<< "$output"
}

@test "--orphans lists a job whose session leader died" {
	start_helper zombies-orphan
	local reaper=${HELPER_READY#* }
	run -0 zombies --orphans -p "$reaper"
	assert_line --regexp "^ *$HELPER_PID +$reaper +[0-9]+ +[0-9]+ session\\+pgrp +[0-9.]+s +orphan-job$"
	refute_output --partial "zombies-orphan"
	run -0 zombies --orphans --json -p "$reaper"
	run -0 jq -e '.orphans[0].pid == '"$HELPER_PID"' and .orphans[0].lost == "session+pgrp"' <<< "$output"
}

@test "errors: a missing pid, a name that matches nothing, bad combinations" {
	run -2 --separate-stderr zombies -p 99999
	[ "$stderr" = "zombies: pid 99999: no such process" ]
	run -2 --separate-stderr zombies -p no-such-process-zz
	[ "$stderr" = "zombies: no-such-process-zz: no process matches this name" ]
	run -2 --separate-stderr zombies --reap --watch
	assert_output ""
	[ "$stderr" = "zombies: --reap, --watch, --orphans and --check exclude each other" ]
	run -2 --separate-stderr zombies --dry-run
	[ "$stderr" = "zombies: --dry-run, --force and --force-held go with --reap" ]
	run -2 --separate-stderr zombies -n 3
	[ "$stderr" = "zombies: -i and -n go with --watch" ]
	run -2 --separate-stderr zombies --min-age abc
	[ "${#stderr_lines[@]}" -eq 1 ]
}
