#!/usr/bin/env bats
# proctree-parity.bats - proctree's text equals pstree's, character for
# character, on a helper tree with threads, for every option the two
# share: in a pipe (with -l, as pstree cuts a pipe at 132 columns) and on
# a terminal at several widths.  The differences man proctree lists are
# taken out first, and only they: the state marks proctree adds, and
# pstree's octal escapes where proctree writes man 7 triage's.

bats_require_minimum_version 1.5.0
load common

start_tree() {
	start_helper proctree-tree
	local w
	for w in $HELPER_READY; do
		case $w in *=*) eval "T_${w%%=*}=${w#*=}" ;; esac
	done
	ROOT=$HELPER_PID
}

# pstree's \033 is proctree's \e (the hostile name pt-red holds an ESC)
theirs_norm() {
	sed 's/\\033/\\e/g'
}

# the marks proctree adds, with their colour when there is colour
mine_norm() {
	sed -E 's/ (\x1b\[[0-9;]*m)?<(defunct|D|stopped|traced)>(\x1b\[0m)?//g'
}

# -C age's three colours as one
age_norm() {
	sed -E 's/\x1b\[3[123]m/\x1b[age]/g'
}

# mask_ancestors PID: a sed script blanking, in -s -a's text, the lines
# of the ancestors of PID (which this suite does not start: CI's harness
# is among them) whose command line pstree shows otherwise, as man
# proctree lists: longer than the 8 KiB pstree -l reads, or holding a
# byte pstree writes in octal.  Line k of -s is the k-th ancestor from
# pid 1 down.  The test "-a shows a command line whole" checks proctree's
# text of such a line.
mask_ancestors() {
	local pid=$1 chain=() i f script=
	while [ "$pid" -gt 1 ]; do
		pid=$(sed 's/.*) [^ ]* \([0-9]*\) .*/\1/' "/proc/$pid/stat")
		chain=("$pid" "${chain[@]}")
	done
	for i in "${!chain[@]}"; do
		f=/proc/${chain[i]}/cmdline
		if [ "$(wc -c < "$f")" -gt 8192 ] ||
		    [ "$(LC_ALL=C tr -d '\000 -~' < "$f" | wc -c)" -gt 0 ]; then
			script+="$((i + 1))s/.*/(ancestor ${chain[i]}: a difference man proctree lists)/;"
		fi
	done
	echo "${script:-b}"
}

# same_as_pstree ROOT OPTIONS...: proctree -l equals pstree -l
same_as_pstree() {
	local root=$1 mine theirs mask=b
	shift
	case " $* " in *" -s "*) case " $* " in *" -a "*) mask=$(mask_ancestors "$root") ;; esac ;; esac
	theirs=$(TERM=xterm pstree -l "$@" "$root" | theirs_norm | sed "$mask")
	mine=$(proctree -l "$@" "$root" | mine_norm | sed "$mask")
	[ -n "$mine" ] || fail "proctree $* $root: no output"
	[ "$mine" = "$theirs" ] ||
	    fail "proctree -l $* differs from pstree: $(diff <(echo "$theirs") <(echo "$mine") | head -10 | cat -v)"
}

@test "every option pstree has gives pstree's text, in a pipe" {
	start_tree
	local o
	for o in "" -p -a -c -n -u -g -t -T -A -U -S -Z "-C age" "-a -p" \
	    "-a -t" "-a -n -p -t -u -g" "-t -c" "-n -t" "-S -p" "-Z -a" \
	    "-u -p" "-g -p" "-p -T" "-A -a -p -c"; do
		# shellcheck disable=SC2086
		same_as_pstree "$ROOT" $o
	done
	same_as_pstree "$T_chain" -s -p
	same_as_pstree "$T_chain" -s -a
	# -H colours in a pipe too, as pstree's does, with the same escapes
	same_as_pstree "$ROOT" -H "$T_vchild"
	run -0 proctree -H "$T_vchild" "$ROOT"
	assert_output --partial $'\e[1mpt-root\e[0m'
	same_as_pstree "$ROOT" -C age -H "$T_mixed"
}

@test "-a shows a command line whole, past the 8 KiB pstree -l reads, its newline escaped" {
	local big pid
	big=$(printf '%9000s' '' | tr ' ' x)
	perl -e 'sleep 1000' pt-long "$big" $'two\nlines' &
	pid=$!
	track_pid "$pid"
	wait_until grep -q pt-long "/proc/$pid/cmdline"
	run -0 proctree -l -a "$pid"
	assert_output "perl -e sleep 1000 pt-long $big two\\nlines"
	# and in the JSON, the arguments as the kernel holds them
	run -0 --separate-stderr proctree --json -a "$pid"
	run -0 jq -r '.processes[0].cmdline[4] | length' <<< "$output"
	assert_output 9000
	# the difference man proctree lists is pstree's: it stops at 8 KiB
	# and runs the last two arguments it read together
	run -0 pstree -l -a "$pid"
	assert_output --regexp '^perl -e sleep 1000 pt-longx+$'
	refute_output --partial two
}

@test "siblings in pstree's order: a thread sorts as {name}, between zz-kid and ~kid" {
	start_tree
	run -0 proctree -p "$T_mixed"
	assert_output "$(pstree -p "$T_mixed")"
	# the order itself, so that this fails if both were wrong alike
	run -0 bash -c "proctree -p $T_mixed | grep -oE '(zz-kid|\{pt-mixed\}|~kid)'"
	assert_output $'zz-kid\n{pt-mixed}\n{pt-mixed}\n~kid'
	run -0 proctree -n -p "$T_mixed"
	assert_output "$(pstree -n -p "$T_mixed")"
}

@test "on a terminal: cut lines, -a's \"...\" and colours are pstree's" {
	start_tree
	local root o w mine theirs mask
	for root in "$T_mixed" "$T_threads" "-s $T_chain"; do
		for o in "" -p -a "-a -p" -c -t -Z "-C age" -A "-u -g -p" \
		    "-H $T_mixed"; do
			for w in 12 20 27 45; do
				# the loop runs past a minute under load: an age
				# colour may turn between the two runs (the colour
				# itself is checked elsewhere)
				mask=b
				case "$root $o " in -s*" -a "*) mask=$(mask_ancestors "${root#-s }") ;; esac
				theirs=$(script -qec "COLUMNS=$w TERM=xterm pstree $o $root" /dev/null | tr -d '\r' | theirs_norm | age_norm | sed "$mask")
				mine=$(script -qec "COLUMNS=$w proctree $o $root" /dev/null | tr -d '\r' | mine_norm | age_norm | sed "$mask")
				[ "$mine" = "$theirs" ] ||
				    fail "COLUMNS=$w proctree $o $root: $(diff <(echo "$theirs") <(echo "$mine") | head -6 | cat -v)"
			done
		done
	done
}

@test "a cut line with nothing coloured on it holds no escape" {
	start_tree
	run -0 script -qec "COLUMNS=20 proctree --color=always -A -p $T_mixed" /dev/null
	assert_output --partial "+"
	# the subtree has no marks, so no colour at all: no stray reset
	refute_output --partial $'\e'
	# where a colour is open at the cut, it is closed after the "+"
	run -0 script -qec "COLUMNS=5 proctree -H $T_mixed -A $T_mixed" /dev/null
	assert_line --index 0 --regexp $'^\e\\[1mpt-m\\+\e\\[0m'
}

@test "-S names the namespaces a process does not share with its parent, as pstree -S" {
	unshare --uts --ipc --net --mount -- sleep 1000 &
	local pid=$!
	track_pid "$pid"
	# unshare execs sleep once the namespaces exist
	wait_until bash -c "[ \"\$(cat /proc/$pid/comm)\" = sleep ]"
	run -0 proctree -S -p "$pid"
	assert_output "sleep($pid,ipc,mnt,net,uts)"
	assert_output "$(pstree -S -p "$pid")"
	run -0 --separate-stderr proctree --json -S "$pid"
	run -0 jq -r '.processes[0].namespace_changes | join(",")' <<< "$output"
	assert_output "ipc,mnt,net,uts"
}

@test "-N pid groups by PID namespace as pstree -N does" {
	start_helper proctree-ns
	child=${HELPER_READY#*child=}
	ino=$(stat -L -c %i "/proc/$child/ns/pid")
	# the group of the helper's namespace, from its header to the next
	group() {
		awk -v h="[$ino]" '$0 == h { on = 1; print; next } /^\[/ { on = 0 } on'
	}
	run -0 --separate-stderr proctree -N pid -p
	mine=$(group <<< "$output")
	theirs=$(pstree -N pid -p | group)
	assert_equal "$mine" $'['"$ino"$']\npt-nsinit('"$child"')'
	assert_equal "$mine" "$theirs"
	# and out of the host's tree
	refute_output --partial "pt-nshost($HELPER_PID)---pt-nsinit"
	run -0 --separate-stderr proctree --json -N pid
	run -0 jq -r --argjson i "$ino" '.namespaces[] | select(.inode == $i) | "\(.type) \(.processes[0].pid)"' <<< "$output"
	assert_output "pid $child"
	run -2 --separate-stderr proctree -N bogus
	assert_equal "$stderr" "proctree: -N bogus: not a namespace type (one of: cgroup, ipc, mnt, net, pid, user, uts, time)"
}

@test "-Z shows the security context as pstree -Z, from attr/current" {
	start_tree
	same_as_pstree "$ROOT" -Z
	label=$(head -1 "/proc/$ROOT/attr/current" 2>/dev/null || true)
	run -0 proctree -Z -T "$T_chain"
	assert_line --index 0 "pt-chain(\`$label')"
	run -0 proctree --json -Z "$T_chain"
	run -0 jq -r '.processes[0].security_context' <<< "$output"
	assert_output "$label"
}

@test "-C age colours by age as pstree -C age: green under a minute" {
	start_tree
	run -0 proctree -C age -T "$T_chain"
	assert_output --partial $'\e[32mpt-chain\e[0m'
	run -0 proctree -C age --color=never -T "$T_chain"
	refute_output --partial $'\e'
	run -2 --separate-stderr proctree -C size
	assert_equal "$stderr" "proctree: -C size: not age"
}
