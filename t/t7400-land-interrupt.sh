#!/bin/sh
test_description='land: Ctrl-C at the merge, the tests and the clean-up; the heartbeat during long tests'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"
. "$ORCH_HOOKS_SRC/t/lib-land.sh"

REAL_GIT=$(command -v git)

# interrupt: SIGINT to land's whole process group; its exit status into rc.
interrupt() {
	kill -INT -"$land_pid" &&
	{ wait "$land_pid"; echo $? >rc; }
}

clean_tree() {
	git -C r status --porcelain --untracked-files=no >st && test_must_be_empty st &&
	! test -e r/.git/MERGE_HEAD
}

# Tree reuse is off: the same trees are landed again after each interrupted run,
# and every run must really test.
test_expect_success 'setup: a test gate that waits to be released' '
	new_repo r &&
	printf "[branches]\nprotected = main\n[test]\ncommand = sh %s/slow-test.sh\nreuse = false\n" "$TRASH" \
		>r/.git/orch-hooks.ini &&
	cat >slow-test.sh <<-EOF &&
	echo \$\$ >"$TRASH/test.pid"
	: >"$TRASH/test.started"
	i=0
	while ! test -e "$TRASH/release"; do
		sleep 0.1; i=\$((i + 1)); test \$i -lt 300 || exit 1
	done
	EOF
	(cd r && for b in b1 b2 b3; do branch_with_commit $b $b.txt || exit 1; done &&
	 for b in b1 b2 b3; do orch-hooks verdict set PASS $b || exit 1; done) 2>/dev/null
'

test_expect_success 'Ctrl-C during the tests: they stop, the merge is taken back, exit 130' '
	rm -f test.started release &&
	before=$(git -C r rev-parse main) &&
	start_land b1 b2 &&
	wait_for_file test.started &&
	interrupt &&
	rc_is 130 &&
	test_when_finished "touch release" &&
	process_gone $(cat test.pid) &&
	test "$(git -C r rev-parse main)" = "$before" &&
	clean_tree &&
	json out.json "d[\"result\"] == \"interrupted\"" "d[\"exit_status\"] == 130" \
		"d[\"stopped_at\"] == \"b1\"" "b[\"b1\"][\"result\"] == \"interrupted\"" \
		"b[\"b1\"][\"merge\"] is None" "b[\"b2\"][\"result\"] == \"todo\"" &&
	test_grep "land --continue" err &&
	test -e r/.git/orch-hooks-land
'

test_expect_success '... and --continue lands the rest, tested' '
	touch release &&
	(cd r && orch-hooks land --continue --json >../out.json 2>../err; echo $? >../rc) &&
	rc_is 0 &&
	json out.json "b[\"b1\"][\"result\"] == \"landed\"" "b[\"b1\"][\"tests\"] == \"PASS\"" \
		"b[\"b2\"][\"result\"] == \"landed\"" &&
	! test -e r/.git/orch-hooks-land
'

test_expect_success 'Ctrl-C during the merge: the merge hooks finish, the tests stop, all is undone' '
	git -C r reset -q --hard b1 &&
	printf "#!/bin/sh\n: >\"%s/pmc.started\"\nsleep 1\n: >\"%s/pmc.done\"\n" "$TRASH" "$TRASH" \
		>r/.git/hooks/pre-merge-commit.orch-chained &&
	chmod +x r/.git/hooks/pre-merge-commit.orch-chained &&
	test_when_finished "rm -f r/.git/hooks/pre-merge-commit.orch-chained" &&
	rm -f release test.started pmc.started pmc.done &&
	before=$(git -C r rev-parse main) &&
	start_land b2 b3 &&
	wait_for_file pmc.started &&
	interrupt &&
	rc_is 130 &&
	test -e pmc.done &&
	test "$(git -C r rev-parse main)" = "$before" &&
	clean_tree &&
	json out.json "b[\"b2\"][\"result\"] == \"interrupted\"" "b[\"b3\"][\"result\"] == \"todo\""
'

test_expect_success '... and --abort leaves it as it was' '
	before=$(git -C r rev-parse main) &&
	(cd r && orch-hooks land --abort --json >../out.json 2>../err; echo $? >../rc) &&
	rc_is 0 &&
	json out.json "d[\"result\"] == \"aborted\"" &&
	! test -e r/.git/orch-hooks-land &&
	test "$(git -C r rev-parse main)" = "$before" &&
	clean_tree
'

test_expect_success 'Ctrl-C during the clean-up: the worktree is removed whole, the branch stays landed' '
	touch release &&
	git -C r reset -q --hard b1 &&
	git -C r worktree add -q ../wt-b2 b2 &&
	mkdir -p slowgit &&
	printf "#!/bin/sh\nif test \"\$1 \$2\" = \"worktree remove\"; then : >\"%s/rm.started\"; sleep 1; fi\nexec %s \"\$@\"\n" \
		"$TRASH" "$REAL_GIT" >slowgit/git &&
	chmod +x slowgit/git &&
	rm -f rm.started &&
	PATH="$TRASH/slowgit:$PATH" && export PATH &&
	start_land b2 b3 &&
	wait_for_file rm.started &&
	interrupt &&
	rc_is 130 &&
	! test -d wt-b2 &&
	! git -C r worktree list | grep wt-b2 &&
	json out.json "b[\"b2\"][\"result\"] == \"landed\"" "b[\"b3\"][\"result\"] == \"todo\"" \
		"d[\"result\"] == \"interrupted\"" &&
	git -C r log --first-parent --format=%s -1 main >log &&
	test_grep "b2" log &&
	(cd r && orch-hooks land --continue --json >../out.json 2>../err; echo $? >../rc) &&
	rc_is 0 &&
	json out.json "b[\"b3\"][\"result\"] == \"landed\""
'

test_expect_success 'land prints a heartbeat while long tests run' '
	git -C r reset -q --hard b1 &&
	printf "[branches]\nprotected = main\n[test]\ncommand = sleep 2.5\n" >r/.git/orch-hooks.ini &&
	(cd r && ORCH_HOOKS_PROGRESS_SECONDS=1 orch-hooks land b3 >../out 2>../err) &&
	grep "^orch-hooks: \[[0-9]*s\] testing .b3. onto .main. (1/1)$" err >beats &&
	test $(wc -l <beats) -ge 2
'

test_done
