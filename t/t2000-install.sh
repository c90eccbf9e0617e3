#!/bin/sh
test_description='orch-hooks install and uninstall'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

hooks="pre-merge-commit prepare-commit-msg post-merge post-commit"

test_expect_success 'install puts every hook into .git/hooks' '
	git init -q r && (cd r && test_commit initial) &&
	(cd r && orch-hooks install 2>../err) &&
	for h in $hooks; do
		test -x r/.git/hooks/$h &&
		test_cmp "$ORCH_HOOKS_LIBEXECDIR/$h" r/.git/hooks/$h || return 1
	done &&
	test_grep "installed .*/r/.git/hooks/pre-merge-commit" err
'

test_expect_success 'install is idempotent and says so' '
	(cd r && orch-hooks install 2>../err) &&
	test_grep "already installed in .*r/.git/hooks.: nothing to do" err
'

test_expect_success 'install takes a directory argument' '
	git init -q other &&
	orch-hooks install other 2>err &&
	test -x other/.git/hooks/pre-merge-commit
'

test_expect_success 'installed hooks keep working when the build tree is gone' '
	mkdir fakebuild && cp "$ORCH_HOOKS_LIBEXECDIR"/* fakebuild/ &&
	git init -q moved && (cd moved && test_commit initial) &&
	ORCH_HOOKS_LIBEXECDIR="$TRASH/fakebuild" orch-hooks install moved 2>/dev/null &&
	rm -rf fakebuild &&
	(cd moved && branch_with_commit feat f &&
	 test_must_fail git merge --no-ff -m m feat 2>../err &&
	 git merge --abort) &&
	test_grep "merge into protected branch .main. refused" err
'

test_expect_success 'a foreign hook makes install fail and is named' '
	git init -q foreign && (cd foreign && test_commit initial) &&
	printf "#!/bin/sh\necho foreign-ran >>\"\$(git rev-parse --git-dir)/ran\"\n" >foreign/.git/hooks/pre-merge-commit &&
	chmod +x foreign/.git/hooks/pre-merge-commit &&
	cp foreign/.git/hooks/pre-merge-commit saved-hook &&
	test_must_fail orch-hooks install foreign 2>err &&
	test_grep "foreign/.git/hooks/pre-merge-commit. is a hook orch-hooks did not install" err &&
	test_cmp saved-hook foreign/.git/hooks/pre-merge-commit &&
	! test -e foreign/.git/hooks/prepare-commit-msg
'

test_expect_success '--chain keeps the foreign hook and runs it first' '
	orch-hooks install --chain foreign 2>err &&
	test_cmp saved-hook foreign/.git/hooks/pre-merge-commit.orch-chained &&
	(cd foreign && branch_with_commit feat f && orch-hooks verdict set PASS feat 2>/dev/null &&
	 git merge --no-ff -m m feat) &&
	test_grep foreign-ran foreign/.git/ran
'

test_expect_success 'a failing chained hook makes the gate fail' '
	(cd foreign && git reset -q --hard HEAD^ &&
	 printf "#!/bin/sh\nexit 3\n" >.git/hooks/pre-merge-commit.orch-chained &&
	 test_must_fail git merge --no-ff -m m feat 2>../err && git merge --abort) &&
	test_grep "the chained hook .*pre-merge-commit.orch-chained. failed (exit status 3)" err &&
	cp saved-hook foreign/.git/hooks/pre-merge-commit.orch-chained
'

test_expect_success 'uninstall restores the chained hook' '
	orch-hooks uninstall foreign 2>err &&
	test_cmp saved-hook foreign/.git/hooks/pre-merge-commit &&
	! test -e foreign/.git/hooks/pre-merge-commit.orch-chained &&
	! test -e foreign/.git/hooks/prepare-commit-msg
'

test_expect_success '--force moves the foreign hook aside and uninstall restores it' '
	orch-hooks install --force foreign 2>err &&
	test_cmp saved-hook foreign/.git/hooks/pre-merge-commit.orig &&
	test_cmp "$ORCH_HOOKS_LIBEXECDIR/pre-merge-commit" foreign/.git/hooks/pre-merge-commit &&
	orch-hooks uninstall foreign 2>err &&
	test_cmp saved-hook foreign/.git/hooks/pre-merge-commit &&
	! test -e foreign/.git/hooks/pre-merge-commit.orig
'

test_expect_success 'a forced hook is not run' '
	rm -f foreign/.git/ran &&
	orch-hooks install --force foreign 2>err &&
	test_when_finished "orch-hooks uninstall foreign 2>/dev/null" &&
	(cd foreign && git merge --no-ff -m m feat) &&
	! test -e foreign/.git/ran
'

test_expect_success 'uninstall removes exactly what install added' '
	(cd r && ls .git/hooks | sort >../before-hooks) &&
	(cd r && orch-hooks uninstall 2>../err) &&
	(cd r && ls .git/hooks | sort >../after-hooks) &&
	for h in $hooks; do ! test -e r/.git/hooks/$h || return 1; done &&
	test_grep "removed .*pre-merge-commit" err &&
	test -f r/.git/orch-hooks.ini &&
	(cd r && orch-hooks uninstall 2>../err) &&
	test_grep "not installed" err
'

test_expect_success 'install honours an absolute core.hooksPath' '
	git init -q hp && (cd hp && test_commit initial) &&
	mkdir shared-hooks &&
	git -C hp config core.hooksPath "$TRASH/shared-hooks" &&
	orch-hooks install hp 2>err &&
	test -x shared-hooks/pre-merge-commit &&
	! test -e hp/.git/hooks/pre-merge-commit &&
	(cd hp && branch_with_commit feat f &&
	 test_must_fail git merge --no-ff -m m feat 2>../err && git merge --abort) &&
	test_grep "refused" err
'

test_expect_success 'install warns about a relative core.hooksPath' '
	git init -q hr && git -C hr config core.hooksPath myhooks &&
	orch-hooks install hr 2>err &&
	test -x hr/myhooks/pre-merge-commit &&
	test_grep "core.hooksPath .myhooks. is relative" err
'

test_expect_success 'install from a linked worktree puts hooks in the common directory' '
	git init -q wtmain && (cd wtmain && test_commit initial && git branch side) &&
	(cd wtmain && git worktree add -q ../wt1 side) &&
	(cd wt1 && orch-hooks install 2>../err) &&
	test -x wtmain/.git/hooks/pre-merge-commit &&
	test -f wtmain/.git/orch-hooks.ini &&
	! test -e wtmain/.git/worktrees/wt1/hooks
'

test_expect_success 'install --server refuses a repository that is not bare' '
	test_must_fail orch-hooks install --server r 2>err &&
	test_grep "is not a bare repository" err
'

test_expect_success 'install --server writes the policy into a bare repository' '
	git init -q --bare server.git &&
	orch-hooks install --server server.git 2>err &&
	test -f server.git/orch-hooks.ini
'

test_expect_success 'install outside a repository fails clearly' '
	mkdir notrepo &&
	test_must_fail orch-hooks install notrepo 2>err &&
	test_grep "cannot open repository .notrepo." err
'

test_expect_success 'with no system policy, install writes the defaults: a file of mode 644 to edit' '
	git init -q nosys &&
	(cd nosys && test_commit initial && umask 077 && ORCH_HOOKS_SYSCONFDIR="$TRASH/no-such-dir" orch-hooks install 2>../err) &&
	test_grep "wrote the default policy to .*nosys/.git/orch-hooks.ini" err &&
	test "$(stat -c %a nosys/.git/orch-hooks.ini)" = 644 &&
	test_grep "^protected = main master$" nosys/.git/orch-hooks.ini &&
	(cd nosys && orch-hooks policy >../out 2>&1) &&
	test_grep "main master" out
'

test_done
