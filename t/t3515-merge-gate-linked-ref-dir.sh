#!/bin/sh
test_description='a branch reached through a linked directory under refs/heads is the branch git writes'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

# git writes refs/heads/link/main through the link: a commit or merge on
# "link/main" moves main. Read as the name HEAD spells, the front end and
# the gate both took it for an unprotected branch and let anything in.

test_expect_success 'setup: main protected, an unreviewed branch, refs/heads/link -> .' '
	new_repo r &&
	printf "[branches]\nprotected = main\n[test]\ncommand = true\n" >r/.git/orch-hooks.ini &&
	(cd r && branch_with_commit unrev u1) &&
	ln -s . r/.git/refs/heads/link &&
	git -C r rev-parse main >before
'

test_expect_success 'git itself moves main through the link (the premise)' '
	git init -q plain && (cd plain && test_commit a && git branch keep) &&
	ln -s . plain/.git/refs/heads/link &&
	(cd plain && git checkout -q link/main && git commit -q --allow-empty -m b) &&
	test "$(git -C plain rev-parse main)" != "$(git -C plain rev-parse keep)"
'

test_expect_success 'a merge of an unreviewed branch on link/main is refused as one into main' '
	(cd r && git symbolic-ref HEAD refs/heads/link/main &&
	 test_must_fail git merge --no-ff -m m unrev 2>../err; git merge --abort 2>/dev/null; true) &&
	git -C r rev-parse main >after &&
	test_cmp before after &&
	test_grep "merge into protected branch .main. refused" err
'

test_expect_success 'a nested link (refs/heads/a/b -> ..) names main too' '
	mkdir r/.git/refs/heads/a && ln -s .. r/.git/refs/heads/a/b &&
	(cd r && git symbolic-ref HEAD refs/heads/a/b/main &&
	 test_must_fail git merge --no-ff -m m unrev 2>../err; git merge --abort 2>/dev/null; true) &&
	git -C r rev-parse main >after &&
	test_cmp before after &&
	test_grep "merge into protected branch .main. refused" err
'

test_expect_success 'a fast-forward on link/main whose tests fail is undone as on main' '
	printf "[branches]\nprotected = main\n[test]\ncommand = exit 1\n" >r/.git/orch-hooks.ini &&
	(cd r && git checkout -q -b ff main && test_commit ff ff.t && orch-hooks verdict set PASS ff 2>/dev/null &&
	 git symbolic-ref HEAD refs/heads/link/main && git reset -q --hard &&
	 git merge --ff-only ff 2>../err; true) &&
	git -C r rev-parse main >after &&
	test_cmp before after &&
	test_grep "UNDONE" err &&
	printf "[branches]\nprotected = main\n[test]\ncommand = true\n" >r/.git/orch-hooks.ini
'

test_expect_success 'an ordinary branch with a slash is still unprotected' '
	(cd r && git symbolic-ref HEAD refs/heads/main && git branch feat/x main &&
	 git checkout -q feat/x && git merge -q --no-ff -m m unrev && git rev-parse -q --verify HEAD^2 &&
	 git checkout -q main)
'

test_expect_success 'HEAD as a symbolic link to refs/heads/main is on main (git reads it so)' '
	(cd r && git checkout -q main && rm .git/HEAD && ln -s refs/heads/main .git/HEAD &&
	 test "$(git symbolic-ref HEAD)" = refs/heads/main &&
	 test_must_fail git merge --no-ff -m m unrev 2>../err; git merge --abort 2>/dev/null;
	 rm .git/HEAD && echo "ref: refs/heads/main" >.git/HEAD) &&
	git -C r rev-parse main >after &&
	test_cmp before after &&
	test_grep "merge into protected branch .main. refused" err
'

test_done
