#!/bin/sh
test_description='the front ends skip the gate only on a branch the policy certainly leaves unprotected'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

# A gate that writes down each hook it runs for (in gate-runs), then runs.
log_gate() {
	mv "$1/orch-hooks-gate" "$1/gate.real" &&
	printf "#!/bin/sh\necho \"\$ORCH_HOOKS_GATE_HOOK\" >>\"%s/gate-runs\"\nexec \"%s/gate.real\" \"\$@\"\n" \
		"$TRASH" "$1" >"$1/orch-hooks-gate" &&
	chmod +x "$1/orch-hooks-gate"
}

test_expect_success 'setup: main and release/* protected, unreviewed branches' '
	new_repo r &&
	printf "[branches]\nprotected = main release/*\n[test]\ncommand = true\n" >r/.git/orch-hooks.ini &&
	(cd r && branch_with_commit unrev u1 && branch_with_commit unrev2 u2 && git branch topic main &&
	 git branch release/1 main) &&
	log_gate "$TRASH/r/.git/hooks"
'

test_expect_success 'a merge into an unprotected branch never starts the gate' '
	: >gate-runs &&
	(cd r && git checkout -q topic && git merge -q --no-ff -m m unrev 2>../err &&
	 git rev-parse -q --verify HEAD^2 && git checkout -q main) &&
	test_must_be_empty gate-runs &&
	! test -e r/.git/orch-hooks-merge-pending
'

test_expect_success 'a --no-commit merge finished with git commit there skips it too' '
	: >gate-runs &&
	(cd r && git checkout -q topic && git reset -q --hard main &&
	 git merge -q --no-ff --no-commit unrev && git commit -q --no-edit && git checkout -q main) &&
	test_must_be_empty gate-runs
'

test_expect_success 'a protected branch named by a wildcard goes to the gate, which refuses' '
	: >gate-runs &&
	(cd r && git checkout -q release/1 && test_must_fail git merge --no-ff -m m unrev 2>../err &&
	 git merge --abort && git checkout -q main) &&
	test_grep "merge into protected branch .release/1. refused" err &&
	test_grep pre-merge-commit gate-runs
'

test_expect_success 'a protected branch written as refs/heads/NAME in the policy is protected' '
	printf "[branches]\nprotected = refs/heads/main\n" >r/.git/orch-hooks.ini &&
	test_when_finished "printf \"[branches]\nprotected = main release/*\n[test]\ncommand = true\n\" >r/.git/orch-hooks.ini" &&
	(cd r && test_must_fail git merge --no-ff -m m unrev 2>../err && git merge --abort) &&
	test_grep "merge into protected branch .main. refused" err
'

test_expect_success 'a branch that is a symbolic ref to main is main' '
	git -C r symbolic-ref refs/heads/alias refs/heads/main &&
	test_when_finished "git -C r checkout -q main && git -C r symbolic-ref --delete refs/heads/alias" &&
	git -C r rev-parse main >before &&
	(cd r && git symbolic-ref HEAD refs/heads/alias &&
	 test_must_fail git merge --no-ff -m m unrev 2>../err && git merge --abort) &&
	git -C r rev-parse main >after &&
	test_cmp before after &&
	test_grep "merge into protected branch .main. refused" err
'

test_expect_success 'main in packed-refs only is still protected' '
	git -C r pack-refs --all &&
	(cd r && test_must_fail git merge --no-ff -m m unrev 2>../err && git merge --abort) &&
	test_grep "merge into protected branch .main. refused" err
'

test_expect_success 'a policy that does not load refuses on every branch, said once' '
	printf "[branches]\nprotected = main\nbogus line\n" >r/.git/orch-hooks.ini &&
	test_when_finished "printf \"[branches]\nprotected = main release/*\n[test]\ncommand = true\n\" >r/.git/orch-hooks.ini" &&
	(cd r && git checkout -q topic && git reset -q --hard main &&
	 test_must_fail git merge --no-ff -m m unrev 2>../err && git merge --abort && git checkout -q main) &&
	test_grep "merge refused: the merge gate cannot decide" err &&
	test $(grep -c "fix the policy" err) = 1
'

test_expect_success 'ORCH_HOOKS_CONFIG protecting the branch is honoured by the front end' '
	printf "[branches]\nprotected = topic\n" >strict.ini &&
	(cd r && git checkout -q topic && git reset -q --hard main &&
	 ORCH_HOOKS_CONFIG="$TRASH/strict.ini" test_must_fail git merge --no-ff -m m unrev 2>../err &&
	 git merge --abort && git checkout -q main) &&
	test_grep "merge into protected branch .topic. refused" err
'

test_expect_success 'a detached HEAD goes to the gate' '
	: >gate-runs &&
	(cd r && git checkout -q --detach main && git merge -q --no-ff -m m unrev 2>../err;
	 git checkout -q -f main) &&
	test_grep pre-merge-commit gate-runs
'

test_expect_success 'in a linked worktree: skipped on an unprotected branch, refused on a protected one' '
	git -C r worktree add -q ../wt release/1 &&
	git -C r worktree add -q ../wt2 topic &&
	(cd wt2 && git reset -q --hard main) &&
	: >gate-runs &&
	(cd wt2 && git merge -q --no-ff -m m unrev) &&
	test_must_be_empty gate-runs &&
	(cd wt && test_must_fail git merge --no-ff -m m unrev2 2>../err && git merge --abort) &&
	test_grep "merge into protected branch .release/1. refused" err
'

test_expect_success 'with ORCH_HOOKS_SKIP the gate runs (and records the bypass)' '
	: >gate-runs &&
	(cd r && git checkout -q -b topic2 main &&
	 ORCH_HOOKS_SKIP=testing git merge -q --no-ff -m m unrev 2>../err && git checkout -q main) &&
	test_grep pre-merge-commit gate-runs &&
	test_grep "GATE SKIPPED" err
'

test_expect_success 'a front end under a name it does not know refuses, and starts no gate' '
	: >gate-runs &&
	cp r/.git/hooks/post-commit r/.git/hooks/post-rewrite &&
	test_when_finished "rm -f r/.git/hooks/post-rewrite" &&
	(cd r && test_must_fail .git/hooks/post-rewrite amend </dev/null 2>../err) &&
	test_grep "^orch-hooks: .post-rewrite. is not a hook orch-hooks knows: the gate cannot decide, so it refuses; reinstall with .orch-hooks install.$" err &&
	test_must_be_empty gate-runs
'

test_done
