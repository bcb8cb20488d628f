# demo/systrace.sh - sourced by scripts/demo with SERVICE_PID set.
step "systrace: 2 s of the service's calls, every thread, counted with latency" \
	timeout -s INT 2 systrace -c -S calls -p "$SERVICE_PID"
step "systrace: the same 2 s by file and socket: which fd takes the time" \
	timeout -s INT 2 systrace -c --by path -S calls -p "$SERVICE_PID"
step "systrace: 1 s of the calls that fail, with the paths of their fds" \
	timeout -s INT 1 systrace -Z -y -p "$SERVICE_PID"
step "systrace --json: 1 s of its connects, each address an object for jq" \
	timeout -s INT 1 systrace --json -e trace=connect -o /dev/stdout -p "$SERVICE_PID"
