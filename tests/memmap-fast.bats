#!/usr/bin/env bats
# tests/memmap-fast.bats - memmap's RSS-only read (PROCMAP_QUERY and
# pagemap, not smaps) against the kernel's smaps, mapping by mapping.

bats_require_minimum_version 1.5.0
load common
load memmap	# PLAIN_HELPERS
NOBODY=(setpriv --reuid=nobody --regid=nogroup --clear-groups
	--inh-caps=-all --bounding-set=-all)

# smaps_rss PID: "ADDRESS RSS" per mapping from /proc/PID/smaps itself,
# the address as memmap prints it.
smaps_rss() {
	awk '/^[0-9a-f]+-[0-9a-f]+ / { split($1, a, "-"); s = sprintf("%16s", a[1]); gsub(/ /, "0", s) }
	    /^Rss:/ { print s, $2 }' "/proc/$1/smaps"
}

# fast_rss PID [ENV...]: "ADDRESS RSS" per mapping from memmap -o address,rss
fast_rss() {
	local pid=$1
	shift
	env "$@" memmap --no-header -o address,rss -p "$pid" | awk '{ print $1, $2 }'
}

# reads CMD...: the files and ioctls of CMD's run, into $BATS_TEST_TMPDIR/tr
reads() {
	ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=openat,ioctl \
		-o "$BATS_TEST_TMPDIR/tr" "$@" > /dev/null
}

# same_as_smaps PID [ENV...]: memmap's fast RSS equals smaps' Rss, every mapping
same_as_smaps() {
	local pid=$1
	shift
	fast_rss "$pid" "$@" > "$BATS_TEST_TMPDIR/fast"
	smaps_rss "$pid" > "$BATS_TEST_TMPDIR/smaps"
	[ -s "$BATS_TEST_TMPDIR/smaps" ]
	diff "$BATS_TEST_TMPDIR/fast" "$BATS_TEST_TMPDIR/smaps"
}

# addrs: the NAME=ADDR words of the ready line as variables, the
# addresses as memmap prints them
addrs() {
	local kv
	for kv in ${HELPER_READY#* }; do
		[[ $kv == *=* ]] && printf -v "${kv%%=*}" '%016x' "$((${kv#*=}))"
	done
	return 0
}

# pages: start memmap-pages; sets thp zero hzero empty cow none
pages() {
	HELPERS=$PLAIN_HELPERS start_helper memmap-pages
	addrs
}

# nobody_helper NAME [ARGS...]: start a helper as nobody
nobody_helper() {
	local name=$1
	shift
	HELPERS=${NOBODY_BIN%/*} start_helper setpriv "${NOBODY[@]:1}" \
		"$PLAIN_HELPERS/$name" "$@"
}
NOBODY_BIN=$(command -v setpriv)

rss_at() {
	awk -v a="$1" '$1 == a { print $2 }' "$BATS_TEST_TMPDIR/fast"
}

@test "memmap -o address,rss: 50,000 mappings, each RSS equal to smaps' Rss, without smaps" {
	HELPERS=$PLAIN_HELPERS start_helper memmap-many 50000
	same_as_smaps "$HELPER_PID"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/fast")" -ge 50000 ]
	# the written half of the pages: 25,000 mappings of 4 kB
	[ "$(awk '$2 == 4' "$BATS_TEST_TMPDIR/fast" | wc -l)" -ge 25000 ]
	reads memmap -o address,kbytes,rss,mapping -p "$HELPER_PID"
	grep -q '"pagemap"' "$BATS_TEST_TMPDIR/tr"
	grep -q 'ioctl(.*0x66, 0x11, 0x68\|PROCMAP_QUERY' "$BATS_TEST_TMPDIR/tr"
	run ! grep -q 'smaps' "$BATS_TEST_TMPDIR/tr"
}

@test "memmap fast RSS on the known mappings: anon, file, deleted, memfd, shm, libs, vdso, vsyscall" {
	HELPERS=$PLAIN_HELPERS start_helper memmap-target "$BATS_TEST_TMPDIR"
	addrs
	same_as_smaps "$HELPER_PID"
	[ "$(rss_at "$anon1")" = 400 ]
	[ "$(rss_at "$anon2")" = 3000 ]
	[ "$(rss_at "$file")" = 64 ]
	[ "$(rss_at "$deleted")" = 32 ]
	run -0 memmap -o address,kbytes,rss,mode,kind,mapping -p "$HELPER_PID"
	assert_line --regexp "^$anon1 +1000 +400 rw-p anon +\[anon\]$"
	assert_line --regexp ' r--s file +.*/map\\e\[31mred\\e\]0;x\\x07$'
	assert_line --regexp ' rw-s memfd +/memfd:memmap-test \(deleted\)$'
	assert_line --regexp ' rw-s shm +\[shmid=0x[0-9a-f]+\]$'
	assert_line --regexp '^ffffffffff600000 +4 +0 --xp vsyscall +\[vsyscall\]$'
	no_raw_escapes
}

@test "memmap fast RSS: THP counted, zero pages and untouched memory 0, COW and PROT_NONE resident" {
	pages
	same_as_smaps "$HELPER_PID"
	[ "$(rss_at "$thp")" = 4096 ]
	[ "$(rss_at "$zero")" = 0 ]
	[ "$(rss_at "$hzero")" = 0 ]
	[ "$(rss_at "$empty")" = 0 ]
	[ "$(rss_at "$cow")" = 4096 ]
	[ "$(rss_at "$none")" = 4096 ]
	# a THP where the kernel gave one: smaps says so, and it counts
	if grep -q '\[madvise\]\|\[always\]' /sys/kernel/mm/transparent_hugepage/enabled; then
		awk -v a="${thp#0000}" '$1 ~ "^"a"-" { on = 1 } on && /^AnonHugePages:/ { print $2; exit }' \
			"/proc/$HELPER_PID/smaps" > "$BATS_TEST_TMPDIR/thp"
		[ "$(cat "$BATS_TEST_TMPDIR/thp")" -gt 0 ]
	fi
}

@test "memmap TRI_NO_PROCMAP_QUERY=1: the maps text instead of the ioctl, the same RSS" {
	pages
	same_as_smaps "$HELPER_PID" TRI_NO_PROCMAP_QUERY=1
	reads env TRI_NO_PROCMAP_QUERY=1 memmap -o address,rss -p "$HELPER_PID"
	grep -q '"maps"' "$BATS_TEST_TMPDIR/tr"
	grep -q '"pagemap"' "$BATS_TEST_TMPDIR/tr"
	run ! grep -q '0x66, 0x11, 0x68\|PROCMAP_QUERY' "$BATS_TEST_TMPDIR/tr"
	run ! grep -q 'smaps' "$BATS_TEST_TMPDIR/tr"
	HELPERS=$PLAIN_HELPERS start_helper memmap-target "$BATS_TEST_TMPDIR"
	same_as_smaps "$HELPER_PID" TRI_NO_PROCMAP_QUERY=1
}

@test "memmap fast path as nobody: PFNs hidden, the zero page cannot be told: smaps, the same RSS" {
	nobody_helper memmap-pages
	"${NOBODY[@]}" memmap --no-header -o address,rss -p "$HELPER_PID" |
		awk '{ print $1, $2 }' > "$BATS_TEST_TMPDIR/fast"
	smaps_rss "$HELPER_PID" | diff "$BATS_TEST_TMPDIR/fast" -
	reads "${NOBODY[@]}" memmap -o address,rss -p "$HELPER_PID"
	grep -q '"pagemap"' "$BATS_TEST_TMPDIR/tr"
	grep -q '"smaps"' "$BATS_TEST_TMPDIR/tr"
}

@test "memmap fast path as nobody on pages it can tell: pagemap alone" {
	nobody_helper memmap-many 1000
	"${NOBODY[@]}" memmap --no-header -o address,rss -p "$HELPER_PID" |
		awk '{ print $1, $2 }' > "$BATS_TEST_TMPDIR/fast"
	smaps_rss "$HELPER_PID" | diff "$BATS_TEST_TMPDIR/fast" -
	reads "${NOBODY[@]}" memmap -o address,rss -p "$HELPER_PID"
	grep -q '"pagemap"' "$BATS_TEST_TMPDIR/tr"
	run ! grep -q 'smaps' "$BATS_TEST_TMPDIR/tr"
}

@test "memmap fast path as nobody against root: pagemap refused, smaps refused, one line" {
	HELPERS=$PLAIN_HELPERS start_helper memmap-many 100
	run -2 --separate-stderr "${NOBODY[@]}" memmap -o address,rss -p "$HELPER_PID"
	[ "$output" = "" ]
	[ "$stderr" = "memmap: pid $HELPER_PID: reading /proc/$HELPER_PID/smaps: Permission denied (needs CAP_SYS_PTRACE; run as root)" ]
}

@test "memmap: columns and modes that need smaps read smaps, not pagemap" {
	HELPERS=$PLAIN_HELPERS start_helper memmap-many 100
	local args
	for args in "-q" "-o address,rss,pss" "-o address,rss,dirty" \
	    "-o address,swap" "-o address,Private_Dirty" "-o address,vmflags" \
	    "-o address,rss -S pss" "-o address,rss --json" "-s" "-X"; do
		# shellcheck disable=SC2086
		reads memmap $args -p "$HELPER_PID"
		grep -q '"smaps"' "$BATS_TEST_TMPDIR/tr" ||
			{ echo "$args: no smaps" >&2; return 1; }
		run ! grep -q '"pagemap"' "$BATS_TEST_TMPDIR/tr"
	done
	for args in "-o address,kbytes,rss,mapping" "-o address,end,rss,offset,dev,inode,mode,kind,mapping" \
	    "-o rss -S rss -t 3" "-o kbytes,rss -S size" "-o address,rss --raw"; do
		# shellcheck disable=SC2086
		reads memmap $args -p "$HELPER_PID"
		run ! grep -q 'smaps' "$BATS_TEST_TMPDIR/tr"
		grep -q '"pagemap"' "$BATS_TEST_TMPDIR/tr" ||
			{ echo "$args: no pagemap" >&2; return 1; }
	done
}

@test "memmap -o address,rss -S rss -t 3: the largest, and the total, as smaps gives them" {
	HELPERS=$PLAIN_HELPERS start_helper memmap-target "$BATS_TEST_TMPDIR"
	run -0 memmap -o address,rss -S rss -t 3 -p "$HELPER_PID"
	local fast smaps
	fast=$(printf '%s\n' "$output" | sed -n '3,5p' | awk '{ print $2 }' | tr '\n' ' ')
	run -0 memmap -o address,rss,pss -S rss -t 3 -p "$HELPER_PID"
	smaps=$(printf '%s\n' "$output" | sed -n '3,5p' | awk '{ print $2 }' | tr '\n' ' ')
	[ "$fast" = "$smaps" ]
	[[ $fast == "3000 "* ]]
	run -0 memmap -o address,rss -p "$HELPER_PID"
	[ "$(awk '$1 == "total" { print $2 }' <<< "$output")" -eq "$(smaps_rss "$HELPER_PID" | awk '{ s += $2 } END { print s }')" ]
}

@test "memmap -s -o group,count,kbytes,rss: the totals by kind from pagemap, equal to smaps'" {
	HELPERS=$PLAIN_HELPERS start_helper memmap-target "$BATS_TEST_TMPDIR"
	run -0 memmap -s -o group,count,kbytes,rss -p "$HELPER_PID"
	local fast=$output
	# the same columns with PSS, which reads smaps: cut PSS off
	run -0 memmap -s -o group,count,kbytes,rss,pss -p "$HELPER_PID"
	[ "$(awk '{ print $1, $2, $3, $4 }' <<< "$fast")" = "$(awk '{ print $1, $2, $3, $4 }' <<< "$output")" ]
	[ "$(awk '$1 == "total" { print $4 }' <<< "$fast")" -eq "$(smaps_rss "$HELPER_PID" | awk '{ s += $2 } END { print s }')" ]
	reads memmap -s -o pid,comm,group,count,kbytes,rss -p "$HELPER_PID"
	grep -q '"pagemap"' "$BATS_TEST_TMPDIR/tr"
	run ! grep -q 'smaps' "$BATS_TEST_TMPDIR/tr"
	for args in "-s -o group,pss" "-s -o group,rss --json" "-s --prom"; do
		# shellcheck disable=SC2086
		reads memmap $args -p "$HELPER_PID"
		grep -q '"smaps"' "$BATS_TEST_TMPDIR/tr" ||
			{ echo "$args: no smaps" >&2; return 1; }
	done
}
