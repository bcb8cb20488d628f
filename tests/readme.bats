#!/usr/bin/env bats
# readme.bats - every `$ command` example of README.md, run against the
# demo service (demo/misbehave.c), gives output of the shape it shows.
#
# The examples are read from README.md when the file runs: a `$ ` line in
# a ``` block is a command, the lines under it (to the next `$ ` line or
# the end of the block) its pasted output.  The README's pids come from
# the run the output was pasted from: each becomes the pid of the service
# (every example today points at the service itself).  What each example
# needs to run (an interrupt, the fork-bomb fence) and how strictly its
# output is compared is the table in example_spec; the command text always
# comes from README.md.

bats_require_minimum_version 1.5.0
load common

# The service's output goes to a file: nothing reads a pipe after the
# ready line, and bats waits for any process that holds its fd 3.
setup_file() {
	local out=$BATS_FILE_TMPDIR/service.out word pid i
	: > "$out"
	setsid "$TRIAGE_ROOT/build/std/demo/misbehave" > "$out" 2>&1 3>&- &
	export SERVICE_STARTER=$!
	for ((i = 0; i < 200; i++)); do
		if read -r word pid < "$out" && [[ $pid =~ ^[0-9]+$ ]]; then
			break
		fi
		sleep 0.05
	done
	if ! [[ ${pid:-} =~ ^[0-9]+$ ]]; then
		echo "demo service did not print its ready line" >&2
		stop_service
		return 1
	fi
	export SERVICE_PID=$pid
	# what the examples show: 4 zombies (the oldest past --reap's
	# --min-age 1) and leaked sockets and files
	if ! wait_until service_has_leaked; then
		echo "demo service $SERVICE_PID did not leak within 10 s" >&2
		stop_service
		return 1
	fi
	export EX_DIR=$BATS_FILE_TMPDIR/examples
	mkdir -p "$EX_DIR"
	# TRIAGE_README: another copy, to see the check fail on a broken one
	extract_examples "${TRIAGE_README:-$TRIAGE_ROOT/README.md}" "$EX_DIR"
}

teardown_file() {
	stop_service
}

teardown() {
	kill_helpers
	if [ -n "${FENCE:-}" ]; then
		wait_until rmdir "/sys/fs/cgroup/pids/$FENCE" \
		    "/sys/fs/cgroup/freezer/$FENCE" 2>/dev/null || true
	fi
}

# stop_service: kill the service's process group (it and its workers)
# and wait for it; its zombies go to the subreaper, which reaps them.
stop_service() {
	[ -n "${SERVICE_STARTER:-}" ] || return 0
	kill -KILL -- "-$SERVICE_STARTER" 2>/dev/null || true
	kill -KILL "$SERVICE_STARTER" 2>/dev/null || true
	wait "$SERVICE_STARTER" 2>/dev/null || true
}

# service_has_leaked: the service has 4 zombie children and 20 fds.
service_has_leaked() {
	local kids k z=0 s
	# one line of pids, without a newline at the end
	kids=$(< "/proc/$SERVICE_PID/task/$SERVICE_PID/children") || return 1
	for k in $kids; do
		s=$(sed 's/.*) //' "/proc/$k/stat" 2>/dev/null)
		[ "${s%% *}" = Z ] && z=$((z + 1))
	done
	[ "$z" -ge 4 ] || return 1
	s=$(ls "/proc/$SERVICE_PID/fd" | wc -l)
	[ "$s" -ge 20 ]
}

# extract_examples README DIR: each example as DIR/NN.cmd (the command)
# and DIR/NN.out (its pasted output, without the terminal's ^C echo).
extract_examples() {
	awk -v dir="$2" '
	/^```/ { inblock = !inblock; cur = ""; next }
	inblock && /^\$ / {
		if (cur != "") { close(cur ".cmd"); close(cur ".out") }
		cur = sprintf("%s/%02d", dir, ++n)
		print substr($0, 3) > (cur ".cmd")
		printf "" > (cur ".out")
		next
	}
	inblock && cur != "" && $0 != "^C" { print > (cur ".out") }
	' "$1"
}

# example_spec COMMAND: how to run and compare one example.
#   MODE  the checks, any of:
#         first  the first line has the README's shape
#         known  every other output line has a shape the README shows
#         table  known, or a row of numbers and words in the order of a
#                README row
#         cover  every README line's shape is in the output
#         labels every output line starts with a word a README line starts
#                with, and the other way round (a report whose lines vary
#                after their label)
#         findings  (triage) a finding of a check the README does not
#                show is left out, and so is the "ok:" line
#         A README output with a "..." line shows a part: cover only.
#   RC    the exit status of the first command of the pipeline; reaped:
#         0 when "reaped N of N", 1 when a zombie is left (man zombies: a
#         zombie younger than --min-age is refused, which depends on when
#         the service last forked)
#   WRAP  interrupt: Ctrl-C after 2 s; fence: inside a 300-task cgroup
#   DIR   a directory the example works in, made for it when missing
# A line's shape is the line with numbers, hex addresses and quoted
# values replaced (a list or range of numbers is one), blanks squeezed and
# trimmed (columns widen with the pids).
example_spec() {
	local exact="first known cover"
	MODE=$exact RC=0 WRAP= DIR=
	case $1 in
	"triage -p "*--json*) ;;
	# a loaded machine adds a cpu finding (a CPU wait of 100 ms/s)
	"triage "*) MODE="first known cover findings" ;;
	"proctree -t "*) ;;
	"proctree "*) MODE="first known" ;;	# a row per zombie
	"zombies --reap "*) RC=reaped ;;
	# machine-wide: other parents' blocks (PID 1's, of killed services)
	"zombies -p "*) MODE="first labels cover" ;;
	"zombies "*) MODE="first known" ;;
	"ctxswitch -t -p "*) MODE="first cover" ;;	# the README shows a part
	"ctxswitch -O "*) MODE="first table" ;;
	"structpad -s "*) MODE="first table" ;;	# the worst types may change
	"structpad --check "*) RC=1 ;;		# a finding
	"systrace "*" paths "*) MODE="first table" DIR=${1##* } ;;
	"systrace "*" -- "*) ;;
	"systrace -c "*) MODE="first table" WRAP=interrupt ;;
	"systrace "*) MODE="first known" WRAP=interrupt ;;
	"forkguard -m "* | "forkguard --max-procs "*)
		MODE="first labels" RC=1 WRAP=fence ;;	# 1: a bomb contained
	"forkguard --limits"*) MODE="first known" WRAP=fence ;;
	esac
}

# with_pids COMMAND: the README's pids (an -p argument, or a number of 4
# digits or more standing alone) replaced with the service's pid; the
# words of a program run after -- are its own.
with_pids() {
	local head=$1 tail=
	if [[ $1 == *" -- "* ]]; then
		head=${1%% -- *} tail=" -- ${1#* -- }"
	fi
	head=$(SVC=$SERVICE_PID perl -pe '
	    s/(?<=-p )\d+(?:,\d+)*/$ENV{SVC}/g;
	    s/(?<![\w.,\/=-])\d{4,}(?![\w.,\/])/$ENV{SVC}/g' <<< "$head")
	printf '%s%s\n' "$head" "$tail"
}

# bound COMMAND: the number of lines the pipeline fixes (head -N, tail -N,
# grep -mN), or nothing.
bound() {
	if [[ $1 =~ \|[[:space:]]*(head|tail)[[:space:]]+-n?[[:space:]]*([0-9]+) ]]; then
		echo "${BASH_REMATCH[2]}"
	elif [[ $1 =~ grep[^|]*[[:space:]]-m[[:space:]]*([0-9]+) ]]; then
		echo "${BASH_REMATCH[1]}"
	fi
}

# compare MODE BOUND README_OUT OUTPUT: print each way OUTPUT differs
# from the README's pasted output in shape.
compare() {
	# the script on stdin: a quote in it cannot end a shell string
	perl - "$@" <<'PERL'
	use strict; use warnings;
	my ($modes, $bound, $rfile, $ofile) = @ARGV;
	sub lines { open(my $f, "<", $_[0]) or die "$_[0]: $!"; my @l = <$f>; chomp @l; @l }
	sub shape {
		local $_ = shift;
		s{(?<![\w.])/\S*?/build/std/}{ROOT/build/std/}g;
		s{("[\w.-]+"\s*:\s*)"(?:[^"\\]|\\.)*"}{$1"~"}g;
		s{(\w=)"(?:[^"\\]|\\.)*"}{$1"~"}g;
		s{\b[0-9a-f]{12,}\b}{#}g;
		s{(?<![A-Za-z_])\d+(?:\.\d+)*}{#}g;
		s{#(?:[-,]#)+}{#}g;
		s{\s+}{ }g; s{^ | $}{}g;
		$_
	}
	# the fields of a row: numbers and words, a run of numbers as one (a
	# blank cell, as the errors of systrace -c, shifts the columns)
	sub fields {
		my $f = join " ", map { m{^[-+]?#[#%:./A-Za-z]*$} ? "#" : "w" } split " ", $_[0];
		$f =~ s/# (?:# )*/# /g;
		$f =~ s/(?:# )+#$/#/;
		$f
	}
	my @r = lines($rfile); my @o = lines($ofile);
	my %m = map { $_ => 1 } split " ", $modes;
	%m = (cover => 1) if grep { $_ eq "..." } @r;
	@r = grep { $_ ne "..." } @r;
	if ($m{findings}) {
		my %shown = map { /^(?:CRIT|WARN|INFO)\s+(\S+)/ ? ($1 => 1) : () } @r;
		my ($keep, @k) = (1);
		for (@o) {
			$keep = $shown{$1} if /^(?:CRIT|WARN|INFO)\s+(\S+)/;
			push @k, $_ if $keep && !/^ok: /;
		}
		@o = @k;
		@r = grep { !/^ok: / } @r;
	}
	my @rs = map { shape($_) } @r; my @os = map { shape($_) } @o;
	my (%rset, %oset, %rrow, @p);
	$rset{$_} = 1 for @rs; $oset{$_} = 1 for @os;
	$rrow{fields($_)} = 1 for @rs[1 .. $#rs];
	my %rlab = map { (split " ", $_)[0] // "" => 1 } @rs;
	my %olab = map { (split " ", $_)[0] // "" => 1 } @os;
	push @p, "the README shows no output" unless @r;
	push @p, "no output" unless @o;
	push @p, "first line is \"$o[0]\", the README has \"$r[0]\""
	    if $m{first} && @o && @r && $os[0] ne $rs[0];
	if ($bound ne "") {
		push @p, sprintf("the README shows %d lines where the command keeps %d",
		    scalar @r, $bound) if @r != $bound;
		push @p, sprintf("%d lines, the README shows %d", scalar @o, scalar @r)
		    if @o != @r;
	}
	if ($m{labels}) {
		for my $l (sort keys %olab) {
			push @p, "a line starts with \"$l\", no README line does" unless $rlab{$l};
		}
		for my $l (sort keys %rlab) {
			push @p, "no line starts with \"$l\" as in the README" unless $olab{$l};
		}
	}
	if ($m{known} || $m{table}) {
		for my $i (1 .. $#os) {
			next if $rset{$os[$i]};
			next if $m{table} && $rrow{fields($os[$i])};
			push @p, "line " . ($i + 1) . " has a shape the README does not show: $o[$i]";
		}
	}
	if ($m{cover}) {
		my %told;
		for my $s (@rs) {
			push @p, "a line of the README is missing: $s"
			    unless $oset{$s} || $told{$s}++;
		}
	}
	print "$_\n" for @p[0 .. ($#p < 11 ? $#p : 11)];
PERL
}

# run_example COMMAND: run it as the README shows it, from the top of the
# tree, with bin first in PATH; sets output (stdout and stderr, as on a
# terminal) and STATUSES (the status of each command of the pipeline).
run_example() {
	local script rcf=$BATS_TEST_TMPDIR/statuses
	rm -f "$rcf"
	script="$1"$'\n''echo "${PIPESTATUS[*]}" > "$RCF"'
	[ "$WRAP" = interrupt ] && script="timeout --preserve-status -s INT 2 $script"
	if [ "$WRAP" = fence ]; then
		RCF=$rcf run timeout -k 5 60 bash -c '
		    echo $$ > "/sys/fs/cgroup/pids/$1/cgroup.procs" &&
		    echo $$ > "/sys/fs/cgroup/freezer/$1/cgroup.procs" &&
		    exec bash -c "$2"' fence "$FENCE" "$script"
	else
		RCF=$rcf run timeout -k 5 60 bash -c "$script"
	fi
	STATUSES=$(cat "$rcf" 2>/dev/null) || STATUSES=
}

# statuses_ok BOUND: the first command exited RC (or, cut short by head
# or grep -m, by SIGPIPE), every later one 0.
statuses_ok() {
	local -a s
	read -r -a s <<< "$STATUSES"
	[ "${#s[@]}" -gt 0 ] || return 1
	[ "${s[0]}" = "$RC" ] ||
	    { [ -n "$1" ] && [ "$RC" = 0 ] && [ "${s[0]}" = 141 ]; } || return 1
	local x
	for x in "${s[@]:1}"; do
		[ "$x" = 0 ] || return 1
	done
}

# examples_of NAME: the example files whose command is NAME.
examples_of() {
	local f w
	for f in "$EX_DIR"/*.cmd; do
		read -r w _ < "$f"
		[ "$w" = "$1" ] && echo "${f%.cmd}"
	done
}

# check_examples NAME: run every README example of command NAME; fail
# listing each one that differs.
check_examples() {
	local ex cmd b problems made n=0 bad=0
	cd "$TRIAGE_ROOT"
	for ex in $(examples_of "$1"); do
		n=$((n + 1))
		cmd=$(with_pids "$(cat "$ex.cmd")")
		example_spec "$cmd"
		b=$(bound "$cmd")
		made=
		if [ -n "$DIR" ] && [ ! -e "$DIR" ]; then
			made=$DIR
			while [ ! -e "$(dirname "$made")" ]; do made=$(dirname "$made"); done
			mkdir -p "$DIR"
		fi
		run_example "$cmd"
		[ -z "$made" ] || rm -rf "$made"
		if [ "$RC" = reaped ]; then
			RC=1
			[[ $output =~ reaped\ ([0-9]+)\ of\ ([0-9]+)\  ]] &&
			    [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ] && RC=0
		fi
		printf '%s\n' "$output" > "$ex.got"
		problems=$(compare "$MODE" "$b" "$ex.out" "$ex.got")
		statuses_ok "$b" ||
		    problems+=$'\n'"exit status $STATUSES, expected $RC"
		printf '%s' "$output" | LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' &&
		    problems+=$'\n'"raw control byte in the output"
		[ -z "${problems//$'\n'/}" ] && continue
		bad=$((bad + 1))
		printf '$ %s\n%s\n--- output:\n%s\n\n' "$cmd" "${problems#$'\n'}" \
		    "$(head -30 "$ex.got")" >&2
	done
	[ "$n" -gt 0 ] || { echo "README.md has no $1 example" >&2; return 1; }
	[ "$bad" -eq 0 ]
}

@test "README: every example is of a command, and each command has one" {
	local f w found=()
	for f in "$EX_DIR"/*.cmd; do
		read -r w _ < "$f"
		[ -x "$TRIAGE_BIN/$w" ] || { echo "example of unknown command: $(cat "$f")" >&2; return 1; }
		found+=("$w")
	done
	[ "${#found[@]}" -ge 9 ]
	for w in triage proctree zombies fdleak memmap ctxswitch structpad systrace forkguard; do
		[[ " ${found[*]} " == *" $w "* ]] || { echo "no README example of $w" >&2; return 1; }
	done
}

@test "README: the checker fails on an example that is broken on purpose" {
	local ex=$BATS_TEST_TMPDIR/broken f
	# a README output whose first line gained a word
	f=$(examples_of fdleak | head -1)
	cp "$f.out" "$ex.out"
	sed '1s/$/ broken/' "$ex.out" > "$ex.got"
	run compare "first known cover" "" "$ex.out" "$ex.got"
	assert_output --partial 'first line is'
	# a line more than head -3 keeps, and a line of an unknown shape
	printf 'A B C\n1 x\n2 x\n' > "$ex.out"
	printf 'A B C\n1 x\n2 x\nnew line 3\n' > "$ex.got"
	run compare "first known" 3 "$ex.out" "$ex.got"
	assert_line '4 lines, the README shows 3'
	assert_line --partial 'line 4 has a shape the README does not show'
	# a README line the output lacks, a header that changed
	printf 'A B C\n1 x\n' > "$ex.got"
	printf 'A B C\n1 x\nverdict: leaking\n' > "$ex.out"
	run compare "first known cover" "" "$ex.out" "$ex.got"
	assert_line 'a line of the README is missing: verdict: leaking'
	printf 'A B D\n1 x\n' > "$ex.got"
	run compare "first table" "" "$ex.out" "$ex.got"
	assert_line --partial 'first line is "A B D"'
	# the same shape with other numbers and pids passes
	printf 'A B C\n17 x\nverdict: leaking\n' > "$ex.got"
	run -0 compare "first known cover" "" "$ex.out" "$ex.got"
	assert_output ''
	# a table row of other words passes, with a blank cell too; a row
	# whose word moved does not
	printf 'H C\n1 2 3 read\n4 5 6 write\n' > "$ex.out"
	printf 'H C\n7 8 9 close\n7 8 socket\n' > "$ex.got"
	run -0 compare "first table" "" "$ex.out" "$ex.got"
	assert_output ''
	printf 'H C\n7 close 8\n' > "$ex.got"
	run compare "first table" "" "$ex.out" "$ex.got"
	assert_line 'line 2 has a shape the README does not show: 7 close 8'
	# triage: a finding the README does not show is left out, not one
	# it shows
	printf 't: 2 findings\nWARN  fds  x\n  e: 1\nok: cpu\n' > "$ex.out"
	printf 't: 3 findings\nINFO  cpu  y\n  e: 2\nWARN  fds  x\n  e: 1\nok: a\n' > "$ex.got"
	run -0 compare "first known cover findings" "" "$ex.out" "$ex.got"
	assert_output ''
	printf 't: 1 findings\nINFO  cpu  y\n  e: 2\nok: fds\n' > "$ex.got"
	run compare "first known cover findings" "" "$ex.out" "$ex.got"
	assert_line 'a line of the README is missing: WARN fds x'
}

@test "README: triage examples" {
	check_examples triage
}

@test "README: proctree examples" {
	check_examples proctree
}

@test "README: zombies examples" {
	check_examples zombies
}

@test "README: fdleak examples" {
	check_examples fdleak
}

@test "README: memmap examples" {
	check_examples memmap
}

@test "README: ctxswitch examples" {
	check_examples ctxswitch
}

@test "README: structpad examples" {
	check_examples structpad
}

@test "README: systrace examples" {
	check_examples systrace
}

@test "README: forkguard examples, the bomb only inside a 300-task cgroup" {
	[ -w /sys/fs/cgroup/pids/cgroup.procs ] && [ -w /sys/fs/cgroup/freezer/cgroup.procs ] ||
	    skip "needs root and the v1 pids and freezer controllers"
	# named as make demo names its fence, so the pasted paths compare
	FENCE=triage-demo-$BASHPID
	mkdir "/sys/fs/cgroup/pids/$FENCE" "/sys/fs/cgroup/freezer/$FENCE"
	echo 300 > "/sys/fs/cgroup/pids/$FENCE/pids.max"
	check_examples forkguard
}
