#!/usr/bin/env bats
# tests/memmap.bats - memmap against processes whose mappings are known.

bats_require_minimum_version 1.5.0
load common
load memmap

# row ADDR: the memmap -p line of the mapping at ADDR
row() {
	printf '%s\n' "$output" | awk -v a="$1" '$1 == a'
}

@test "memmap: each known mapping has its kind, size and RSS" {
	target
	run -0 memmap -p "$HELPER_PID"
	# ADDRESS KBYTES RSS PSS DIRTY SWAP MODE KIND MAPPING
	[[ $(row "$A1") =~ ^$A1\ +1000\ +400\ +400\ +400\ +0\ rw-p\ anon\ +\[anon\]$ ]]
	[[ $(row "$A2") =~ ^$A2\ +3000\ +3000\ +3000\ +3000\ +0\ rw-p\ anon\  ]]
	[[ $(row "$FILE") =~ ^$FILE\ +64\ +64\ .*\ r--s\ file\ +.*/map ]]
	[[ $(row "$DEL") =~ ^$DEL\ +32\ +32\ .*\ r--p\ deleted\ +.*/gone\ \(deleted\)$ ]]
	[[ $(row "$MFD") =~ ^$MFD\ +128\ +128\ .*\ rw-s\ memfd\ +/memfd:memmap-test\ \(deleted\)$ ]]
	[[ $(row "$SHM") =~ ^$SHM\ +64\ +64\ .*\ rw-s\ shm\ +\[shmid=0x[0-9a-f]+\]$ ]]
	[[ $(row "$GROW") =~ ^$GROW\ +256\ +256\ +256\ +256\ +0\ rw-p\ anon ]]
	assert_line --regexp ' rw-p heap +\[heap\]$'
	assert_line --regexp ' rw-p stack +\[stack\]$'
	assert_line --regexp ' r-xp text +.*/memmap-target$'
	assert_line --regexp ' r-xp lib-text +.*/libc\.so\.6$'
	assert_line --regexp ' rw-p lib-data +.*/libc\.so\.6$'
	assert_line --regexp ' r-xp vdso +\[vdso\]$'
	assert_line --regexp ' rw-p arena +\[arena\]$'
	assert_line --regexp ' ---p guard +\[arena reserve\]$'
}

@test "memmap: the 8 thread stacks carry their tids, the guard page below too" {
	target
	run -0 memmap -p "$HELPER_PID"
	local n=0 tid lo hi a kb
	while read -r tid lo hi; do
		[ -n "$tid" ] || continue
		a=$(printf '%016x' "$((lo))")
		kb=$(( (hi - lo) / 1024 ))
		[[ $(row "$a") =~ ^$a\ +$kb\ .*\ rw-p\ thread-stack\ +\[stack\ tid\ $tid\]$ ]]
		assert_line --regexp " ---p guard +\[guard tid $tid\]$"
		n=$((n + 1))
	done <<< "$THREADS"
	[ "$n" -eq 8 ]
	[ "$(printf '%s\n' "$output" | grep -c ' thread-stack ')" -eq 8 ]
}

@test "memmap: a thread that never enters the kernel: its stack by shape" {
	target spin
	local tid lo hi a
	read -r tid lo hi <<< "$SPINNER"
	[ "$(cut -c1-7 "/proc/$HELPER_PID/task/$tid/syscall")" = "running" ]
	a=$(printf '%016x' "$((lo))")
	run -0 memmap -p "$HELPER_PID"
	[[ $(row "$a") =~ ^$a\ +$(( (hi - lo) / 1024 ))\ .*\ rw-p\ thread-stack\ +\[stack\ tid\ $tid\]$ ]]
	[ "$(printf '%s\n' "$output" | grep -c ' thread-stack ')" -eq 9 ]
}

@test "memmap: totals agree with pmap -x (KBYTES, RSS, dirty)" {
	target
	run -0 memmap -p "$HELPER_PID"
	local mine theirs
	mine=$(printf '%s\n' "$output" | awk '$1 == "total" { print $2, $3, $5 }')
	theirs=$(pmap -x "$HELPER_PID" | awk '$1 == "total" { print $3, $4, $5 }')
	[ -n "$mine" ]
	[ "$mine" = "$theirs" ]
}

@test "memmap: totals agree with smaps_rollup; --maps-only -s takes them from it" {
	target
	local rss swap pss
	rss=$(awk '$1 == "Rss:" { print $2 }' "/proc/$HELPER_PID/smaps_rollup")
	swap=$(awk '$1 == "Swap:" { print $2 }' "/proc/$HELPER_PID/smaps_rollup")
	pss=$(awk '$1 == "Pss:" { print $2 }' "/proc/$HELPER_PID/smaps_rollup")
	run -0 memmap --json -p "$HELPER_PID"
	[ "$(jq '.processes[0].total.rss_kb' <<< "$output")" -eq "$rss" ]
	[ "$(jq '.processes[0].total.swap_kb' <<< "$output")" -eq "$swap" ]
	# per-mapping PSS is rounded down to a kB in smaps, once in the
	# rollup; and PSS moves as other processes map the same libc pages
	local mp n d
	mp=$(jq '.processes[0].total.pss_kb' <<< "$output")
	n=$(jq '.processes[0].total.count' <<< "$output")
	d=$((pss - mp))
	[ "${d#-}" -le $((n + 64)) ]
	run -0 memmap --maps-only -s -p "$HELPER_PID"
	assert_line --regexp "^ *$HELPER_PID memmap-target +total +[0-9]+ +[0-9]+ +$rss +[0-9]+ +[0-9]+ +$swap$"
	assert_line --regexp "^ *$HELPER_PID memmap-target +anon +[0-9]+ +[0-9]+ +- +- +- +-$"
}

@test "memmap --summary: totals by kind, stacks counted, USS" {
	target
	run -0 memmap -s -p "$HELPER_PID"
	assert_line --index 0 --regexp '^ *PID COMM +GROUP +COUNT +KBYTES +RSS +PSS +USS +SWAP$'
	# 8 thread stacks and the main one
	assert_line --regexp "^ *$HELPER_PID memmap-target +stack +9 "
	# memfd + SysV shm, all written
	assert_line --regexp "^ *$HELPER_PID memmap-target +shared +2 +192 +192 "
	local groups
	groups=$(printf '%s\n' "$output" | awk 'NR > 1 { print $3 }' | tr '\n' ' ')
	[ "$groups" = "code data heap stack anon file shared guard other total " ]
}

@test "memmap -s: several pids, --sort rss --top 1 keeps the biggest" {
	target
	local big=$HELPER_PID
	run -0 memmap -s -S rss -t 1 -p "$big,$$"
	[ "$(printf '%s\n' "$output" | awk 'NR > 1 { print $1 }' | sort -u)" = "$big" ]
	run -0 memmap -s -p "$big,$$"
	assert_line --regexp "^ *$$ .* total "
	assert_line --regexp "^ *$big memmap-target +total "
}

@test "memmap --sort rss --top 3: the three biggest mappings" {
	target
	run -0 memmap --no-header -S rss -t 3 -p "$HELPER_PID"
	[ "${#lines[@]}" -eq 3 ]
	[[ ${lines[0]} == "$A2 "* ]]
	local prev=999999999 r
	for l in "${lines[@]}"; do
		r=$(awk '{ print $3 }' <<< "$l")
		[ "$r" -le "$prev" ]
		prev=$r
	done
}

@test "memmap -X: every smaps field, VmFlags" {
	target
	run -0 memmap -X -p "$HELPER_PID"
	local head=${lines[1]} f
	for f in Rss Pss Shared_Clean Shared_Dirty Private_Clean Private_Dirty \
	    Anonymous AnonHugePages Swap Locked VMFLAGS; do
		[[ $head == *" $f "* ]]
	done
	# the column of Private_Dirty holds 400 for anon1
	local col
	col=$(awk '{ for (i = 1; i <= NF; i++) if ($i == "Private_Dirty") print i }' <<< "$head")
	[ "$(row "$A1" | awk -v c="$col" '{ print $c }')" -eq 400 ]
	[[ $(row "$A1") == *" rd,wr,mr,mw,me,"* ]]
}

@test "memmap --maps-only: reads only maps, no RSS columns" {
	target
	run -0 memmap --maps-only -p "$HELPER_PID"
	assert_line --index 1 --regexp '^ADDRESS +KBYTES MODE KIND +MAPPING$'
	[[ $(row "$A2") =~ ^$A2\ +3000\ rw-p\ anon ]]
	# LeakSanitizer cannot run under ptrace: off for this one run
	ASAN_OPTIONS=detect_leaks=0 run -0 strace -f -e trace=openat \
		-o "$BATS_TEST_TMPDIR/tr" memmap --maps-only -p "$HELPER_PID"
	grep -q '"maps"' "$BATS_TEST_TMPDIR/tr"
	run ! grep -q 'smaps' "$BATS_TEST_TMPDIR/tr"
}

@test "memmap --diff: the grown region, by the amount it grew" {
	target
	memmap --json -p "$HELPER_PID" > "$BATS_TEST_TMPDIR/before.json"
	kill -USR1 "$HELPER_PID"
	helper_line
	[ "$REPLY" = "grown 1280" ]
	run -0 memmap --diff "$BATS_TEST_TMPDIR/before.json" -p "$HELPER_PID"
	assert_line --regexp "^grown +$GROW +1280 +\+1024 +1280 +\+1024 rw-p anon "
	assert_line --regexp '^total +size [0-9]+ kB \(\+0\), rss [0-9]+ kB \(\+10[0-9][0-9]\)'
	run -0 memmap --json -d "$BATS_TEST_TMPDIR/before.json" -p "$HELPER_PID"
	local g
	g=$(jq -c '.changes[] | select(.kind == "anon" and .change == "grown") | [.size_delta_kb, .rss_delta_kb]' <<< "$output")
	[ "$g" = "[1024,1024]" ]
	json_vocab memmap
}

@test "memmap --watch: reports the growth as it happens, with the rate" {
	target
	local out=$BATS_TEST_TMPDIR/watch
	memmap -w -i 0.2 -n 15 -p "$HELPER_PID" > "$out" &
	local w=$!
	track_pid "$w"
	wait_until grep -q '^ *TIME CHANGE' "$out"
	# the helper grows the mapping, then touches it: keep the watcher
	# from sampling in between (a read cut by the stop is re-read)
	kill -STOP "$w"
	kill -USR1 "$HELPER_PID"
	helper_line
	kill -CONT "$w"
	[ "$REPLY" = "grown 1280" ]
	wait "$w"
	run -0 cat "$out"
	assert_line --index 0 --regexp "^watching pid $HELPER_PID: [0-9]+ mappings"
	assert_line --regexp "^ +[0-9.]+ grown +$GROW +1280 +\+1024 +1280 +\+1024 rw-p anon "
	assert_line --regexp '^ +[0-9.]+ total +size .*, rss [0-9]+ kB \(\+10[0-9][0-9]\) in 0\.[0-9] s: .*rss \+[0-9.]+ kB/s$'
}

@test "memmap --watch --json: one object per sample" {
	target
	run -0 memmap -w --json -i 0.1 -n 2 -p "$HELPER_PID"
	[ "${#lines[@]}" -eq 2 ]
	jq -e '.pid and .changes and .total.rss_kb_per_second != null and .type == "sample"' <<< "${lines[1]}"
	json_vocab memmap stream
}

@test "memmap: a mapped file named with terminal escapes is printed escaped" {
	target
	run -0 memmap -p "$HELPER_PID"
	no_raw_escapes
	[[ $(row "$FILE") == *'/map\e[31mred\e]0;x\x07' ]]
	run -0 memmap -w -i 0.1 -n 1 -p "$HELPER_PID"
	no_raw_escapes
	run -0 memmap --json -p "$HELPER_PID"
	no_raw_escapes
	jq -e '.processes[0].mappings[] | select(.path | endswith("map\u001b[31mred\u001b]0;x\u0007"))' <<< "$output"
}

@test "memmap --json: kinds, tids, limits" {
	target
	run -0 memmap --json -p "$HELPER_PID"
	json_vocab memmap
	jq -e '.processes[0].settled == true' <<< "$output"
	[ "$(jq '[.processes[0].mappings[] | select(.kind == "thread-stack" and .tid)] | length' <<< "$output")" -eq 8 ]
	[ "$(jq '.processes[0].total.stacks' <<< "$output")" -eq 9 ]
	[ "$(jq '.processes[0].limits.max_map_count' <<< "$output")" -eq "$(cat /proc/sys/vm/max_map_count)" ]
	[ "$(jq '.processes[0].limits.mappings' <<< "$output")" -eq "$(wc -l < "/proc/$HELPER_PID/maps")" ]
}

@test "memmap: limit lines for mappings, cgroup memory and RLIMIT_MEMLOCK" {
	target
	run -0 memmap -p "$HELPER_PID"
	local n max
	n=$(wc -l < "/proc/$HELPER_PID/maps")
	max=$(cat /proc/sys/vm/max_map_count)
	assert_line --regexp "^limit mappings $n of $max vm.max_map_count \([0-9.]+%\)$"
	assert_line --regexp '^limit locked 0K of [0-9.]+[KMGT]? RLIMIT_MEMLOCK$|^limit locked 0K of unlimited RLIMIT_MEMLOCK$'
	run -0 memmap --no-header -p "$HELPER_PID"
	refute_line --regexp '^(limit|total|ADDRESS)'
}

@test "memmap: RSS against a cgroup memory limit, with headroom" {
	local cg=/sys/fs/cgroup/memory/memmap-test-$$
	CG=$cg
	mkdir "$cg"
	echo $((512 * 1024 * 1024)) > "$cg/memory.limit_in_bytes"
	target
	echo "$HELPER_PID" > "$cg/cgroup.procs"
	run -0 memmap -p "$HELPER_PID"
	assert_line --regexp "^limit cgroup memory [0-9.]+[KM] of 512\.0M \([0-9.]+%\), headroom [0-9.]+M, this process rss [0-9.]+M: $cg$"
	run -0 memmap --json -p "$HELPER_PID"
	[ "$(jq '.processes[0].limits.cgroup_limit_bytes' <<< "$output")" -eq $((512 * 1024 * 1024)) ]
}

@test "memmap: locked memory against RLIMIT_MEMLOCK" {
	target
	run -0 memmap --json -p "$HELPER_PID"
	local lim
	lim=$(awk '/^Max locked memory/ { print $4 }' "/proc/$HELPER_PID/limits")
	[ "$(jq '.processes[0].limits.memlock_limit_bytes' <<< "$output")" = "$lim" ]
	[ "$(jq '.processes[0].limits.locked_kb' <<< "$output")" -eq 0 ]
}

@test "memmap: a Go binary's heap arena in Go's range" {
	HELPERS=$PLAIN_HELPERS start_helper memmap-gofake
	local a
	a=$(printf '%016x' "$((${HELPER_READY#* }))")
	run -0 memmap -p "$HELPER_PID"
	[[ $(row "$a") =~ ^$a\ +4096\ +1024\ .*\ rw-p\ go-arena\ +\[go\ arena\]$ ]]
	assert_line --regexp ' ---p guard +\[go arena reserve\]$'
}

@test "memmap: says so when the address space never settles" {
	HELPERS=$PLAIN_HELPERS start_helper memmap-many 20000 churn
	run -0 --separate-stderr memmap -p "$HELPER_PID"
	[ "$stderr" = "memmap: pid $HELPER_PID: the address space changed during each of 3 reads; the map may mix states" ]
	run -0 --separate-stderr memmap --json -p "$HELPER_PID"
	jq -e '.processes[0].settled == false and .processes[0].tries == 3' <<< "$output"
}

@test "memmap: a kernel thread has no user memory" {
	run -2 --separate-stderr memmap -p 2
	[ "$output" = "" ]
	[ "$stderr" = "memmap: pid 2: kernel thread, no user memory" ]
}

@test "memmap: PID 1 refuses its maps: one line naming what was refused" {
	run -2 --separate-stderr memmap -p 1
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ $stderr == "memmap: pid 1: reading /proc/1/smaps: Permission denied ("* ]]
	run -2 --separate-stderr memmap --maps-only -p 1
	[[ $stderr == "memmap: pid 1: reading /proc/1/maps: Permission denied ("* ]]
}

@test "memmap: no permission as nobody names CAP_SYS_PTRACE" {
	target
	run -2 --separate-stderr setpriv --reuid=nobody --regid=nogroup --clear-groups \
		--inh-caps=-all --bounding-set=-all memmap -p "$HELPER_PID"
	[ "$stderr" = "memmap: pid $HELPER_PID: reading /proc/$HELPER_PID/smaps: Permission denied (needs CAP_SYS_PTRACE; run as root)" ]
}

@test "memmap: no such process" {
	sh -c 'exit 0' &
	local gone=$!
	wait "$gone"
	run -2 --separate-stderr memmap -p "$gone"
	[ "$stderr" = "memmap: pid $gone: no such process" ]
}

@test "memmap: several pids, one bad: the good one shown, exit 2" {
	target
	run -2 --separate-stderr memmap -s -p "$HELPER_PID,2"
	[ "$stderr" = "memmap: pid 2: kernel thread, no user memory" ]
	assert_line --regexp "^ *$HELPER_PID memmap-target +total "
}

@test "memmap: malformed and conflicting arguments exit 2" {
	target
	run -2 --separate-stderr memmap -S bogus -p "$HELPER_PID"
	[[ ${stderr_lines[0]} == "memmap: -S bogus: not a sort key (one of: rss, pss, size, swap)" ]]
	run -2 --separate-stderr memmap -t 0 -p "$HELPER_PID"
	[[ ${stderr_lines[0]} == "memmap: -t 0: not a positive number" ]]
	run -2 --separate-stderr memmap -w -i abc -p "$HELPER_PID"
	[[ ${stderr_lines[0]} == "memmap: -i abc: not a positive number of seconds" ]]
	run -2 --separate-stderr memmap -i 1 -p "$HELPER_PID"
	[[ ${stderr_lines[0]} == "memmap: -i and -n go with --watch" ]]
	run -2 --separate-stderr memmap -w -p "$HELPER_PID,$$"
	[[ ${stderr_lines[0]} == "memmap: --watch and --diff take one process" ]]
	run -2 --separate-stderr memmap -X --maps-only -p "$HELPER_PID"
	[[ ${stderr_lines[0]} == "memmap: -X needs smaps, --maps-only reads only maps" ]]
	run -2 --separate-stderr memmap
	[[ ${stderr_lines[0]} == "memmap: -p PID is required" ]]
	[ "$output" = "" ]
	run -2 --separate-stderr memmap -s
	[ "$stderr" = "memmap: -s needs -p PID or -u USER" ]
}

@test "memmap --diff: a missing file, bad JSON, another process" {
	target
	run -2 --separate-stderr memmap -d "$BATS_TEST_TMPDIR/nope.json" -p "$HELPER_PID"
	[ "$stderr" = "memmap: $BATS_TEST_TMPDIR/nope.json: No such file or directory" ]
	echo '{"processes": [' > "$BATS_TEST_TMPDIR/bad.json"
	run -2 --separate-stderr memmap -d "$BATS_TEST_TMPDIR/bad.json" -p "$HELPER_PID"
	[[ $stderr == "memmap: $BATS_TEST_TMPDIR/bad.json: not a memmap --json snapshot (bad JSON at byte "* ]]
	memmap --json -p "$HELPER_PID" | jq '.processes[0].start_time_unix = 1' > "$BATS_TEST_TMPDIR/other.json"
	run -2 --separate-stderr memmap -d "$BATS_TEST_TMPDIR/other.json" -p "$HELPER_PID"
	[[ $stderr == "memmap: pid $HELPER_PID: not the process in $BATS_TEST_TMPDIR/other.json"* ]]
	memmap --json -p "$$" > "$BATS_TEST_TMPDIR/self.json"
	run -2 --separate-stderr memmap -d "$BATS_TEST_TMPDIR/self.json" -p "$HELPER_PID"
	[ "$stderr" = "memmap: $BATS_TEST_TMPDIR/self.json: no snapshot of pid $HELPER_PID in it" ]
}

@test "memmap -p self: its own map, settled" {
	run -0 --separate-stderr memmap -p self
	[ "$stderr" = "" ]
	assert_line --index 0 --regexp '^[0-9]+:   [^ ]*memmap -p self$'
	assert_line --regexp ' r-xp text +.*/memmap$'
}

@test "memmap --color=always: growth in red, plain without colour" {
	target
	memmap --json -p "$HELPER_PID" > "$BATS_TEST_TMPDIR/before.json"
	kill -USR1 "$HELPER_PID"
	helper_line
	run -0 memmap --color=always -d "$BATS_TEST_TMPDIR/before.json" -p "$HELPER_PID"
	assert_line --regexp $'^\e\\[31mgrown   \e\\[0m '"$GROW"
	run -0 memmap --color=never -d "$BATS_TEST_TMPDIR/before.json" -p "$HELPER_PID"
	no_raw_escapes
}
