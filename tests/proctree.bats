#!/usr/bin/env bats
# proctree.bats - proctree against pstree on a known tree of live processes.

load common

CG=
teardown() {
	kill_helpers
	# the cgroup of the --ns test: empty once its killed process is gone
	[ -z "$CG" ] || wait_until rmdir "$CG" 2>/dev/null || true
}

# edges: read a pstree-style tree drawn with -p -A on stdin and print one
# "parent child" line per edge.  A label starts after "|-", "`-", "---" or
# "-+-"; its id is the last "(digits)" in it; a node's parent is the
# nearest earlier node whose label starts further left.
edges() {
	awk '
	function node(label, col,   id, s, m) {
		id = ""; s = label
		while (match(s, /\([0-9]+(\[[0-9]+\])?\)/)) {
			id = substr(s, RSTART + 1, RLENGTH - 2); sub(/\[.*/, "", id)
			s = substr(s, RSTART + RLENGTH)
		}
		if (id == "") return
		while (sp > 0 && scol[sp] >= col) sp--
		if (sp > 0) print sid[sp], id
		sp++; scol[sp] = col; sid[sp] = id
	}
	{
		line = $0; col = 1
		if (match(line, /^[ |]*[|`]-/)) { col = RLENGTH + 1; line = substr(line, RLENGTH + 1) }
		while (match(line, /-\+-|---/)) {
			at = RSTART	# node() runs match() too
			node(substr(line, 1, at - 1), col)
			col += at + 2; line = substr(line, at + 3)
		}
		node(line, col)
	}' | sort
}

# ids: the "(digits)" of every label in output order.
ids() {
	grep -oE '\([0-9]+\)' | tr -d '()'
}

start_tree() {
	start_helper proctree-tree
	local w
	for w in $HELPER_READY; do
		case $w in *=*) eval "T_${w%%=*}=${w#*=}" ;; esac
	done
	ROOT=$HELPER_PID
}

@test "proctree -p gives the edges pstree -p -l -c -A gives" {
	start_tree
	run -0 proctree -p -A "$ROOT"
	mine=$(edges <<< "$output")
	theirs=$(pstree -p -l -c -A "$ROOT" | edges)
	[ "$(wc -l <<< "$mine")" -eq 64 ]
	assert_equal "$mine" "$theirs"
}

@test "siblings are ordered as pstree orders them, by name and with -n" {
	start_tree
	assert_equal "$(proctree -p "$ROOT" | ids)" "$(pstree -p -l -A "$ROOT" | ids)"
	assert_equal "$(proctree -n -p "$ROOT" | ids)" "$(pstree -n -p -l -A "$ROOT" | ids)"
	# -n really is by pid: the fan children come out ascending
	run -0 proctree -n -p -T "$ROOT"
	fans=$(grep -oE 'pt-fan\([0-9]+\)' <<< "$output" | ids)
	assert_equal "$fans" "$(sort -n <<< "$fans")"
}

@test "compaction and thread counts are pstree's" {
	start_tree
	run -0 proctree -A "$ROOT"
	assert_output --partial "40*[pt-fan]"
	assert_output --partial "pt-threads---4*[{pt-threads}]"
	mine=$(grep -oE '[0-9]+\*\[[^]()]*' <<< "$output" | sort)
	theirs=$(pstree -l -A "$ROOT" | grep -oE '[0-9]+\*\[[^]()]*' | sort)
	assert_equal "$mine" "$theirs"
	run -0 proctree -t -A "$ROOT"
	assert_output --partial "2*[{pt-tw-a}]"
	mine=$(grep -oE '[0-9]+\*\[[^]()]*' <<< "$output" | sort)
	theirs=$(pstree -t -l -A "$ROOT" | grep -oE '[0-9]+\*\[[^]()]*' | sort)
	assert_equal "$mine" "$theirs"
	# -c turns compaction off
	run -0 proctree -c "$ROOT"
	refute_output --partial "*["
	assert_equal "$(grep -c 'pt-fan' <<< "$output")" 40
}

@test "zombie, D and stopped processes are marked, and only they" {
	start_tree
	run -0 proctree -p "$ROOT"
	assert_output --partial "pt-zombie($T_zombie) <defunct>"
	assert_output --partial "pt-stopped($T_stopped) <stopped>"
	assert_output --partial "pt-vfork($T_vfork) <D>"
	assert_equal "$(grep -o '<defunct>' <<< "$output" | wc -l)" 1
	assert_equal "$(grep -o '<D>' <<< "$output" | wc -l)" 1
	assert_equal "$(grep -o '<stopped>' <<< "$output" | wc -l)" 1
	# the kernel agrees with each mark
	[ "$(awk '{print $3}' /proc/$T_zombie/stat)" = Z ]
	[ "$(awk '{print $3}' /proc/$T_vfork/stat)" = D ]
	# in colour when asked: red defunct
	run -0 proctree --color=always -p "$ROOT"
	assert_output --partial $'pt-zombie('"$T_zombie"$') \e[1;31m<defunct>'
}

@test "names are escaped, never raw" {
	start_tree
	run -0 proctree -p "$ROOT"
	no_raw_escapes
	assert_output --partial '\e[31mpt-red('"$T_red"')'
	assert_output --partial "pt a b("
	assert_output --partial "pt(x) (y)("
	run -0 proctree -a "$ROOT"
	no_raw_escapes
	run -0 proctree --json "$ROOT"
	no_raw_escapes
	run -0 jq -r '.. | objects | select(.pid? == '"$T_red"') | .comm' <<< "$output"
	assert_output $'\e[31mpt-red'
}

@test "--json parses and has pstree's edges" {
	start_tree
	run -0 proctree --json "$ROOT"
	json=$output
	mine=$(jq -r '.. | objects | select(has("children")) | .pid as $p |
		(.children[] | "\($p) \(.pid)"), (.threads[] | "\($p) \(.tid)")' \
		<<< "$json" | sort)
	theirs=$(pstree -p -l -c -A "$ROOT" | edges)
	assert_equal "$mine" "$theirs"
	run -0 jq -r '.. | objects | select(.pid? == '"$T_zombie"') | "\(.state) \(.zombie)"' <<< "$json"
	assert_output "Z true"
	run -0 jq -r '.. | objects | select(.pid? == '"$T_threads"') | [.nthreads, (.threads | length), .threads[0].comm] | @tsv' <<< "$json"
	assert_output $'5\t4\tpt-tw-a'
	run -0 bash -c "proctree --json -a $ROOT | jq -r '.processes[0].cmdline[0]'"
	assert_output --partial "proctree-tree"
}

@test "-s shows the ancestors as pstree -s does" {
	start_tree
	run -0 proctree -s -p "$T_chain"
	assert_output "$(pstree -s -p -l -A "$T_chain")"
	assert_output --regexp "^[^ ]*\(1\)---.*pt-root\($ROOT\)---pt-chain"
	assert_equal "${#lines[@]}" 1
}

@test "-m shows matches with ancestors and descendants only" {
	start_tree
	run -0 proctree -p -m '^pt-(vfork|nobody)$' "$ROOT"
	assert_output --partial "pt-root($ROOT)"
	assert_output --partial "pt-vfork($T_vfork) <D>---pt-vchild($T_vchild)"
	assert_output --partial "pt-nobody($T_nobody)"
	refute_output --partial "pt-fan"
	refute_output --partial "pt-chain"
	assert_equal "${#lines[@]}" 2
	# the command line counts too
	run -0 proctree -p -m 'helpers/proctree-tree' "$ROOT"
	assert_output --partial "pt-fan"
	# no match: nothing printed, exit 0 (1 is only for a check, and
	# proctree has none: man 7 triage)
	run -0 --separate-stderr proctree -m 'no-such-name-xyz' "$ROOT"
	assert_output ""
	# over the whole tree too: proctree's own command line holds the
	# pattern, and like pgrep it never matches itself
	run -0 --separate-stderr proctree -m 'no-such-name-xyz'
	assert_output ""
	# a bad pattern is a usage error
	run -2 --separate-stderr proctree -m '(' "$ROOT"
	[ "${#stderr_lines[@]}" -eq 1 ]
}

@test "-T hides threads" {
	start_tree
	run -0 proctree -T -p "$ROOT"
	refute_output --partial "{"
	assert_equal "$(edges <<< "$output")" "$(pstree -T -p -l -c -A "$ROOT" | edges)"
}

@test "-u shows user changes and a user operand roots the tree there" {
	start_tree
	run -0 proctree -u "$ROOT"
	assert_output --partial "pt-nobody(nobody)"
	assert_equal "$(grep -c '(nobody)' <<< "$output")" 1
	# pid 1 may not have reaped the pt-nobody of an earlier test yet:
	# compare the line of this test's one
	run -0 proctree -p nobody
	assert_line "pt-nobody($T_nobody)"
	assert_equal "$(grep -F "($T_nobody)" <<< "$output")" \
		"$(pstree -p -l -A nobody | grep -F "($T_nobody)")"
}

@test "-a shows arguments and parenthesises processes without" {
	start_tree
	run -0 proctree -a -A "$ROOT"
	assert_output --partial "(pt-zombie) <defunct>"
	assert_output --partial "4*[{pt-threads}]"
	run -0 proctree -a -p "$ROOT"
	assert_output --partial "pt-vchild,$T_vchild"
}

@test "-H highlights the process and its ancestors" {
	start_tree
	run -0 proctree --color=always -H "$T_vchild" "$ROOT"
	assert_output --partial $'\e[1mpt-root\e[0m'
	assert_output --partial $'\e[1mpt-vchild\e[0m'
	refute_output --partial $'\e[1mpt-nobody'
	run -2 --separate-stderr proctree -H 99999999 "$ROOT"
	[ "${#stderr_lines[@]}" -eq 1 ]
}

@test "--ns marks a new PID namespace with the pid inside and the cgroup" {
	start_helper proctree-ns
	child=${HELPER_READY#*child=}
	CG=/sys/fs/cgroup/unified/proctree-test-$$
	mkdir "$CG"
	echo "$child" > "$CG/cgroup.procs"
	run proctree --ns -p "$HELPER_PID"
	assert_success
	assert_output "pt-nshost($HELPER_PID)---pt-nsinit($child[1]) cgroup=/proctree-test-$$"
}

@test "lines are cut at the terminal width, never in a pipe or with -l" {
	start_tree
	run -0 script -qec "COLUMNS=30 proctree -A -p $ROOT" /dev/null
	maxw=$(tr -d '\r' <<< "$output" | awk '{ if (length($0) > m) m = length($0) } END { print m }')
	[ "$maxw" -le 30 ]
	assert_output --partial "+"
	run -0 script -qec "COLUMNS=30 proctree -A -l -p $ROOT" /dev/null
	maxw=$(tr -d '\r' <<< "$output" | awk '{ if (length($0) > m) m = length($0) } END { print m }')
	[ "$maxw" -gt 30 ]
	COLUMNS=30 run -0 proctree -p "$ROOT"
	assert_output --partial "pt-chain($T_chain)"
}

@test "-U draws with Unicode, -A with ASCII" {
	start_tree
	run -0 proctree -U "$ROOT"
	assert_output --partial "pt-root─┬─"
	run -0 proctree -A "$ROOT"
	assert_output --partial "pt-root-+-"
}

@test "the whole tree starts at pid 1 and leaves kthreadd out, as pstree" {
	run -0 proctree -p
	assert_line --index 0 --regexp '\(1\)'
	refute_output --partial "kthreadd(2)"
	run -0 proctree -p 2
	assert_line --index 0 --regexp '^kthreadd\(2\)'
}

@test "bad roots: one line on stderr, exit 2" {
	for bad in 99999999 nosuchuser abc -1 99999999999 1x; do
		run -2 --separate-stderr proctree -- "$bad"
		assert_output ""
		[ "${#stderr_lines[@]}" -eq 1 ] || fail "$bad: $stderr"
		[[ $stderr == "proctree: "* ]] || fail "$bad: $stderr"
	done
	run -2 --separate-stderr proctree -1
	[ "${#stderr_lines[@]}" -eq 1 ]
	run -2 --separate-stderr proctree 99999999
	assert_equal "$stderr" "proctree: pid 99999999: no such process"
	run -2 --separate-stderr proctree nosuchuser
	assert_equal "$stderr" "proctree: nosuchuser: no such user"
	run -2 --separate-stderr proctree 99999999999
	assert_equal "$stderr" "proctree: 99999999999: pid out of range"
}
