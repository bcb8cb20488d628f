#!/usr/bin/env bats
# tests/memmap-parity.bats - memmap beside pmap on the same helper (-A,
# shmid, the command line, -q), its tables (-o, --raw), --prom, JSON
# vocabulary, hostile names, a watched process that exits, -u, churn and
# the argument table (issues 14 and 16), and peak RSS beside pmap's (issue 15).

bats_require_minimum_version 1.5.0
load common
load memmap

# addresses of the mapping lines of pmap -q / memmap -q --no-header
pmap_addrs() {
	pmap -q "$@" | awk 'NR > 1 { print $1 }'
}
memmap_addrs() {
	memmap --no-header -o address "$@"
}

@test "memmap -A: the mappings pmap -A shows, for every form of the range" {
	target
	local r
	for r in "$anon1,$anon1" "3000000fb000,3000000fb000" "$anon2," \
	    ",$anon1" "0x$file,0x$shm" "$memfd" "fff,$anon1" 3000000fa; do
		run -0 diff <(pmap_addrs -A "$r" "$HELPER_PID") \
			<(memmap_addrs -A "$r" -p "$HELPER_PID")
	done
	# and the totals are those of the range: anon1 and anon2
	run -0 memmap -A "$anon1,$anon2" -p "$HELPER_PID"
	assert_line --regexp '^total +4000 +3400 .* 2 mappings$'
}

@test "memmap -A: malformed ranges are one line, exit 2" {
	target
	local bad
	for bad in '' zz '5,4' '12,x' 0x 123456789abcdef01234; do
		run -2 --separate-stderr memmap -A "$bad" -p "$HELPER_PID"
		[ "${#stderr_lines[@]}" -eq 1 ]
		[[ $stderr == "memmap: -A "* ]]
	done
}

@test "memmap: the SysV shmid of a shm mapping, as pmap -x and ipcs give it" {
	target
	local want id
	want=$(pmap -x "$HELPER_PID" | awk -v a="$shm" '$1 == a' | grep -o 'shmid=0x[0-9a-f]*')
	[ -n "$want" ]
	run -0 memmap -p "$HELPER_PID"
	assert_line --regexp "^$shm .* shm +\[$want\]$"
	run -0 memmap --json -p "$HELPER_PID"
	id=$(jq -r --arg a "0x${shm#"${shm%%[!0]*}"}" '.processes[0].mappings[] | select(.start_address == $a) | .shmid' <<< "$output")
	[ "$id" = "$((${want#shmid=}))" ]
	ipcs -m | awk '{ print $2 }' | grep -qx "$id"
}

@test "memmap: the first line is pmap's: pid and command line" {
	target
	run -0 memmap -p "$HELPER_PID"
	[ "${lines[0]}" = "$(pmap "$HELPER_PID" | head -1)" ]
	run -0 memmap --json -p "$HELPER_PID"
	[ "$(jq -r '.processes[0].cmdline | join(" ")' <<< "$output")" = "$(tr '\0' ' ' < "/proc/$HELPER_PID/cmdline" | sed 's/ $//')" ]
}

@test "memmap -q is pmap -q: the first line, the mappings, no header or totals" {
	target
	run -0 memmap -q -p "$HELPER_PID"
	[ "${lines[0]}" = "$(pmap -q "$HELPER_PID" | head -1)" ]
	refute_line --regexp '^(ADDRESS|total|limit|verdict)'
	[ "$(printf '%s\n' "${lines[@]:1}" | awk '{ print $1 }')" = "$(pmap_addrs "$HELPER_PID")" ]
	# --no-header drops the first line too
	run -0 memmap --no-header -p "$HELPER_PID"
	[[ ${lines[0]} != *:* ]]
}

@test "memmap -o, --raw: the columns asked for, one field each" {
	target
	run -0 memmap -o mapping,RSS,address,Private_Dirty -p "$HELPER_PID"
	assert_line --index 1 --regexp '^MAPPING +RSS ADDRESS +Private_Dirty$'
	assert_line --regexp "^\[anon\] +400 $anon1 +400$"
	run -0 memmap --raw -o address,kind,mapping,rss -p "$HELPER_PID"
	assert_line --index 0 'ADDRESS KIND MAPPING RSS'
	# the table alone, every line 4 fields
	[ -z "$(printf '%s\n' "${lines[@]}" | awk 'NF != 4')" ]
	assert_line --regexp "^$shm shm \[shmid=0x[0-9a-f]+\] 64$"
	assert_line --regexp "^0000[0-9a-f]+ thread-stack \[stack\\\\x20tid\\\\x20[0-9]+\] [0-9]+$"
	assert_line --regexp '^total - [0-9]+\\x20mappings [0-9]+$'
	assert_line --regexp '^0000[0-9a-f]+ file /.*/map\\e\[31mred\\e\]0;x\\x07 64$'
	run -0 memmap -s --raw -o pid,group,rss -p "$HELPER_PID"
	assert_line --index 0 'PID GROUP RSS'
	assert_line --regexp "^$HELPER_PID total [0-9]+$"
	[ -z "$(printf '%s\n' "${lines[@]}" | awk 'NF != 3')" ]
	# +COL: the default columns, then those; the rows agree field by
	# field (PSS aside: it moves as other processes map the same libc)
	run -0 memmap --raw -p "$HELPER_PID"
	local plain=$output
	run -0 memmap --raw -o +offset,inode -p "$HELPER_PID"
	assert_line --index 0 'ADDRESS KBYTES RSS PSS DIRTY SWAP MODE KIND MAPPING OFFSET INODE'
	diff <(awk '$1 != "total" { NF -= 2; $4 = ""; print }' <<< "$output" | sed 1d) \
	    <(awk '$1 != "total" { $4 = ""; print }' <<< "$plain" | sed 1d)
	run -0 memmap -s --raw -o +count -p "$HELPER_PID"
	assert_line --index 0 'PID COMM GROUP COUNT KBYTES RSS PSS USS SWAP COUNT'
	run -2 --separate-stderr memmap -X -o +rss -p "$HELPER_PID"
	assert_equal "$stderr" "memmap: -o +COL adds to the default columns; -X has none (name them all)"
	run -0 memmap -o help
	assert_line --regexp '^MAPPING +path'
	run -2 --separate-stderr memmap -o address,bogus -p "$HELPER_PID"
	[ "$stderr" = "memmap: -o bogus: no such column (-o help lists them)" ]
	run -2 --separate-stderr memmap -s -o vmflags -p "$HELPER_PID"
	[[ $stderr == "memmap: -o vmflags: no such column (one of: PID, "* ]]
	run -2 --separate-stderr memmap --maps-only -o rss -p "$HELPER_PID"
	[ "$stderr" = "memmap: -o rss: needs smaps, not --maps-only" ]
}

@test "memmap -s --prom: promtool accepts it; the values are the summary's" {
	target
	run -0 memmap -s --prom -p "$HELPER_PID"
	promtool check metrics <<< "$output"
	local rss
	rss=$(memmap -s --raw -o group,rss --no-header -p "$HELPER_PID" | awk '$1 == "total" { print $2 }')
	assert_line "triage_memmap_rss_bytes{pid=\"$HELPER_PID\",comm=\"memmap-target\",group=\"total\"} $((rss * 1024))"
	assert_line --regexp "^triage_memmap_mappings_limit\{pid=\"$HELPER_PID\",comm=\"memmap-target\"\} $(cat /proc/sys/vm/max_map_count)$"
	assert_line "triage_memmap_limit_level{pid=\"$HELPER_PID\",comm=\"memmap-target\"} 0"
	run -2 --separate-stderr memmap --prom -p "$HELPER_PID"
	[ "$stderr" = "memmap: --prom goes with -s" ]
}

@test "memmap --json: every mode follows the vocabulary of man 7 triage" {
	target
	run -0 memmap --json -p "$HELPER_PID"
	json_vocab memmap
	jq -e '.processes[0] | (.start_time_unix | type) == "number" and (.time_unix | type) == "number"' <<< "$output"
	# the start time is the process's: stat's ticks after boot
	local ticks want
	ticks=$(awk '{ sub(/.*\) /, ""); print $20 }' "/proc/$HELPER_PID/stat")
	want=$(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" '{ printf "%d", systime() - $1 + t / hz }' /proc/uptime)
	[ $(( $(jq '.processes[0].start_time_unix | floor' <<< "$output") - want )) -le 1 ]
	run -0 memmap -X --json -p "$HELPER_PID"
	json_vocab memmap
	jq -e '.processes[0].mappings[0].smaps | has("private_dirty_kb") and has("thpeligible")' <<< "$output"
	run -0 memmap -s --json -p "$HELPER_PID"
	json_vocab memmap
	run -0 memmap --maps-only -s --json -p "$HELPER_PID"
	json_vocab memmap
}

@test "memmap: hostile names are escaped once in every format" {
	HELPERS=$PLAIN_HELPERS start_helper memmap-hostile "$BATS_TEST_TMPDIR"
	local mfd f
	mfd=$(printf '%016x' "$(( $(sed 's/.*memfd=\([^ ]*\).*/\1/' <<< "$HELPER_READY") ))")
	f=$(printf '%016x' "$(( $(sed 's/.*file=\([^ ]*\).*/\1/' <<< "$HELPER_READY") ))")
	run -0 memmap -p "$HELPER_PID"
	no_raw_escapes
	# the kernel's \012 is a newline, shown as \n: as fdleak shows the fd
	[[ $(awk -v a="$mfd" '$1 == a' <<< "$output") == *' /memfd:new\nline (deleted)' ]]
	fdleak -p "$HELPER_PID" | grep -qF '/memfd:new\nline (deleted'
	[[ $(awk -v a="$f" '$1 == a' <<< "$output") == *'/f\e]52;c;SGVsbG8=\x07\xff\xe2\x80\xaert\nl' ]]
	# the 128 KiB command line: cut, escaped, on one line
	[[ ${lines[0]} == "$HELPER_PID:   "*memmap-hostile*xxxx*... ]]
	[ "${#lines[0]}" -lt 8192 ]
	run -0 memmap --json -p "$HELPER_PID"
	no_raw_escapes
	jq -e '.processes[0].mappings[] | select(.path == "/memfd:new\nline (deleted)")' <<< "$output"
	jq -e '.processes[0].comm == ") (\u001b[31m"' <<< "$output"
	[ "$(jq '.processes[0].cmdline | map(length) | add' <<< "$output")" -gt $((128 * 1024)) ]
	local mode
	for mode in "-X" "-s" "--raw" "-s --raw" "-o mapping,kind"; do
		run -0 memmap $mode -p "$HELPER_PID"
		no_raw_escapes
	done
	run -0 memmap -s -p "$HELPER_PID"
	assert_line --regexp "^ *$HELPER_PID \) \(\\\\e\[31m +total "
	run -0 memmap -s --prom -p "$HELPER_PID"
	no_raw_escapes
	promtool check metrics <<< "$output"
	run -0 memmap -w -i 0.1 -n 1 -p "$HELPER_PID"
	no_raw_escapes
}

@test "memmap --watch: a target that exits: what was seen, 'exited', exit 0" {
	HELPERS=$PLAIN_HELPERS start_helper memmap-gofake
	local out=$BATS_TEST_TMPDIR/w
	memmap -w -i 0.1 -p "$HELPER_PID" > "$out" &
	local w=$!
	track_pid "$w"
	wait_until grep -q '^ *TIME CHANGE' "$out"
	kill -KILL "$HELPER_PID"
	wait "$w"
	run -0 cat "$out"
	assert_line --regexp "^pid $HELPER_PID exited after [0-9.]+ s \([0-9]+ samples\); seen: size [0-9]+ -> [0-9]+ kB, rss [0-9]+ -> [0-9]+ kB$"
	HELPERS=$PLAIN_HELPERS start_helper memmap-gofake
	memmap -w --json -i 0.1 -p "$HELPER_PID" > "$out" &
	w=$!
	track_pid "$w"
	wait_until grep -q '"sample"' "$out"
	kill -KILL "$HELPER_PID"
	wait "$w"
	run -0 cat "$out"
	json_vocab memmap stream
	jq -e 'select(.type == "exit") | .pid and .samples >= 1 and .first.rss_kb >= 1024' <<< "${lines[-1]}"
}

@test "memmap -s -u: the processes of a user, as ps -u lists them" {
	target
	local me
	# --raw: a 4-digit pid among 5-digit ones is not padded with a space
	run -0 --separate-stderr memmap -s -u root --no-header --raw -o pid -p "$HELPER_PID,$$"
	[ "$(printf '%s\n' "${lines[@]}" | sort -u | tr '\n' ' ')" = "$(printf '%s\n' "$HELPER_PID" "$$" | sort | tr '\n' ' ')" ]
	run -0 memmap -s -u nobody --json -p "$HELPER_PID"
	[ "$(jq '.processes | length' <<< "$output")" -eq 0 ]
	# without -p: every process of the user; kernel threads are not
	run --separate-stderr memmap -s -u root --maps-only --no-header --raw -o pid
	[ "$status" -ne 2 ]
	# what it could not read, it names (PID 1 refuses its maps here)
	[[ $stderr == *"memmap: pid 1: reading /proc/1/maps: Permission denied"* ]] ||
		grep -qx 1 <<< "$output"
	me=$(printf '%s\n' "${lines[@]}" | sort -un)
	printf '%s\n' "$me" | grep -qx "$HELPER_PID"
	! printf '%s\n' "$me" | grep -qx 2
	run -2 --separate-stderr memmap -u root
	[ "$stderr" = "memmap: -u USER goes with -s" ]
	run -2 --separate-stderr memmap -s -u no-such-user-here
	[ "$stderr" = "memmap: -u no-such-user-here: no such user" ]
}

@test "memmap: pids as operands, options after them, --color alone is always" {
	target
	run -0 memmap "$HELPER_PID" --json
	[ "$(jq '.processes[0].pid' <<< "$output")" -eq "$HELPER_PID" ]
	run -0 memmap "$HELPER_PID" "$$" -s --no-header -o pid
	[ "$(printf '%s\n' "${lines[@]}" | sort -u | wc -l)" -eq 2 ]
	memmap --json -p "$HELPER_PID" > "$BATS_TEST_TMPDIR/before.json"
	kill -USR1 "$HELPER_PID"
	helper_line
	run -0 memmap -d "$BATS_TEST_TMPDIR/before.json" "$HELPER_PID" --color
	assert_line --regexp $'^\e\\[31mgrown   \e\\[0m '"$grow"
	run -2 --separate-stderr memmap --color=sometimes -p self
	[ "$stderr" = "memmap: --color sometimes: not auto, always or never" ]
}

@test "memmap: exit 1 and NEAR LIMIT when the cgroup is almost full" {
	local cg=/sys/fs/cgroup/memory/memmap-near-$$ use
	CG=$cg
	mkdir "$cg"
	target
	echo "$HELPER_PID" > "$cg/cgroup.procs"
	# v1 charges the pages a process touches after it moved: grow 1 MiB
	kill -USR1 "$HELPER_PID"
	helper_line
	[ "$REPLY" = "grown 1280" ]
	use=$(cat "$cg/memory.usage_in_bytes")
	[ "$use" -ge $((1 << 20)) ]
	# 95% full: a limit a twentieth above the usage, page-aligned
	echo $(( (use * 20 / 19 + 4095) / 4096 * 4096 )) > "$cg/memory.limit_in_bytes"
	run -1 memmap -p "$HELPER_PID"
	assert_line --regexp "^limit cgroup memory .* NEAR LIMIT$"
	assert_line --regexp '^verdict near: cgroup memory at 9[0-9]\.[0-9]% of its limit$'
	run -1 memmap --json -p "$HELPER_PID"
	jq -e '.processes[0].limits.level == "near"' <<< "$output"
	echo $((1 << 30)) > "$cg/memory.limit_in_bytes"
	run -0 memmap -p "$HELPER_PID"
	refute_line --regexp 'NEAR LIMIT|^verdict'
	echo "$HELPER_PID" > /sys/fs/cgroup/memory/cgroup.procs
}

@test "memmap: bad arguments are one line on stderr, exit 2" {
	local args
	while IFS= read -r args; do
		eval "run -2 --separate-stderr memmap $args"
		[ "${#stderr_lines[@]}" -le 2 ] || fail "memmap $args: $stderr"
		[[ ${stderr_lines[0]} == "memmap: "* ]] || fail "memmap $args: $stderr"
		[ -z "$output" ] || fail "memmap $args: output $output"
	done <<- 'EOF'
	-p ''
	-p -1
	-p 0
	-p 99999999999
	-p abc1
	-p 1,,2
	-p 5,
	-w -i 0 -p self
	-w -i -1 -p self
	-w -i abc -p self
	-w -i 1e400 -p self
	-w -n 0 -p self
	-w -n 99999999999999999999999 -p self
	-t -3 -p self
	-S '' -p self
	-d /nonexistent -p self
	--bogus
	-Z
	-p
	EOF
	run -2 --separate-stderr memmap $'\e]0;x\a'
	[[ $stderr != *$'\e'* ]]
}

@test "memmap -s -u root --json under process churn: every run exits 0 and parses" {
	# in a PID namespace of its own, so -u root lists churn's children
	# (and not every process of the machine) while they come and go
	run -0 unshare --pid --fork --mount-proc bash -c '
		exec {c}< <("$1" -t)
		read -r -t 20 -u "$c" word _ || exit 3
		bad=0 seen=0
		for ((i = 0; i < 200; i++)); do
			"$2" -s -u root --maps-only --json > "$3/o" 2> "$3/e" ||
				{ echo "run $i: exit $?"; cat "$3/e"; bad=$((bad + 1)); }
			jq -e ".schema == \"triage.memmap/1\"" "$3/o" > /dev/null ||
				{ echo "run $i: output does not parse"; bad=$((bad + 1)); }
			seen=$((seen + $(jq "[.processes[] | select(.comm | test(\"^c[0-9]+$\"))] | length" "$3/o")))
		done
		echo "bad $bad seen $seen"' churn-ns "$PLAIN_HELPERS/churn" "$(command -v memmap)" "$BATS_TEST_TMPDIR"
	assert_line --regexp '^bad 0 seen [0-9]+$'
}

@test "memmap: the README's examples give the output they show (demo service)" {
	HELPERS=$TRIAGE_ROOT/build/std/demo start_helper misbehave
	local svc=$HELPER_PID
	run -0 bash -c "memmap -S rss -p $svc | grep -m3 thread-stack"
	[ "${#lines[@]}" -eq 3 ]
	local l
	for l in "${lines[@]}"; do
		[[ $l =~ ^[0-9a-f]{16}\ +[0-9]+\ +[0-9]+\ +[0-9]+\ +[0-9]+\ +[0-9]+\ rw-p\ thread-stack\ \[stack\ tid\ [0-9]+\]$ ]] ||
			fail "not a thread stack with its tid: $l"
	done
	run -0 bash -c "memmap -s -p $svc | grep -E 'PID|code|stack|total'"
	assert_line --index 0 --regexp '^ *PID COMM +GROUP +COUNT +KBYTES +RSS +PSS +USS +SWAP$'
	assert_line --regexp "^$svc misbehave stack +4 "
	run -0 bash -c "memmap -q -A 7f0000000000, -o address,kbytes,rss,kind,mapping -p $svc | grep -m2 lib-text"
	assert_line --index 0 --regexp '^00007f[0-9a-f]{10} +[0-9]+ +[0-9]+ lib-text +/.*/libc\.so\.6$'
}

# peak_kb CMD...: the peak RSS of CMD in KiB (GNU time's %M, the child's
# ru_maxrss); its output in $BATS_TEST_TMPDIR/out
peak_kb() {
	/usr/bin/time -f %M -o "$BATS_TEST_TMPDIR/time" "$@" \
		> "$BATS_TEST_TMPDIR/out" 2>/dev/null || return 1
	tail -n 1 "$BATS_TEST_TMPDIR/time"
}

@test "memmap: peak RSS on 50,000 mappings at most pmap's, in -p, -X and -s (issue 15)" {
	# ASan's shadow memory and quarantine are not memmap's own
	[[ $TRIAGE_BUILD != */san ]] || skip "peak RSS is measured on the plain build"
	HELPERS=$PLAIN_HELPERS start_helper memmap-many 50000
	local px pX mine
	px=$(peak_kb pmap -x "$HELPER_PID")
	[ "$(grep -c '^[0-9a-f]\{16\} ' "$BATS_TEST_TMPDIR/out")" -ge 50000 ]
	pX=$(peak_kb pmap -X "$HELPER_PID")
	mine=$(peak_kb memmap -p "$HELPER_PID")
	# every mapping shown, not a short run
	[ "$(grep -c '^[0-9a-f]\{16\} ' "$BATS_TEST_TMPDIR/out")" -ge 50000 ]
	echo "memmap -p $mine KiB, pmap -x $px KiB"
	[ "$mine" -le "$px" ]
	mine=$(peak_kb memmap -X -p "$HELPER_PID")
	[ "$(grep -c '^[0-9a-f]\{16\} ' "$BATS_TEST_TMPDIR/out")" -ge 50000 ]
	echo "memmap -X $mine KiB, pmap -X $pX KiB"
	[ "$mine" -le "$pX" ]
	mine=$(peak_kb memmap -s -p "$HELPER_PID")
	# the summary counted every mapping
	[ "$(awk '$3 == "total" { print $4 }' "$BATS_TEST_TMPDIR/out")" -ge 50000 ]
	echo "memmap -s $mine KiB, pmap -x $px KiB"
	[ "$mine" -le "$px" ]
}
