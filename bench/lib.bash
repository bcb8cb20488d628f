# bench/lib.bash - what the bench scripts share: medians of their runs.
# Each script sources it: . "$(dirname "$0")/lib.bash" (not .sh: scripts/bench
# runs every bench/*.sh)

# median [X...]: the median of the numbers given, or of stdin's lines
# when none are; of an even count, the lower of the two middle values.
median() {
	if [ $# -gt 0 ]; then printf '%s\n' "$@"; else cat; fi | sort -g |
	    awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)] }'
}

# median_col FILE COLUMN: the median of one column of FILE
median_col() {
	awk -v c="$2" '{ print $c }' "$1" | median
}

# medians FILE: the medians of columns 1, 2 and 3 of FILE, each followed
# by a space ("wall cpu rss " in the scripts that record those)
medians() {
	local c
	for c in 1 2 3; do
		printf '%s ' "$(median_col "$1" "$c")"
	done
}
