#!/usr/bin/env bats
# proctree-conv.bats - proctree and the house conventions (issue 14): the
# JSON vocabulary, hostile processes, an unprivileged caller, bad
# arguments, the caller's own text, --user, --no-header, --color.

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

@test "--json follows the vocabulary: an object with schema, nthreads, start_time_unix" {
	start_tree
	local o
	for o in "" -a -T "-S" "-Z" "--ns" "-H $T_vchild" "-N pid"; do
		# shellcheck disable=SC2086
		run -0 --separate-stderr proctree --json $o "$ROOT"
		json_vocab proctree || fail "proctree --json $o"
	done
	run -0 proctree --json "$ROOT"
	run -0 jq -r '.schema, (.processes | length), .processes[0].pid' <<< "$output"
	assert_output $'triage.proctree/1\n1\n'"$ROOT"
	# start_time_unix is the kernel's start time, to the millisecond
	run -0 proctree --json "$ROOT"
	mine=$(jq -r '.processes[0].start_time_unix' <<< "$output")
	ticks=$(awk '{ sub(/.*\) /, ""); print $20 }' "/proc/$ROOT/stat")
	boot=$(awk '/^btime/ { print $2 }' /proc/stat)
	hz=$(getconf CLK_TCK)
	awk -v m="$mine" -v t="$ticks" -v b="$boot" -v hz="$hz" 'BEGIN {
		d = m - (b + t / hz); if (d < 0) d = -d; exit !(d < 1.5) }' ||
	    fail "start_time_unix $mine, the kernel says $boot + $ticks/$hz"
	[[ $mine == *.??? ]] || fail "start_time_unix $mine: not to the ms"
}

@test "hostile names and arguments: never a raw control byte, argv kept whole" {
	start_helper proctree-hostile
	local o
	for o in "" -p -a "-a -p" -t -u -Z; do
		# shellcheck disable=SC2086
		run -0 proctree $o "$HELPER_PID"
		no_raw_escapes
		# no raw U+202E (right-to-left override) and no byte 0xff
		! LC_ALL=C grep -q $'\xe2\x80\xae\|\xff' <<< "$output" ||
		    fail "proctree $o: a raw RTL override or 0xff"
	done
	run -0 proctree -p "$HELPER_PID"
	assert_output --partial '\e]52;c;aGk=\x07('
	assert_output --partial 'nl\nname('
	assert_output --partial '\xff\xfebad('
	assert_output --partial 'rtl\xe2\x80\xaeevil('
	assert_output --partial '|-) (('
	run -0 proctree --json -a "$HELPER_PID"
	no_raw_escapes
	json_vocab proctree
	! LC_ALL=C grep -q $'\xe2\x80\xae' <<< "$output" || fail "JSON: raw RTL override"
	json=$output
	# libproc2 split argv at the newline; the kernel's argv has 5 words
	run -0 jq -r '.. | objects | select(.comm? == "pt-args") |
	    [(.cmdline | length), .cmdline[2], (.cmdline[3] | length), .cmdline[4]] | @json' <<< "$json"
	assert_output '[5,"a\nb",131071,"\u001b[2J"]'
	run -0 jq -r '.. | objects | select(.comm? == ") (") | .comm' <<< "$json"
	assert_output ') ('
	# the text shows the same words, escaped
	run -0 proctree -a "$HELPER_PID"
	line=$(grep -F 'pt-args' <<< "$output")
	[[ $line == *'pt-args '[0-9]*' a\nb x'*'x \e[2J' ]] || fail "$line"
	xs=${line#* a\\nb }
	xs=${xs%% *}
	[ "${#xs}" -eq 131071 ] || fail "the 128 KiB argument has ${#xs} bytes"
}

@test "as nobody: the whole tree, and a note that names what it cannot read" {
	start_tree
	run -0 --separate-stderr setpriv --reuid=nobody --regid=nogroup \
	    --clear-groups "$TRIAGE_BIN/proctree" -p "$ROOT"
	assert_line --index 0 --partial "pt-root($ROOT)"
	assert_output --partial "pt-zombie($T_zombie) <defunct>"
	assert [ -z "$stderr" ]
	# namespaces of root's processes need CAP_SYS_PTRACE: a partial view,
	# said so in one line, exit 0
	run -0 --separate-stderr setpriv --reuid=nobody --regid=nogroup \
	    --clear-groups "$TRIAGE_BIN/proctree" -S -p "$ROOT"
	assert_output --partial "pt-root($ROOT)"
	[ "${#stderr_lines[@]}" -eq 1 ] || fail "stderr: $stderr"
	[[ $stderr == "proctree: "*"namespaces not readable"*CAP_SYS_PTRACE* ]] ||
	    fail "stderr: $stderr"
	# root reads them: no note for this tree
	run -0 --separate-stderr proctree -S -p "$ROOT"
	assert [ -z "$stderr" ]
}

@test "bad arguments: one line on stderr, exit 2" {
	local args
	while IFS= read -r args; do
		eval "set -- $args"
		run -2 --separate-stderr proctree "$@"
		assert_output ""
		[ "${#stderr_lines[@]}" -eq 1 ] || fail "proctree $args: $stderr"
		[[ $stderr == "proctree: "* ]] || fail "proctree $args: $stderr"
	done <<-'EOF'
	-H ''
	-H -1
	-H 0
	-H abc
	-H 99999999999
	-H 99999999
	-C ''
	-C size
	-N ''
	-N bogus
	-m '('
	--user nosuchuser
	--user ''
	--color=sometimes
	-- ''
	-- -5
	-- 0x10
	-- 99999999999
	-- 12abc
	EOF
	# an unknown option: the line every command prints, then the hint
	run -2 --separate-stderr proctree --no-such-option
	assert_equal "$stderr" "proctree: unrecognized option '--no-such-option'
Try 'proctree --help'."
	run -2 --separate-stderr proctree -H
	assert_equal "$stderr" "proctree: option requires an argument -- 'H'
Try 'proctree --help'."
}

@test "the caller's own text is escaped in errors" {
	run -2 --separate-stderr proctree $'\e]0;x\a'
	assert_equal "$stderr" 'proctree: \e]0;x\x07: no such user'
	run -2 --separate-stderr proctree -m $'(\e[31m'
	[[ $stderr == 'proctree: -m (\e[31m: '* ]] || fail "$stderr"
	run -2 --separate-stderr proctree $'--\e[2Jx'
	[[ $stderr == "proctree: unrecognized option '--\\e[2Jx'"* ]] || fail "$stderr"
	run -2 --separate-stderr proctree -N $'\e[1m'
	[[ $stderr == 'proctree: -N \e[1m: '* ]] || fail "$stderr"
	for s in "$stderr"; do
		! grep -q $'\e' <<< "$s" || fail "raw ESC on stderr"
	done
}

@test "--user shows that user's processes with their ancestors only" {
	start_tree
	run -0 proctree -p --user nobody "$ROOT"
	assert_output "pt-root($ROOT)---pt-nobody($T_nobody)"
	run -0 proctree -p --user 65534 "$ROOT"
	assert_output "pt-root($ROOT)---pt-nobody($T_nobody)"
	# with -m: both must hold
	run -0 proctree -p --user root -m '^pt-fan$' "$ROOT"
	assert_equal "$(grep -c 'pt-fan' <<< "$output")" 40
	refute_output --partial pt-nobody
	run -0 proctree -p --user nobody -m '^pt-fan$' "$ROOT"
	assert_output ""
}

@test "--no-header is accepted, options after operands too, --color alone is always" {
	start_tree
	run -0 proctree -p "$ROOT"
	plain=$output
	run -0 proctree --no-header -p "$ROOT"
	assert_output "$plain"
	run -0 proctree "$ROOT" -p
	assert_output "$plain"
	run -0 proctree --color -p "$ROOT"
	assert_output --partial $'\e[1;31m<defunct>'
	run -0 proctree --color=never -p "$ROOT"
	assert_output "$plain"
}
