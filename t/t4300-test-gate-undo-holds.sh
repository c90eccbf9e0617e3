#!/bin/sh
test_description='the undo holds: the person gets back exactly their own work, whatever the tests wrote'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

# set_policy COMMAND: the policy of repository r (undo on failure).
set_policy() {
	printf '[branches]\nprotected = main\n[test]\ncommand = %s\non_failure = undo\ntimeout = 1m\n' \
		"$1" >"$TRASH/r/.git/orch-hooks.ini"
}

# user_work: staged, unstaged and untracked work of the person's own, away from the merge.
user_work() {
	echo "my staged line" >>s.t && git add s.t &&
	echo "my unstaged line" >>u.t &&
	echo "my untracked file" >mine.txt
}

# state_of DIR: status, index diff and work tree diff, to compare before and after.
state_of() {
	(cd "$1" && git rev-parse HEAD && git status --porcelain --untracked-files=all &&
	 git diff --cached && git diff && cat mine.txt)
}

test_expect_success 'setup' '
	new_repo r &&
	(cd r && test_commit s s.t "s" && test_commit u u.t "u" && test_commit k k.t "k" &&
	 test_commit w w.t "w")
'

test_expect_success 'a failing test that writes everywhere: the merge is undone and only the user work comes back' '
	set_policy "echo t >>m.t; echo t >>k.t; echo t >>u.t; echo t >>s.t; echo t >junk.txt; rm w.t; git add k.t; exit 1" &&
	(cd r && reviewed_branch feat1 m.t "merged" &&
	 git checkout -q feat1 && echo "k from feat1" >k.t && git commit -q -am "feat1 touches k" &&
	 git checkout -q main && orch-hooks verdict set PASS feat1 2>/dev/null &&
	 user_work) &&
	state_of r >before &&
	git -C r merge feat1 2>err &&
	state_of r >after &&
	test_cmp before after &&
	! test -e r/m.t && ! test -e r/junk.txt && test -e r/w.t &&
	echo k >expect && test_cmp expect r/k.t &&
	test_grep "the merge was UNDONE" err &&
	test_grep "your own uncommitted work (staged, unstaged and untracked files) is as it was" err &&
	tip=$(git -C r rev-parse feat1) &&
	git -C r show "refs/orch/test-leftovers/$tip:junk.txt" >junk &&
	echo t >expect && test_cmp expect junk &&
	git -C r show "refs/orch/test-leftovers/$tip:m.t" >m && printf "merged\nt\n" >expect && test_cmp expect m &&
	test_grep "set aside: git show --stat refs/orch/test-leftovers/$tip" err &&
	test_must_fail test -e r/.git/orch-hooks-undo
'

test_expect_success 'a non-ff merge with unstaged and untracked work: the same' '
	(cd r && git reset -q && git checkout -q -- . && rm -f mine.txt) &&
	set_policy "echo t >>f2.t; echo t >>u.t; echo t >new.txt; exit 1" &&
	(cd r && git checkout -q -b feat2 main && test_commit f2 f2.t && git checkout -q main &&
	 orch-hooks verdict set PASS feat2 2>/dev/null &&
	 echo "my unstaged line" >>u.t && echo "my untracked file" >mine.txt) &&
	state_of r >before &&
	git -C r merge --no-ff -m "merge feat2" feat2 2>err &&
	state_of r >after &&
	test_cmp before after &&
	! test -e r/f2.t && ! test -e r/new.txt &&
	test_grep "TESTS FAILED: the merge of .feat2. (.*) into .main. was UNDONE" err
'

test_expect_success 'an ignored file the merge overwrote is named as lost to git, never as kept' '
	(cd r && git checkout -q -- . && rm -f mine.txt &&
	 echo ".env" >.gitignore && git add .gitignore && test_tick && git commit -q -m ignore &&
	 git checkout -q -b feat3 && echo "THEIR=1" >.env && git add -f .env && test_tick &&
	 git commit -q -m "feat3 tracks .env" && git checkout -q main &&
	 orch-hooks verdict set PASS feat3 2>/dev/null &&
	 echo "MY_SECRET=1" >.env) &&
	set_policy "exit 1" &&
	git -C r merge feat3 2>err &&
	test_grep "the merge was UNDONE" err &&
	test_grep "LOST TO GIT.S MERGE, NOT KEPT: .*.\.env." err &&
	test_grep ! "changes were kept" err
'

test_expect_success '... and when the tests pass, the report names it as lost to git as well' '
	set_policy "true" &&
	git -C r merge feat3 2>err &&
	test_grep "tests PASSED" err &&
	test_grep "LOST TO GIT.S MERGE: .*.\.env." err &&
	(cd r && git reset -q --hard HEAD@{1})
'

test_expect_success 'kill -9 of the hook mid-test: the tests die with it, and the next gate says untested' '
	set_policy "echo \$PPID >\"\$HOME/hookpid\"; sleep 1000 & echo \$! >\"\$HOME/sleeppid\"; wait" &&
	(cd r && git checkout -q -b feat5 main && test_commit f5 f5.t && git checkout -q main &&
	 orch-hooks verdict set PASS feat5 2>/dev/null) &&
	rm -f hookpid sleeppid &&
	(cd r && git merge --no-ff -m "merge feat5" feat5 >../out5 2>../err5 & echo $! >mergepid) &&
	i=0 && while ! test -s sleeppid && test $i -lt 100; do sleep 0.1; i=$((i + 1)); done &&
	test -s sleeppid && test -s hookpid &&
	kill -9 "$(cat hookpid)" &&
	process_gone "$(cat sleeppid)" &&
	i=0 && while kill -0 "$(cat mergepid)" 2>/dev/null && test $i -lt 50; do sleep 0.1; i=$((i + 1)); done &&
	merge5=$(git -C r rev-parse HEAD) &&
	test_must_fail git -C r notes --ref=refs/notes/tests show "$merge5" &&
	set_policy "true" &&
	(cd r && git checkout -q -b feat6 main && test_commit f6 f6.t && git checkout -q main &&
	 orch-hooks verdict set PASS feat6 2>/dev/null &&
	 git merge --no-ff -m "merge feat6" feat6 2>../err6) &&
	test_grep "was killed while testing merge $merge5 into .main.: that merge was never tested" err6 &&
	test_must_fail test -e r/.git/orch-hooks-undo
'

test_expect_success 'SIGXFSZ during the undo: the hook lives, says so, and orch-hooks recover finishes it' '
	(cd r && git reset -q --hard HEAD~2 &&
	 awk "BEGIN { for (i = 0; i < 4000; i++) print \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" }" >big.t &&
	 git add big.t && test_tick && git commit -q -m big &&
	 reviewed_branch feat7 f7.t "f7" &&
	 echo "my last line" >>big.t && echo "my untracked file" >mine.txt) &&
	set_policy ": >big.t; exit 1" &&
	state_of r >before &&
	(cd r && ulimit -f 100 && git merge feat7 2>../err) &&
	test_grep "the undo BROKE OFF half-way" err &&
	test_grep "orch-hooks recover" err &&
	test -e r/.git/orch-hooks-undo &&
	(cd r && orch-hooks recover 2>../rec) &&
	test_grep "the undo is finished" rec &&
	state_of r >after &&
	test_cmp before after &&
	test_must_fail test -e r/.git/orch-hooks-undo
'

test_expect_success 'Ctrl-C to the process group during the tests: the tests stop, the undo still happens' '
	(cd r && git reset -q --hard && git clean -qfd && git checkout -q main &&
	 git checkout -q -b feat8 main && test_commit f8 f8.t && git checkout -q main &&
	 orch-hooks verdict set PASS feat8 2>/dev/null && echo mine >>u.t) &&
	orig=$(git -C r rev-parse HEAD) &&
	set_policy "sleep 1000 & echo \$! >\"\$HOME/sleep8\"; wait" &&
	rm -f sleep8 &&
	{ (cd r && exec setsid git merge --no-ff -m "merge feat8" feat8 >../out8 2>../err8) & } &&
	i=0 && while ! test -s sleep8 && test $i -lt 100; do sleep 0.1; i=$((i + 1)); done &&
	test -s sleep8 &&
	group=$(ps -o pgid= -p "$(pgrep -f "git merge --no-ff -m merge feat8" | head -1)" | tr -d " ") &&
	kill -INT -- "-$group" &&
	i=0 && while ! grep -q "TESTS FAILED: " err8 && test $i -lt 100; do sleep 0.1; i=$((i + 1)); done &&
	process_gone "$(cat sleep8)" &&
	test "$(git -C r rev-parse HEAD)" = "$orig" &&
	grep -q mine r/u.t &&
	test_grep "result: interrupted" err8 &&
	test_grep "was UNDONE" err8
'

# sweep LIMIT VALUES...: a failing merge under `ulimit LIMIT v` for each value. Whatever
# breaks, the merge must end up undone, with the work of the person intact, either at
# once or through the recovery the gate printed; or not happen at all (git itself failed).
sweep() {
	opt=$1 && shift &&
	(cd r && git reset -q --hard && git clean -qfd && git checkout -q main &&
	 git checkout -q -b "sweep$opt" main && test_commit "sweep$opt" "sweep$opt.t" &&
	 git checkout -q main && orch-hooks verdict set PASS "sweep$opt" 2>/dev/null) &&
	printf "[branches]\nprotected = main\n[test]\ncommand = echo t >>sweep$opt.t; exit 1\n" \
		>r/.git/orch-hooks.ini &&
	orig=$(git -C r rev-parse HEAD) && rm -f ran &&
	for v in "$@"; do
		for mode in --no-ff --ff-only; do
			(cd r && echo mine >>u.t && echo mine >mine.txt &&
			 (ulimit "$opt" "$v" && git merge -q $mode -m merge "sweep$opt" >/dev/null 2>../err) ;
			 if grep -q "error while loading shared libraries" ../err; then
				git reset -q --hard "$orig" && rm -f mine.txt && exit 0
			 fi
			 echo "$v $mode" >>../ran &&
			 if grep -q "orch-hooks recover" ../err; then orch-hooks recover 2>>../err; fi;
			 test "$(git rev-parse HEAD)" = "$orig" && grep -q mine u.t && test -e mine.txt ||
			 { echo "ulimit $opt $v, $mode: the merge stayed or work was lost" >&2; cat ../err >&2; exit 1; }
			 git merge --abort 2>/dev/null; git reset -q --hard && rm -f mine.txt) || return 1
		done
	done &&
	# Limits too tight to load the hook at all test nothing: most must have run.
	test "$(wc -l <ran)" -ge $#
}

if [ -n "$ORCH_HOOKS_SANITIZERS" ]; then
	test_skip 'few descriptors and little memory during the gate' "ASan ($ORCH_HOOKS_SANITIZERS) cannot run under ulimit -v"
else
	test_expect_success 'few file descriptors anywhere in the gate: the merge is still taken back' '
		sweep -n 8 9 10 11 12 13 14 15 16 20 24
	'

	# Below about 12 MB the hook cannot even be loaded (git ignores that): nothing to test there.
	test_expect_success 'little memory anywhere in the gate: the merge is still taken back' '
		sweep -v 12000 12250 12500 12750 13000 13500 14000 15000 16000 20000
	'
fi

# The full-disk case runs in its own mount namespace, on a tmpfs the tests fill up (room
# enough for the installed hooks first, sanitizer builds included).
cat >full-disk.sh <<'EOF_SCRIPT'
set -e
mount -t tmpfs -o size=64m tmpfs "$1"
cd "$1"
git init -q -b main r
cd r
echo a >a.t && git add a.t && git commit -q -m a
orch-hooks install >/dev/null 2>&1
printf '[branches]\nprotected = main\n[test]\ncommand = %s\non_failure = undo\n' \
	'dd if=/dev/zero of=../fill bs=64k 2>/dev/null; exit 1' >.git/orch-hooks.ini
git checkout -q -b feat && echo f >f.t && git add f.t && git commit -q -m f && git checkout -q main
orch-hooks verdict set PASS feat 2>/dev/null
echo mine >>a.t && echo untracked >mine.txt
{ git rev-parse HEAD; git status --porcelain; git diff; } >"$2/before"
git merge feat 2>"$2/err" >/dev/null
test -s ../fill
# What the message tells the person to do, once there is room again.
rm ../fill
cmd=$(sed -n 's/.*then finish it: \(orch-hooks recover\).*/\1/p' "$2/err")
test "$cmd" = "orch-hooks recover"
$cmd >"$2/rec" 2>&1
{ git rev-parse HEAD; git status --porcelain; git diff; } >"$2/after"
EOF_SCRIPT

if unshare -rm true 2>/dev/null; then
	test_expect_success 'a full disk during the undo: it breaks off, and the printed recovery finishes it' '
		mkdir -p fs &&
		unshare -rm sh ./full-disk.sh "$TRASH/fs" "$TRASH" &&
		test_grep "No space left on device" err &&
		test_grep "the undo BROKE OFF half-way" err &&
		test_grep "the undo is finished" rec &&
		test_cmp before after
	'
else
	test_skip 'a full disk during the undo' 'no mount namespace here (unshare -rm fails) to mount a small tmpfs'
fi

test_done
