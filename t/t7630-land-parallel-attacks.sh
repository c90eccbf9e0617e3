#!/bin/sh
test_description='land -j N under attack: moved branches, a moved target, planted paths, Ctrl-C and kill -9'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"
. "$ORCH_HOOKS_SRC/t/lib-land.sh"

no_scratch_left() {
	git -C r worktree list --porcelain >wt && test $(grep -c "^worktree " wt) = 1 &&
	! test -e r/.git/orch-hooks/spec
}

reset_main() {
	(cd r && git reset -q --hard start && rm -f .git/orch-hooks-land) && rm -f during.sh slow started.* pid.*
}

# The tests: run during.sh once (the attack, by whoever else can write the repository), or
# wait to be killed when ./slow exists; fail on BREAK.
test_expect_success 'setup: reviewed branches, an unreviewed commit on top of one, a test command an attacker hooks into' '
	new_repo r &&
	(cd r && printf "[branches]\nprotected = main\n[test]\ncommand = sh %s/tests.sh\n" "$TRASH" >.git/orch-hooks.ini &&
	 for b in b1 b2 b3 b4; do branch_with_commit $b $b.txt || exit 1; done &&
	 branch_with_commit breaker BREAK &&
	 for b in b1 b2 b3 b4 breaker; do orch-hooks verdict set PASS $b || exit 1; done &&
	 git checkout -q -b evil b2 && test_commit evil evil.txt && git checkout -q main &&
	 git branch start main && git rev-parse b2 >../b2.reviewed) 2>/dev/null &&
	cat >tests.sh <<-EOF
	T="$TRASH"
	if test -e "\$T/during.sh" && mkdir "\$T/during.lock" 2>/dev/null; then sh "\$T/during.sh"; fi
	if test -e "\$T/slow"; then echo \$\$ >"\$T/pid.\$ORCH_PREFIX"; : >"\$T/started.\$ORCH_PREFIX"; sleep 60 & wait; fi
	! test -e BREAK && ! test -e evil.txt
	EOF
'

test_expect_success 'a branch moved to an unreviewed commit while land tested lands at the tip that was judged' '
	reset_main && rm -rf during.lock &&
	echo "git -C \"$TRASH/r\" branch -f b2 evil" >during.sh &&
	land_json -j 2 b1 b2 b3 &&
	rc_is 0 &&
	json out.json "b[\"b2\"][\"tip\"] == open(\"b2.reviewed\").read().strip()" \
		"b[\"b2\"][\"result\"] == \"landed\"" &&
	git -C r rev-parse b2 >moved && ! test_cmp b2.reviewed moved &&
	test_must_fail git -C r merge-base --is-ancestor evil main &&
	git -C r merge-base --is-ancestor "$(cat b2.reviewed)" main &&
	(cd r && git branch -f b2 "$(cat ../b2.reviewed)")
'

test_expect_success 'nor when --keep-going builds the rest again after a breaker' '
	reset_main && rm -rf during.lock &&
	echo "git -C \"$TRASH/r\" branch -f b2 evil" >during.sh &&
	land_json -j 3 --keep-going breaker b1 b2 &&
	rc_is 1 &&
	json out.json "b[\"breaker\"][\"result\"] == \"broke-tests\"" "b[\"b2\"][\"result\"] == \"landed\"" \
		"b[\"b2\"][\"tip\"] == open(\"b2.reviewed\").read().strip()" &&
	test_must_fail git -C r merge-base --is-ancestor evil main &&
	(cd r && git branch -f b2 "$(cat ../b2.reviewed)" && orch-hooks land --abort >/dev/null 2>&1)
'

test_expect_success 'a target that moved while land tested is never overwritten: exit 128, nothing lands' '
	reset_main && rm -rf during.lock &&
	cat >during.sh <<-EOF &&
	cd "$TRASH/r" && x=\$(git commit-tree -p start -m "someone else" "start^{tree}") &&
	git update-ref refs/heads/main \$x start && echo \$x >"$TRASH/other"
	EOF
	land_json -j 2 b4 b2 &&
	rc_is 128 &&
	json out.json "d[\"result\"] == \"fatal\"" "\"target moved\" in d[\"reason\"]" \
		"b[\"b4\"][\"result\"] == \"todo\"" "b[\"b2\"][\"result\"] == \"todo\"" &&
	git -C r rev-parse main >tip && test_cmp other tip &&
	test_grep "moved .* while land was testing: nothing lands over it" err &&
	git -C r status --porcelain >st && test_must_be_empty st && no_scratch_left
'

test_expect_success 'land --continue builds on the new tip; the same trees are not tested again' '
	rm -rf during.lock during.sh &&
	land_json --continue &&
	rc_is 0 &&
	json out.json "d[\"test_runs\"] == 0" "b[\"b2\"][\"tests\"] == \"PASS (reused)\"" &&
	git -C r merge-base --is-ancestor "$(cat other)" main &&
	git -C r rev-list --first-parent start..main >fp && test_grep "$(cat other)" fp
'

test_expect_success 'a symlink planted where a speculative worktree goes is removed, never followed' '
	reset_main &&
	mkdir -p precious r/.git/orch-hooks/spec && echo keep >precious/file &&
	ln -s "$TRASH/precious" r/.git/orch-hooks/spec/1 &&
	land_json -j 2 b3 b4 &&
	rc_is 0 && test -e precious/file && test_grep keep precious/file && no_scratch_left
'

test_expect_success 'a symlinked scratch directory is refused: nothing in its target is removed' '
	reset_main &&
	mkdir -p elsewhere/1 && echo keep >elsewhere/1/file && echo 1 >elsewhere/owner &&
	mkdir -p r/.git/orch-hooks && ln -s "$TRASH/elsewhere" r/.git/orch-hooks/spec &&
	land_json -j 2 b3 b4 &&
	rc_is 128 &&
	json out.json "d[\"result\"] == \"fatal\"" "b[\"b3\"][\"result\"] == \"todo\"" &&
	test_grep "is not a directory (a symlink?): land -j does not use it" err &&
	test_grep keep elsewhere/1/file && test -e elsewhere/owner &&
	git -C r rev-parse main start >tips && test $(sort -u tips | wc -l) = 1 &&
	rm r/.git/orch-hooks/spec && (cd r && orch-hooks land --abort >/dev/null 2>&1)
'

test_expect_success 'Ctrl-C stops every test and removes every worktree; nothing lands: exit 130' '
	reset_main && : >slow &&
	git config --file r/.git/orch-hooks.ini test.reuse false &&
	start_land -j 2 b1 b2 b3 &&
	wait_for_file started.1 && wait_for_file started.2 &&
	kill -INT -"$land_pid" && { wait "$land_pid"; echo $? >rc; } &&
	rc_is 130 &&
	json out.json "d[\"result\"] == \"interrupted\"" "all(b[x][\"result\"] == \"todo\" for x in b)" &&
	git -C r rev-parse main start >tips && test $(sort -u tips | wc -l) = 1 &&
	process_gone "$(cat pid.1)" && process_gone "$(cat pid.2)" &&
	no_scratch_left && test -e r/.git/orch-hooks-land &&
	rm slow && land_json --continue && rc_is 0 &&
	json out.json "b[\"b3\"][\"result\"] == \"landed\"" "d[\"test_runs\"] == 3"
'

test_expect_success 'a second land acting while one tests is refused and leaves its worktrees alone' '
	reset_main && : >slow &&
	start_land -j 2 b1 b2 &&
	wait_for_file started.1 && wait_for_file started.2 &&
	(cd r && orch-hooks land --json --continue >../second.json 2>../second.err; echo $? >../rc) &&
	rc_is 128 &&
	json second.json "d[\"result\"] == \"fatal\"" "\"another land\" in d[\"reason\"]" &&
	test_grep "another land (pid $land_pid) is testing" second.err &&
	test -d r/.git/orch-hooks/spec/1 && test -d r/.git/orch-hooks/spec/2 &&
	(cd r && orch-hooks status --json >../status.json 2>/dev/null) &&
	json status.json "len(d[\"speculative_worktrees\"]) == 2" \
		"all(w[\"in_use\"] and w[\"land_pid\"] == $land_pid for w in d[\"speculative_worktrees\"])" &&
	kill -INT -"$land_pid" && { wait "$land_pid"; echo $? >rc; } && rc_is 130 &&
	no_scratch_left && rm slow && (cd r && orch-hooks land --abort >/dev/null 2>&1)
'

test_expect_success 'kill -9 leaves worktrees behind: status and doctor show them, the tests die, --abort removes them' '
	reset_main && : >slow &&
	start_land -j 2 b1 b2 &&
	wait_for_file started.1 && wait_for_file started.2 &&
	kill -KILL "$land_pid" && { wait "$land_pid" || :; } &&
	process_gone "$(cat pid.1)" && process_gone "$(cat pid.2)" &&
	(cd r && orch-hooks status --json >../status.json 2>/dev/null && orch-hooks status >../status.txt 2>/dev/null &&
	 orch-hooks doctor >../doctor.out 2>../doctor.err || :) &&
	json status.json "len(d[\"speculative_worktrees\"]) == 2" \
		"all(w[\"in_use\"] is False and w[\"land_pid\"] is None for w in d[\"speculative_worktrees\"])" \
		"all(\"/orch-hooks/spec/\" in w[\"path\"] for w in d[\"speculative_worktrees\"])" &&
	test_grep "LEFT BEHIND by a land that was killed" status.txt &&
	test_grep "LEFT BEHIND by a land -j that was killed" doctor.err &&
	rm slow && (cd r && orch-hooks land --abort >/dev/null 2>&1) &&
	no_scratch_left &&
	(cd r && orch-hooks status --json >../status.json 2>/dev/null) &&
	json status.json "d[\"speculative_worktrees\"] == []"
'

test_done
