#!/bin/sh
test_description='the snapshot before the tests: index trees written in-process, and by git where libgit2 would differ'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

# state_of DIR: status, index diff and work tree diff, to compare before and after.
state_of() {
	(cd "$1" && git rev-parse HEAD && git status --porcelain --untracked-files=all &&
	 git diff --cached && git diff)
}

test_expect_success 'setup: tests that fail, so every merge is undone' '
	new_repo r &&
	printf "[branches]\nprotected = main\n[test]\ncommand = echo t >>u.t; exit 1\non_failure = undo\n" \
		>r/.git/orch-hooks.ini &&
	(cd r && test_commit u u.t && test_commit s s.t)
'

test_expect_success 'staged and unstaged work comes back as it was (the in-process trees)' '
	(cd r && reviewed_branch feat1 f1.t && echo staged >>s.t && git add s.t && echo mine >>u.t) &&
	state_of r >before &&
	git -C r merge feat1 2>err &&
	state_of r >after &&
	test_cmp before after &&
	test_grep "the merge was UNDONE" err
'

test_expect_success 'an intent-to-add file comes back as git write-tree sees it: untracked, never staged empty' '
	(cd r && git reset -q --hard && reviewed_branch feat2 f2.t &&
	 echo new >ita.t && git add -N ita.t && echo mine >>u.t) &&
	git -C r merge feat2 2>err &&
	test_grep "the merge was UNDONE" err &&
	git -C r status --porcelain >status &&
	printf " M u.t\n?? ita.t\n" >expect &&
	test_cmp expect status &&
	echo new >expect && test_cmp expect r/ita.t
'

# The chained hook runs after the merge wrote the index: a change of the
# same size, its time set back with touch -r, still changes the ctime the
# index recorded, so the snapshot goes to git add and the undo keeps it.
test_expect_success 'a same-size change dated back to the index entry is kept by the undo' '
	(cd r && git reset -q --hard && reviewed_branch feat3 f3.t &&
	 printf "#!/bin/sh\ntouch -r u.t ../u.time && echo Q >u.t && touch -r ../u.time u.t\n" \
		>.git/hooks/post-merge.orch-chained &&
	 chmod +x .git/hooks/post-merge.orch-chained) &&
	git -C r merge feat3 2>err &&
	rm r/.git/hooks/post-merge.orch-chained &&
	test_grep "the merge was UNDONE" err &&
	echo Q >expect && test_cmp expect r/u.t &&
	git -C r diff --name-only HEAD >changed &&
	echo u.t >expect && test_cmp expect changed
'

# git add never looks at the file of an assume-unchanged entry: the
# snapshot lacked the change there, and the undo wrote the file back
# without it.
test_expect_success 'an unstaged change to an assume-unchanged file is kept by the undo' '
	(cd r && git reset -q --hard && reviewed_branch feat4 f4.t &&
	 git update-index --assume-unchanged s.t && echo mine >>s.t) &&
	cp r/s.t expect &&
	git -C r merge feat4 2>err &&
	test_grep "the merge was UNDONE" err &&
	test_cmp expect r/s.t &&
	git -C r update-index --no-assume-unchanged s.t
'

# The snapshot has it (git add stages the file d, the deletion of d/x.t),
# but writing it back (undo.c, a libgit2 checkout onto the merge as its
# baseline) removes the file d with the directory it replaces.
test_expect_success 'an untracked file in the place of a tracked directory is kept by the undo' '
	new_repo dd &&
	printf "[branches]\nprotected = main\n[test]\ncommand = false\non_failure = undo\n" \
		>dd/.git/orch-hooks.ini &&
	(cd dd && mkdir d && test_commit d d/x.t && reviewed_branch feat5 f5.t &&
	 rm -r d && echo mine >d) &&
	state_of dd >before &&
	git -C dd merge feat5 2>err &&
	test_grep "the merge was UNDONE" err &&
	state_of dd >after &&
	test_cmp before after &&
	echo mine >expect && test_cmp expect dd/d
'

# A git that notes each run in $TRASH/git-runs: git puts its exec path first
# in the hooks' PATH, so the gate's own `git` runs are this one's too.
test_expect_success 'setup: a repository whose tests pass, and a git that notes its runs' '
	new_repo c &&
	printf "[branches]\nprotected = main\n[test]\ncommand = true\n" >c/.git/orch-hooks.ini &&
	mkdir bin && real=$(command -v git) &&
	printf "#!/bin/sh\necho \"\$*\" >>\"%s/git-runs\"\nexec \"%s\" \"\$@\"\n" "$TRASH" "$real" >bin/git &&
	chmod +x bin/git
'

test_expect_success 'a work tree that is exactly its index: the snapshot needs no git add, the PASS is kept' '
	(cd c && reviewed_branch clean1 c1.t) && rm -f git-runs &&
	GIT_EXEC_PATH="$TRASH/bin" git -C c merge --no-ff -m m clean1 2>err &&
	test_grep "tests PASSED" err &&
	test_grep ! "not kept for reuse" err &&
	test_grep ! "^add --all" git-runs &&
	git -C c notes --ref=refs/notes/tests show "HEAD^{tree}" >note && test_grep "^Tests: PASS$" note
'

test_expect_success '... an untracked file, even an ignored one, leaves the snapshot to git add' '
	(cd c && reviewed_branch clean2 c2.t && echo mine >mine.u && echo "*.i" >.git/info/exclude &&
	 echo x >build.i) && rm -f git-runs &&
	GIT_EXEC_PATH="$TRASH/bin" git -C c merge --no-ff -m m clean2 2>err &&
	test_grep "not kept for reuse" err &&
	test_grep "^add --all" git-runs &&
	rm c/mine.u && rm -f git-runs &&
	(cd c && git reset -q --hard HEAD^ && reviewed_branch clean3 c3.t) &&
	GIT_EXEC_PATH="$TRASH/bin" git -C c merge --no-ff -m m clean3 2>err &&
	test_grep ! "not kept for reuse" err &&
	test_grep "^add --all" git-runs &&
	rm c/build.i c/.git/info/exclude
'

test_expect_success '... and so does a tracked file changed after the merge, before the tests' '
	(cd c && reviewed_branch clean4 c4.t &&
	 printf "#!/bin/sh\necho XXXX >c4.t\n" >.git/hooks/post-merge.orch-chained &&
	 chmod +x .git/hooks/post-merge.orch-chained) &&
	git -C c merge --no-ff -m m clean4 2>err &&
	rm c/.git/hooks/post-merge.orch-chained && git -C c checkout -- c4.t &&
	test_grep "not kept for reuse" err
'

# The merge writes a.up in the index'"'"'s second, so git compares its content
# (racily clean); the chained hook makes sure of that second. The blob is
# "abc", the file too, but git add would stage "ABC" through the filter.
test_expect_success '... and so does a file a clean filter would change, though its bytes are the blob' '
	(cd c && git checkout -q -b up main && printf "*.up filter=upper\n" >.gitattributes &&
	 echo abc >a.up && git add .gitattributes a.up && git commit -q -m up && git checkout -q main &&
	 orch-hooks verdict set PASS up 2>/dev/null &&
	 git config filter.upper.clean "tr a-z A-Z" &&
	 printf "#!/bin/sh\ntouch -r a.up .git/index\n" >.git/hooks/post-merge.orch-chained &&
	 chmod +x .git/hooks/post-merge.orch-chained) && rm -f git-runs &&
	git -C c status --porcelain --ignored >status && test_must_be_empty status &&
	GIT_EXEC_PATH="$TRASH/bin" git -C c merge --no-ff -m m up 2>err &&
	rm c/.git/hooks/post-merge.orch-chained &&
	test_grep "tests PASSED" err &&
	test_grep "not kept for reuse" err &&
	test_grep "^add --all" git-runs
'

# up_repo NAME: a repository whose tests pass, with a reviewed branch up that
# adds b.up ("abc"), and a chained post-merge that dates the index to b.up,
# so that git compares b.up by content (racily clean).
up_repo() {
	new_repo "$1" &&
	printf "[branches]\nprotected = main\n[test]\ncommand = true\n" >"$1"/.git/orch-hooks.ini &&
	(cd "$1" && git checkout -q -b up main && echo abc >b.up && git add b.up && git commit -q -m up &&
	 git checkout -q main && orch-hooks verdict set PASS up 2>/dev/null &&
	 printf "#!/bin/sh\ntouch -r b.up .git/index\n" >.git/hooks/post-merge.orch-chained &&
	 chmod +x .git/hooks/post-merge.orch-chained)
}

# merge_up_through_git_add NAME [GIT-OPTION...]: merging up passes its tests,
# and the snapshot went to git add (the PASS is not kept for reuse).
merge_up_through_git_add() {
	repo=$1 && shift && rm -f git-runs &&
	GIT_EXEC_PATH="$TRASH/bin" git -C "$repo" "$@" merge --no-ff -m m up 2>err &&
	test_grep "tests PASSED" err &&
	test_grep "not kept for reuse" err &&
	test_grep "add --all" git-runs
}

test_expect_success '... also when the filter comes from git -c, which libgit2 does not read' '
	up_repo d &&
	printf "*.up filter=upper\n" >attrs &&
	merge_up_through_git_add d -c core.attributesFile="$TRASH/attrs" -c filter.upper.clean="tr a-z A-Z"
'

# git reads config.worktree when extensions.worktreeConfig is on, even in a
# repository of format 0; libgit2 1.5 reads neither, so the filter and the
# attributes file set there were invisible to the check.
test_expect_success '... also when the filter is set in config.worktree, which libgit2 does not read' '
	up_repo w &&
	(cd w && git config extensions.worktreeConfig true &&
	 git config --worktree core.attributesFile "$TRASH/attrs" &&
	 git config --worktree filter.upper.clean "tr a-z A-Z") &&
	merge_up_through_git_add w
'

# libgit2 1.5 knows the gitdir and onbranch conditions of includeIf only:
# a file included on another condition (hasconfig) it skips, git reads.
test_expect_success '... and when it comes from a file included on a condition libgit2 does not know' '
	up_repo h &&
	printf "[core]\n\tattributesFile = %s/attrs\n[filter \"upper\"]\n\tclean = tr a-z A-Z\n" \
		"$TRASH" >upper.cfg &&
	(cd h && git remote add origin https://example.invalid/h.git &&
	 git config "includeIf.hasconfig:remote.*.url:https://example.invalid/**.path" "$TRASH/upper.cfg") &&
	merge_up_through_git_add h
'

test_done
