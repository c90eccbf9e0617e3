#!/bin/sh
test_description='the merge gate and verdicts in odd repositories: shallow, damaged, detached, unborn, read-only, full'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

NOTES=refs/notes/verdicts

# loose_path REPO OID: where a loose object lives.
loose_path() {
	echo "$1/.git/objects/$(echo "$2" | cut -c1-2)/$(echo "$2" | cut -c3-)"
}

test_expect_success 'setup: main with history, feat with two commits on top' '
	new_repo r &&
	(cd r && test_commit m2 && test_commit m3 &&
	 git checkout -q -b feat && test_commit f1 && test_commit f2 &&
	 git checkout -q main && branch_with_commit other o1)
'

test_expect_success 'shallow clone: an unreviewed branch is refused, the walk stops at the boundary' '
	git clone -q --depth=2 --no-single-branch "file://$TRASH/r" shallow &&
	(cd shallow && test -f .git/shallow &&
	 git branch -q feat origin/feat && git branch -q other origin/other &&
	 orch-hooks install >/dev/null 2>&1 &&
	 test_must_fail orch-hooks verdict show feat >../out 2>../err) &&
	test_grep "feat: no verdict" out &&
	test_grep ! "orch-hooks:" err
'

test_expect_success 'shallow clone: a verdict fetched with the notes is honoured' '
	(cd r && orch-hooks verdict set PASS other 2>/dev/null) &&
	(cd shallow && git fetch -q origin "$NOTES:$NOTES" &&
	 git merge --no-ff -q -m "merge other" other &&
	 git rev-parse HEAD^2 >../merged) &&
	git -C r rev-parse other >expect && test_cmp expect merged
'

test_expect_success 'shallow clone: a stale verdict beyond the boundary is not followed, no error' '
	(cd r && orch-hooks verdict set PASS feat~1 2>/dev/null) &&
	git clone -q --depth=1 --no-single-branch "file://$TRASH/r" shallow1 &&
	(cd shallow1 && git fetch -q origin "$NOTES:$NOTES" && git branch -q feat origin/feat &&
	 test_must_fail orch-hooks verdict show feat >../out 2>../err) &&
	test_grep "feat: no verdict" out &&
	test_grep ! "orch-hooks:" err &&
	(cd r && test_must_fail orch-hooks verdict show feat >../out) &&
	test_grep "feat: stale verdict (the PASS verdict is for the earlier commit" out
'

test_expect_success 'a missing object: no crash, no pass, and git refuses the merge itself' '
	git clone -q --no-local "$TRASH/r" damaged &&
	(cd damaged && git branch -q feat origin/feat && orch-hooks install >/dev/null 2>&1 &&
	 git rev-parse HEAD >../before && git rev-parse feat~1 >../f1 &&
	 mkdir ../packs && mv .git/objects/pack/* ../packs/ &&
	 git unpack-objects -q <../packs/*.pack) &&
	obj=$(loose_path damaged "$(cat f1)") && test -f "$obj" && rm -f "$obj" &&
	(cd damaged && test_must_fail orch-hooks verdict show feat >../out 2>../err) &&
	test_grep "feat: no verdict" out &&
	(cd damaged && test_must_fail git merge --no-ff -m m feat 2>../err &&
	 git rev-parse HEAD >../after) &&
	test_cmp before after
'

test_expect_success 'a missing object: a verdict for the damaged commit cannot be recorded' '
	(cd damaged && test_must_fail orch-hooks verdict set PASS $(cat ../f1) 2>../err) &&
	test_grep "does not name a commit here" err
'

test_expect_success 'a detached HEAD is no protected branch: the merge is made, main does not move' '
	(cd r && git checkout -q --detach main && git rev-parse main >../main-before &&
	 git merge --no-ff -q -m "detached merge" other 2>../err &&
	 git rev-parse HEAD >../detached && git rev-parse main >../main-after &&
	 git checkout -q main) &&
	test_cmp main-before main-after &&
	test_grep ! "orch-hooks" err
'

test_expect_success '...and landing that detached merge on main needs a verdict for it' '
	(cd r && test_must_fail git merge --no-ff -m "merge detached work" $(cat ../detached) 2>../err &&
	 git merge --abort) &&
	test_grep "at commit $(cat detached): no verdict" err
'

test_expect_success 'an unborn branch: commands say there is no commit, nothing crashes' '
	git init -q unborn &&
	(cd unborn && orch-hooks install >/dev/null 2>&1 &&
	 test_must_fail orch-hooks verdict show HEAD 2>../err) &&
	test_grep "orch-hooks: .HEAD. does not name a commit here" err &&
	(cd unborn && test_must_fail orch-hooks status >../out 2>../err) &&
	test_grep "orch-hooks: no branch .main. to compare with" err &&
	(cd unborn && test_must_fail orch-hooks verdict set PASS HEAD 2>../err) &&
	test_grep "does not name a commit here" err
'

test_expect_success 'an unborn branch: the first ordinary commit is not touched by the gate' '
	(cd unborn && test_commit first 2>../err && git rev-parse --verify -q HEAD) &&
	test_grep ! "orch-hooks" err
'

test_expect_success 'an unborn protected branch: git merge only points it at the commit, no merge hook runs' '
	git init -q unborn2 &&
	(cd unborn2 && orch-hooks install >/dev/null 2>&1 &&
	 git fetch -q ../r feat:feat && git merge -q feat 2>../err &&
	 git rev-parse HEAD >../head && git rev-list --count HEAD >../count) &&
	git -C r rev-parse feat >expect && test_cmp expect head &&
	test_grep ! "orch-hooks" err
'

# A read-only repository: a read-only bind mount in a private mount namespace
# stops even root. Without one, as root, chmod cannot make it read-only.
if unshare -m sh -c 'd=$(mktemp -d) && mount --bind "$d" "$d" && mount -o remount,ro,bind "$d" "$d" && ! touch "$d/x" 2>/dev/null; r=$?; umount "$d"; rmdir "$d"; exit $r' 2>/dev/null; then
	test_expect_success 'a read-only repository: verdict set fails clearly, the notes ref is unchanged' '
		git -C r rev-parse $NOTES >notes-before &&
		unshare -m sh -c "mount --bind \"$TRASH/r\" \"$TRASH/r\" &&
			mount -o remount,ro,bind \"$TRASH/r\" \"$TRASH/r\" &&
			cd \"$TRASH/r\" && orch-hooks verdict set PASS feat" 2>err;
		test $? = 128 &&
		test_grep "orch-hooks: cannot write the verdict note of [0-9a-f]*: .*Read-only file system" err &&
		test_grep "$NOTES was not changed" err &&
		git -C r rev-parse $NOTES >notes-after && test_cmp notes-before notes-after
	'
elif [ "$(id -u)" != 0 ]; then
	test_expect_success 'a read-only repository: verdict set fails clearly, the notes ref is unchanged' '
		git -C r rev-parse $NOTES >notes-before &&
		test_when_finished "chmod -R u+w \"$TRASH/r/.git\"" &&
		chmod -R a-w r/.git &&
		(cd r && test_must_fail orch-hooks verdict set PASS feat 2>../err) &&
		test_grep "orch-hooks: cannot write the verdict note of" err &&
		git -C r rev-parse $NOTES >notes-after && test_cmp notes-before notes-after
	'
else
	test_skip 'a read-only repository' 'root without mount namespaces: nothing can make the repository read-only'
fi

# A full disk: a small tmpfs in a private mount namespace, filled up.
if unshare -m sh -c 'd=$(mktemp -d) && mount -t tmpfs -o size=1m tmpfs "$d" && umount "$d"; rmdir "$d"' 2>/dev/null; then
	test_expect_success 'a full disk while writing a note: a clear error, the notes ref unchanged, nothing half-written' '
		mkdir full &&
		unshare -m sh -c "mount -t tmpfs -o size=2m tmpfs \"$TRASH/full\" &&
			git init -q \"$TRASH/full/r\" && cd \"$TRASH/full/r\" &&
			echo one >one && git add one && git commit -q -m one &&
			orch-hooks verdict set FAIL HEAD -m first 2>/dev/null &&
			git rev-parse $NOTES >\"$TRASH/notes-before\" &&
			{ dd if=/dev/zero of=../filler bs=4k 2>/dev/null; true; } &&
			{ orch-hooks verdict set PASS HEAD -m \"\$(seq 1 2000)\" 2>\"$TRASH/err\"; echo \$? >\"$TRASH/rc\"; } &&
			git rev-parse $NOTES >\"$TRASH/notes-after\" &&
			rm ../filler && git fsck --no-dangling >\"$TRASH/fsck\" 2>&1 &&
			find .git/objects -name \"tmp_*\" | wc -l >\"$TRASH/tmp-objects\"" &&
		echo 128 >expect && test_cmp expect rc &&
		test_grep "orch-hooks: cannot write the verdict note of [0-9a-f]*: .*No space left on device" err &&
		test_grep "$NOTES was not changed" err &&
		test_cmp notes-before notes-after &&
		test_must_be_empty fsck &&
		echo 0 >expect && test_cmp expect tmp-objects
	'
else
	test_skip 'a full disk while writing a note (tmpfs)' 'cannot mount a tmpfs in a private mount namespace here'
fi

test_expect_success 'the notes ref locked by another writer: verdict set fails clearly, nothing changes' '
	git -C r rev-parse $NOTES >notes-before &&
	test_when_finished "rm -f \"$TRASH/r/.git/$NOTES.lock\"" &&
	: >"r/.git/$NOTES.lock" &&
	(cd r && test_must_fail orch-hooks verdict set PASS feat 2>../err) &&
	test_grep "orch-hooks: cannot write the verdict note of [0-9a-f]*: .*lock" err &&
	test_grep "$NOTES was not changed" err &&
	git -C r rev-parse $NOTES >notes-after && test_cmp notes-before notes-after
'

test_expect_success 'a file size limit cutting a note short: a clear error, the notes ref unchanged' '
	git -C r rev-parse $NOTES >notes-before &&
	head -c 30000 /dev/urandom | od -An -x >reasons &&
	(cd r && sh -c "trap \"\" XFSZ && ulimit -f 8 && orch-hooks verdict set PASS feat -m \"\$1\" 2>&1;
		echo \$? >../rc" sh "$(cat ../reasons)" | cat >../err) &&
	echo 128 >expect && test_cmp expect rc &&
	test_grep "orch-hooks: cannot write the verdict note of [0-9a-f]*: File too large" err &&
	test_grep "$NOTES was not changed" err &&
	git -C r rev-parse $NOTES >notes-after && test_cmp notes-before notes-after &&
	(cd r && git fsck --no-dangling >../fsck 2>&1) && test_must_be_empty fsck
'

odd="dir with space
newline and $(printf "\377\376") bytes"
test_expect_success 'a repository path and file names with spaces, newlines and non-UTF-8 bytes' '
	new_repo "$odd" &&
	(cd "$odd" && git checkout -q -b "feat-odd" &&
	 test_commit "odd file" "a file
with $(printf "\377") byte" &&
	 git checkout -q main &&
	 test_must_fail git merge --no-ff -m m feat-odd 2>"$TRASH/err" && git merge --abort &&
	 orch-hooks verdict set PASS feat-odd 2>/dev/null &&
	 orch-hooks verdict show feat-odd >"$TRASH/out" &&
	 git merge --no-ff -q -m "merge odd" feat-odd && git rev-parse HEAD^2 >"$TRASH/merged" &&
	 git rev-parse feat-odd >"$TRASH/expect") &&
	test_grep "feat-odd. at commit [0-9a-f]*: no verdict" err &&
	test_grep "feat-odd: PASS" out &&
	test_cmp expect merged
'

test_expect_success 'a branch name with non-UTF-8 bytes is named in the refusal' '
	name="feat-$(printf "\351t\351")" &&
	(cd "$odd" && branch_with_commit "$name" g1 &&
	 test_must_fail git merge --no-ff -m m "$name" 2>"$TRASH/err" && git merge --abort) &&
	test_grep "$name. at commit [0-9a-f]*: no verdict" err &&
	test_grep "orch-hooks review .$name." err
'

test_done
