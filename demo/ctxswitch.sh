# demo/ctxswitch.sh - sourced by scripts/demo with SERVICE_PID set.
step "ctxswitch: ping/pong switch thousands of times a second; the verdict says where they wait" \
	ctxswitch -t -p "$SERVICE_PID" 1 2
step "ctxswitch: what one switch costs here, and what the service loses to them" \
	ctxswitch --bench -n 3 -p "$SERVICE_PID"
step "ctxswitch: only the columns asked for, in that order (-o help lists them)" \
	ctxswitch -t -o tid,sw,vol,nvcsw,comm -p "$SERVICE_PID" 1 1
