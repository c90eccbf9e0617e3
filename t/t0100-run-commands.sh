#!/bin/sh
test_description='orch_run: how every policy command and hook child is run, ended and cleaned up'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

RUN="$ORCH_HOOKS_BUILD/t/helper/run-cmd"

# took_less_than SECONDS FILE: the run-cmd report says it ended in time.
took_less_than() {
	s=$(sed -n "s/^seconds: \([0-9]*\).*/\1/p" "$2") &&
	test -n "$s" && test "$s" -lt "$1" || { echo "took ${s}s, limit $1s" >&2; return 1; }
}

# The process handling of orch_run seen through a real hook: the chained hook
# that `orch-hooks install --chain` keeps runs under orch_run.

# chained_hook SCRIPT: the foreign hook that r's gate chains (SCRIPT is a
# printf format); removed, and any merge aborted, when the test ends.
chained_hook() {
	printf "$1" >r/.git/hooks/pre-merge-commit.orch-chained &&
	chmod +x r/.git/hooks/pre-merge-commit.orch-chained &&
	test_when_finished "rm -f \"$TRASH/r/.git/hooks/pre-merge-commit.orch-chained\"; cd \"$TRASH/r\" && git merge --abort 2>/dev/null; true"
}

test_expect_success 'setup: a repository whose gate chains a foreign hook' '
	new_repo r &&
	(cd r && branch_with_commit feat f1 && orch-hooks verdict set PASS feat 2>/dev/null)
'

test_expect_success 'a chained hook killed by a signal refuses the merge and says so' '
	chained_hook "#!/bin/sh\nkill -KILL \$\$\n" &&
	(cd r && git rev-parse HEAD >../before &&
	 test_must_fail git merge --no-ff -m m feat 2>../err &&
	 git rev-parse HEAD >../after) &&
	test_cmp before after &&
	test_grep "orch-hooks: the chained hook .*pre-merge-commit.orch-chained. failed (killed by signal 9 (Killed))" err
'

test_expect_success 'a chained hook that hangs ignoring SIGTERM is killed; the merge is refused in bounded time' '
	chained_hook "#!/bin/sh\ntrap \"\" TERM\nsleep 60\n" &&
	start=$(date +%s) &&
	(cd r && test_must_fail env ORCH_HOOKS_CHAIN_TIMEOUT_MS=1000 git merge --no-ff -m m feat 2>../err) &&
	end=$(date +%s) &&
	test $((end - start)) -lt 10 &&
	test_grep "failed (timed out after 1s and was killed)" err
'

test_expect_success 'Ctrl-C while the hook runs a chained hook: the child group is killed, nothing committed' '
	chained_hook "#!/bin/sh\necho \$PPID >\"$TRASH/hook.pid\"\nsleep 60 &\necho \$! >\"$TRASH/sleep.pid\"\nwait\n" &&
	rm -f hook.pid sleep.pid &&
	git -C r rev-parse HEAD >before &&
	{ (cd r && exec git merge --no-ff -m m feat) >out 2>err & } &&
	merge=$! &&
	i=0 && while ! test -s sleep.pid && test $i -lt 100; do sleep 0.1; i=$((i + 1)); done &&
	kill -INT $(cat hook.pid) &&
	{ wait $merge; test $? != 0; } &&
	git -C r rev-parse HEAD >after &&
	test_cmp before after &&
	test_grep "the chained hook .* failed (interrupted (signal 2) and was killed)" err &&
	process_gone $(cat sleep.pid)
'

# killed_in_time SECONDS: the run-cmd report in out says the command timed
# out after 1s and was killed, in less than SECONDS, its group (gc.pid) too.
killed_in_time() {
	test_grep "^describe: timed out after 1s and was killed$" out &&
	took_less_than "$1" out &&
	process_gone $(cat gc.pid)
}

if ! test -x "$RUN"; then
	test_skip 'run-cmd helper' "t/helper/run-cmd is not built (make check builds it)"
	test_done
fi

# orch_run itself, through t/helper/run-cmd.

test_expect_success 'a command that succeeds: exit status 0 and its output kept' '
	"$RUN" -c "echo hello; echo world >&2" >out &&
	test_grep "^describe: exit status 0$" out &&
	test_grep "^tail: world$" out &&
	test_grep "^truncated: 0$" out
'

test_expect_success 'a command that is not found: 127, described as not found' '
	test_must_fail "$RUN" -c "no-such-command-orch-t0100" >out &&
	test_grep "^describe: exit status 127 (command not found?)$" out &&
	test_grep "no-such-command-orch-t0100: not found" out
'

test_expect_success 'a program that is not found (argv): could not start, says why' '
	test_must_fail "$RUN" -- no-such-program-orch-t0100 arg >out &&
	test_grep "^started: 0$" out &&
	test_grep "^describe: cannot run .no-such-program-orch-t0100.: No such file or directory$" out
'

test_expect_success 'a command that is not executable: 126, described as not executable' '
	printf "#!/bin/sh\necho hi\n" >noexec.sh && chmod a-x noexec.sh &&
	test_must_fail "$RUN" -c ./noexec.sh >out &&
	test_grep "^describe: exit status 126 (command not executable?)$" out &&
	test_must_fail "$RUN" -- ./noexec.sh >out &&
	test_grep "^describe: cannot run .\./noexec.sh.: Permission denied$" out
'

test_expect_success 'a command killed by a signal: described as killed, not as an exit status' '
	test_must_fail "$RUN" -c "kill -KILL \$\$" >out &&
	test_grep "^describe: killed by signal 9 (Killed)$" out &&
	test_must_fail "$RUN" -c "kill -SEGV \$\$" >out &&
	test_grep "^describe: killed by signal 11 (Segmentation fault)$" out
'

test_expect_success '20 MB of output: only the tail is kept, nothing hangs' '
	"$RUN" -c "head -c 20000000 /dev/zero | tr \"\\\\0\" x; echo; echo last-line" >out &&
	test_grep "^describe: exit status 0$" out &&
	test_grep "^truncated: 1$" out &&
	kept=$(sed -n "s/^kept: //p" out) &&
	test "$kept" -le 65536 &&
	test_grep "^tail: last-line$" out &&
	took_less_than 30 out
'

test_expect_success 'a smaller keep keeps that many bytes' '
	"$RUN" -k 100 -c "seq 1 100000" >out &&
	test_grep "^kept: 100$" out &&
	test_grep "^tail: 100000$" out
'

test_expect_success 'a background child left holding stdout: returns at once, child killed' '
	"$RUN" -c "sleep 60 & echo \$! >bg.pid; echo started" >out &&
	test_grep "^describe: exit status 0$" out &&
	test_grep "^tail: started$" out &&
	took_less_than 5 out &&
	process_gone $(cat bg.pid)
'

test_expect_success 'a background child that keeps writing: returns at once, child killed' '
	timeout 60 "$RUN" -c "yes spam & echo \$! >bg.pid; sleep 0.3; exit 3" >out;
	test $? = 1 &&
	test_grep "^describe: exit status 3$" out &&
	took_less_than 5 out &&
	process_gone $(cat bg.pid)
'

test_expect_success 'a timeout kills the whole group, grandchildren too' '
	test_must_fail "$RUN" -t 1000 -c "sh -c \"sleep 60\" & echo \$! >gc.pid; wait" >out &&
	test_grep "^timed_out: 1$" out &&
	killed_in_time 5
'

test_expect_success 'a command that ignores SIGTERM is killed with SIGKILL after the grace period' '
	test_must_fail env ORCH_HOOKS_KILL_GRACE_MS=1000 \
		"$RUN" -t 1000 -c "trap \"\" TERM; sleep 60 & echo \$! >gc.pid; while :; do sleep 1; done" >out &&
	killed_in_time 6
'

test_expect_success 'a command that closes its output and hangs still times out' '
	test_must_fail "$RUN" -t 1000 -c "exec >&- 2>&-; sleep 60" >out &&
	test_grep "^timed_out: 1$" out &&
	took_less_than 5 out
'

test_expect_success 'a command reading stdin gets end of file, not our terminal' '
	"$RUN" -t 5000 -c "cat; echo read-done" >out </dev/zero &&
	test_grep "^tail: read-done$" out
'

test_expect_success 'an interrupt (Ctrl-C) stops the command and its group' '
	rm -f gc.pid &&
	{ "$RUN" -c "sleep 60 & echo \$! >gc.pid; wait" >out & } &&
	pid=$! &&
	i=0 && while ! test -s gc.pid && test $i -lt 50; do sleep 0.1; i=$((i + 1)); done &&
	kill -INT $pid &&
	{ wait $pid; test $? = 1; } &&
	test_grep "^describe: interrupted (signal 2) and was killed$" out &&
	test_grep "^interrupted: 1$" out &&
	process_gone $(cat gc.pid)
'

test_expect_success 'scrub_git_env: a policy command never sees the hook repository' '
	GIT_DIR=/somewhere GIT_INDEX_FILE=.git/index GIT_WORK_TREE=/w \
		"$RUN" -s -c "echo \"\${GIT_DIR-unset} \${GIT_INDEX_FILE-unset} \${GIT_WORK_TREE-unset}\"" >out &&
	test_grep "^tail: unset unset unset$" out &&
	GIT_DIR=/somewhere "$RUN" -c "echo \"\${GIT_DIR-unset}\"" >out &&
	test_grep "^tail: /somewhere$" out
'

test_expect_success 'an explicit setting replaces the inherited variable of that name, and only that one' '
	ORCH_X=old ORCH_XY=kept GIT_DIRX=kept GIT_DIR=/somewhere \
		"$RUN" -s -e ORCH_X=new -e ORCH_Z=z -c "env | sort | grep \"^ORCH_[XYZ]\\|^GIT_DIR\" | tr \"\\n\" \" \"" >out &&
	test_grep "^tail: GIT_DIRX=kept ORCH_X=new ORCH_XY=kept ORCH_Z=z $" out
'

test_done
