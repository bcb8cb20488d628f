# demo/triage.sh - sourced by scripts/demo with SERVICE_PID set; first of all.
step "triage: the first minute; every check on the service, most severe first" \
	triage -p "$SERVICE_PID"
# each finding's next: command, as the engineer would run it next
# (--watch and -w get a bounded sample so the demo moves on)
while IFS= read -r next; do
	case $next in
	*" --watch "*|*" -w "*) next="${next/ -p / -i 1 -n 2 -p }" ;;
	esac
	# shellcheck disable=SC2086
	step "triage's next: for that finding" $next
done < <(triage -p "$SERVICE_PID" --json | jq -r '.findings[] | .next // empty' | awk '!seen[$0]++')
