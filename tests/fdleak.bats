#!/usr/bin/env bats
# fdleak.bats - fdleak against live helpers that hold known fds.

bats_require_minimum_version 1.5.0
load common

# The list line of fd $1 (columns: PID FD TYPE MODE FLAGS POS TARGET).
fd_line() {
	printf '%s\n' "$output" | awk -v fd="$1" '$2 == fd { print; exit }'
}

@test "every fd of the known set is listed as the helper opened it" {
	start_set
	run -0 --separate-stderr fdleak -p "$P"
	assert [ -z "$stderr" ]
	no_raw_escapes
	local f
	f=$(ready_field reg)
	assert_regex "$(fd_line "$f")" "^ *$P +$f REG +rw +- +0 +0 $DIR/plain.txt$"
	f=$(ready_field regce)
	assert_regex "$(fd_line "$f")" " REG +rw +CLOEXEC,APPEND +0 +0 $DIR/cloexec.txt$"
	f=$(ready_field del)
	assert_regex "$(fd_line "$f")" " REG +rw +- +12345 +12345 $DIR/deleted.bin \\(deleted, 12345 bytes\\)$"
	f=$(ready_field dir)
	assert_regex "$(fd_line "$f")" " DIR +r +- +0 +[0-9]+ $DIR$"
	f=$(ready_field pipe)
	assert_regex "$(fd_line "$f")" " FIFO +r +- +0 +- pipe:\\[[0-9]+\\] peer $(ready_field peer) \\(fdleak-peer\\) fd [0-9]+$"
	local sp=$(ready_field sp)
	assert_regex "$(fd_line "${sp%,*}")" " SOCK +rw .* UNIX-STREAM \\(unnamed\\) CONNECTED peer $P \\(.*fdset\\) fd ${sp#*,}$"
	assert_regex "$(fd_line "${sp#*,}")" " SOCK .* peer $P \\(.*fdset\\) fd ${sp%,*}$"
	local port=$(ready_field port)
	assert_regex "$(fd_line "$(ready_field lis)")" " SOCK .* TCP 127.0.0.1:$port LISTEN$"
	assert_regex "$(fd_line "$(ready_field est)")" " TCP 127.0.0.1:[0-9]+ -> 127.0.0.1:$port ESTABLISHED$"
	assert_regex "$(fd_line "$(ready_field acc)")" " TCP 127.0.0.1:$port -> 127.0.0.1:[0-9]+ ESTABLISHED$"
	assert_regex "$(fd_line "$(ready_field cw)")" " TCP 127.0.0.1:[0-9]+ -> 127.0.0.1:$port CLOSE_WAIT$"
	port=$(ready_field port6)
	if [ "$port" = -1 ]; then
		echo "# no IPv6 loopback on this machine: TCP6 not checked" >&3
	else
		assert_regex "$(fd_line "$(ready_field lis6)")" " SOCK .* TCP6 \\[::1\\]:$port LISTEN$"
		assert_regex "$(fd_line "$(ready_field est6)")" " TCP6 \\[::1\\]:[0-9]+ -> \\[::1\\]:$port ESTABLISHED$"
		assert_regex "$(fd_line "$(ready_field acc6)")" " TCP6 \\[::1\\]:$port -> \\[::1\\]:[0-9]+ ESTABLISHED$"
	fi
	assert_regex "$(fd_line "$(ready_field efd)")" " eventfd +rw .* eventfd count=7$"
	assert_regex "$(fd_line "$(ready_field ep)")" " eventpoll .* eventpoll watching 1 fds $(ready_field efd)$"
	assert_regex "$(fd_line "$(ready_field tfd)")" " timerfd .* timerfd clock=1 value=[0-9.]+s interval=100.000s$"
	assert_regex "$(fd_line "$(ready_field sfd)")" " signalfd .* signalfd SIGUSR1$"
	assert_regex "$(fd_line "$(ready_field ino)")" " inotify .* inotify 1 watch$"
	assert_regex "$(fd_line "$(ready_field mfd)")" " memfd +rw .* /memfd:fdleak-memfd \\(deleted, 0 bytes\\)$"
	assert_regex "$(fd_line "$(ready_field pidfd)")" " pidfd +rw +CLOEXEC .* pidfd pid $(ready_field peer)$"
	# netlink: protocol 0, NETLINK_ROUTE; the kernel gives the first
	# bound socket of a process its pid as port id
	assert_regex "$(fd_line "$(ready_field nl)")" " SOCK +rw .* NETLINK ROUTE port $P$"
	# packet: ETH_P_ARP is 0x0806, no interface bound
	assert_regex "$(fd_line "$(ready_field pk)")" " SOCK +rw .* PACKET ethertype 0x0806 iface 0$"
}

@test "sockets are resolved in the target's own network namespace" {
	# the known set, in a new network namespace with its own loopback;
	# unshare execs in place, so the helper keeps its pid
	local wrap=$BATS_TEST_TMPDIR/wrap
	mkdir -p "$wrap"
	printf '#!/bin/sh\nexec unshare -n sh -c %s sh "$@"\n' \
		"'ip link set lo up && exec $HELPERS/fdleak-set \"\$@\"'" \
		> "$wrap/fdleak-set"
	chmod +x "$wrap/fdleak-set"
	HELPERS=$wrap start_set
	[ "$(readlink /proc/$P/ns/net)" != "$(readlink /proc/self/ns/net)" ]
	local port=$(ready_field port)
	# the host's namespace does not have that listener
	run -0 ss -Htan "sport = :$port"
	assert_output ""
	run -0 --separate-stderr fdleak -p "$P"
	assert_regex "$(fd_line "$(ready_field lis)")" " SOCK .* TCP 127.0.0.1:$port LISTEN$"
	assert_regex "$(fd_line "$(ready_field cw)")" " TCP 127.0.0.1:[0-9]+ -> 127.0.0.1:$port CLOSE_WAIT$"
	# unix peers come from sock_diag opened in the target's namespace
	local sp=$(ready_field sp)
	assert_regex "$(fd_line "${sp%,*}")" " UNIX-STREAM \\(unnamed\\) CONNECTED peer $P \\(.*fdset\\) fd ${sp#*,}$"
	# and ss run inside that namespace agrees
	run -0 nsenter -t "$P" -n ss -Htan "sport = :$port"
	assert_output --regexp "^LISTEN "
	# with a second target in the host's namespace, read alongside:
	# each target's sockets come from its own namespace's table
	local nsp=$P nslis=$(ready_field lis) hostp hostport hostlis
	start_set
	hostp=$P hostport=$(ready_field port) hostlis=$(ready_field lis)
	run -0 --separate-stderr fdleak --no-header -p "$hostp,$nsp"
	assert_regex "$(awk -v p="$hostp" -v fd="$hostlis" '$1 == p && $2 == fd' <<<"$output")" " TCP 127.0.0.1:$hostport LISTEN$"
	assert_regex "$(awk -v p="$nsp" -v fd="$nslis" '$1 == p && $2 == fd' <<<"$output")" " TCP 127.0.0.1:$port LISTEN$"
	assert_equal "$(awk '{ print $1 }' <<<"$output" | uniq | tr '\n' ' ')" "$hostp $nsp "
}

@test "the count equals ls /proc/PID/fd | wc -l, in the list, --summary and --json" {
	start_set
	local n
	n=$(ls "/proc/$P/fd" | wc -l)
	run -0 fdleak --no-header -p "$P"
	assert_equal "${#lines[@]}" "$n"
	run -0 fdleak -s -p "$P"
	assert_output --partial "): $n fds open; soft limit $(awk '/Max open files/ {print $4}' "/proc/$P/limits")"
	run -0 fdleak --json -p "$P"
	assert_equal "$(jq '.processes[0].count' <<<"$output")" "$n"
	assert_equal "$(jq '.processes[0].fds | length' <<<"$output")" "$n"
	assert_equal "$(jq -r ".processes[0].fds[] | select(.fd == $(ready_field reg)) | .cloexec" <<<"$output")" false
	assert_equal "$(jq -r ".processes[0].fds[] | select(.fd == $(ready_field regce)) | .cloexec" <<<"$output")" true
	# socket and pipe links (which fdleak makes from fdinfo's mount and
	# inode after the first of each) are readlink's, fd by fd
	local f l mine theirs=
	mine=$(jq -r '.processes[0].fds[] | select(.link | test("^(socket|pipe):")) | "\(.fd) \(.link)"' <<<"$output" | sort)
	for f in /proc/$P/fd/*; do
		l=$(readlink "$f")
		[[ $l == socket:* || $l == pipe:* ]] && theirs+="${f##*/} $l"$'\n'
	done
	assert_equal "$mine" "$(sort <<<"${theirs%$'\n'}")"
	assert [ "$(grep -c socket: <<<"$mine")" -ge 10 ]
}

@test "TCP endpoints and states agree with ss -tanp" {
	start_set
	local mine theirs
	mine=$(fdleak --no-header -p "$P" | awk '$3 == "SOCK" && $8 ~ /^TCP6?$/ {
		if ($10 == "->") print $2, $9, $11, $12; else print $2, $9, "-", $10 }' | sort)
	theirs=$(ss -tanpH | grep "pid=$P," | awk '{
		st = $1; sub(/ESTAB/, "ESTABLISHED", st); sub(/CLOSE-WAIT/, "CLOSE_WAIT", st)
		match($0, /fd=[0-9]+/); fd = substr($0, RSTART + 3, RLENGTH - 3)
		if (st == "LISTEN") print fd, $4, "-", st; else print fd, $4, $5, st }' | sort)
	assert [ -n "$mine" ]
	assert_equal "$mine" "$theirs"
}

@test "a file named with terminal escapes and a newline is printed escaped" {
	start_set
	run -0 fdleak -p "$P"
	no_raw_escapes
	assert_regex "$(fd_line "$(ready_field esc)")" "$DIR/\\\\e\\]0;pwned\\\\x07\\\\nevil$"
	assert_output --partial 'pid '"$P"' (\e[31mfdset)'
	run -0 fdleak --json -p "$P"
	no_raw_escapes
	jq -e . <<<"$output" >/dev/null
}

@test "a unix socket name with escapes and a newline is whole, escaped; JSON has its bytes" {
	start_set
	local u=$(ready_field uesc)
	run -0 --separate-stderr fdleak -p "$P"
	no_raw_escapes
	assert_regex "$(fd_line "$u")" " SOCK +rw .* UNIX-STREAM @fdset-$P\\\\e\\]0;x\\\\x07\\\\nu LISTEN$"
	run -0 --separate-stderr fdleak --json -p "$P"
	assert_equal "$(jq -r ".processes[0].fds[] | select(.fd == $u) | .socket.path" <<<"$output")" "@fdset-$P"$'\e]0;x\a\nu'
	assert_equal "$(jq -r ".processes[0].fds[] | select(.fd == $u) | .socket.state" <<<"$output")" LISTEN
	local ino=$(jq -r ".processes[0].fds[] | select(.fd == $u) | .socket.inode" <<<"$output")
	# ss finds the same socket by that name, a listener of that inode
	# (ss prints the name raw, its newline too)
	run -0 ss -Hxl src "@fdset-$P"$'\e]0;x\a\nu'
	assert_output --regexp "^u_str +LISTEN .*"$'\n'"u $ino "
}

@test "a listing reads only the socket tables its target's sockets need" {
	# 16 files, 8 pipes, 8 unix pairs, 8 TCP pairs and a TCP listener
	start_helper fdleak-hold 64
	local st=$BATS_TEST_TMPDIR/strace
	# LeakSanitizer cannot run under a tracer (the SANITIZE=1 build)
	ASAN_OPTIONS=detect_leaks=0 run -0 --separate-stderr \
		strace -f -qq -o "$st" -e trace=openat,socket,sendto \
		fdleak -p "$HELPER_PID"
	assert_equal "$(grep -c ' TCP 127\.0\.0\.1:[0-9]* -> 127\.0\.0\.1:[0-9]* ESTABLISHED$' <<<"$output")" 16
	assert_equal "$(grep -c ' UNIX-STREAM (unnamed) CONNECTED peer ' <<<"$output")" 16
	assert_equal "$(grep -c ' TCP 127\.0\.0\.1:[0-9]* LISTEN$' <<<"$output")" 1
	# one sock_diag socket: the TCP dump, then unix with names and peers
	assert_equal "$(grep -c 'NETLINK_SOCK_DIAG' "$st")" 1
	assert_equal "$(grep -c '^[0-9]* *sendto(' "$st")" 2
	# every socket found there: no text table is read (net/udp, net/unix, ...)
	run grep '"net/' "$st"
	assert_failure
	assert_output ""
}

@test "--summary is the count against the target's own limits, with warnings" {
	start_set
	run -0 fdleak -s --json -p "$P"
	assert_equal "$(jq '.processes[0].soft_limit' <<<"$output")" "$(awk '/Max open files/ {print $4}' "/proc/$P/limits")"
	run -0 fdleak -s --max-pct 0 -p "$P"
	run -1 fdleak -s -c --max-pct 0 -p "$P"
	run -0 fdleak -s -c -p "$P"
	# a process with an fd above 1024 and 90% of a soft limit of 1100
	run -0 bash -c 'ulimit -n 1100; exec 1050< /dev/null; for ((i = 0; i < 990; i++)); do exec {x}< /dev/null; done; fdleak -s -p $$; true'
	assert_output --partial "warning: "
	assert_output --partial "of the soft limit is used (over 80%)"
	assert_output --partial "select() cannot watch them"
}

@test "--top ranks processes by fd count and by % of their limit" {
	start_set
	run -0 bash -c 'ulimit -n 100; exec 3<&- ; for ((i = 0; i < 80; i++)); do exec {x}< /dev/null; done; fdleak --top 3 --json'
	jq -e '.file_max > 0 and .file_nr > 0' <<<"$output"
	assert_equal "$(jq '.by_count | length' <<<"$output")" 3
	# the bash above holds 80+ of a limit of 100: first by percent
	assert_equal "$(jq -r '.by_percent[0].soft_limit' <<<"$output")" 100
	run -0 fdleak --top=2
	assert_line --index 0 --regexp '^system: [0-9]+ file handles in use of file-max [0-9]+'
	assert_line "by fd count:"
}

@test "--watch finds a socket leak: group, rate within 20%, time to the limit" {
	start_helper fdleak-leak 40 leak
	run -1 fdleak --watch -c -i 0.5 -n 6 --json -p "$HELPER_PID"
	local rep
	rep=$(tail -n 1 <<<"$output")
	assert_equal "$(jq -r .leaking <<<"$rep")" true
	local g
	g=$(jq -c '[.groups[] | select(.growing)]' <<<"$rep")
	assert_equal "$(jq length <<<"$g")" 1
	assert_regex "$(jq -r '.[0].group' <<<"$g")" "^TCP -> 127.0.0.1:$(ready_field port) CLOSE_WAIT$"
	jq -e '.[0].rate_per_second >= 32 and .[0].rate_per_second <= 48' <<<"$g"
	jq -e '.rate_per_second >= 32 and .rate_per_second <= 48' <<<"$rep"
	# soft limit minus the count, over 40/s
	jq -e '.seconds_to_limit > 0 and ((.seconds_to_limit - ('"$(awk '/Max open files/ {print $4}' "/proc/$HELPER_PID/limits")"' - .count) / 40) | fabs) < 0.2 * .seconds_to_limit' <<<"$rep"
	run -1 fdleak --watch -c -i 0.5 -n 3 -p "$HELPER_PID"
	assert_output --partial "diagnosis: TCP -> 127.0.0.1:"
	assert_output --partial "verdict: leaking"
}

@test "--watch: opening and closing at the same rate is not a leak" {
	start_helper fdleak-leak 40 churn
	run -0 fdleak --watch -c -i 0.5 -n 6 -p "$HELPER_PID"
	assert_output --partial "verdict: no leak seen"
	refute_output --partial "growing groups"
}

@test "run mode reports exactly the fds the program leaves open, and its status" {
	# LeakSanitizer cannot run in a traced program (a sanitizer build of
	# the helper); fdleak's own leaks are checked by the other tests.
	export ASAN_OPTIONS=detect_leaks=0
	run -3 --separate-stderr fdleak -- "$HELPERS/fdleak-exit"
	local want got
	want=$(sed -n 's/^leaked //p' <<<"$output" | tr ' ' '\n' | sort -n | tr '\n' ' ')
	got=$(sed -n 's/^fdleak:   fd \([0-9]*\) .*/\1/p' <<<"$stderr" | sort -n | tr '\n' ' ')
	assert_equal "$got" "$want"
	[[ $stderr == *"exited 3 with 3 fds open beyond"* ]]
	run -3 --separate-stderr fdleak -f -- "$HELPERS/fdleak-exit" fork
	local child cfd
	read -r _ child _ cfd < <(grep '^child' <<<"$output")
	[[ $stderr == *"pid $child (fdleak-exit) exited 0 with 1 fd open"* ]] || fail "$stderr"
	run -0 fdleak -- true
	run -1 fdleak -- false
}

@test "--close closes the fd and the process runs on" {
	start_set
	local f=$(ready_field reg)
	run -0 fdleak --close "$f" -p "$P"
	assert_output "pid $P: closed fd $f ($DIR/plain.txt)"
	assert [ ! -e "/proc/$P/fd/$f" ]
	kill -USR2 "$P"
	helper_line
	assert_equal "$REPLY" "alive reg=closed"
	run -2 --separate-stderr fdleak --close 1 -p "$P"
	[[ $stderr == *"add --force"* ]]
	assert [ -e "/proc/$P/fd/1" ]
	run -2 --separate-stderr fdleak --close 999 -p "$P"
	assert_equal "$stderr" "fdleak: pid $P: fd 999: not open"
}

@test "errors: no such pid, no permission, a name that matches nothing" {
	start_set
	run -2 --separate-stderr fdleak -p 4194303
	assert_equal "$stderr" "fdleak: pid 4194303: no such process"
	run -2 --separate-stderr fdleak -p no-such-process-name
	assert_equal "$stderr" "fdleak: no-such-process-name: no process matches this name"
	run -2 --separate-stderr setpriv --reuid=nobody --regid=nogroup --clear-groups fdleak -p "$P"
	assert_equal "$stderr" "fdleak: pid $P: fd: Permission denied (needs CAP_SYS_PTRACE; run as root)"
	assert_output ""
	run -2 --separate-stderr setpriv --reuid=nobody --regid=nogroup --clear-groups fdleak --close 4 -p "$P"
	[[ $stderr == *"needs CAP_SYS_PTRACE"* ]]
	assert [ -e "/proc/$P/fd/4" ]
	run -2 --separate-stderr fdleak -w -n 1 -p "$P"
	run -2 --separate-stderr fdleak
	[ "$stderr" = "fdleak: no target: give -p PID, -u USER, a FILE, -i or a command after --" ]
}
