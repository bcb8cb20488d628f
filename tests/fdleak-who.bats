#!/usr/bin/env bats
# fdleak-who.bats - fdleak's "who" questions (-i, FILE, +D, +L1, -u, -x)
# against lsof on the same helper processes: the same pids and fds.

bats_require_minimum_version 1.5.0
load common

# "PID FD" lines of lsof -F pf on stdin, sorted
lsof_pf() {
	awk '/^p/ { p = substr($0, 2) } /^f/ { print p, substr($0, 2) }' | sort
}

# "PID FD" lines of fdleak --json in $output (FD: the number, or cwd...)
fdleak_pf() {
	jq -r '.processes[] | .pid as $p | .fds[] | "\($p) \(.fd // .name)"' <<<"$output" | sort
}

# start_nobody: fdleak-hold 5 as nobody; NOB its pid
start_nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$HELPERS/fdleak-hold" 5 > "$BATS_TEST_TMPDIR/hold" &
	NOB=$!
	STARTED_PIDS+=("$NOB")
	wait_until grep -q ready "$BATS_TEST_TMPDIR/hold"
}

# keep the lines of the helper and its child (the machine has others)
ours() {
	awk -v a="$P" -v b="$PEER" '$1 == a || $1 == b'
}

@test "-i :PORT names the same pids as lsof -i :PORT -t, and the same fds" {
	start_set
	local port=$(ready_field port)
	run -0 --separate-stderr fdleak -i ":$port" --json
	json_vocab fdleak
	local mine=$(fdleak_pf)
	assert [ "$(wc -l <<<"$mine")" -ge 4 ]	# listener, two ends, CLOSE_WAIT
	assert_equal "$mine" "$(lsof -n -P -i ":$port" -F pf | lsof_pf)"
	assert_equal "$(jq -r '.processes[].pid' <<<"$output" | sort -u)" \
		"$(lsof -n -P -i ":$port" -t | sort -u)"
	# the text table says the same
	run -0 --separate-stderr fdleak -i "tcp@127.0.0.1:$port" -o pid,fd --no-header
	assert_equal "$(awk '{ print $1, $2 }' <<<"$output" | sort)" "$mine"
	# -i tcp and -i 4 include it; -i udp and -i 6 do not
	run -0 --separate-stderr fdleak -i tcp -p "$P" -o fd --no-header
	assert_line --regexp "^ *$(ready_field lis)$"
	run -0 --separate-stderr fdleak -i 6 -p "$P" -o fd --no-header
	refute_line --regexp "^ *$(ready_field lis)$"
	run -0 --separate-stderr fdleak -i udp -p "$P" -o fd --no-header
	refute_line --regexp "^ *$(ready_field lis)$"
	if [ "$(ready_field port6)" != -1 ]; then
		run -0 --separate-stderr fdleak -i "@[::1]:$(ready_field port6)" --json
		assert_equal "$(fdleak_pf)" "$(lsof -n -P -i "@[::1]:$(ready_field port6)" -F pf | lsof_pf)"
	fi
}

@test "-i @HOST: who talks to an address (loopback), as lsof -i @HOST" {
	start_set
	run -0 --separate-stderr fdleak -i @127.0.0.1 --json
	assert_equal "$(fdleak_pf | ours)" "$(lsof -n -P -i @127.0.0.1 -F pf | lsof_pf | ours)"
	assert [ -n "$(fdleak_pf | ours)" ]
}

@test "FILE: who holds a file, as lsof FILE (fds and txt)" {
	start_set
	run -0 --separate-stderr fdleak "$DIR/plain.txt" --json
	json_vocab fdleak
	local mine=$(fdleak_pf)
	# the helper and its child (forked after the open) hold it
	assert_equal "$(wc -l <<<"$mine")" 2
	assert_equal "$mine" "$(lsof -F pf "$DIR/plain.txt" | lsof_pf)"
	# the program file: lsof's txt row, for both processes
	run -0 --separate-stderr fdleak "$HELPERS/fdleak-set" --json
	assert_equal "$(fdleak_pf | ours)" "$(lsof -F pf "$HELPERS/fdleak-set" | lsof_pf | ours)"
	assert_equal "$(fdleak_pf | ours | awk '{ print $2 }' | sort -u)" txt
	# a unix socket's path names the socket, as in lsof
	run -0 --separate-stderr fdleak "$DIR/listen.sock" --json
	assert_equal "$(fdleak_pf)" "$(lsof -F pf "$DIR/listen.sock" | lsof_pf)"
	# options after operands
	run -0 --separate-stderr fdleak "$DIR/plain.txt" -o pid --no-header
	assert_equal "$(sort -n <<<"$output" | tr -d ' ' | tr '\n' ' ')" "$(printf '%s\n' "$P" "$PEER" | sort -n | tr '\n' ' ')"
	run -2 --separate-stderr fdleak "$DIR/no-such-file"
	assert_equal "$stderr" "fdleak: $DIR/no-such-file: No such file or directory"
}

@test "+D DIR: who holds anything under a directory, as lsof +D" {
	start_set
	run -0 --separate-stderr fdleak +D "$DIR" --json
	json_vocab fdleak
	assert [ "$(fdleak_pf | wc -l)" -ge 8 ]
	assert_equal "$(fdleak_pf)" "$(lsof +D "$DIR" -F pf | lsof_pf)"
	run -0 --separate-stderr fdleak --dir "$DIR" --json
	assert_equal "$(fdleak_pf)" "$(lsof +D "$DIR" -F pf | lsof_pf)"
}

@test "+L1: who holds deleted files, as lsof +L1, and the bytes they pin" {
	start_set
	run -0 --separate-stderr fdleak +L1 --json
	json_vocab fdleak
	assert_equal "$(fdleak_pf | ours)" "$(lsof +L1 -F pf | lsof_pf | ours)"
	# deleted.bin (12345 bytes) is pinned by both processes, on DIR's fs
	local del=$(ready_field del) dev
	assert_equal "$(jq -r ".processes[] | select(.pid == $P) | .fds[] | select(.fd == $del) | .size_bytes" <<<"$output")" 12345
	dev=$(stat -c '%Hd:%Ld' "$DIR")
	jq -e --arg d "$dev" '.pinned[] | select(.device == $d) | .size_bytes >= 24690 and .files >= 2' <<<"$output"
	run -0 --separate-stderr fdleak +L1 -p "$P"
	assert_line --regexp "^ *$P .* $del REG .* 12345 +0 $DIR/deleted.bin \\(deleted, 12345 bytes\\)$"
	# (the helper's stdout, a fifo start_helper removed, is one too)
	assert_line --regexp "^pinned: 12345 bytes in [0-9]+ deleted files? on .* \\([a-z0-9]+, $dev\\)$"
	no_raw_escapes
}

@test "-u USER: the fds of a user's processes; -p and -u together" {
	start_set
	run -0 --separate-stderr fdleak -u root -p "$P" -o pid --no-header
	assert_equal "$(tr -d ' ' <<<"$output" | sort -u)" "$P"
	run -0 --separate-stderr fdleak -u nobody -p "$P" -o pid --no-header
	assert_output ""
	# a process of nobody, found by -u alone, and nothing of root's
	start_nobody
	local nob=$NOB
	run -0 --separate-stderr fdleak -u nobody --json
	json_vocab fdleak
	assert_equal "$(jq -r '[.processes[].uid] | unique | .[]' <<<"$output")" 65534
	jq -e --argjson p "$nob" '[.processes[].pid] | index($p) != null' <<<"$output"
	assert_equal "$(jq -r ".processes[] | select(.pid == $nob) | .fds | length" <<<"$output")" \
		"$(lsof -a -p "$nob" -d '^cwd,^rtd,^txt,^mem' -F f | grep -c '^f')"
	run -2 --separate-stderr fdleak -u no-such-user-here
	assert_equal "$stderr" "fdleak: -u no-such-user-here: no such user"
}

@test "-x: cwd, rtd, txt and mem rows equal lsof's" {
	start_set
	run -0 --separate-stderr fdleak -x -p "$P" --json
	json_vocab fdleak
	local mine theirs
	mine=$(jq -r '.processes[0].fds[] | select(.name) | "\(.name) \(.link)"' <<<"$output" | sort)
	theirs=$(lsof -a -p "$P" -d cwd,rtd,txt,mem -F fn | awk '/^f/ { f = substr($0, 2) } /^n/ { print f, substr($0, 2) }' | sort)
	assert_equal "$mine" "$theirs"
	run -0 --separate-stderr fdleak -x -p "$P"
	assert_line --regexp "^ *$P +cwd DIR .* $(pwd)$"
	assert_line --regexp "^ *$P +txt REG .* $HELPERS/fdleak-set$"
}

@test "an unbound UDPv6 socket is named by its protocol, as lsof names it" {
	start_set
	local u6=$(ready_field u6)
	[ "$u6" != -1 ] || skip "no IPv6 on this machine"
	run -0 --separate-stderr fdleak -p "$P"
	assert_regex "$(awk -v fd="$u6" '$2 == fd' <<<"$output")" " SOCK .* UDP6 \\(unbound\\)$"
	assert_equal "$(lsof -a -p "$P" -d "$u6" -F n | sed -n 's/^n//p')" "protocol: UDPv6"
	run -0 --separate-stderr fdleak -p "$P" --json
	assert_equal "$(jq -c ".processes[0].fds[] | select(.fd == $u6) | .socket | [.protocol, .bound]" <<<"$output")" '["UDP6",false]'
	# -i 6 and -i udp find it; -i :53 does not
	run -0 --separate-stderr fdleak -i 6udp -p "$P" -o fd --no-header
	assert_line --regexp "^ *$u6$"
	run -0 --separate-stderr fdleak -i :53 -p "$P" -o fd --no-header
	assert_output ""
}

@test "unix sockets show LISTEN and CONNECTED in text and JSON, as lsof" {
	start_set
	local ulis=$(ready_field ulis) sp=$(ready_field sp)
	run -0 --separate-stderr fdleak -p "$P"
	assert_regex "$(awk -v fd="$ulis" '$2 == fd' <<<"$output")" " UNIX-STREAM $DIR/listen.sock LISTEN$"
	assert_regex "$(awk -v fd="${sp%,*}" '$2 == fd' <<<"$output")" " UNIX-STREAM \\(unnamed\\) CONNECTED peer "
	assert_regex "$(lsof -a -p "$P" -d "$ulis" | tail -1)" "\\(LISTEN\\)$"
	assert_regex "$(lsof -a -p "$P" -d "${sp%,*}" | tail -1)" "\\(CONNECTED\\)$"
	run -0 --separate-stderr fdleak -p "$P" --json
	assert_equal "$(jq -r ".processes[0].fds[] | select(.fd == $ulis) | .socket.state" <<<"$output")" LISTEN
	assert_equal "$(jq -r ".processes[0].fds[] | select(.fd == ${sp%,*}) | .socket.state" <<<"$output")" CONNECTED
}

@test "as nobody: a partial view that says what is missing, naming the capability" {
	start_set
	start_nobody
	# (nobody may not look into the test's directory: /dev/null, which
	# nobody's helper holds too)
	run -0 --separate-stderr setpriv --reuid=nobody --regid=nogroup --clear-groups "$TRIAGE_BIN/fdleak" /dev/null -o pid,user --no-header
	assert_equal "$(awk '{ print $2 }' <<<"$output" | sort -u)" nobody
	assert_regex "$stderr" "^fdleak: [0-9]+ processes not read \\(pid [0-9]+ first\\): fd: Permission denied \\(needs CAP_SYS_PTRACE"
	run -2 --separate-stderr setpriv --reuid=nobody --regid=nogroup --clear-groups "$TRIAGE_BIN/fdleak" -p "$P"
	assert_equal "${#stderr_lines[@]}" 1
	assert_regex "$stderr" "CAP_SYS_PTRACE"
}
