#!/usr/bin/env bats
# fdleak-conv.bats - fdleak and the house conventions (issue 14): JSON
# vocabulary, --prom, -o/--raw/-S, bad arguments, hostile names, kernel
# threads, a target that exits during --watch, a full disk, completions.

bats_require_minimum_version 1.5.0
load common

@test "every --json mode follows the vocabulary of man 7 triage" {
	start_set
	run -0 fdleak --json -p "$P"
	json_vocab fdleak
	assert_equal "$(jq -r .schema <<<"$output")" triage.fdleak/1
	jq -e '.processes[0] | (.used_percent | type) == "number" and (.by_type | type) == "array"' <<<"$output"
	run -0 fdleak --json -x -p "$P"
	json_vocab fdleak
	run -0 fdleak -s --json -p "$P"
	json_vocab fdleak
	run -0 fdleak --top 3 --json
	json_vocab fdleak
	run -0 --separate-stderr fdleak --json "$DIR/plain.txt"
	json_vocab fdleak
	run -0 --separate-stderr fdleak --json +L1 -p "$P"
	json_vocab fdleak
	run -0 --separate-stderr fdleak --json -i -p "$P"
	json_vocab fdleak
	run -0 fdleak -w -i 0.1 -n 3 --json -p "$P"
	json_vocab fdleak stream
	assert_equal "$(jq -r .type <<<"$output" | tr '\n' ' ')" "sample sample sample report "
	jq -s -e '[.[] | select(.type == "sample") | .time_unix > 1.7e9] | all' <<<"$output"
	# run mode: the exit report, on standard error (LeakSanitizer cannot
	# run in a traced program: a sanitizer build of the helper)
	ASAN_OPTIONS=detect_leaks=0 run -3 --separate-stderr fdleak --json -- "$HELPERS/fdleak-exit"
	output=$stderr
	json_vocab fdleak stream
	assert_equal "$(jq -r .type <<<"$output" | sort -u)" exit
}

@test "--prom on --summary and --top passes promtool and says what --json says" {
	start_set
	run -0 fdleak -s --prom -p "$P"
	promtool check metrics <<<"$output"
	local n
	n=$(ls "/proc/$P/fd" | wc -l)
	assert_line "triage_fdleak_open_fds{pid=\"$P\",comm=\"\\\\e[31mfdset\"} $n"
	assert_line "triage_fdleak_soft_limit_fds{pid=\"$P\",comm=\"\\\\e[31mfdset\"} $(awk '/Max open files/ { print $4 }' "/proc/$P/limits")"
	no_raw_escapes
	run -0 fdleak --top 5 --prom
	promtool check metrics <<<"$output"
	assert_equal "$(grep -c '^triage_fdleak_open_fds{' <<<"$output")" 5
	assert_line --regexp '^triage_fdleak_system_max_files [0-9]+$'
	run -2 --separate-stderr fdleak --prom -p "$P"
	assert_equal "$stderr" "fdleak: --prom: only with --summary or --top"
}

@test "-o, --raw, --no-header and -S on the fd table and on --top" {
	start_set
	run -0 fdleak -o fd,type,size -p "$P"
	assert_line --index 0 --regexp '^ *FD TYPE +SIZE$'
	assert_line --regexp "^ +$(ready_field del) REG +12345$"
	run -0 fdleak -o +inode,nlink --no-header -p "$P"
	assert_regex "$(awk -v fd="$(ready_field del)" '$2 == fd' <<<"$output")" " 12345 .* [0-9]+ +0$"
	run -0 fdleak --raw -o fd,target --no-header -p "$P"
	assert_line "$(ready_field lis) TCP\\x20127.0.0.1:$(ready_field port)\\x20LISTEN"
	run -0 fdleak -S size -o fd,size --no-header -p "$P"
	assert_line --index 0 --regexp "^ *$(ready_field del) +12345$"
	run -0 fdleak -S type -o type --no-header -p "$P"
	assert_equal "$output" "$(sort -s <<<"$output")"
	run -2 --separate-stderr fdleak -o fd,bogus -p "$P"
	assert_regex "$stderr" "^fdleak: -o: bogus: not a column"
	run -2 --separate-stderr fdleak -S bogus -p "$P"
	assert_equal "${#stderr_lines[@]}" 1
	# --top: one table with -S, columns with -o
	run -0 fdleak --top 4 -S percent -o pid,percent --no-header
	assert_equal "${#lines[@]}" 4
	assert_equal "$(awk '{ print $2 + 0 }' <<<"$output" | sort -rn)" "$(awk '{ print $2 + 0 }' <<<"$output")"
	run -0 fdleak --top 2 --raw --no-header -o pid,fds
	assert_line --regexp '^[0-9]+ [0-9]+$'
}

@test "bad arguments: one line on stderr, exit 2" {
	local args
	while IFS= read -r args; do
		eval "run --separate-stderr fdleak $args"
		[ "$status" -eq 2 ] || fail "fdleak $args: status $status"
		[ "${#stderr_lines[@]}" -eq 1 ] || fail "fdleak $args: $stderr"
		[[ $stderr == "fdleak: "* ]] || fail "fdleak $args: $stderr"
		assert_output ""
	done <<'EOF'
-p ''
-p -1
-p 99999999999
-p abc,
-p 1,,2
-w --interval 0 -p 1
-w --interval -1 -p 1
-w --interval abc -p 1
-w -i x -p 1
-w -n 0 -p 1
-w -n 1 -p 1
--top=0
--top=-3
--top=abc
--close abc -p 1
-i :99999
-i @
-i sctp
-u no-such-user-here
-S nope -p 1
-o nope -p 1
--max-pct 101 -s -p 1
-s --top
-p 1 -- true
--
EOF
	run -2 --separate-stderr fdleak --no-such-option
	assert_equal "$stderr" $'fdleak: unrecognized option \'--no-such-option\'\nTry \'fdleak --help\'.'
	run -2 --separate-stderr fdleak -p $'\e]52;c;x\a'
	no_raw_escapes
	output=$stderr no_raw_escapes
	run -127 --separate-stderr fdleak -- /no/such/program
}

@test "a kernel thread says so and exits 2, in every mode" {
	local m
	for m in "" -s -w -x; do
		run -2 --separate-stderr fdleak $m -p 2
		assert_equal "$stderr" "fdleak: pid 2: kernel thread, no fds of its own"
	done
}

@test "a full disk: the write error is printed once" {
	start_set
	local m
	for m in "-p $P" "-s -p $P" "--top" "--json -p $P" "-x -p $P"; do
		run -2 --separate-stderr bash -c "exec fdleak $m > /dev/full"
		assert_equal "$stderr" "fdleak: write error: No space left on device"
	done
}

# watch_until_exit ARGS...: fdleak -w ARGS on a leaking helper, killed
# once three samples are out; status in WST, stdout in WOUT, stderr WERR
watch_until_exit() {
	start_helper fdleak-leak 40 leak
	WPID=$HELPER_PID
	fdleak -w -i 0.2 -n 100 "$@" -p "$WPID" > "$BATS_TEST_TMPDIR/w.out" 2> "$BATS_TEST_TMPDIR/w.err" &
	local f=$!
	wait_until eval '[ "$(grep -c "sample\|^ *[0-9.]\+ \+[0-9]\+ " "$BATS_TEST_TMPDIR/w.out")" -ge 3 ]'
	kill -KILL "$WPID"
	WST=0
	wait "$f" || WST=$?
	WOUT=$(cat "$BATS_TEST_TMPDIR/w.out")
	WERR=$(cat "$BATS_TEST_TMPDIR/w.err")
}

@test "a target that exits during --watch: what was seen, that it exited, exit 0" {
	watch_until_exit --json
	assert_equal "$WST" 0
	assert_equal "$WERR" "fdleak: pid $WPID: exited during the watch"
	local rep
	rep=$(tail -n 1 <<<"$WOUT")
	assert_equal "$(jq -r '.type, .exited' <<<"$rep" | tr '\n' ' ')" "report true "
	jq -e '.samples >= 3 and .count > .first_count' <<<"$rep"
	watch_until_exit
	assert_equal "$WST" 0
	[[ $WOUT == *"the process exited during the watch: this is what was seen until then"* ]]
	[[ $WOUT == *"verdict: "* ]]
}

@test "hostile names: a comm of ') (', a newline, ESC; files named with escapes" {
	start_set
	local f
	for f in "" -s -x --json "-s --prom"; do
		run -0 fdleak $f -p "$P"
		no_raw_escapes
	done
	for f in +L1 "+D $DIR" -i; do
		run -0 --separate-stderr fdleak $f
		no_raw_escapes
	done
	run -0 --separate-stderr fdleak "$DIR/"$'\e]0;pwned\a\nevil'
	assert_output --partial '\e]0;pwned\x07\nevil'
	no_raw_escapes
	run -0 --separate-stderr fdleak --raw "$DIR/"$'\e]0;pwned\a\nevil'
	no_raw_escapes
	run -0 --separate-stderr fdleak --json "$DIR/"$'\e]0;pwned\a\nevil'
	assert_equal "$(jq -r '.processes[0].fds[0].link' <<<"$output" | head -c 200 | od -c | head -1 | awk '{ print $2 }')" '/'
	local ok
	bash -c 'printf ") (" > /proc/$$/comm; echo ready $$; while :; do sleep 1; done' > "$BATS_TEST_TMPDIR/c1" &
	ok=$!
	STARTED_PIDS+=("$ok")
	wait_until grep -q ready "$BATS_TEST_TMPDIR/c1"
	run -0 fdleak -s -p "$ok"
	assert_output --partial "pid $ok () ()"
	run -0 fdleak -s --json -p "$ok"
	assert_equal "$(jq -r '.processes[0].comm' <<<"$output")" ') ('
	bash -c 'printf "a\nb\e[2J" > /proc/$$/comm; echo ready $$; while :; do sleep 1; done' > "$BATS_TEST_TMPDIR/c2" &
	ok=$!
	STARTED_PIDS+=("$ok")
	wait_until grep -q ready "$BATS_TEST_TMPDIR/c2"
	for f in "-s" "-x" "-s --prom" "--json"; do
		run -0 fdleak $f -p "$ok"
		no_raw_escapes
	done
	run -0 --separate-stderr fdleak -i -u root -o pid,command --no-header
	no_raw_escapes
}

@test "--color with no value is always; options after operands" {
	start_set
	run -0 bash -c 'ulimit -n 1100; for ((i = 0; i < 990; i++)); do exec {x}< /dev/null; done; fdleak -s --color -p $$ | cat'
	assert_output --partial $'\e[1;33mwarning:'
	run -0 bash -c 'ulimit -n 1100; for ((i = 0; i < 990; i++)); do exec {x}< /dev/null; done; fdleak -s -p $$ | cat'
	refute_output --partial $'\e['
	run -0 --separate-stderr fdleak "$DIR/plain.txt" --json
	jq -e '.processes | length == 2' <<<"$output"
}

@test "completions in real bash and zsh: options, --opt=, pids without kernel threads or duplicates" {
	run -0 bash -c "source /usr/share/bash-completion/bash_completion
		source '$TRIAGE_ROOT/completions/bash/fdleak'
		COMP_WORDS=(fdleak --color=); COMP_CWORD=1; COMP_LINE='fdleak --color='; COMP_POINT=\${#COMP_LINE}
		_comp_cmd_fdleak; printf '%s\n' \"\${COMPREPLY[@]}\""
	assert_equal "$(sort <<<"$output" | tr '\n' ' ')" "always auto never "
	run -0 bash -c "source /usr/share/bash-completion/bash_completion
		source '$TRIAGE_ROOT/completions/bash/fdleak'
		COMP_WORDS=(fdleak --pid=); COMP_CWORD=1; COMP_LINE='fdleak --pid='; COMP_POINT=\${#COMP_LINE}
		_comp_cmd_fdleak; printf '%s\n' \"\${COMPREPLY[@]}\""
	assert_line "$$"
	refute_line 2
	refute_line kthreadd
	assert_equal "$(sort <<<"$output" | uniq -d)" ""
	run -0 bash -c "source /usr/share/bash-completion/bash_completion
		source '$TRIAGE_ROOT/completions/bash/fdleak'
		COMP_WORDS=(fdleak --rr); COMP_CWORD=1; COMP_LINE='fdleak --ra'; COMP_WORDS=(fdleak --ra); COMP_POINT=\${#COMP_LINE}
		_comp_cmd_fdleak; printf '%s\n' \"\${COMPREPLY[@]}\""
	assert_output "--raw"
	run -0 zsh -fc "fpath=('$TRIAGE_ROOT/completions/zsh' \$fpath); autoload -Uz compinit && compinit -u -D; autoload -Uz _fdleak && whence -w _fdleak"
	assert_output "_fdleak: function"
}
