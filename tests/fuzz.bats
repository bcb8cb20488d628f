#!/usr/bin/env bats
# tests/fuzz.bats - a short run of every libFuzzer target (build/fuzz/fuzz_*,
# from tests/fuzz/fuzz_*.c); `make fuzz` runs them for longer.  A target's
# corpus is seeded by tests/fuzz/NAME.seed DIR when that script exists.

bats_require_minimum_version 1.5.0
load common

FUZZ_BIN=$TRIAGE_ROOT/build/fuzz
: "${FUZZ_TEST_SECONDS:=4}"

@test "fuzz: every target is built" {
	local src n
	for src in "$TRIAGE_ROOT"/tests/fuzz/fuzz_*.c; do
		n=${src##*/}
		n=${n%.c}
		[ -x "$FUZZ_BIN/$n" ] || fail "$n: not built (make builds it with clang)"
	done
}

@test "fuzz: each target runs a few seconds on its seeds without a crash" {
	local f n corpus ran=0
	for f in "$FUZZ_BIN"/fuzz_*; do
		[ -x "$f" ] || continue
		n=${f##*/}
		corpus=$BATS_TEST_TMPDIR/$n
		mkdir -p "$corpus"
		if [ -x "$TRIAGE_ROOT/tests/fuzz/$n.seed" ]; then
			"$TRIAGE_ROOT/tests/fuzz/$n.seed" "$corpus" ||
				fail "$n: its seed script failed"
		fi
		run "$f" -max_total_time="$FUZZ_TEST_SECONDS" -timeout=10 -rss_limit_mb=1024 \
			-artifact_prefix="$BATS_TEST_TMPDIR/" "$corpus"
		[ "$status" -eq 0 ] || fail "$n: exit $status: $(printf '%s\n' "$output" | grep -m5 -E 'ERROR|SUMMARY|crash-')"
		[[ $output == *"Done "*" runs in "* ]] || fail "$n: no run summary: ${output: -400}"
		echo "# $n: $(printf '%s\n' "$output" | grep -o 'Done [0-9]* runs in [0-9]* second(s)')" >&3
		ran=$((ran + 1))
	done
	[ "$ran" -ge 1 ]
}
