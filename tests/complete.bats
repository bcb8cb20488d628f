#!/usr/bin/env bats
# complete.bats - every command's completions, run in real shells: bash
# with the bash-completion package and zsh with compinit, each in a tmux
# terminal that the test types into (TAB included) and reads back.

load common

commands() {
	local f
	for f in "$TRIAGE_ROOT"/cmd/*/; do
		f=${f%/}
		echo "${f##*/}"
	done
}

# Commands that take processes with -p/--pid.
pid_commands() {
	local c
	for c in $(commands); do
		"$TRIAGE_BIN/$c" --help | grep -q -- '--pid' && echo "$c"
	done
}

SESSION=

# tm ARGS...: tmux on this test's own server.  The default server is
# shared by every tmux of the user: another suite's, or this file's last
# session, whose kill makes that server exit while the next new-session
# connects ("server exited unexpectedly").
tm() {
	tmux -S "$BATS_TEST_TMPDIR/tmux.sock" "$@"
}

# shell_start bash|zsh: a tmux terminal with that shell and our
# completions, loaded from an rc file before the first prompt: setup typed
# into a shell still starting could lose keys.
shell_start() {
	SESSION=$1
	local env="env -i TERM=xterm HOME=$BATS_TEST_TMPDIR PATH=$TRIAGE_BIN:/usr/bin:/bin"
	local rc=$BATS_TEST_TMPDIR/rc.$1
	if [ "$1" = bash ]; then
		printf '%s\n' "PS1='READY\$ '" \
		    'source /usr/share/bash-completion/bash_completion' \
		    "for f in $TRIAGE_ROOT/completions/bash/*; do source \$f; done" > "$rc"
		tm -f /dev/null new-session -d -s "$SESSION" -x 200 -y 50 \
		    "$env INPUTRC=/dev/null bash --noprofile --rcfile $rc -i"
	else
		# ZDOTDIR's .zshrc, and -d: none of /etc/zsh's files
		mkdir -p "$rc"
		printf '%s\n' "PS1='READY%% '" \
		    "fpath=($TRIAGE_ROOT/completions/zsh \$fpath)" \
		    'autoload -Uz compinit; compinit -u -D' > "$rc/.zshrc"
		tm -f /dev/null new-session -d -s "$SESSION" -x 200 -y 50 \
		    "$env ZDOTDIR=$rc zsh -d -i"
	fi
	settle
}

shell_stop() {
	[ -n "$SESSION" ] && tm kill-server 2>/dev/null
	SESSION=
}

teardown() {
	shell_stop
	kill_helpers
}

# settle: wait (10 s at most) until the pane shows a prompt and has not
# changed for 50 ms; PANE is what it shows.  A pane still empty (a shell
# slow to start on a loaded machine) is waited for, not an error.
settle() {
	local before= i
	for ((i = 0; i < 200; i++)); do
		PANE=$(tm capture-pane -t "$SESSION" -p | grep -v '^$' || true)
		# a prompt on a line of its own, not the PS1= line being typed
		if printf '%s\n' "$PANE" | grep -qE '^READY[#$%]( |$)' &&
		    [ "$PANE" = "$before" ]; then
			return 0
		fi
		before=$PANE
		sleep 0.05
	done
	return 0
}

# type_tab TEXT: type TEXT on a fresh line, then TAB (twice in bash, to
# list when there is more than one candidate); PANE is the screen after.
type_tab() {
	# an empty line and a clear screen, without running anything
	tm send-keys -t "$SESSION" C-e C-u C-l
	settle
	tm send-keys -t "$SESSION" -l "$1"
	settle
	local typed=$PANE i
	tm send-keys -t "$SESSION" Tab
	[[ $SESSION == *bash ]] && tm send-keys -t "$SESSION" Tab
	# the completion may take a while on a loaded machine (it runs ps):
	# wait for the screen to change, then to settle
	for ((i = 0; i < 100; i++)); do
		[ "$(tm capture-pane -t "$SESSION" -p | grep -v '^$' || true)" != "$typed" ] && break
		sleep 0.05
	done
	settle
}

@test "bash and zsh: --color=TAB offers auto, always and never in every command" {
	local sh c
	for sh in bash zsh; do
		shell_start $sh
		for c in $(commands); do
			type_tab "$c --color="
			[[ $PANE == *always* && $PANE == *auto* && $PANE == *never* ]] ||
			    fail "$sh: $c --color=<TAB>: $PANE"
		done
		shell_stop
	done
}

@test "bash and zsh: a long option completes from its start in every command" {
	local sh c
	for sh in bash zsh; do
		shell_start $sh
		for c in $(commands); do
			type_tab "$c --no-hea"
			[[ $PANE == *"$c --no-header"* ]] ||
			    fail "$sh: $c --no-hea<TAB>: $PANE"
		done
		shell_stop
	done
}

@test "bash: -p and --pid= complete a process name, once, and never a kernel thread" {
	local c
	cp /bin/sleep "$BATS_TEST_TMPDIR/cmplxyzzy"
	"$BATS_TEST_TMPDIR/cmplxyzzy" 1000 & track_pid $!
	"$BATS_TEST_TMPDIR/cmplxyzzy" 1000 & track_pid $!
	shell_start bash
	for c in $(pid_commands); do
		type_tab "$c -p cmplxy"
		[[ $PANE == *"$c -p cmplxyzzy"* ]] || fail "$c -p cmplxy<TAB>: $PANE"
		type_tab "$c --pid=cmplxy"
		[[ $PANE == *"$c --pid=cmplxyzzy"* ]] || fail "$c --pid=cmplxy<TAB>: $PANE"
	done
	shell_stop
	# the candidates themselves, from the completion function in bash
	for c in $(pid_commands); do
		run bash -c 'source /usr/share/bash-completion/bash_completion
			source "$1"
			COMP_WORDS=("$2" -p ""); COMP_CWORD=2
			COMP_LINE="$2 -p "; COMP_POINT=${#COMP_LINE}
			"_comp_cmd_$2" "$2" "" -p
			printf "%s\n" "${COMPREPLY[@]}"' _ \
		    "$TRIAGE_ROOT/completions/bash/$c" "$c"
		assert_success
		assert_line cmplxyzzy
		[ "$(printf '%s\n' "$output" | grep -c '^cmplxyzzy$')" -eq 1 ] ||
		    fail "$c: cmplxyzzy offered more than once"
		! printf '%s\n' "$output" | grep -qx -e kthreadd -e 'ksoftirqd/0' ||
		    fail "$c: offers kernel threads"
	done
}
