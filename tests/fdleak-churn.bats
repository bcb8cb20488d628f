#!/usr/bin/env bats
# fdleak-churn.bats - fdleak's who questions, which read every process,
# while tests/helpers/churn forks and reaps about 1,000 processes a
# second: every run exits 0 and its JSON parses (10 runs: bats and churn
# share two cores, 1-2 s a run here).  A file of its own: each
# run scans the whole process table (a second or more on a loaded
# machine), and run-tests gives each file its own time budget.

bats_require_minimum_version 1.5.0
load common

@test "a churning process table: -i and +L1 with --json exit 0 and parse, 5 runs each" {
	start_helper churn
	local i
	for ((i = 0; i < 5; i++)); do
		run -0 --separate-stderr fdleak -i --json
		jq -e .schema <<<"$output" > /dev/null
		run -0 --separate-stderr fdleak +L1 --json
		jq -e .schema <<<"$output" > /dev/null
	done
}
