#!/bin/sh
test_description='orch-hooks doctor: is the gate really in force, and status warns when it is not'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

test_expect_success 'setup: a server, a clone with the gate and a linked worktree' '
	git init -q --bare srv.git && orch-hooks install --server srv.git >/dev/null 2>&1 &&
	git init -q r && (cd r && test_commit initial && git remote add origin ../srv.git &&
	 orch-hooks install >/dev/null 2>&1 && git worktree add -q ../wt -b side)
'

test_expect_success 'all in force: exit 0, each worktree named' '
	(cd r && orch-hooks doctor >../out 2>../err) &&
	test_grep "the gate is in force" out &&
	test_grep "worktree .*/r: git runs the hooks in" out &&
	test_grep "worktree .*/wt: git runs the hooks in" out &&
	test_grep "fetches its verdicts" out &&
	test_must_be_empty err &&
	(cd r && orch-hooks status >/dev/null 2>../err) &&
	test_grep ! "not fully in force" err
'

test_expect_success 'a missing and a non-executable hook are named with their fix; status warns' '
	test_when_finished "(cd r && orch-hooks install >/dev/null 2>&1)" &&
	rm r/.git/hooks/post-merge && chmod -x r/.git/hooks/pre-merge-commit &&
	(cd r && test_must_fail orch-hooks doctor >../out 2>../err) &&
	test_grep "PROBLEM: hook .*post-merge. is missing; fix: orch-hooks install" err &&
	test_grep "PROBLEM: hook .*pre-merge-commit. is not executable.*chmod +x" err &&
	test_grep "2 problems: the gate is NOT fully in force" err &&
	(cd r && orch-hooks status >/dev/null 2>../err) &&
	test "$(grep -c "not fully in force" err)" = 1 &&
	chmod +x r/.git/hooks/pre-merge-commit
'

test_expect_success 'a foreign hook that does not run the gate, and one that does' '
	test_when_finished "rm -f r/.git/hooks/post-commit && (cd r && orch-hooks install >/dev/null 2>&1)" &&
	printf "#!/bin/sh\necho mine\n" >r/.git/hooks/post-commit && chmod +x r/.git/hooks/post-commit &&
	(cd r && test_must_fail orch-hooks doctor >../out 2>../err) &&
	test_grep "post-commit. is not orch-hooks.s and does not run the gate.*orch-hooks install --chain" err &&
	printf "#!/bin/sh\necho mine\norch-hooks hook post-commit \"\$@\"\n" >r/.git/hooks/post-commit &&
	(cd r && orch-hooks doctor >../out) &&
	test_grep "post-commit runs the gate (orch-hooks hook)" out
'

test_expect_success 'a relative core.hooksPath: the worktree without it runs no hooks' '
	test_when_finished "git -C r config --unset core.hooksPath; rm -rf r/.hk" &&
	git -C r config core.hooksPath .hk &&
	(cd r && orch-hooks install >/dev/null 2>&1) &&
	(cd r && test_must_fail orch-hooks doctor >../out 2>../err) &&
	test_grep "worktree .*/wt: git looks for hooks in .*/wt/.hk., which does not exist" err &&
	test_grep ! "worktree .*/r: git looks for hooks" err
'

test_expect_success 'the notes fetch refspec missing, named with its fix' '
	test_when_finished "(cd r && orch-hooks install >/dev/null 2>&1)" &&
	git -C r config --unset-all remote.origin.fetch "refs/notes" &&
	(cd r && test_must_fail orch-hooks doctor >../out 2>../err) &&
	test_grep "git fetch origin. does not fetch its verdicts; fix: orch-hooks install" err
'

test_expect_success 'a broken policy, and a policy that protects no existing branch' '
	test_when_finished "cp saved.ini r/.git/orch-hooks.ini" &&
	cp r/.git/orch-hooks.ini saved.ini &&
	echo "[branches]" >r/.git/orch-hooks.ini && echo "protected = trunk" >>r/.git/orch-hooks.ini &&
	(cd r && test_must_fail orch-hooks doctor >../out 2>../err) &&
	test_grep "no branch here matches \[branches\] protected" err &&
	echo "[nonsense" >r/.git/orch-hooks.ini &&
	(cd r && test_must_fail orch-hooks doctor >../out 2>../err) &&
	test_grep "the policy is not valid" err
'

test_expect_success 'a bare server: the pre-receive in place, or named when it is not' '
	orch-hooks doctor srv.git >out &&
	test_grep "pre-receive runs the push gate" out &&
	mv srv.git/hooks/pre-receive saved-pre-receive &&
	test_must_fail orch-hooks doctor srv.git >out 2>err &&
	test_grep "does not run the push gate; fix: orch-hooks install --server" err &&
	mv saved-pre-receive srv.git/hooks/pre-receive
'

test_done
