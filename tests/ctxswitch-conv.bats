#!/usr/bin/env bats
# ctxswitch-conv.bats - ctxswitch against pidstat on the same processes
# (-u/-U, -C, -l, -O for pidstat -h, the main-thread note), the JSON
# vocabulary, --prom, and the conventions every command shares (issues
# 14 and 16).

bats_require_minimum_version 1.5.0
load common

teardown() {
	kill_helpers
}

start_nobody() {
	local h=$HELPERS
	HELPERS=/usr/bin start_helper setpriv --reuid=nobody --regid=nogroup \
		--clear-groups "$h/$@"
}

@test "system view: a name is escaped once, as in -p (a\\nb, a\\\\b)" {
	start_helper zombies-parent -z 0 -s -N $'ctxs\nnl'
	local p=$HELPER_PID
	run -0 ctxswitch -C '^ctxs' -L 0 0.3 1
	assert_line --regexp "^[0-9:]+ +$p +- .* ctxs\\\\nnl$"
	refute_output --partial 'ctxs\\nnl'
	run -0 ctxswitch -p "$p" 0.2 1
	assert_line --regexp "^[0-9:]+ +$p +- .* ctxs\\\\nnl$"
	run -0 ctxswitch -C '^ctxs' -L 0 --json 0.3 1
	run -0 jq -r --argjson p "$p" '.top[] | select(.pid == $p) | .comm' <<< "$output"
	[ "$output" = $'ctxs\nnl' ]
	kill -KILL "$p"
	start_helper zombies-parent -z 0 -s -N 'ctxs\bs'
	run -0 ctxswitch -C '^ctxs' -L 0 0.3 1
	assert_line --regexp "^[0-9:]+ +$HELPER_PID +- .* ctxs\\\\\\\\bs$"
}

@test "JSON times are time_unix to the millisecond, not 1.79611e+09" {
	start_helper ctxswitch-busysleep
	run -0 ctxswitch --json -p "$HELPER_PID" 0.2 2
	refute_output --partial 'e+09'
	json_vocab ctxswitch stream
	run -0 jq -s -e --argjson now "$(date +%s.%N)" '
		all(.[]; (.time_unix - $now | fabs) < 10) and
		(.[1].time_unix - .[0].time_unix) > 0.1 and
		(.[1].time_unix - .[0].time_unix) < 1 and
		all(.[]; .schema == "triage.ctxswitch/1") and
		([.[].type] == ["sample", "sample", "lifetime", "verdict"])' <<< "$output"
}

@test "process rows sum every thread, pidstat -w -p the main thread: said in text and JSON" {
	start_helper ctxswitch-threads
	local p=$HELPER_PID ours main theirs
	run -0 ctxswitch -t -p "$p" 1 1
	assert_line "note: a process row (TID -) sums all its threads; pidstat -w -p shows the main thread only (-t: a row per thread)"
	ours=$(awk -v p="$p" '$2 == p && $3 == "-" { print $5; exit }' <<< "$output")
	main=$(awk -v p="$p" '$2 == p && $3 == p { print $5; exit }' <<< "$output")
	run -0 env LC_ALL=C pidstat -w -p "$p" 1 1
	theirs=$(awk -v p="$p" '$1 != "Average:" && $3 == p { print $4; exit }' <<< "$output")
	echo "ctxswitch process $ours, main thread $main; pidstat $theirs"
	# pidstat's figure is the main thread's: near ours for tid == pid,
	# far below the sum of the threads
	awk -v o="$ours" -v m="$main" -v t="$theirs" 'BEGIN {
		exit !(o > 100 && t < o / 4 && (t - m < 20 && m - t < 20)) }'
	run -0 ctxswitch --json -p "$p" 0.2 1
	run -0 jq -e -s '.[0].rates_of == "all_threads"' <<< "$output"
	run -0 ctxswitch --no-header -p "$p" 0.2 1
	refute_output --partial "note:"
}

@test "-u USER (and pidstat's -U) as pidstat -U lists the same process" {
	start_nobody ctxswitch-busysleep
	local p=$HELPER_PID
	run -0 ctxswitch -u nobody -L 0 --json 1 1
	json_vocab ctxswitch stream
	run -0 jq -e --argjson p "$p" '[.top[].pid] | index($p) != null' <<< "$output"
	local pid
	for pid in $(jq -r '.top[].pid' <<< "$output"); do
		[ ! -e "/proc/$pid" ] || [ "$(stat -c %U "/proc/$pid")" = nobody ] || fail "pid $pid is not nobody's"
	done
	run -0 env LC_ALL=C pidstat -w -U nobody 1 1
	assert_line --regexp "^[0-9:]+ +nobody +$p +[0-9.]+ +[0-9.]+ +ctxswitch-busys"
	run -0 ctxswitch -U nobody -L 0 1 1
	assert_line --regexp "^[0-9:]+ +$p +- "
	run -0 ctxswitch -u root -L 0 0.5 1
	refute_line --regexp "^[0-9:]+ +$p +- "
	run -2 --separate-stderr ctxswitch -u nobody -p "$p"
	[ "${#stderr_lines[@]}" -eq 1 ]
}

@test "-C REGEX selects by name as pidstat -C does" {
	# a name of this run's own: another run of the suite at the same
	# time has busysleep helpers too
	local name=cs-busy-$$ p ours theirs
	start_renamed "$name" ctxswitch-busysleep
	p=$HELPER_PID
	run -0 ctxswitch -C "busy-$$\$" -L 0 --json 1 1
	ours=$(jq -r '[.top[].pid] | sort | join(" ")' <<< "$output")
	run -0 env LC_ALL=C pidstat -w -C "busy-$$\$" 1 1
	theirs=$(awk '$1 != "Average:" && $1 != "Linux" && $3 ~ /^[0-9]+$/ { print $3 }' <<< "$output" | sort -un | tr '\n' ' ')
	[ "$ours " = "$theirs" ] || fail "ctxswitch -C: $ours; pidstat -C: $theirs"
	[ "$ours" = "$p" ]
	run -2 --separate-stderr ctxswitch -C '('
	assert_equal "$stderr" "ctxswitch: -C (: not a regular expression"
}

@test "-l shows the command line as pidstat -l does" {
	start_helper ctxswitch-busysleep one 'two words' $'esc\e[1m'
	local p=$HELPER_PID theirs
	run -0 ctxswitch -l -p "$p" 0.2 1
	no_raw_escapes
	assert_line --regexp "^[0-9:]+ +$p +- .* $HELPERS/ctxswitch-busysleep one two words esc\\\\e\\[1m$"
	run -0 env LC_ALL=C pidstat -l -w -p "$p" 1 1
	theirs=$(awk -v p="$p" '$1 != "Average:" && $3 == p { s = $6; for (i = 7; i <= NF; i++) s = s " " $i; print s; exit }' <<< "$output")
	[[ $theirs == "$HELPERS/ctxswitch-busysleep one two words esc"* ]] || fail "pidstat: $theirs"
	run -0 ctxswitch -l --json -p "$p" 0.2 1
	run -0 jq -e -s '.[0].cmdline[1:] == ["one", "two words", "esc\u001b[1m"]' <<< "$output"
}

@test "-l with a hostile command line: 128 KiB, newline, OSC 52, 0xff, RTL override" {
	local big
	# one argument may hold 128 KiB less its NUL: two of 64 KiB
	big=$(head -c 65536 /dev/zero | tr '\0' x)
	start_helper ctxswitch-busysleep "$big" "$big" $'nl\nx' $'\e]52;c;eA==\a' $'\xff' $'\u202eevil' 'ünï'
	run -0 ctxswitch -l -p "$HELPER_PID" 0.2 1
	no_raw_escapes
	local row
	row=$(grep -E "^[0-9:]+ +$HELPER_PID +- " <<< "$output")
	[ "$(wc -l <<< "$row")" -eq 1 ]
	[[ $row == *" nl\\nx \\e]52;c;eA==\\x07 \\xff \\xe2\\x80\\xaeevil ünï" ]] || fail "${row: -80}"
	[ "${#row}" -gt 131072 ]
	run -0 ctxswitch -l --json -p "$HELPER_PID" 0.2 1
	no_raw_escapes
	run -0 jq -e -s '(.[0].cmdline[1] | length) == 65536 and .[0].cmdline[3] == "nl\nx"' <<< "$output"
}

@test "-O: one line per sample and the header once, as pidstat -h -H" {
	start_helper ctxswitch-busysleep
	local p=$HELPER_PID t
	run -0 env LC_ALL=C pidstat -h -H -w -p "$p" 1 2
	local theirs=$output
	run -0 ctxswitch -O -p "$p" 1 2
	assert_line --index 0 --regexp '^#TIME_UNIX +PID +TID +SW/s'
	[ "${#lines[@]}" -eq 3 ]
	[ "$(grep -c '^#' <<< "$theirs")" -eq 1 ]
	[ "$(grep -c "^ *[0-9]\+ .* $p " <<< "$theirs")" -eq 2 ]
	t=$(awk 'NR == 2 { print $1 }' <<< "$output")
	awk -v t="$t" -v n="$(date +%s)" 'BEGIN { exit !(n - t < 10 && t <= n) }'
	refute_output --partial "lifetime"
	refute_output --partial "why"
	run -0 ctxswitch -O -L 2 0.2 3
	[ "$(grep -c '^#' <<< "$output")" -eq 1 ]
	[ "${#lines[@]}" -eq 7 ]
}

@test "--raw: one field per column, spaces in names as \\x20" {
	start_helper ctxswitch-busysleep 'two words'
	run -0 ctxswitch --raw -l -p "$HELPER_PID" 0.2 1
	assert_line --index 0 "TIME PID TID SW/s VOL/s INVOL/s CPU% RUNQms/s MIGR/s COMMAND"
	assert_line --index 1 --regexp "^[0-9:]+ $HELPER_PID - [0-9.]+ [0-9.]+ [0-9.]+ [0-9.]+ [0-9.]+ [0-9.-]+ $HELPERS/ctxswitch-busysleep\\\\x20two\\\\x20words$"
	[ "$(awk 'NR == 2 { print NF }' <<< "$output")" -eq 10 ]
}

@test "options after operands; '--' alone is a usage error" {
	start_helper ctxswitch-busysleep
	run -0 ctxswitch 0.2 1 -p "$HELPER_PID" --json
	run -0 jq -s -e 'length == 3 and .[0].type == "sample"' <<< "$output"
	run -0 ctxswitch 0.2 1 --no-header -L 1
	[ "${#lines[@]}" -eq 2 ]
	run -2 --separate-stderr ctxswitch --
	assert_equal "$stderr" "ctxswitch: '--' needs a command to run after it"
	run -2 --separate-stderr ctxswitch 1 -- true
	[ "${#stderr_lines[@]}" -eq 1 ]
	# a program's own options after -- stay its own
	run -0 --separate-stderr ctxswitch -- /bin/sh -c 'exit 0' -p x
	[[ $stderr == "run: exited 0 "* ]]
}

@test "every --json mode has a schema and a type on each line" {
	start_helper ctxswitch-threads
	run -0 ctxswitch --json -t -p "$HELPER_PID" 0.2 2
	json_vocab ctxswitch stream
	run -0 ctxswitch --json -L 3 0.2 2
	json_vocab ctxswitch stream
	run -0 jq -s -e 'all(.[]; .type == "system")' <<< "$output"
	run -0 ctxswitch --bench --json -n 1 -i 0.2 -p "$HELPER_PID"
	json_vocab ctxswitch
	run -0 jq -e '.bench[0].half_trip_seconds > 0 and .bench[0].half_trip_seconds < 0.001 and .bench[0].median_seconds >= 0 and .cost[0].cpu_percent >= 0' <<< "$output"
	run -3 ctxswitch -i 0.05 -w "$BATS_TEST_TMPDIR/r.json" --json -- "$HELPERS/ctxswitch-sleeps" 100
	output=$(cat "$BATS_TEST_TMPDIR/r.json")
	json_vocab ctxswitch stream
	run -0 jq -e '.type == "run" and .elapsed_seconds > 0 and .cmdline[1] == "100"' <<< "$output"
}

@test "a target that exits during the watch: its rows, 'exited', lifetime, verdict, exit 0" {
	start_helper ctxswitch-sleeps 1500
	local p=$HELPER_PID
	run -0 ctxswitch -p "$p" -i 0.1 -n 0
	assert_line --regexp "^[0-9:]+ +$p +- "
	assert_line --regexp "^pid $p exited after [1-9][0-9]* samples$"
	assert_line --regexp "^lifetime pid $p: voluntary [0-9]+ .* exited: ctxswitch-sleep"
	assert_line --regexp "^why pid $p: (mostly voluntary|quiet|CPU contention)"
	start_helper ctxswitch-sleeps 1500
	p=$HELPER_PID
	run -0 ctxswitch --json -p "$p" -i 0.1 -n 0
	json_vocab ctxswitch stream
	local json=$output
	run -0 jq -s -e '.[-2].exited and .[-1].exited' <<< "$json"
	run -0 jq -s -e '[.[].type] | (.[-3:] == ["exited", "lifetime", "verdict"]) and
		(.[:-3] | length > 0 and all(. == "sample"))' <<< "$json"
}

@test "--prom: the -p and system views, escaped labels, promtool accepts them" {
	start_helper ctxswitch-threads
	run -0 ctxswitch --prom -t -p "$HELPER_PID" 0.3 1
	no_raw_escapes
	assert_line --regexp "^triage_ctxswitch_voluntary_per_second\\{pid=\"$HELPER_PID\",comm=\"ctxswitch-threa\"\\} [0-9.e+]+$"
	assert_line --regexp "^triage_ctxswitch_thread_involuntary_per_second\\{pid=\"$HELPER_PID\",comm=\"\\\\\\\\e\\]0;pwned\\\\\\\\x07\",tid=\"[0-9]+\"\\} "
	promtool check metrics <<< "$output"
	run -0 ctxswitch --prom -L 3 0.3 1
	assert_line --regexp '^triage_ctxswitch_system_switches_per_second [0-9.e+]+$'
	promtool check metrics <<< "$output"
	run -2 --separate-stderr ctxswitch --prom --json
	[ "${#stderr_lines[@]}" -eq 1 ]
}

@test "bad arguments: one line, exit 2" {
	local a
	for a in "-p ''" "-p -1" "-p 99999999999" "-p abc" "-p 1,,2" "-p 5," \
	    "-i 0" "-i -1" "-i abc" "-i 1e999" "-i ''" "-n -1" "-n x" "-L -1" \
	    "-L x" "0" "-1" "abc" "1 x" "1 2 3" "-u ''" "-C ''" "--color=bad" \
	    $'\e[31m'; do
		eval "run -2 --separate-stderr ctxswitch $a"
		[ "${#stderr_lines[@]}" -eq 1 ] || [[ ${stderr_lines[1]} == "Try 'ctxswitch --help'." ]] || fail "ctxswitch $a: $stderr"
		[[ ${stderr_lines[0]} == "ctxswitch: "* ]] || fail "ctxswitch $a: $stderr"
		printf '%s' "$stderr" | LC_ALL=C grep -q $'\e' && fail "raw ESC: $a"
		assert_output ""
	done
}

@test "as nobody against a root process: rates, or a line naming what is missing" {
	start_helper ctxswitch-busysleep
	run --separate-stderr setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$TRIAGE_BIN/ctxswitch" -p "$HELPER_PID" 0.2 1
	if [ "$status" -eq 0 ]; then
		assert_line --regexp "^[0-9:]+ +$HELPER_PID +- "
	else
		[ "$status" -eq 2 ] && [ "${#stderr_lines[@]}" -eq 1 ] || fail "$status: $stderr"
		[[ $stderr == *CAP_* ]] || fail "$stderr"
	fi
	run -0 setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$TRIAGE_BIN/ctxswitch" --json -L 0 0.2 1
	json_vocab ctxswitch stream
}

# -o COLUMNS (issue 14): every table's columns, as in fdleak and memmap.

# idle_status TID FIELD: a thread's count from /proc, the anchor for
# the NVCSW and NIVCSW columns of ctxswitch-idle, whose counts stand still
idle_status() {
	awk -v f="$2_ctxt_switches:" '$1 == f { print $2 }' \
		"/proc/$HELPER_PID/task/$1/status"
}

@test "-o: two columns in both orders, the same numbers as the default table and pidstat -w" {
	start_helper ctxswitch-many 4
	local p=$HELPER_PID d=$BATS_TEST_TMPDIR
	# all four watch the same second: each thread sleeps 100 ms at a time,
	# about 40 voluntary switches a second in all
	ctxswitch -p "$p" 1 1 > "$d/default" & local a=$!
	ctxswitch -o pid,sw -p "$p" 1 1 > "$d/pidsw" & local b=$!
	ctxswitch -o SW/s,PID -p "$p" 1 1 > "$d/swpid" & local c=$!
	LC_ALL=C pidstat -w -t -p "$p" 1 1 > "$d/pidstat" & local e=$!
	wait "$a" "$b" "$c" "$e"
	run -0 head -1 "$d/pidsw"
	assert_output "    PID      SW/s"
	run -0 head -1 "$d/swpid"
	assert_output "     SW/s     PID"
	local def ps sp theirs
	def=$(awk -v p="$p" '$2 == p && $3 == "-" { print $4 }' "$d/default")
	ps=$(awk -v p="$p" 'NR == 2 && NF == 2 && $1 == p { print $2 }' "$d/pidsw")
	sp=$(awk -v p="$p" 'NR == 2 && NF == 2 && $2 == p { print $1 }' "$d/swpid")
	# pidstat -t: the rows of the threads (its TGID row is the main one)
	theirs=$(awk '$1 != "Average:" && $3 == "-" && $4 ~ /^[0-9]/ { s += $5 + $6 } END { print s }' "$d/pidstat")
	echo "default $def, -o pid,sw $ps, -o sw,pid $sp, pidstat threads $theirs"
	for v in "$ps" "$sp" "$theirs"; do
		awk -v a="$v" -v b="$def" 'BEGIN { exit !(b >= 30 && b <= 50 && a >= b * 0.8 && a <= b * 1.2) }' ||
			fail "$v against $def"
	done
}

@test "-o nvcsw,nivcsw with -t: each thread's counts from /proc, in both orders" {
	start_helper ctxswitch-idle 3
	local p=$HELPER_PID tid
	run -0 ctxswitch -t -o tid,nvcsw,nivcsw -p "$p" 0.2 1
	assert_line --index 0 "    TID      NVCSW     NIVCSW"
	local rows
	rows=$(awk '$1 ~ /^[0-9]+$/' <<< "$output")
	[ "$(wc -l <<< "$rows")" -eq 4 ]
	for tid in $(ls "/proc/$p/task"); do
		assert_line --regexp "^ *$tid +$(idle_status "$tid" voluntary) +$(idle_status "$tid" nonvoluntary)\$"
	done
	# the process row sums them
	local sv=0 si=0
	for tid in $(ls "/proc/$p/task"); do
		sv=$((sv + $(idle_status "$tid" voluntary)))
		si=$((si + $(idle_status "$tid" nonvoluntary)))
	done
	assert_line --regexp "^ +- +$sv +$si\$"
	run -0 ctxswitch -t -o nivcsw,tid,comm --no-header -p "$p" 0.2 1
	for tid in $(ls "/proc/$p/task"); do
		assert_line --regexp "^ *$(idle_status "$tid" nonvoluntary) +$tid "
	done
	# and the rates of an idle process are nothing, in any order
	run -0 ctxswitch -t -o vol,sw,tid --no-header -p "$p" 0.2 1
	[ "$(grep -c '^ *0\.0 \+0\.0 ' <<< "$output")" -eq 5 ]
}

@test "-o help lists every column, and -o takes each" {
	start_helper ctxswitch-idle 1
	run -0 --separate-stderr ctxswitch -o help
	[ -z "$stderr" ]
	local names
	names=$(awk 'NF > 1 && $1 ~ /^[a-z]+$/ { print $1 }' <<< "$output")
	[ "$(wc -w <<< "$names")" -eq 13 ]
	for c in $names; do
		run -0 --separate-stderr ctxswitch -o "$c" --no-header -p "$HELPER_PID" 0.1 1
		[ -z "$stderr" ] || fail "-o $c: $stderr"
		run -0 awk 'NF != 1 { exit 1 }' <<< "$(grep -v '^\(note\|lifetime\|why\) ' <<< "$output")"
	done
	# upper case and the header's names are the same columns
	run -0 ctxswitch -o TID,RUNQms/s,cpu% -p "$HELPER_PID" 0.1 1
	assert_line --index 0 "    TID  RUNQms/s   CPU%"
}

@test "-o: an unknown column is one line naming it and the valid ones, exit 2" {
	run -2 --separate-stderr ctxswitch -o pid,bogus -p 1
	assert_output ""
	assert_equal "$stderr" "ctxswitch: -o bogus: not a column (one of: time, pid, tid, sw, vol, invol, cpu, runq, migr, nvcsw, nivcsw, threads, comm; -o help)"
	run -2 --separate-stderr ctxswitch -o $'\e]0;x\a' -p 1
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ $stderr == 'ctxswitch: -o \e]0;x\x07: not a column'* ]]
	for bad in "" + , pid, ,pid pid,,sw; do
		run -2 --separate-stderr ctxswitch -o "$bad" -p 1
		[ "${#stderr_lines[@]}" -eq 1 ] || fail "-o '$bad': $stderr"
	done
	# the tables' and --top's columns only (--top: ctxswitch.bats)
	for mode in --bench --prom "-- true"; do
		run -2 --separate-stderr ctxswitch -o pid $mode
		[ "${#stderr_lines[@]}" -eq 1 ] || fail "-o with $mode: $stderr"
	done
}

@test "--raw -o: the chosen fields only, a space in a thread name as \\x20" {
	start_helper ctxswitch-idle 2
	local p=$HELPER_PID w
	read -ra w <<< "$HELPER_READY"
	run -0 ctxswitch -t --raw -o comm,tid,nvcsw -p "$p" 0.2 1
	assert_line --index 0 "COMM TID NVCSW"
	assert_line "idle\\x200 ${w[1]} $(idle_status "${w[1]}" voluntary)"
	assert_line "idle\\x201 ${w[2]} $(idle_status "${w[2]}" voluntary)"
	run -0 awk 'NR > 1 && $1 !~ /^(note|lifetime|why)/ && NF != 3 { exit 1 }' <<< "$output"
	# -O: the header once behind '#', the Unix time where it is asked
	run -0 ctxswitch -O --raw -o pid,time -p "$p" 0.1 2
	assert_line --index 0 "#PID TIME_UNIX"
	[ "${#lines[@]}" -eq 3 ]
	assert_line --index 1 --regexp "^$p [0-9]{10}$"
	run -0 ctxswitch -O -o time,pid -p "$p" 0.1 1
	assert_line --index 0 "#TIME_UNIX          PID"
	assert_line --index 1 --regexp "^ [0-9]{10} +$p$"
	# -l: the COMMAND column
	run -0 ctxswitch -l -o command,pid -p "$p" 0.1 1
	assert_line --index 0 --regexp "^COMMAND +PID$"
	assert_line --index 1 --regexp "^.*/ctxswitch-idle 2 +$p$"
}

@test "-o +COL appends to the default, in the system view too; JSON keeps every field" {
	start_helper ctxswitch-idle 2
	local p=$HELPER_PID def
	run -0 ctxswitch -p "$p" 0.1 1
	def=${lines[0]}
	run -0 ctxswitch -o +threads,nvcsw -p "$p" 0.1 1
	# comm is no longer last: padded to a name's 15 columns
	assert_line --index 0 "${def%COMM}$(printf '%-15s' COMM) THREADS      NVCSW"
	local sv=0 tid
	for tid in $(ls "/proc/$p/task"); do
		sv=$((sv + $(idle_status "$tid" voluntary)))
	done
	assert_line --index 1 --regexp " ctxswitch-idle +3 +$sv\$"
	# the system view, on a name of this run's own (another suite at the
	# same time has ctxswitch-idle helpers too)
	local name=cs-idle-$$
	start_renamed "$name" ctxswitch-idle 2
	run -0 ctxswitch -o threads,pid,comm -C "^$name\$" -L 0 0.2 1
	assert_line --index 1 "THREADS     PID COMM"
	assert_line --index 2 "      3 $(printf '%7s' "$HELPER_PID") $name"
	assert_equal "${#lines[@]}" 3
	# JSON: the same keys with -o as without (fdleak and memmap do so)
	run -0 ctxswitch --json -t -p "$p" 0.1 1
	local all=$(jq -c -s '.[0] | [keys, (.threads[0] | keys)]' <<< "$output")
	run -0 ctxswitch --json -t -o pid,sw -p "$p" 0.1 1
	assert_equal "$(jq -c -s '.[0] | [keys, (.threads[0] | keys)]' <<< "$output")" "$all"
	run -0 jq -s -e '.[0].threads | all(.[]; .voluntary >= 1 and .involuntary >= 0)' <<< "$output"
}

@test "run mode: -w FILE takes the report; -o is no longer a file" {
	local f=$BATS_TEST_TMPDIR/report
	run -3 --separate-stderr ctxswitch -i 0.05 -w "$f" -- "$HELPERS/ctxswitch-sleeps" 50
	refute [ -n "$(grep '^run:' <<< "$stderr")" ]
	run -0 grep -c '^run: exited 3 after [0-9.]* s: voluntary [0-9]* involuntary' "$f"
	assert_output 1
	run -0 ctxswitch -i 0.05 --write="$f.2" -- true
	run -0 grep -c '^run: exited 0 ' "$f.2"
	# -w outside run mode, and the old spelling, are usage errors
	run -2 --separate-stderr ctxswitch -w "$f.3" -p 1
	[ "${#stderr_lines[@]}" -eq 1 ]
	run -2 --separate-stderr ctxswitch -o "$f.4" -- true
	[ "${#stderr_lines[@]}" -eq 1 ]
	[ ! -e "$f.4" ]
}

@test "-o comm before other columns: a hostile thread name escaped, then padded" {
	start_helper ctxswitch-threads
	local evil
	for w in $HELPER_READY; do
		[[ $w == evil=* ]] && evil=${w#evil=}
	done
	[ -n "$evil" ]
	run -0 ctxswitch -t -o comm,tid -p "$HELPER_PID" 0.2 1
	no_raw_escapes
	assert_line --index 0 "COMM                TID"
	assert_line --regexp '^\\e\]0;pwned\\x07 +'"$evil"'$'
	run -0 ctxswitch -t --raw -o comm,tid -p "$HELPER_PID" 0.2 1
	no_raw_escapes
	assert_line --regexp '^\\e\]0;pwned\\x07 '"$evil"'$'
}

@test "bash completion: -o completes column names after a comma, -w files" {
	complete_words() {
		bash -c "source /usr/share/bash-completion/bash_completion
			source '$TRIAGE_ROOT/completions/bash/ctxswitch'
			COMP_WORDS=(ctxswitch $1 '$2'); COMP_CWORD=2
			COMP_LINE='ctxswitch $1 $2'; COMP_POINT=\${#COMP_LINE}
			_comp_cmd_ctxswitch ctxswitch '$2' $1
			printf '%s\n' \"\${COMPREPLY[@]}\"" | sort | tr '\n' ' '
	}
	run -0 complete_words -o 'pid,n'
	assert_output "pid,nivcsw pid,nvcsw "
	run -0 complete_words --output '+thr'
	assert_output "+threads "
	# every name it offers is one -o takes
	run -0 complete_words -o ''
	for c in $output; do
		[ "$c" = help ] && continue
		ctxswitch -o "$c" -p 1 0.01 1 > /dev/null || fail "-o $c"
	done
	touch "$BATS_TEST_TMPDIR/report.txt"
	run -0 complete_words -w "$BATS_TEST_TMPDIR/rep"
	assert_output "$BATS_TEST_TMPDIR/report.txt "
}
