#!/usr/bin/env bats
# tests/structpad.bats - structpad against the compiler's own sizeof and
# offsetof, against pahole where pahole is right, and on bad input.

bats_require_minimum_version 1.5.0
load common

LAYOUTS=$HELPERS/layouts
SRC=$TRIAGE_ROOT/tests/helpers/layouts.c

# The glibc debug file, from the build id of libc.so.6 (libc6-dbg).
libc_debug() {
	local id
	id=$(readelf -n /lib/x86_64-linux-gnu/libc.so.6 | awk '/Build ID/ { print $3 }')
	echo "/usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug"
}

# model FILE [ARGS]: "kind name size" and "kind name member offset size"
# lines from structpad --json, the form the layouts helpers print.
model() {
	local f=$1
	shift
	structpad --json "$@" "$f" | jq -r '.types[] |
		"\(.kind) \(.name) \(.size)",
		(.kind as $k | .name as $n | .members[] |
		 "\($k) \($n) \(.name) \(.offset) \(.size)")'
}

# compiler_matches HELPER FILE: every line the helper prints is in the model
compiler_matches() {
	local want got missing
	want=$("$1")
	got=$(model "$2")
	[ "$(printf '%s\n' "$want" | wc -l)" -ge 7 ] || fail "helper printed: $want"
	missing=$(grep -vxF -f <(printf '%s\n' "$got") <(printf '%s\n' "$want")) &&
		fail "not in structpad's model: $missing"
	return 0
}

# footers: "name size holes sum_holes" of each top-level struct or class in
# pahole-style text on stdin (the first definition of each name).
footers() {
	awk '
	depth == 0 && /^(struct|class) [^ ]+ (: [^{]*)?\{/ { name = $2; size = "?"; holes = 0; sh = 0; depth = 1; next }
	depth == 0 { next }
	/\{$/ { depth++; next }
	depth > 1 && /^\t+\}/ { depth--; next }
	depth == 1 && /^\t\/\* size: / { s = $0; sub(/.*size: /, "", s); sub(/,.*/, "", s); size = s }
	depth == 1 && /^\t\/\* sum members: [0-9]+, holes: / {
		s = $0; sub(/.*, holes: /, "", s); holes = s; sub(/,.*/, "", holes)
		sub(/.*sum holes: /, "", s); sub(/ .*/, "", s); sh = s }
	depth == 1 && /^\}/ { depth = 0; if (!(name in seen)) { seen[name] = 1; print name, size, holes, sh } }'
}

# footer_blocks: "name|every footer line" of each top-level struct on
# stdin, without the "paddings:" line: pahole 1.24 counts a padded member
# struct only when it has laid that struct out already, and structpad
# only when the struct came before in the DWARF, so neither is complete
footer_blocks() {
	awk '
	depth == 0 && /^(struct|class) [^ ]+ (: [^{]*)?\{/ { name = $2; depth = 1; buf = ""; next }
	depth == 0 { next }
	/\{$/ { depth++; next }
	depth > 1 && /^\t+\}/ { depth--; next }
	depth == 1 && /^\t\/\* (size|sum|padding|bit_padding|last cacheline)[: ]/ { buf = buf " " $0 }
	depth == 1 && /^\}/ { depth = 0; if (!(name in seen)) { seen[name] = 1; print name "|" buf } }' |
	sort
}

# structs whose members pahole 1.24 cannot read (_Atomic, DW_TAG_atomic_type)
atomic_structs() {
	structpad --json "$1" | jq -r '.types[] | select(.kind == "struct") |
		select([.. | objects | select(has("type")) | .type |
		strings | select(test("_Atomic"))] | length > 0) | .name' | sort -u
}

# compare_pahole FILE: size and holes of every struct both print; sets
# COMPARED and EXCLUDED
compare_pahole() {
	local sp pa atomics
	structpad "$1" | footers | sort > "$BATS_TEST_TMPDIR/sp"
	pahole "$1" 2>/dev/null | footers | sort > "$BATS_TEST_TMPDIR/pa"
	atomic_structs "$1" > "$BATS_TEST_TMPDIR/atomic"
	EXCLUDED=$(wc -l < "$BATS_TEST_TMPDIR/atomic")
	join "$BATS_TEST_TMPDIR/sp" "$BATS_TEST_TMPDIR/pa" |
		grep -vwF -f <(cat "$BATS_TEST_TMPDIR/atomic"; echo '@none@') \
		> "$BATS_TEST_TMPDIR/both" || true
	COMPARED=$(wc -l < "$BATS_TEST_TMPDIR/both")
	# join gives: name sp_size sp_holes sp_sum pa_size pa_holes pa_sum
	awk '$2 != $5 || $3 != $6 || $4 != $7' "$BATS_TEST_TMPDIR/both" \
		> "$BATS_TEST_TMPDIR/diff"
	[ ! -s "$BATS_TEST_TMPDIR/diff" ] ||
		fail "structpad and pahole differ (name size holes sum, twice): $(head -5 "$BATS_TEST_TMPDIR/diff")"
}

@test "structpad: the seed example, as pahole shows it" {
	run -0 structpad -C seed "$LAYOUTS"
	assert_line --index 0 "struct seed {"
	assert_line --regexp $'^\t_Bool +a; +/\\* +0 +1 \\*/$'
	assert_line --regexp $'^\tint64_t +b; +/\\* +8 +8 \\*/$'
	assert_line --regexp $'^\t_Bool +c; +/\\* +16 +1 \\*/$'
	assert_line $'\t/* XXX 7 bytes hole, try to pack */'
	assert_line $'\t/* size: 24, cachelines: 1, members: 3 */'
	assert_line $'\t/* sum members: 10, holes: 1, sum holes: 7 */'
	assert_line $'\t/* padding: 7 */'
	assert_line "};"
}

@test "structpad: sizes and offsets equal the compiler's (C, DWARF 5)" {
	compiler_matches "$LAYOUTS" "$LAYOUTS"
}

@test "structpad: DWARF 4, DWARF 3 (DW_AT_bit_offset), type units, compressed sections and an object file" {
	local v f
	for v in "-gdwarf-4" "-gdwarf-3" "-gdwarf-4 -fdebug-types-section" \
	    "-gdwarf-5 -gz" "-gdwarf-4 -gz=zlib-gnu"; do
		f=$BATS_TEST_TMPDIR/layouts-${v//[ =]/_}
		cc -O2 -pthread $v -o "$f" "$SRC"
		compiler_matches "$f" "$f"
		# bit-fields: the same bits whatever the DWARF version
		diff <(structpad -C bits "$f" | grep ':') \
			<(structpad -C bits "$LAYOUTS" | grep ':') ||
			fail "bit-fields differ with $v"
	done
	cc -c -g -O2 -o "$BATS_TEST_TMPDIR/layouts.o" "$SRC"
	diff <(model "$BATS_TEST_TMPDIR/layouts.o" -C seed -C bits -C nested) \
		<(model "$LAYOUTS" -C seed -C bits -C nested)
}

@test "structpad: bit-fields, unions, nested and anonymous members, flexible arrays, alignas, packed" {
	run -0 structpad -C bits -C nested -C flex -C aligned -C packed -C value "$LAYOUTS"
	assert_line --regexp $'^\tint +a:3; +/\\* +0: 0  4 \\*/$'
	assert_line $'\t/* XXX 29 bits hole, try to pack */'
	assert_line --regexp $'^\tshort unsigned int +g:1; +/\\* +26: 4  2 \\*/$'
	assert_line $'\t/* sum bitfield members: 46 bits, bit holes: 3, sum bit holes: 47 bits */'
	assert_line $'\tunion {'
	assert_line --regexp $'^\t\tdouble +d; +/\\* +8 +8 \\*/$'
	assert_line --regexp $'^\t\\} u; +/\\* +8 +8 \\*/$'
	assert_line --regexp $'^\t\\}; +/\\* +32 +4 \\*/$'
	assert_line --regexp $'^\tchar +data\\[\\]; +/\\* +5 +0 \\*/$'
	assert_line --regexp $'^\tint +x; +/\\* +32 +4 \\*/$'
	assert_line $'\t/* XXX 31 bytes hole, try to pack */'
	assert_line --regexp $'^\tint +i; +/\\* +1 +4 \\*/$'
	assert_line --regexp $'^\tchar +s\\[12\\]; +/\\* +0 +12 \\*/$'
}

@test "structpad: _Atomic members are read right (pahole 1.24 prints errors for them)" {
	run -0 structpad -C atomics "$LAYOUTS"
	assert_line --regexp $'^\t_Atomic long int +count; +/\\* +8 +8 \\*/$'
	assert_line --regexp $'^\t_Atomic int +flags\\[2\\]; +/\\* +20 +8 \\*/$'
	assert_line $'\t/* size: 32, cachelines: 1, members: 4 */'
	run pahole -C atomics "$LAYOUTS"
	assert_output --partial "ERROR"
}

@test "structpad: sizes and holes equal pahole's on the layouts helper" {
	compare_pahole "$LAYOUTS"
	echo "# compared $COMPARED structs with pahole, excluded $EXCLUDED with _Atomic members" >&3
	[ "$COMPARED" -ge 10 ]
	[ "$EXCLUDED" -eq 1 ]
}

@test "structpad: on glibc's debug info every struct's size and holes equal pahole's" {
	local dbg
	dbg=$(libc_debug)
	[ -f "$dbg" ] || fail "no glibc debug file $dbg (libc6-dbg is in make deps)"
	compare_pahole "$dbg"
	echo "# glibc: compared $COMPARED structs with pahole, excluded $EXCLUDED with _Atomic members" >&3
	[ "$COMPARED" -ge 400 ]
	# and every footer line, as pahole prints it
	structpad "$dbg" | footer_blocks > "$BATS_TEST_TMPDIR/spf"
	pahole "$dbg" 2>/dev/null | footer_blocks > "$BATS_TEST_TMPDIR/paf"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/paf")" -ge 400 ]
	diff "$BATS_TEST_TMPDIR/spf" "$BATS_TEST_TMPDIR/paf" ||
		fail "footers differ from pahole's"
	# a member that is a padded struct is noted, as pahole notes it
	run -0 structpad -C XDR -C ct_data "$dbg"
	assert_line $'\t/* padding: 4 */'
	assert_line $'\t/* XXX last struct has 4 bytes of padding */'
	assert_line $'\t/* paddings: 1, sum paddings: 4 */'
	# a type defined in many units is shown once
	run -0 bash -c "structpad '$dbg' | grep -c '^struct _IO_FILE {'"
	assert_output 1
}

@test "structpad: a binary without DWARF is read through its build id" {
	run -0 structpad --json -C _IO_FILE /lib/x86_64-linux-gnu/libc.so.6
	assert_equal "$(jq -r .debug_file <<< "$output")" "$(libc_debug)"
	assert_equal "$(jq -r '.types[0].size' <<< "$output")" 216
}

@test "structpad: a binary without DWARF is read through .gnu_debuglink" {
	local d=$BATS_TEST_TMPDIR/dl
	mkdir -p "$d"
	cc -O2 -g -Wl,--build-id=none -pthread -o "$d/prog" "$SRC"
	objcopy --only-keep-debug "$d/prog" "$d/prog.debug"
	objcopy --strip-debug --add-gnu-debuglink="$d/prog.debug" "$d/prog"
	run -0 structpad --json -C seed "$d/prog"
	assert_equal "$(jq -r .debug_file <<< "$output")" "$d/prog.debug"
	assert_equal "$(jq -r '.types[0].size' <<< "$output")" 24
	# in .debug/ beside the binary too
	mkdir "$d/.debug"
	mv "$d/prog.debug" "$d/.debug/"
	run -0 structpad -C seed "$d/prog"
	assert_line $'\t/* size: 24, cachelines: 1, members: 3 */'
	rm "$d/.debug/prog.debug"
	run -2 --separate-stderr structpad "$d/prog"
	assert_equal "$stderr" "structpad: $d/prog: no debug info: build with -g, or install its debug symbols package"
}

@test "structpad: C++ base classes and vtable pointers, no static members" {
	compiler_matches "$HELPERS/layouts-cxx" "$HELPERS/layouts-cxx"
	run -0 structpad -C Shape -C Derived "$HELPERS/layouts-cxx"
	assert_line --regexp $'^\t__vtbl_ptr_type \\* +_vptr.Shape; +/\\* +0 +8 \\*/$'
	assert_line --regexp $'^\tstruct Base +<ancestor>; +/\\* +0 +16 \\*/$'
	refute_output --partial count
	refute_output --partial limit
	run -0 bash -c "structpad --json --false-sharing -C Hot '$HELPERS/layouts-cxx' | jq -c '[.types[0].members[] | .atomic]'"
	assert_output "[true,true,false]"
	compare_pahole "$HELPERS/layouts-cxx"
	echo "# C++: compared $COMPARED structs and classes with pahole" >&3
	[ "$COMPARED" -ge 5 ]
}

@test "structpad: Go structs, from Go's DWARF" {
	[ -x "$HELPERS/layouts-go" ] || fail "no Go helper: go is installed by make deps"
	compiler_matches "$HELPERS/layouts-go" "$HELPERS/layouts-go"
	run -0 bash -c "structpad --json -C main.Guarded '$HELPERS/layouts-go' | jq -r '.types[0].members[0] | \"\(.name) \(.lock)\"'"
	assert_output "Mu true"
}

RS=$HELPERS/layouts-rs

# rs_helper: the Rust helper is built (rustc is in make deps)
rs_helper() {
	[ -x "$RS" ] || fail "no Rust helper $RS: rustc is installed by make deps"
}

# member_lines: "name offset size" of each top-level member in
# pahole-style text on stdin (pahole adds __attribute__((__aligned__(N))))
member_lines() {
	sed -n 's/^\t[^\t/].*[ *&]\([A-Za-z_0-9<>]*\)\( __attribute__((__aligned__([0-9]*)))\)\{0,1\}; *\/\* *\([0-9]*\) *\([0-9]*\) \*\/$/\1 \3 \4/p'
}

# footer_lines: the footer lines both tools print, "paddings:" aside
footer_lines() {
	grep -E $'^\t/\\* (size|sum|padding|bit_padding|last cacheline)[: ]'
}

@test "structpad: Rust structs, from rustc's DWARF: sizes and offsets equal the compiler's" {
	rs_helper
	compiler_matches "$RS" "$RS"
	[ "$("$RS" | grep -c '^struct layouts_rs::')" -ge 25 ]
	# optimised, and with the DWARF in a separate file (.gnu_debuglink)
	local rustc f=$BATS_TEST_TMPDIR/layouts-rs-O
	rustc=$(command -v /usr/bin/rustc rustc | head -1)
	"$rustc" -g -C opt-level=3 -o "$f" "$TRIAGE_ROOT/tests/helpers/layouts-rs.rs"
	objcopy --only-keep-debug "$f" "$f.debug"
	objcopy --strip-debug --add-gnu-debuglink="$f.debug" "$f"
	compiler_matches "$f" "$f"
	assert_equal "$(structpad --json -C CSeed "$f" | jq -r .debug_file)" "$f.debug"
	run -0 structpad --json -C CSeed -C Shape "$RS"
	json_vocab structpad
	assert_equal "$(jq -r '.types[] | select(.name == "layouts_rs::CSeed") | "\(.name) \(.lang) \(.size) \(.nr_holes) \(.sum_holes) \(.padding)"' <<< "$output")" \
		"layouts_rs::CSeed rust 24 1 7 7"
	# rustc reorders a plain struct's fields; the DWARF lists them in the
	# order of the source: structpad shows them in the order of offsets,
	# with no hole (pahole 1.24 counts 65,535-byte holes)
	local want
	want=$("$RS" | awk '$2 == "layouts_rs::Reordered" && NF == 5 { print $4, $3 }' | sort -n | awk '{ print $2 }' | tr '\n' ' ')
	[ "$(wc -w <<< "$want")" -eq 4 ] || fail "helper: $want"
	run -0 structpad -C Reordered "$RS"
	assert_equal "$(member_lines <<< "$output" | awk '{ print $1 }' | tr '\n' ' ')" "$want"
	refute_output --partial "hole"
	assert_line $'\t/* size: 16, cachelines: 1, members: 4 */'
	assert_line $'\t/* padding: 4 */'
	run pahole -C Reordered "$RS"
	assert_output --partial "BRAIN FART"
	# zero-sized fields at another field's offset end nothing early
	run -0 structpad --json -C Marked "$RS"
	assert_equal "$(jq -r '.types[0] | "\(.size) \(.nr_holes) \(.padding) \(.waste) \(.members | length)"' <<< "$output")" "16 0 4 4 4"
	# a fn item: zero-sized, though its DWARF type is a pointer
	run -0 structpad --json -C 'Mapper*' "$RS"
	assert_equal "$(jq -c '.types[0] | [.size, .waste, [.members[] | [.name, .size]]]' <<< "$output")" '[8,0,[["count",8],["f",0]]]'
	# the same for a field of enum type
	run -0 structpad --json -C Drawing "$RS"
	assert_equal "$(jq -r '[.types[0].members[].name] | join(" ")' <<< "$output")" "shape layer visible"
	assert_equal "$(jq -r '.types[0].nr_holes' <<< "$output")" 0
}

@test "structpad: every Rust struct of the helper and its std adds up: members, holes and padding make its size, in the order of offsets" {
	rs_helper
	structpad --json "$RS" > "$BATS_TEST_TMPDIR/rs.json"
	run -0 jq '[.types[] | select(.kind == "struct" and .lang == "rust")] | length' "$BATS_TEST_TMPDIR/rs.json"
	echo "# Rust: $output structs checked" >&3
	[ "$output" -ge 1000 ]
	# pahole's own check ("BRAIN FART ALERT"), which its 1.24 fails here
	run -0 jq -r '.types[] | select(.kind == "struct" and .lang == "rust") |
		select(([.members[].size] | add // 0) + .sum_holes + .padding != .size or
		    ([.members[].offset] | . != sort)) |
		"\(.name): size \(.size), holes \(.sum_holes), padding \(.padding)"' "$BATS_TEST_TMPDIR/rs.json"
	assert_output ""
	run -0 jq '[.types[] | select(.lang == "rust") | .members[] | select(.bit_size)] | length' "$BATS_TEST_TMPDIR/rs.json"
	assert_output 0
}

@test "structpad: Rust layouts equal pahole's where pahole reads them (repr(C), no enum)" {
	rs_helper
	local t n=0
	for t in CSeed Holed Counters; do
		pahole -C "$t" "$RS" 2>/dev/null > "$BATS_TEST_TMPDIR/pa"
		structpad -C "$t" "$RS" > "$BATS_TEST_TMPDIR/sp"
		[ "$(member_lines < "$BATS_TEST_TMPDIR/pa" | wc -l)" -ge 3 ] || fail "pahole on $t: $(cat "$BATS_TEST_TMPDIR/pa")"
		diff <(member_lines < "$BATS_TEST_TMPDIR/sp") <(member_lines < "$BATS_TEST_TMPDIR/pa") ||
			fail "$t: members differ from pahole's"
		diff <(footer_lines < "$BATS_TEST_TMPDIR/sp") <(footer_lines < "$BATS_TEST_TMPDIR/pa") ||
			fail "$t: footers differ from pahole's"
		n=$((n + 1))
	done
	[ "$n" -eq 3 ]
	# an enum is no struct of 0 members, as pahole 1.24 has it
	run pahole -C Shape "$RS"
	assert_line $'\t/* size: 16, cachelines: 1, members: 0 */'
}

@test "structpad: Rust names are paths; -C takes the path or its last part" {
	rs_helper
	run -0 structpad -C layouts_rs::CSeed "$RS"
	assert_line --index 0 "struct layouts_rs::CSeed {"
	diff <(structpad -C CSeed "$RS") <(structpad -C layouts_rs::CSeed "$RS")
	run -0 structpad -C 'Pair<u8, u64>' "$RS"
	assert_line --index 0 "struct layouts_rs::Pair<u8, u64> {"
	run -0 structpad -C 'Option<u32>' "$RS"
	assert_line --index 0 "union core::option::Option<u32> {"
	run -0 bash -c "structpad -s --no-header -C '*::Shape::*' '$RS' | awk '{ print \$7 }' | sort | tr '\n' ' '"
	assert_output "layouts_rs::Shape::Circle layouts_rs::Shape::Empty layouts_rs::Shape::Rect "
	# a name with brackets is taken as it is too, not only as a glob
	run -0 structpad -C '&[layouts_rs::Shape]' "$RS"
	assert_line --index 0 "struct &[layouts_rs::Shape] {"
	run -2 --separate-stderr structpad -C layouts_rs::NoSuch "$RS"
	assert_equal "$stderr" "structpad: $RS: no type matches layouts_rs::NoSuch"
}

@test "structpad: a Rust enum is a union of its discriminant and variants; each variant holds the tag, unless it is a niche" {
	rs_helper
	run -0 structpad -C Shape "$RS"
	assert_line --index 0 "union layouts_rs::Shape {"
	assert_line --regexp $'^\tu32 +<discriminant>; +/\\* +0 +4 \\*/$'
	# each variant inside it, with its fields
	assert_line --regexp $'^\t\\} Circle; +/\\* +0 +16 \\*/$'
	assert_line --regexp $'^\t\\} Rect; +/\\* +0 +16 \\*/$'
	assert_line --regexp $'^\t\\} Empty; +/\\* +0 +16 \\*/$'
	assert_line --regexp $'^\t\tf64 +__0; +/\\* +8 +8 \\*/$'
	assert_line --regexp $'^\t\tu32 +h; +/\\* +8 +4 \\*/$'
	assert_equal "$(grep -c $'^\tstruct {$' <<< "$output")" 3
	run -0 bash -c "structpad --json -C Shape '$RS' | jq -c '[.types[0].members[] | [.name, ([.members[]?.name] | join(\",\"))]]'"
	assert_output '[["<discriminant>",""],["Circle","<discriminant>,__0"],["Rect","<discriminant>,w,h"],["Empty","<discriminant>"]]'
	run -0 structpad -C 'layouts_rs::Shape::Circle' "$RS"
	assert_line --regexp $'^\tu32 +<discriminant>; +/\\* +0 +4 \\*/$'
	assert_line $'\t/* XXX 4 bytes hole, try to pack */'
	assert_line --regexp $'^\tf64 +__0; +/\\* +8 +8 \\*/$'
	# a variant's holes and tail are its siblings' room, not waste
	run -0 structpad -s --no-header -C '*::Shape::*' "$RS"
	assert_equal "$(awk '{ print $2 }' <<< "$output" | sort -u)" 0
	run -0 structpad -R -C 'layouts_rs::Shape::Circle' "$RS"
	assert_output "/* struct layouts_rs::Shape::Circle: a variant of an enum: rustc lays it out */"
	run -0 structpad --check --max-waste 0 -C '*::Shape::*' -C Shape "$RS"
	assert_output ""
	# a niche: None is a null reference, or a bool's value 2
	run -0 structpad -C 'core::option::Option<&u64>::Some' -C 'core::option::Option<bool>::Some' "$RS"
	refute_output --partial "<discriminant>"
	assert_line --regexp $'^\t&u64 +__0; +/\\* +0 +8 \\*/$'
	assert_line --regexp $'^\tbool +__0; +/\\* +0 +1 \\*/$'
}

@test "structpad: --baseline of every Rust type (megabytes of JSON, read in pieces) finds the one that grew" {
	rs_helper
	local d=$BATS_TEST_TMPDIR
	structpad --json "$RS" > "$d/all.json"
	[ "$(stat -c %s "$d/all.json")" -gt 1000000 ]
	run -0 structpad --baseline "$d/all.json" "$RS"
	assert_output ""
	jq -c '(.types[] | select(.name == "layouts_rs::Holed") | .size) |= 24' "$d/all.json" > "$d/smaller.json"
	run -1 structpad --baseline "$d/smaller.json" "$RS"
	assert_output "struct layouts_rs::Holed: grew from 24 to 32 bytes"
}

@test "structpad: Rust atomics and Mutex are found from their types" {
	rs_helper
	run -1 structpad --check --false-sharing -C Counters "$RS"
	assert_line "struct layouts_rs::Counters: hot members reads and writes share a cache line"
	assert_line "struct layouts_rs::Counters: hot members writes and lock share a cache line"
	run -0 bash -c "structpad --json -C Counters '$RS' | jq -c '[.types[0].members[] | [.name, .atomic, .lock]]'"
	assert_output '[["reads",true,false],["tag",false,false],["writes",true,false],["lock",false,true]]'
}

@test "structpad: -C takes several names and globs; --holes and --min-waste filter" {
	run -0 structpad -C 'se*' -C point "$LAYOUTS"
	assert_line "struct seed {"
	assert_line "struct point {"
	assert_equal "$(grep -c '^struct' <<< "$output")" 2
	run -0 bash -c "structpad -s --no-header --holes 2 '$LAYOUTS' | awk '{ print \$7 }' | sort | tr '\n' ' '"
	assert_output "atomics big bits "
	run -0 bash -c "structpad -s --no-header --min-waste 15 '$LAYOUTS' | awk '{ print \$7 }' | sort | tr '\n' ' '"
	assert_output "aligned bits "
}

@test "structpad: --summary sorts by waste and gives the size after reordering" {
	run -0 structpad -s -C seed -C reorder -C point -C bits "$LAYOUTS"
	assert_line --index 0 --regexp '^ *SIZE +WASTE +WASTE% +BEST +SAVES +TYPE$'
	assert_line --index 1 --regexp '^ +32 +17 +53.1% +24 +8 struct bits$'
	assert_line --index 2 --regexp '^ +40 +14 +35.0% +32 +8 struct reorder$'
	assert_line --index 3 --regexp '^ +24 +14 +58.3% +16 +8 struct seed$'
	assert_line --index 4 --regexp '^ +8 +2 +25.0% +8 +0 struct point$'
	run -0 structpad -s --no-header -C seed "$LAYOUTS"
	assert_equal "${#lines[@]}" 1
}

@test "structpad: -s -o COLUMNS and --raw, checked against the layout each type prints" {
	local t holes pad members line
	run -0 structpad -o help
	assert_line --regexp '^HOLES +holes between members$'
	assert_equal "${#lines[@]}" 11
	# every type's holes, padding and members as its own layout says
	run -0 structpad -s --raw --no-header -o type,holes,padding,members,size "$LAYOUTS"
	[ "${#lines[@]}" -ge 8 ]
	for line in "${lines[@]}"; do
		read -r t holes pad members size <<< "$line"
		[[ $t == struct\\x20* || $t == union\\x20* || $t == class\\x20* ]] || fail "type cell: $t"
		name=${t#*\\x20}
		run -0 structpad -C "$name" "$LAYOUTS"
		# the type's own footer is the last one (nested types print theirs)
		want_holes=$(grep '/\* sum members: ' <<< "$output" | tail -1 | sed -n 's/.*, holes: \([0-9]*\),.*/\1/p')
		[ "$holes" -eq "${want_holes:-0}" ] || fail "$name: -o holes $holes, the layout shows ${want_holes:-0}"
		grep -q "/\* size: $size, cachelines: [0-9]*, members: $members \*/" <<< "$output" || fail "$name: size $size, members $members"
		if [ "$pad" -gt 0 ]; then
			grep -q "/\* padding: $pad \*/" <<< "$output" || fail "$name: padding $pad"
		fi
	done
	# +COL adds to the default; the order is the one asked
	run -0 structpad -s -o +holes -C seed "$LAYOUTS"
	assert_line --index 0 --regexp '^SIZE +WASTE +WASTE% +BEST +SAVES +TYPE +HOLES$'
	assert_line --index 1 --regexp '^ *24 +14 +58.3% +16 +8 struct seed +1$'
	run -0 structpad -s -o TYPE,size --raw -C seed "$LAYOUTS"
	assert_output $'TYPE SIZE\nstruct\\x20seed 24'
	run -2 --separate-stderr structpad -s -o size,nosuch "$LAYOUTS"
	assert_equal "$stderr" "structpad: -o nosuch: not a column (-o help lists them)"
	run -2 --separate-stderr structpad -o size "$LAYOUTS"
	assert_equal "$stderr" "structpad: -o and --raw go with -s"
}

# compile_suggestion FILE TYPE: compile structpad -R's order of TYPE and
# print sizeof and offsets of the members named after it
compile_suggestion() {
	local f=$1 t=$2 c=$BATS_TEST_TMPDIR/sugg.c
	shift 2
	{
		printf '#include <pthread.h>\n#include <stdbool.h>\n#include <stddef.h>\n#include <stdint.h>\n#include <stdio.h>\n#define _Bool _Bool\n'
		structpad -R "${SUGGEST_OPTS[@]}" -C "$t" "$f"
		printf 'int main(void) { printf("%%zu\\n", sizeof(struct %s));' "$t"
		for m in "$@"; do
			printf ' printf("%%zu\\n", offsetof(struct %s, %s));' "$t" "$m"
		done
		printf ' return 0; }\n'
	} > "$c"
	cc -o "$c.bin" "$c" || fail "the suggestion does not compile: $(cat "$c")"
	"$c.bin"
}

@test "structpad: --suggest predicts the size the compiler gives, never larger" {
	local t want
	SUGGEST_OPTS=()
	for t in seed reorder bits nested shapes; do
		want=$(structpad -R -C "$t" "$LAYOUTS" | sed -n 's/^\t\/\* size: \([0-9]*\),.*/\1/p')
		if [ -z "$want" ]; then
			run -0 structpad -R -C "$t" "$LAYOUTS"
			assert_output --partial "no member order is smaller"
			continue
		fi
		run -0 compile_suggestion "$LAYOUTS" "$t"
		assert_equal "${lines[0]}" "$want"
	done
	run -0 compile_suggestion "$LAYOUTS" seed
	assert_equal "${lines[0]}" 16
	# never larger, over every type of the helper and of glibc
	for f in "$LAYOUTS" "$(libc_debug)"; do
		run -0 bash -c "structpad --json '$f' | jq '[.types[] | select(.best_size > .size)] | length'"
		assert_output 0
	done
}

@test "structpad: --hot fields that share a line are flagged, and --suggest pads them apart" {
	run -1 structpad --check --hot reads,writes -C counters "$LAYOUTS"
	assert_output "struct counters: hot members reads and writes share a cache line"
	run -0 structpad --hot reads,writes -C counters "$LAYOUTS"
	assert_line $'\t/* XXX hot members reads and writes share a cache line (false sharing) */'
	SUGGEST_OPTS=(--hot reads,writes --false-sharing --cacheline 64)
	run -0 compile_suggestion "$LAYOUTS" counters reads writes lock
	# each hot member (and the lock) on a 64-byte line of its own
	local r=$((lines[1] / 64)) w=$((lines[2] / 64)) l=$((lines[3] / 64))
	[ "$r" != "$w" ] && [ "$r" != "$l" ] && [ "$w" != "$l" ] || fail "shared lines: $output"
	run -0 structpad -R --hot reads,writes -C counters "$LAYOUTS"
	assert_line --regexp $'^\tchar +__pad[0-9]+\\[56\\]; /\\* [0-9]+, to the next cache line \\*/$'
	# two atomics on one line are found from their types alone
	run -1 structpad --check --false-sharing -C atomics "$LAYOUTS"
	assert_output "struct atomics: hot members count and flags share a cache line"
}

@test "structpad: --check --max-waste exits 1 and lists the offenders" {
	run -1 structpad --check --max-waste 14 "$LAYOUTS"
	assert_line "struct bits: 17 bytes of holes and padding (limit 14); 24 bytes after reordering, 32 now"
	assert_line --partial "struct aligned: 58 bytes"
	refute_line --partial "struct seed"
	run -0 structpad --check --max-waste 100 -C seed "$LAYOUTS"
	assert_output ""
	run -2 --separate-stderr structpad --check "$LAYOUTS"
	[[ ${stderr_lines[0]} == "structpad: --check needs --max-waste, --hot or --false-sharing" ]] || fail "$stderr"
}

@test "structpad: --json is the layout model" {
	run -0 structpad --json "$LAYOUTS"
	json_vocab structpad
	run -0 structpad --json -C seed -C bits "$LAYOUTS"
	json_vocab structpad
	assert_equal "$(jq -r .schema <<< "$output")" "triage.structpad/1"
	assert_equal "$(jq -c '.types[] | select(.name == "seed") | [.size, .nr_holes, .sum_holes, .padding, .waste, .best_size]' <<< "$output")" "[24,1,7,7,14,16]"
	assert_equal "$(jq -c '.types[] | select(.name == "bits") | .members[0] | [.name, .bit_offset, .bit_size]' <<< "$output")" '["a",0,3]'
	assert_equal "$(jq -c '.types[] | select(.name == "seed") | .holes' <<< "$output")" '[{"after":"a","bytes":7,"bits":0}]'
}

@test "structpad: --baseline exits 1 when a type grew, gained a hole or put hot fields on one line" {
	local d=$BATS_TEST_TMPDIR
	cat > "$d/v1.c" <<-'EOF'
	struct conn { long id; int fd; int port; long hits; char pad[48]; long misses; };
	struct conn c;
	int main(void) { return 0; }
	EOF
	cat > "$d/v2.c" <<-'EOF'
	struct conn { long id; int fd; char flag; int port; long hits; long misses; char pad[48]; };
	struct conn c;
	int main(void) { return 0; }
	EOF
	cc -g -o "$d/v1" "$d/v1.c"
	cc -g -o "$d/v2" "$d/v2.c"
	structpad --json --hot hits,misses -C conn "$d/v1" > "$d/base.json"
	run -0 structpad --baseline "$d/base.json" -C conn "$d/v1"
	assert_output ""
	run -1 structpad --baseline "$d/base.json" -C conn "$d/v2"
	assert_line "struct conn: grew from 80 to 88 bytes"
	assert_line "struct conn: gained a hole (0 -> 2 holes, 7 bytes)"
	assert_line "struct conn: hot members hits and misses moved onto one cache line"
	echo '{"not": "structpad"}' > "$d/bad.json"
	run -2 --separate-stderr structpad --baseline "$d/bad.json" "$d/v1"
	assert_equal "$stderr" "structpad: $d/bad.json: not a structpad --json file"
}

@test "structpad: --baseline that is not JSON, or JSON of another shape, is one line naming the file and exit 2" {
	local d=$BATS_TEST_TMPDIR f
	structpad --json -C seed -C bits "$LAYOUTS" > "$d/good.json"
	run -0 structpad --baseline "$d/good.json" -C seed -C bits "$LAYOUTS"
	assert_output ""
	# malformed: cut short, a stray comma, trailing data, empty, not text
	head -c 200 "$d/good.json" > "$d/cut.json"
	sed 's/"size":/,"size":/' "$d/good.json" > "$d/comma.json"
	{ cat "$d/good.json"; echo '{}'; } > "$d/two.json"
	: > "$d/empty.json"
	head -c 300 /dev/urandom > "$d/random.json"
	for f in cut comma two empty random; do
		run -2 --separate-stderr structpad --baseline "$d/$f.json" "$LAYOUTS"
		assert_output ""
		[ "${#stderr_lines[@]}" -eq 1 ] || fail "$f: $stderr"
		[[ $stderr == "structpad: $d/$f.json: not JSON (at byte "[0-9]*": "* ]] || fail "$f: $stderr"
	done
	run -2 --separate-stderr structpad --baseline "$d/cut.json" "$LAYOUTS"
	assert_equal "$stderr" "structpad: $d/cut.json: not JSON (at byte 200: the document is cut short)"
	run -2 --separate-stderr structpad --baseline "$d/two.json" "$LAYOUTS"
	# json-c's own words for what follows the document
	[[ $stderr == "structpad: $d/two.json: not JSON (at byte $(stat -c %s "$d/good.json"): "* ]] || fail "$stderr"
	# valid JSON of the wrong shape: not an object, sizes as strings,
	# members not an array, a shared entry that is not a pair
	echo '[1, 2, 3]' > "$d/array.json"
	jq '.types[0].size |= tostring' "$d/good.json" > "$d/strsize.json"
	jq '.types[1].members = {}' "$d/good.json" > "$d/members.json"
	jq '.types[0].shared = [["a"]]' "$d/good.json" > "$d/shared.json"
	jq '.types = "none"' "$d/good.json" > "$d/types.json"
	for f in array strsize members shared types; do
		jq . "$d/$f.json" > /dev/null || fail "$f.json is not JSON"
		run -2 --separate-stderr structpad --baseline "$d/$f.json" "$LAYOUTS"
		assert_output ""
		[ "${#stderr_lines[@]}" -eq 1 ] || fail "$f: $stderr"
		[[ $stderr == "structpad: $d/$f.json: not a structpad --json file"* ]] || fail "$f: $stderr"
	done
	run -2 --separate-stderr structpad --baseline "$d/strsize.json" "$LAYOUTS"
	assert_equal "$stderr" "structpad: $d/strsize.json: not a structpad --json file (types[0]: no size or nr_holes)"
	run -2 --separate-stderr structpad --baseline "$d/array.json" "$LAYOUTS"
	assert_equal "$stderr" "structpad: $d/array.json: not a structpad --json file"
	# a hostile file name is escaped; a missing file is named
	f=$d/$'\e]0;x\a.json'
	echo '{' > "$f"
	run -2 --separate-stderr structpad --baseline "$f" "$LAYOUTS"
	output=$stderr
	no_raw_escapes
	assert_output --partial '\e]0;x\x07.json: not JSON'
	run -2 --separate-stderr structpad --baseline "$d/none.json" "$LAYOUTS"
	assert_equal "$stderr" "structpad: $d/none.json: No such file or directory"
}

@test "structpad: --cacheline sets the line size; boundaries are marked where pahole marks them" {
	local cl
	for cl in 32 64 128; do
		diff <(structpad --cacheline $cl -C big "$LAYOUTS" | grep cacheline) \
			<(pahole --cacheline $cl -C big "$LAYOUTS" 2>/dev/null | grep cacheline) ||
			fail "--cacheline $cl differs from pahole"
	done
	run -0 structpad --cacheline 32 -C big "$LAYOUTS"
	assert_line $'\t/* size: 152, cachelines: 5, members: 5 */'
	assert_line $'\t/* --- cacheline 2 boundary (64 bytes) was 4 bytes ago --- */'
	run -2 --separate-stderr structpad --cacheline x "$LAYOUTS"
	assert_equal "$stderr" "structpad: --cacheline x: not a number of bytes (at least 1)"
}

@test "structpad: bad input gives one line and exit 2, never a crash" {
	local d=$BATS_TEST_TMPDIR
	echo "hello" > "$d/text"
	head -c 3000 "$LAYOUTS" > "$d/truncated"
	{ printf '\177ELF\002\001\001'; head -c 5000 /dev/urandom; } > "$d/garbage"
	cp "$LAYOUTS" "$d/nodebug"
	strip "$d/nodebug"
	local f
	for f in text truncated garbage nodebug; do
		run -2 --separate-stderr structpad "$d/$f"
		assert_output ""
		[ "${#stderr_lines[@]}" -eq 1 ] || fail "$f: $stderr"
	done
	run -2 --separate-stderr structpad "$d/text"
	assert_equal "$stderr" "structpad: $d/text: not an ELF file"
	run -2 --separate-stderr structpad "$d/truncated"
	[[ $stderr == "structpad: $d/truncated: truncated or corrupt "* ]] || fail "$stderr"
	run -2 --separate-stderr structpad "$d/nodebug"
	assert_equal "$stderr" "structpad: $d/nodebug: no debug info: build with -g, or install its debug symbols package"
	# a .debug_str without its final NUL (found by the fuzzer): libdw
	# would hand out a name that runs off the end of the section
	cc -c -g -o "$d/s.o" "$SRC"
	objcopy --dump-section .debug_str="$d/str" "$d/s.o"
	printf x | dd of="$d/str" bs=1 seek=$(($(stat -c %s "$d/str") - 1)) conv=notrunc 2>/dev/null
	objcopy --update-section .debug_str="$d/str" "$d/s.o" "$d/badstr.o"
	run -2 --separate-stderr structpad "$d/badstr.o"
	assert_equal "$stderr" "structpad: $d/badstr.o: corrupt DWARF: a string section does not end with a NUL"
	run -2 --separate-stderr structpad "$d"
	assert_equal "$stderr" "structpad: $d: is a directory"
	run -2 --separate-stderr structpad "$d/none"
	assert_equal "$stderr" "structpad: $d/none: No such file or directory"
	run -2 --separate-stderr structpad -C no_such_type "$LAYOUTS"
	assert_equal "$stderr" "structpad: $LAYOUTS: no type matches no_such_type"
	run -2 --separate-stderr structpad
	[[ ${stderr_lines[0]} == "structpad: a FILE is required" ]] || fail "$stderr"
}

@test "structpad: the inputs that once crashed or hung the fuzzer give one line and exit 2" {
	local f n=0
	for f in "$TRIAGE_ROOT"/tests/fuzz/fuzz_dwarf.regress/*; do
		run -2 --separate-stderr timeout 10 structpad "$f"
		[ "${#stderr_lines[@]}" -eq 1 ] || fail "${f##*/}: $stderr"
		[[ $stderr == "structpad: $f: "* ]] || fail "${f##*/}: $stderr"
		n=$((n + 1))
	done
	[ "$n" -ge 2 ]
}

@test "structpad: --color colours holes and false sharing; --color alone means always" {
	run -0 structpad --color=always -C seed "$LAYOUTS"
	assert_line $'\t\e[33m/* XXX 7 bytes hole, try to pack */\e[0m'
	run -0 structpad --color --hot reads,writes -C counters "$LAYOUTS"
	assert_line --partial $'\e[31m/* XXX hot members reads and writes share'
	run -0 structpad --color=never -C seed "$LAYOUTS"
	no_raw_escapes
	NO_COLOR= run -0 structpad -C seed "$LAYOUTS"
	no_raw_escapes
}

@test "structpad: hostile names are escaped" {
	local f=$BATS_TEST_TMPDIR/$'\e]0;pwned\a'
	echo x > "$f"
	run -2 --separate-stderr structpad "$f"
	output=$stderr
	no_raw_escapes
	assert_output --partial 'structpad: '
	assert_output --partial '\e]0;pwned\x07: not an ELF file'
	run -2 --separate-stderr structpad -C $'\e[31m' "$LAYOUTS"
	output=$stderr
	no_raw_escapes
}
