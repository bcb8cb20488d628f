#!/usr/bin/env bats
# systrace.bats - systrace against real processes: helpers make known
# syscalls and print the lines they expect; strace -c is the oracle for
# counts; attach, interrupt and detach leave the target running.

bats_require_minimum_version 1.5.0
load common

SEQ=$HELPERS/systrace-seq
# A traced program is a plain build: LeakSanitizer refuses to run under
# ptrace and fails the program at exit (make check SANITIZE=1 builds both).
[ -x "$TRIAGE_ROOT/build/std/helpers/systrace-seq" ] &&
	SEQ=$TRIAGE_ROOT/build/std/helpers/systrace-seq

# Addresses, environment sizes and CPU times vary from run to run.
norm() {
	sed -E 's/0x[0-9a-f]+/ADDR/g; s|/\* [0-9]+ vars \*/|/* N vars */|;
		s/si_utime=[0-9]+/si_utime=N/; s/si_stime=[0-9]+/si_stime=N/' "$@"
}

# expect_in TRACE EXPECTED: every line of EXPECTED is in TRACE, in order.
expect_in() {
	awk 'NR == FNR { want[++n] = $0; next }
		i < n && $0 == want[i + 1] { i++ }
		END { if (n == 0) { print "nothing expected"; exit 1 }
		      if (i < n) { print "missing: " want[i + 1]; exit 1 } }' \
		<(norm "$2") <(norm "$1")
}

# join_resumed FILE: "PID name(a, <unfinished ...>" and the later
# "PID <... name resumed>b) = r" as one line where the call ended (PID is
# "[pid  N] ", or "N " with -f -o FILE).
join_resumed() {
	awk '{ pid = ""
		if (match($0, /^\[pid +[0-9]+\] /) || match($0, /^[0-9]+ +/))
			pid = substr($0, 1, RLENGTH) }
		/ <unfinished \.\.\.>$/ { sub(/ <unfinished \.\.\.>$/, ""); pend[pid] = $0; next }
		(pid in pend) && match($0, /<\.\.\. [a-z0-9_]+ resumed>/) {
			print pend[pid] substr($0, RSTART + RLENGTH); delete pend[pid]; next }
		{ print }' "$1"
}

# trace_seq MODE [ARGS] with systrace options in OPTS: the trace in
# $T/trace, what the helper expects in $T/expected.
trace_seq() {
	T=$BATS_TEST_TMPDIR
	run -0 systrace ${OPTS:-} -o "$T/trace" -- "$SEQ" "$@"
	printf '%s\n' "$output" > "$T/expected"
	run -0 expect_in "$T/trace" "$T/expected"
}

@test "file calls are traced as the helper made them" {
	trace_seq file "$BATS_TEST_TMPDIR"
	# argv strings are cut at -s as strace cuts them
	grep -q '^execve(".*systrace-seq", \["/.*"\.\.\., "file", ' "$T/trace"
}

@test "failing calls: -1, the errno name and its text" {
	trace_seq fail
	grep -qx 'close(-1) = -1 EBADF (Bad file descriptor)' "$T/trace"
}

@test "socket calls with inet and unix addresses" {
	trace_seq socket
}

@test "a signal is shown with its siginfo" {
	trace_seq signal
}

@test "-f follows fork and exec; wait4 resumes after the child's lines" {
	T=$BATS_TEST_TMPDIR
	run -0 systrace -f -o "$T/trace" -- "$SEQ" fork
	printf '%s\n' "$output" > "$T/expected"
	join_resumed "$T/trace" > "$T/joined"
	run -0 expect_in "$T/joined" "$T/expected"
	grep -qE '^[0-9]+ +wait4\([0-9]+,  <unfinished \.\.\.>$' "$T/trace"
	grep -qE '^[0-9]+ +<\.\.\. wait4 resumed>\[\{WIFEXITED' "$T/trace"
}

@test "every thread is traced, each line with its tid" {
	T=$BATS_TEST_TMPDIR
	run -0 --separate-stderr systrace -- "$SEQ" threads
	printf '%s\n' "$output" > "$T/expected"
	printf '%s\n' "$stderr" > "$T/trace"
	[ "$(wc -l < "$T/expected")" -eq 3 ]
	join_resumed "$T/trace" > "$T/joined"
	run -0 expect_in "$T/joined" "$T/expected"
}

@test "execve in a thread other than the leader: the leader is superseded" {
	T=$BATS_TEST_TMPDIR
	run -0 --separate-stderr systrace -- "$SEQ" thread-exec
	printf '%s\n' "$output" > "$T/expected"
	printf '%s\n' "$stderr" > "$T/trace"
	run -0 expect_in "$T/trace" "$T/expected"
	# /bin/true runs on, traced, under the leader's pid
	grep -qx 'exit_group(0) = ?' "$T/trace"
	grep -qx '+++ exited with 0 +++' "$T/trace"
}

@test "-f follows vfork" {
	T=$BATS_TEST_TMPDIR
	run -0 systrace -f -o "$T/trace" -- "$SEQ" vfork
	printf '%s\n' "$output" > "$T/expected"
	join_resumed "$T/trace" > "$T/joined"
	run -0 expect_in "$T/joined" "$T/expected"
	grep -qE '^[0-9]+ +vfork\(\) = [0-9]+$' "$T/joined"
}

@test "hostile bytes in a path are escaped as strace does" {
	trace_seq hostile
	run -0 cat "$T/trace"
	no_raw_escapes
	assert_output --partial '\33]0;pwned\7\33[31m\n"'
}

@test "-c counts the same calls as strace -c" {
	local m T=$BATS_TEST_TMPDIR
	for m in "file $T" fail socket signal fork threads; do
		# shellcheck disable=SC2086
		strace -f -c -o "$T/strace" "$SEQ" $m > /dev/null
		# shellcheck disable=SC2086
		systrace -f -c -o "$T/systrace" "$SEQ" $m > /dev/null
		# pthread_join waits on a futex only when the thread has not
		# ended yet: a matter of scheduling, not of the tracer
		counts() { awk -v m="$m" '/^---/ { n++; next }
			n == 1 && !(m == "threads" && $NF == "futex") { print $NF, $4 }' "$1" | sort; }
		diff <(counts "$T/strace") <(counts "$T/systrace") ||
			fail "$m: counts differ from strace -c"
		[ "$(counts "$T/systrace" | wc -l)" -gt 5 ]
	done
	grep -q 'p50-us.*p99-us.*max-us syscall$' "$T/systrace"
}

@test "the program's exit status, 128+N for a signal, 127 when not found" {
	run -7 systrace -o /dev/null -- "$SEQ" exit 7
	run -139 --separate-stderr systrace -- "$SEQ" segv
	[[ $stderr == *"+++ killed by SIGSEGV"* ]] || fail "$stderr"
	[[ $stderr == *"--- SIGSEGV {si_signo=SIGSEGV, si_code=SI_TKILL,"* ]] ||
		fail "$stderr"
	run -127 --separate-stderr systrace -- /nonexistent/program
	assert_equal "$stderr" "systrace: /nonexistent/program: command not found"
}

# The state letter of every thread of $1.
thread_states() {
	local t
	for t in /proc/"$1"/task/*/stat; do
		sed -E 's/.*\) (.).*/\1/' "$t"
	done
}

progress_after() {	# progress_after FILE N: the counter in FILE passed N
	local v
	v=$(cat "$1" 2>/dev/null) || return 1
	[ -n "$v" ] && [ "$v" -gt "$2" ]
}

attach_and_interrupt() {	# attach_and_interrupt SIGNAL
	local T=$BATS_TEST_TMPDIR tid before
	start_helper systrace-spin 3 "$T/progress"
	local tids=${HELPER_READY#* }
	systrace -p "$HELPER_PID" -o "$T/trace" 2> "$T/err" &
	local tracer=$!
	track_pid $tracer
	wait_until grep -q 'attached with 4 threads' "$T/err"
	# every thread shows up in the trace
	for tid in ${tids//,/ }; do
		wait_until grep -q "^$tid " "$T/trace" ||
			fail "thread $tid not traced: $(head -c 300 "$T/trace")"
	done
	kill "-$1" $tracer
	wait $tracer || fail "systrace exited $? on SIG$1"
	grep -q "Process $HELPER_PID detached" "$T/err"
	# left running: not stopped, not traced, still making progress
	run -0 thread_states "$HELPER_PID"
	refute_output --regexp '[tT]'
	grep -q '^TracerPid:[[:space:]]*0$' "/proc/$HELPER_PID/status"
	for tid in ${tids//,/ }; do
		grep -q '^TracerPid:[[:space:]]*0$' "/proc/$HELPER_PID/task/$tid/status"
	done
	before=$(cat "$T/progress")
	wait_until progress_after "$T/progress" $((before + 20))
	run -0 thread_states "$HELPER_PID"
	refute_output --regexp '[tT]'
}

@test "attach to every thread; SIGINT detaches and the helper keeps running" {
	attach_and_interrupt INT
}

@test "SIGTERM and SIGHUP detach too" {
	attach_and_interrupt TERM
	kill_helpers || true
	attach_and_interrupt HUP
}

@test "--json: one object per event that jq reads, the same calls as text" {
	local T=$BATS_TEST_TMPDIR
	systrace -o "$T/text" -- "$SEQ" file "$T" > /dev/null
	systrace --json -o "$T/json" -- "$SEQ" file "$T" > /dev/null
	run -0 jq -e -s 'length > 20 and all(.type == "syscall" or
		.type == "exit" or .type == "signal")' "$T/json"
	diff <(sed -E 's/\(.*//' "$T/text" | grep -v '^+++') \
		<(jq -r 'select(.type == "syscall") | .name' "$T/json")
	run -0 jq -c 'select(.name == "openat" and (.args[1] | endswith("seq-file")))
		| [.args[0], .args[2], .errno == null, (.return | type),
		   (.duration_seconds | type), (.time_unix > 1e9), .nr, .pid == .tid]' \
		"$T/json"
	assert_line --index 0 '["AT_FDCWD",["O_WRONLY","O_CREAT","O_TRUNC","O_CLOEXEC"],true,"number","number",true,257,true]'
	run -0 jq -c 'select(.name == "unlink") | [(.args[0] | endswith("seq-file")), .return]' "$T/json"
	assert_output '[true,0]'
	systrace --json -o "$T/json2" -- "$SEQ" fail > /dev/null
	run -0 jq -r 'select(.name == "close" and .raw[0] == 4294967295) | "\(.return) \(.errno)"' "$T/json2"
	assert_output '-1 EBADF'
	run -0 jq -r 'select(.type == "exit") | .exit_status' "$T/json2"
	assert_output 0
	run -0 jq -e -s 'all(.schema == "triage.systrace/1")' "$T/json2"
	run -0 jq -c 'select(.name == "execve") | [.args[1][1], (.args[2].vars > 0)]' "$T/json2"
	assert_output '["fail",true]'
}

@test "-c --json: the table as one summary object, counts as in text" {
	local T=$BATS_TEST_TMPDIR
	systrace -c -o "$T/text" -- "$SEQ" fail > /dev/null
	systrace -c --json -o "$T/json" -- "$SEQ" fail > /dev/null
	run -0 jq -r 'select(.type == "summary") | .syscalls[] | "\(.name) \(.calls) \(.errors)"' "$T/json"
	diff <(sort <<< "$output") <(awk '/^---/ { n++; next } n == 1 { print $NF, $4, (NF == 8 ? 0 : $5) }' "$T/text" | sort)
	run -0 jq -e '.syscalls | map(select(.name == "openat"))[0] | .errors == 1 and .max_seconds >= .p50_seconds' "$T/json"
}

@test "-e trace= names, %classes and ! negation" {
	local T=$BATS_TEST_TMPDIR
	systrace -o "$T/t" -e trace=openat,close -- "$SEQ" fail > /dev/null
	run -0 sed -E 's/\(.*//' "$T/t"
	refute_output --regexp '^(read|mmap|write|execve)$'
	assert_line openat
	assert_line close
	systrace -o "$T/t" -e trace=%network -- "$SEQ" socket > /dev/null
	run -0 sed -E 's/\(.*//' "$T/t"
	assert_line socket
	assert_line accept4
	refute_line openat
	refute_line close
	systrace -o "$T/t" -e 'trace=!%file,%memory' -- "$SEQ" fail > /dev/null
	run -0 sed -E 's/\(.*//' "$T/t"
	refute_line openat
	refute_line mmap
	assert_line close
	run -2 --separate-stderr systrace -e trace=nosuchcall -- true
	assert_equal "$stderr" "systrace: -e trace=nosuchcall: no such system call or class"
}

@test "-z shows only successes, -Z only failures" {
	local T=$BATS_TEST_TMPDIR
	systrace -Z -o "$T/t" -- "$SEQ" fail > /dev/null
	run -0 grep -v -e '^+++' "$T/t"
	refute_output --regexp '= [0-9]'
	assert_output --partial 'close(-1) = -1 EBADF'
	systrace -z -o "$T/t" -- "$SEQ" fail > /dev/null
	run -0 cat "$T/t"
	refute_output --partial '= -1 '
	assert_output --partial 'execve('
}

@test "-P shows only the calls on a path, through its fds too" {
	local T=$BATS_TEST_TMPDIR
	systrace -P "$T/seq-file" -o "$T/t" -- "$SEQ" file "$T" > /dev/null
	run -0 sed -E '/^\+\+\+/d; s/\(.*//' "$T/t"
	assert_output "$(printf '%s\n' openat write close openat read lseek \
		pread64 fstat close unlink)"
}

@test "--slower-than shows only the slow call; -T its time" {
	local T=$BATS_TEST_TMPDIR
	systrace -T --slower-than 0.03 -o "$T/t" -- "$SEQ" slow > /dev/null
	run -0 grep -v '^+++ exited with 0 +++$' "$T/t"
	assert_line --regexp '^clock_nanosleep\(CLOCK_MONOTONIC, 0, \{tv_sec=0, tv_nsec=60000000\}, NULL\) = 0 <[0-9]+\.[0-9]{6}>$'
	refute_line --partial 'getppid('
	# every call shown took 30 ms or more (under load an execve may too);
	# the sleep took its 60 ms
	awk -F'[<>]' '/>$/ && !($(NF - 1) >= 0.03) { exit 1 }
		/^clock_nanosleep/ && !($(NF - 1) >= 0.06) { exit 1 }' <<< "$output"
	systrace --slower-than 30ms -o "$T/t2" -- "$SEQ" slow > /dev/null
	grep -qx 'clock_nanosleep(CLOCK_MONOTONIC, 0, {tv_sec=0, tv_nsec=60000000}, NULL) = 0' "$T/t2"
	run -1 grep -q 'getppid(' "$T/t2"
	run -2 --separate-stderr systrace --slower-than abc -- true
	assert_equal "$stderr" "systrace: --slower-than abc: not a duration (0.01, 10ms, 500us)"
}

@test "-y shows paths, -s cuts strings, -t stamps the time" {
	local T=$BATS_TEST_TMPDIR
	systrace -y -s 3 -tt -o "$T/t" -- "$SEQ" file "$T" > /dev/null
	run -0 grep -E "^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6} write\([0-9]+<$T/seq-file>, \"hel\"\.\.\., 6\) = 6$" "$T/t"
	run -0 grep -E "openat\(AT_FDCWD, \"$T/seq-file\", O_RDONLY\) = [0-9]+<$T/seq-file>$" "$T/t"
	# JSON has no "...": a cut string's event says "truncated": true
	systrace --json -s 3 -o "$T/j" -- "$SEQ" file "$T" > /dev/null
	run -0 jq -c 'select(.name == "write" and .args[2] == 6) | [.args[1], .truncated]' "$T/j"
	assert_output '["hel",true]'
	systrace --json -s 6 -o "$T/j6" -- "$SEQ" file "$T" > /dev/null
	run -0 jq -c 'select(.name == "write" and .args[2] == 6) | [.args[1], has("truncated")]' "$T/j6"
	assert_output '["hello\n",false]'
}

@test "-c --by path: calls and bytes per file" {
	local T=$BATS_TEST_TMPDIR
	systrace -c --by path -o "$T/t" -- "$SEQ" file "$T" > /dev/null
	# write 6, read 6 + pread 3, close twice, lseek, fstat; by their
	# path: the two openat and the unlink
	run -0 awk -v p="$T/seq-file" '$NF == p { print $1, $3, $4 }' "$T/t"
	assert_output '10 9 6'
}

@test "launched with -f and a filter, the kernel filters; the program runs" {
	local T=$BATS_TEST_TMPDIR
	run -0 --separate-stderr systrace -f -e trace=openat,exit_group -- \
		sh -c "'$SEQ' fail > /dev/null; exit 0"
	[[ $stderr == *'openat(AT_FDCWD, "/nonexistent/systrace", O_RDONLY) = -1 ENOENT'* ]] ||
		fail "$stderr"
	[[ $stderr != *"close("* ]] || fail "$stderr"
	run -3 systrace -f -e trace=openat -o /dev/null -- sh -c 'exit 3'
}

@test "a stopped tracee stays stopped until SIGCONT, as without a tracer" {
	local T=$BATS_TEST_TMPDIR
	mkfifo "$T/fifo"
	systrace -o /dev/null -- "$HELPERS/systrace-spin" 1 "$T/progress" > "$T/fifo" &
	track_pid $!
	exec {fd}< "$T/fifo"
	read -r -t 20 -u $fd word pid rest
	wait_until [ -s "$T/progress" ]
	kill -STOP "$pid"
	# every thread stops (a tracee in a group stop reads t or T)
	all_stopped() { ! thread_states "$pid" | grep -qv '[tT]'; }
	wait_until all_stopped
	local before
	before=$(cat "$T/progress")
	kill -CONT "$pid"
	# running again (its threads still show t at each syscall stop)
	wait_until progress_after "$T/progress" $((before + 10))
}

@test "no such pid; self and ancestors are refused" {
	run -2 --separate-stderr systrace -p 4000000
	assert_equal "$stderr" "systrace: pid 4000000: no such process"
	run -2 --separate-stderr systrace -p $$
	assert_equal "$stderr" "systrace: attach $$: refusing to trace systrace itself or an ancestor"
}

@test "attaching as nobody to a root process names CAP_SYS_PTRACE" {
	start_helper systrace-spin 1
	run -2 --separate-stderr setpriv --reuid=nobody --regid=nogroup \
		--clear-groups "$TRIAGE_BIN/systrace" -p "$HELPER_PID"
	assert_equal "$stderr" "systrace: attach $HELPER_PID: Operation not permitted (needs CAP_SYS_PTRACE; run as root)"
	grep -q '^TracerPid:[[:space:]]*0$' "/proc/$HELPER_PID/status"
}

@test "a process already traced names its tracer" {
	start_helper systrace-spin 1
	systrace -p "$HELPER_PID" -o /dev/null 2> "$BATS_TEST_TMPDIR/err" &
	track_pid $!
	wait_until grep -q attached "$BATS_TEST_TMPDIR/err"
	run -2 --separate-stderr systrace -p "$HELPER_PID"
	assert_equal "$stderr" "systrace: attach $HELPER_PID: already traced by pid $!"
}

@test "usage errors exit 2 with one line" {
	run -2 --separate-stderr systrace
	[[ $stderr == "systrace: a command to run or -p PID is required"* ]]
	run -2 --separate-stderr systrace -S bogus -- true
	assert_equal "$stderr" "systrace: -S bogus: not time, calls, errors, name, avg, p99, max or nothing"
	run -2 --separate-stderr systrace --by fd -- true
	[[ $stderr == "systrace: --by goes with -c or -C"* ]]
}

@test "-yy shows socket endpoints, on arguments and on returned fds" {
	local T=$BATS_TEST_TMPDIR
	systrace -yy -o "$T/t" -- "$SEQ" socket > /dev/null
	run -0 grep -E '^accept4\([0-9]+<TCP:\[127\.0\.0\.1:[0-9]+\]>, NULL, NULL, SOCK_CLOEXEC\) = [0-9]+<TCP:\[127\.0\.0\.1:[0-9]+->127\.0\.0\.1:[0-9]+\]>$' "$T/t"
	run -0 grep -E '^recvfrom\([0-9]+<TCP:\[127\.0\.0\.1:[0-9]+->127\.0\.0\.1:[0-9]+\]>, "ping", 16, 0, NULL, NULL\) = 4$' "$T/t"
}

# launch_spin: systrace -- systrace-spin in a process group of its own,
# as a shell would run it; SPID is systrace's pid, PID the helper's.
launch_spin() {
	local T=$BATS_TEST_TMPDIR word rest
	rm -f "$T/fifo"
	mkfifo "$T/fifo"
	setsid systrace -o "$T/t" -- "$HELPERS/systrace-spin" 1 > "$T/fifo" &
	SPID=$!
	track_pid $SPID
	exec {fd}< "$T/fifo"
	read -r -t 20 -u $fd word PID rest
	[ "$word" = ready ]
}

ended() {	# ended PID: gone, or a zombie waiting for us
	[ ! -e "/proc/$1" ] || grep -q '^State:[[:space:]]*Z' "/proc/$1/status"
}

@test "launched: SIGTERM to systrace ends the program with it, 128+15" {
	local rc=0
	launch_spin
	kill -TERM $SPID
	wait_until ended $SPID
	wait $SPID || rc=$?
	assert_equal "$rc" 143
	run ! kill -0 "$PID"
}

@test "launched: the program keeps the signal dispositions systrace was given" {
	run -0 bash -c "trap '' INT; systrace -o /dev/null -- grep SigIgn /proc/self/status"
	assert_output "$(bash -c "trap '' INT; grep SigIgn /proc/self/status")"
	run -0 systrace -o /dev/null -- grep SigIgn /proc/self/status
	assert_output "$(grep SigIgn /proc/self/status)"
}

@test "launched: the terminal's SIGINT reaches the program, systrace follows it" {
	local rc=0
	export SPIN_SIGINT=1
	launch_spin
	kill -INT -- -$SPID
	wait_until ended $SPID
	wait $SPID || rc=$?
	assert_equal "$rc" 130
	grep -q '^+++ killed by SIGINT +++$' "$BATS_TEST_TMPDIR/t" ||
		fail "$(tail -3 "$BATS_TEST_TMPDIR/t")"
	grep -q -- '--- SIGINT {si_signo=SIGINT, si_code=SI_USER, ' "$BATS_TEST_TMPDIR/t"
}

@test "-c latency: p50, p99 and max of a 60 ms sleep; -w counts its wall time" {
	local T=$BATS_TEST_TMPDIR
	systrace -c -w -e trace=clock_nanosleep -o "$T/t" -- "$SEQ" slow > /dev/null
	# no errors: calls in $4, then p50, p99 and max in $5, $6, $7
	run -0 awk '$NF == "clock_nanosleep" { print NF, $4, ($2 >= 0.06), ($5 >= 60000), ($6 >= $5), ($7 >= 60000), ($7 >= $6) }' "$T/t"
	assert_output '8 1 1 1 1 1 1'
	# one call: every percentile is that call
	run -0 awk '$NF == "clock_nanosleep" { print ($5 == $7) }' "$T/t"
	assert_output 1
}

@test "-ttt stamps epoch seconds, -r the time since the previous line" {
	local T=$BATS_TEST_TMPDIR now
	now=$(date +%s)
	systrace -ttt -e trace=getppid -o "$T/t" -- "$SEQ" slow > /dev/null
	run -0 awk -v now="$now" '/getppid/ { print ($1 >= now - 5 && $1 <= now + 60), ($1 ~ /^[0-9]+\.[0-9][0-9][0-9][0-9][0-9][0-9]$/) }' "$T/t"
	assert_output '1 1'
	systrace -r -e trace=clock_nanosleep,getppid -o "$T/t" -- "$SEQ" slow > /dev/null
	# getppid comes 60 ms after the sleep began
	run -0 awk '/getppid/ { print ($1 >= 0.06), ($1 ~ /^[0-9]+\.[0-9][0-9][0-9][0-9][0-9][0-9]$/) }' "$T/t"
	assert_output '1 1'
}

@test "attached to a stopped process, it stays stopped, and after detach too" {
	local T=$BATS_TEST_TMPDIR before
	start_helper systrace-spin 2 "$T/progress"
	wait_until [ -s "$T/progress" ]
	kill -STOP "$HELPER_PID"
	all_stopped() { ! thread_states "$HELPER_PID" | grep -qv '[tT]'; }
	wait_until all_stopped
	systrace -p "$HELPER_PID" -o /dev/null 2> "$T/err" &
	local tracer=$!
	track_pid $tracer
	wait_until grep -q 'attached with 3 threads' "$T/err"
	kill -INT $tracer
	wait $tracer
	run -0 thread_states "$HELPER_PID"
	assert_output "$(printf 'T\nT\nT')"
	grep -q '^TracerPid:[[:space:]]*0$' "/proc/$HELPER_PID/status"
	before=$(cat "$T/progress")
	kill -CONT "$HELPER_PID"
	wait_until progress_after "$T/progress" $((before + 10))
}

@test "true, cat and ls -la trace line for line as strace traces them" {
	local T=$BATS_TEST_TMPDIR c
	echo hello > "$T/file"
	mkdir "$T/dir" && echo a > "$T/dir/a" && ln -s a "$T/dir/l"
	# ls: getdents64's entry count, statx, the flags of its opens
	for c in /bin/true "/bin/cat $T/file" "/bin/ls -la $T/dir"; do
		# shellcheck disable=SC2086
		strace -o "$T/strace" $c > /dev/null
		# shellcheck disable=SC2086
		systrace -o "$T/systrace" $c > /dev/null
		# addresses, our pid and random bytes differ from run to run
		same() { sed -E 's/0x[0-9a-f]+/ADDR/g; s/ +=/ =/;
			s/^(set_tid_address\(ADDR\)) = [0-9]+$/\1 = PID/;
			s/^getrandom\("[^"]*"/getrandom("R"/' "$1"; }
		diff <(same "$T/strace") <(same "$T/systrace") || fail "$c differs"
	done
}

@test "--json: stat, sockaddr and poll are objects, field by field" {
	local T=$BATS_TEST_TMPDIR port rfd wfd
	systrace --json -o "$T/file" -- "$SEQ" file "$T" > /dev/null
	run -0 jq -c 'select(.name == "fstat") | .args[1]
		| [.mode, .size_bytes, .nlink, .uid == '"$(id -u)"', .blksize_bytes > 0,
		   (.mtime_unix > 1e9)]' "$T/file"
	assert_output '["S_IFREG|0644",6,1,true,true,true]'
	systrace --json -o "$T/sock" -- "$SEQ" socket > "$T/expected"
	port=$(sed -nE 's/^connect\(.*htons\(([0-9]+)\).*/\1/p' "$T/expected")
	[ "$port" -gt 0 ]
	run -0 jq -c 'select(.name == "connect") | .args[1]' "$T/sock"
	assert_line --index 0 '{"family":"AF_INET","port":'"$port"',"addr":"127.0.0.1"}'
	assert_line --index 1 '{"family":"AF_UNIX","path":"/nonexistent/systrace.sock","abstract":false}'
	run -0 jq -c 'select(.name == "sendmsg") | .args[1] | [.name, (.iov | map(.data)), .iov_count, .flags]' "$T/sock"
	assert_output '[null,["he","llo"],2,[]]'
	systrace --json -o "$T/poll" -- "$SEQ" poll > "$T/expected"
	read -r rfd wfd < <(sed -nE 's/^poll\(\[\{fd=([0-9]+), .*\{fd=([0-9]+), events.*/\1 \2/p' "$T/expected")
	run -0 jq -c 'select(.name == "poll") | [.args, .return]' "$T/poll"
	assert_output '[[[{"fd":'"$rfd"',"events":["POLLIN"],"revents":["POLLIN"]},{"fd":'"$wfd"',"events":["POLLOUT"],"revents":["POLLOUT"]}],2,0],2]'
	systrace --json -o "$T/sig" -- "$SEQ" signal > /dev/null
	run -0 jq -c 'select(.type == "signal") | [.siginfo, .pid]' "$T/sig"
	assert_output "$(jq -c -n --argjson uid "$(id -u)" --argjson p "$(jq 'select(.type == "signal") | .pid' "$T/sig")" \
		'[{"signo":"SIGUSR1","code":"SI_USER","pid":$p,"uid":$uid},$p]')"
	run -0 jq -n -r --arg cmd systrace --arg stream 1 -f "$TRIAGE_ROOT/tests/jsonvocab.jq" "$T/file" "$T/sock" "$T/poll" "$T/sig"
	assert_output ''
}

@test "--json: a hostile path is a JSON string of its bytes, nothing raw" {
	local T=$BATS_TEST_TMPDIR
	systrace --json -o "$T/json" -- "$SEQ" hostile > /dev/null
	run -0 jq -e -s 'map(select(.name == "openat" and .errno == "ENOENT"))
		| length == 1 and .[0].args[1] ==
		"/nonexistent/\u001b]0;pwned\u0007\u001b[31m\n"' "$T/json"
	assert_output true
	run -1 grep -q $'\e' "$T/json"
}

@test "statx, sysinfo and prctl as the helper made them and as strace shows them" {
	local T=$BATS_TEST_TMPDIR
	OPTS= trace_seq sys "$T"
	strace -o "$T/strace" -- "$SEQ" sys "$T" > /dev/null
	# the same lines but for addresses and what changes between two runs
	same() { grep -E '^(statx|sysinfo|prctl)\(' "$1" | sed -E 's/0x[0-9a-f]+/ADDR/g; s/ +=/ =/;
		s/(uptime|freeram|sharedram|bufferram|freeswap|procs)=[0-9]+/\1=N/g;
		s/loads=\[[0-9, ]+\]/loads=[N]/'; }
	run -0 diff <(same "$T/strace") <(same "$T/trace")
	[ "$(same "$T/trace" | wc -l)" -eq 16 ]
	systrace --json -o "$T/json" -- "$SEQ" sys "$T" > /dev/null
	run -0 jq -c 'select(.name == "statx" and .return == 0) | .args[4] | [.mode, .size_bytes, (.mask | index("STATX_BASIC_STATS") != null), .nlink]' "$T/json"
	assert_output '["S_IFREG|0640",6,true,1]'
	run -0 jq -c 'select(.name == "sysinfo") | .args[0] | [(.total_ram_bytes > 0), (.loads | length), .uptime_seconds > 0]' "$T/json"
	assert_output '[true,3,true]'
	run -0 jq -c 'select(.name == "prctl") | .args' "$T/json"
	assert_line --index 0 '["PR_SET_NAME","seq\u001bname"]'
	assert_line --index 3 '["PR_GET_PDEATHSIG","SIGTERM"]'
	assert_line --index 8 '["PR_CAPBSET_READ","CAP_SYS_ADMIN"]'
}

@test "-c --by path: path calls count for their file, relative or not; --by fd: an open for its fd" {
	local T=$BATS_TEST_TMPDIR fd
	systrace -c --by path -o "$T/path" -- "$SEQ" paths "$T" > "$T/out"
	# openat "a" (relative to the cwd), write 3, close, newfstatat "a",
	# access by absolute path, unlink: calls errors read written
	run -0 awk -v p="$T/a" '$NF == p { print $1, $2, $3, $4 }' "$T/path"
	assert_output '6 0 0 3'
	run -0 awk -v p="$T/nonexistent" '$NF == p { print $1, $2 }' "$T/path"
	assert_output '1 1'
	run -0 awk -v p="$T/d" '$NF == p { print $1, $2 }' "$T/path"
	assert_output '2 0'
	# strace -c agrees on the calls made on the helper's own paths
	fd=$(sed -n 's/^fd //p' "$T/out")
	systrace -c --by fd -o "$T/fd" -- "$SEQ" paths "$T" > /dev/null
	# the openat that returned fd, its write and its close
	run -0 awk -v f="$fd" '$NF == f { print $1, $4 }' "$T/fd"
	assert_output '3 3'
	strace -o "$T/strace" -- "$SEQ" paths "$T" > /dev/null
	run -0 grep -cE "^(openat\(AT_FDCWD, \"a\".* = $fd|write\($fd,|close\($fd\))" "$T/strace"
	assert_output 3
	# a path from the process is a row key escaped as everywhere else
	systrace -c --by path -o "$T/hostile" -- "$SEQ" hostile > /dev/null
	run -0 grep -F '/nonexistent/\e]0;pwned\x07\e[31m\n' "$T/hostile"
	run -1 grep -q $'\e' "$T/hostile"
}

@test "-v: every field of stat and statx as strace -v shows them" {
	local T=$BATS_TEST_TMPDIR m
	for m in sys file; do
		strace -v -o "$T/strace" -- "$SEQ" $m "$T" > /dev/null
		systrace -v -o "$T/systrace" -- "$SEQ" $m "$T" > /dev/null
		# the helper's file is new each run: its times and inode
		same() { grep -E '^(statx|fstat|newfstatat)\(' "$1" |
			sed -E 's/0x[0-9a-f]+/ADDR/g; s/ +=/ =/;
			s/(time=|tv_sec=|_ino=)[0-9]+/\1N/g; s/nsec=[0-9]+/nsec=N/g
			s|/\* [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+[+-][0-9]{4} \*/|/* DATE */|g'; }
		run -0 diff <(same "$T/strace") <(same "$T/systrace")
		[ "$(same "$T/systrace" | grep -c 'st_ino=\|stx_ino=')" -ge 1 ]
	done
}

@test "flags of open, pipe2, dup3, eventfd2, inotify, timerfd, memfd, fcntl; SIGRT names: as strace" {
	local T=$BATS_TEST_TMPDIR
	strace -o "$T/strace" -- "$SEQ" fdflags
	systrace -o "$T/systrace" -- "$SEQ" fdflags
	same() { sed -n '/^openat(AT_FDCWD, "\/nonexistent"/,$p' "$1" |
		grep -vE '^(exit_group|\+\+\+)' | sed -E 's/0x[0-9a-f]+/ADDR/g; s/ +=/ =/'; }
	run -0 diff <(same "$T/strace") <(same "$T/systrace")
	[ "$(same "$T/systrace" | wc -l)" -eq 23 ]
}

@test "values no table names, and ioctl requests of every shape, as strace shows them" {
	local T=$BATS_TEST_TMPDIR
	strace -o "$T/strace" -- "$SEQ" unknown
	systrace -o "$T/systrace" -- "$SEQ" unknown
	same() { sed -n '/^prctl(0x4d2/,$p' "$1" | grep -vE '^(exit_group|\+\+\+)' | sed -E 's/ +=/ =/'; }
	run -0 diff <(same "$T/strace") <(same "$T/systrace")
	[ "$(same "$T/systrace" | wc -l)" -eq 26 ]
	# what the comparison holds, so that it fails if both were wrong alike
	run -0 grep -c -F -e '0x63 /* RLIMIT_??? */' -e '0x4d /* AF_??? */' \
	    -e '0xfffffffa /* CLOCK_???' -e '0x9 /* SECCOMP_MODE_???' "$T/systrace"
	assert_output 5
	run -0 grep -F 'ioctl(1000, _IOC(_IOC_NONE, 0x56, 0x78, 0x1234), 0)' "$T/systrace"
	run -0 grep -F 'ioctl(1000, FIOCLEX) =' "$T/systrace"
	run -0 grep -F 'ioctl(1000, TCGETS, NULL) =' "$T/systrace"
	# JSON keeps the numbers
	systrace --json -o "$T/json" -- "$SEQ" unknown
	run -0 jq -c 'select(.name == "getrlimit") | .args[0]' "$T/json"
	assert_output 99
	run -0 jq -c 'select(.name == "ioctl" and .args[0] == 1000) | .args[1]' "$T/json"
	assert_line --index 0 305419896
	assert_line --index 3 '"TCGETS"'
}

@test "terminal ioctls on a pty: termios, winsize and ints decoded as strace decodes them" {
	local T=$BATS_TEST_TMPDIR
	script -qec "strace -o $T/strace -- $SEQ tty" /dev/null > /dev/null < /dev/null
	script -qec "systrace -o $T/systrace -- $SEQ tty" /dev/null > /dev/null < /dev/null
	same() { sed -n '/^ioctl(0, FIONREAD/,$p' "$1" | grep -vE '^(exit_group|\+\+\+)' |
		sed -E 's/0x[0-9a-f]{6,}/ADDR/g; s/ +=/ =/; s/TIOCGPGRP, \[[0-9]+\]/TIOCGPGRP, [PGRP]/
			s/SNDCTL_[A-Z_]+ or //'; }
	# (strace names TCSETS "SNDCTL_TMR_START or TCSETS": a sound
	# request has its number; on a terminal it is TCSETS)
	run -0 diff <(same "$T/strace") <(same "$T/systrace")
	# what the comparison holds, so that it fails if both were wrong alike
	run -0 same "$T/systrace"
	assert_line 'ioctl(0, TIOCGWINSZ, {ws_row=40, ws_col=120, ws_xpixel=0, ws_ypixel=0}) = 0'
	assert_line --regexp '^ioctl\(0, TCSETSW, \{c_iflag=[A-Z|]+, c_oflag=[A-Z0-9|]*OPOST[A-Z|]*, c_cflag=B[0-9]+\|CS8\|CREAD[A-Z|]*, c_lflag=ISIG\|ICANON\|ECHOE\|.*, \.\.\.\}\) = 0$'
	assert_line --regexp '^ioctl\(0, TCSETS, \{.*c_lflag=ISIG\|ICANON\|ECHO\|ECHOE\|.*\}\) = 0$'
	assert_line 'ioctl(0, TCXONC, 0x9 /* TC??? */) = -1 EINVAL (Invalid argument)'
	assert_line 'ioctl(0, FIOCLEX) = 0'
	assert_line --regexp '^ioctl\([0-9]+, TCGETS, ADDR\) = -1 ENOTTY '
	[ "$(same "$T/systrace" | wc -l)" -ge 18 ]
	# JSON: the structures as objects, the flags as arrays
	script -qec "systrace --json -o $T/json -- $SEQ tty" /dev/null > /dev/null < /dev/null
	run -0 jq -c 'select(.name == "ioctl" and .args[1] == "TIOCGWINSZ" and .return == 0) | .args[2]' "$T/json"
	assert_output '{"rows":40,"columns":120,"x_pixels":0,"y_pixels":0}'
	run -0 jq -r 'select(.name == "ioctl" and .args[1] == "TCSETS") | .args[2].lflag | index("ECHO") != null' "$T/json"
	assert_output true
}

@test "statfs, CPU sets and gid lists as strace shows them" {
	local T=$BATS_TEST_TMPDIR
	strace -o "$T/strace" -- "$SEQ" lists "$T"
	systrace -o "$T/systrace" -- "$SEQ" lists "$T"
	# free counts move between the two runs
	same() { sed -n '/^statfs(/,$p' "$1" | grep -E '^(statfs|fstatfs|sched_[gs]etaffinity|[gs]etgroups)\(' |
		sed -E 's/0x[0-9a-f]+/ADDR/g; s/ +=/ =/; s/(f_blocks|f_bfree|f_bavail|f_files|f_ffree)=[0-9]+/\1=N/g'; }
	run -0 diff <(same "$T/strace") <(same "$T/systrace")
	run -0 same "$T/systrace"
	assert_equal "${#lines[@]}" 10
	assert_line --regexp '^statfs\("/proc", \{f_type=PROC_SUPER_MAGIC, f_bsize=[0-9]+, .*f_flags=ST_VALID\|.*\}\) = 0$'
	assert_line 'statfs("/nonexistent", ADDR) = -1 ENOENT (No such file or directory)'
	assert_line --regexp "^sched_getaffinity\(0, 128, \[0( [0-9]+)*\]\) = [0-9]+$"
	assert_line 'getgroups(0, NULL) = 0'
	assert_line 'getgroups(-1, ADDR) = -1 EINVAL (Invalid argument)'
	systrace --json -o "$T/json" -- "$SEQ" lists "$T"
	run -0 jq -c 'select(.name == "statfs" and .args[0] == "/proc") | .args[1] | [.type, (.flags | index("ST_VALID") != null)]' "$T/json"
	assert_output '["PROC_SUPER_MAGIC",true]'
	run -0 jq -c 'select(.name == "sched_getaffinity") | .args[2] | .[0]' "$T/json"
	assert_output 0
}

@test "socket options, protocols and value-result lengths as strace shows them" {
	local T=$BATS_TEST_TMPDIR
	strace -o "$T/strace" -- "$SEQ" sockopts
	systrace -o "$T/systrace" -- "$SEQ" sockopts
	# ports and pids change between the two runs
	same() { sed -n '/^socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)/,$p' "$1" | grep -vE '^(exit_group|\+\+\+)' |
		sed -E 's/0x[0-9a-f]{6,}/ADDR/g; s/ +=/ =/; s/htons\([0-9]+\)/htons(P)/g; s/(nl_pid|pid)=[0-9]+/\1=N/g'; }
	run -0 diff <(same "$T/strace") <(same "$T/systrace")
	run -0 same "$T/systrace"
	assert_equal "${#lines[@]}" 28
	assert_line --regexp '^setsockopt\([0-9]+, SOL_SOCKET, SO_REUSEADDR, \[1\], 4\) = 0$'
	assert_line --regexp '^setsockopt\([0-9]+, SOL_SOCKET, SO_LINGER, \{l_onoff=1, l_linger=5\}, 8\) = 0$'
	assert_line --regexp '^setsockopt\([0-9]+, SOL_TCP, TCP_CONGESTION, "cubic", 5\) = '
	assert_line --regexp '^getsockopt\([0-9]+, SOL_SOCKET, SO_ERROR, \[0\], \[16 => 4\]\) = 0$'
	assert_line --regexp '^setsockopt\([0-9]+, SOL_SOCKET, 0x3e7 /\* SO_\?\?\? \*/, \[1\], 4\) = -1 ENOPROTOOPT '
	assert_line --regexp '^accept4\([0-9]+, \{sa_family=AF_INET, sin_port=htons\(P\), sin_addr=inet_addr\("127.0.0.1"\)\}, \[128 => 16\], SOCK_CLOEXEC\) = [0-9]+$'
	assert_line --regexp '^socket\(AF_NETLINK, SOCK_RAW, NETLINK_SOCK_DIAG\) = [0-9]+$'
	systrace --json -o "$T/json" -- "$SEQ" sockopts
	run -0 jq -c 'select(.name == "setsockopt" and .args[2] == "SO_LINGER") | .args[3]' "$T/json"
	assert_output '{"on":1,"linger_seconds":5}'
	run -0 jq -c 'select(.name == "getsockopt" and .args[2] == "SO_ERROR") | .args[3:]' "$T/json"
	assert_output '[0,4]'
}

@test "rusage, times, priorities, and every other call with its own argument count, as strace shows them" {
	local T=$BATS_TEST_TMPDIR
	strace -o "$T/strace" -- "$SEQ" misc
	systrace -o "$T/systrace" -- "$SEQ" misc
	# times and CPU times move between the two runs
	same() { sed -n '/^getrusage(/,$p' "$1" | grep -vE '^(exit_group|\+\+\+)' |
		sed -E 's/0x[0-9a-f]{6,}/ADDR/g; s/ +=/ =/; s/(tv_sec|tv_usec|tv_nsec|tms_[a-z]+)=[0-9]+/\1=N/g;
			s|/\* [0-9.]+ s \*/|/* S */|g; s/^(times\(.*\)) = [0-9]+$/\1 = T/'; }
	run -0 diff <(same "$T/strace") <(same "$T/systrace")
	run -0 same "$T/systrace"
	assert_equal "${#lines[@]}" 34
	assert_line --regexp '^sigaltstack\(\{ss_sp=ADDR, ss_flags=0, ss_size=65536\}, \{ss_sp=NULL, ss_flags=SS_DISABLE, ss_size=0\}\) = 0$'
	assert_line 'ioprio_set(IOPRIO_WHO_PROCESS, 0, IOPRIO_PRIO_VALUE(IOPRIO_CLASS_IDLE, 7)) = 0'
	assert_line --regexp '^flock\([0-9]+, LOCK_SH\|LOCK_NB\) = 0$'
	assert_line 'prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_CHOWN, 0, 0) = 0'
	assert_line --regexp '^timerfd_settime\([0-9]+, TFD_TIMER_ABSTIME, \{it_interval=\{tv_sec=N, tv_nsec=N\}, it_value=\{tv_sec=N, tv_nsec=N\}\}, NULL\) = 0$'
	assert_line 'getrusage(RUSAGE_SELF, {ru_utime={tv_sec=N, tv_usec=N}, ru_stime={tv_sec=N, tv_usec=N}, ...}) = 0'
	assert_line 'getpriority(0x9 /* PRIO_??? */, 0) = -1 EINVAL (Invalid argument)'
	assert_line 'sync() = 0'
	assert_line --regexp '^clock_nanosleep\(CLOCK_MONOTONIC, TIMER_ABSTIME, '
	assert_line 'mlockall(MCL_CURRENT|MCL_FUTURE) = 0'
	# JSON has every rusage field
	systrace --json -o "$T/json" -- "$SEQ" misc
	run -0 jq -r 'select(.name == "getrusage") | .args[1] | has("voluntary_switches") and has("max_rss_kb")' "$T/json"
	assert_line --index 0 true
}

@test "clone's arguments as named fields, as strace shows them" {
	local T=$BATS_TEST_TMPDIR
	strace -o "$T/strace" -- "$SEQ" fork > /dev/null
	systrace -o "$T/systrace" -- "$SEQ" fork > /dev/null
	same() { grep '^clone(' "$1" | sed -E 's/0x[0-9a-f]+/ADDR/g; s/ += [0-9]+$/ = PID/'; }
	run -0 diff <(same "$T/strace") <(same "$T/systrace")
	run -0 same "$T/systrace"
	assert_output 'clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=ADDR) = PID'
	systrace --json -o "$T/json" -- "$SEQ" fork > /dev/null
	run -0 jq -c 'select(.name == "clone") | [.args[0].flags, .args[0].child_stack, (.raw | length)]' "$T/json"
	assert_output '[["CLONE_CHILD_CLEARTID","CLONE_CHILD_SETTID","SIGCHLD"],0,5]'
}
