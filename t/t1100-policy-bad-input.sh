#!/bin/sh
test_description='bad policy input: each refused with file:line by orch-hooks policy and by a real merge'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

POLICY=r/.git/orch-hooks.ini

# restore_policy: the default policy back, any merge in progress aborted.
restore_policy() {
	cd "$TRASH" &&
	rm -rf "$POLICY" &&
	cp "$ORCH_HOOKS_SRC/etc/orch-hooks.ini" "$POLICY" &&
	(cd r && { git merge --abort 2>/dev/null; true; })
}

# refused MESSAGE: `orch-hooks policy` fails naming MESSAGE, and a merge of
# the reviewed branch feat into main is refused by pre-merge-commit and,
# when the person concludes it with git commit, by prepare-commit-msg, each
# naming MESSAGE; main does not move.
refused() {
	(cd r && test_must_fail orch-hooks policy >../out 2>../err) &&
	test_grep -e "$1" err &&
	test_grep "fix the policy" err &&
	(cd r && git rev-parse HEAD >../before &&
	 test_must_fail git merge --no-ff -m "merge feat" feat 2>../err &&
	 git rev-parse HEAD >../after) &&
	test_cmp before after &&
	test_grep -e "$1" err &&
	test_grep "merge refused: the merge gate cannot decide; nothing was committed" err &&
	(cd r && test_must_fail git commit -q --no-edit 2>../err && git rev-parse HEAD >../after) &&
	test_cmp before after &&
	test_grep -e "$1" err &&
	test_grep "commit refused: the merge gate cannot decide" err &&
	(cd r && git merge --abort)
}

test_expect_success 'setup: main, a reviewed branch and an unreviewed one' '
	new_repo r &&
	(cd r && branch_with_commit feat f1 && branch_with_commit unrev f2 &&
	 orch-hooks verdict set PASS feat 2>/dev/null)
'

test_expect_success 'the default policy lets the reviewed branch in (control)' '
	(cd r && git merge --no-ff -q -m "merge feat" feat && git reset -q --hard HEAD^)
'

test_expect_success 'an empty file is refused' '
	test_when_finished restore_policy &&
	: >"$POLICY" &&
	refused "orch-hooks.ini:1: the policy is empty (a truncated file?)"
'

test_expect_success 'a file of blank lines is refused as empty too' '
	test_when_finished restore_policy &&
	printf "\n  \n\t\r\n" >"$POLICY" &&
	refused "orch-hooks.ini:1: the policy is empty"
'

test_expect_success 'a UTF-8 byte order mark is accepted' '
	test_when_finished restore_policy &&
	printf "\357\273\277[branches]\nprotected = trunk\n" >"$POLICY" &&
	(cd r && orch-hooks policy >../out) &&
	test_grep "^protected = trunk$" out &&
	(cd r && git merge --no-ff -q -m "main is not protected now" unrev && git reset -q --hard HEAD^)
'

test_expect_success 'CRLF line ends are accepted, the CR is not part of a value' '
	test_when_finished restore_policy &&
	printf "[branches]\r\nprotected = main\r\n[test]\r\ntimeout = 5m\r\ncommand = make check\r\n" >"$POLICY" &&
	(cd r && orch-hooks policy >../out) &&
	test_grep "^protected = main$" out &&
	test_grep "^timeout = 5m$" out &&
	test_grep "^command = make check$" out &&
	(cd r && test_must_fail git merge --no-ff -m m unrev 2>../err && git merge --abort) &&
	test_grep "merge into protected branch .main. refused" err
'

test_expect_success 'a key set twice is refused, naming both lines' '
	test_when_finished restore_policy &&
	printf "[branches]\nprotected = main\n\n[branches]\nprotected = release/*\n" >"$POLICY" &&
	refused "orch-hooks.ini:5: \[branches\] protected is set twice (first on line 2)"
'

test_expect_success 'an unknown key is refused' '
	test_when_finished restore_policy &&
	printf "[branches]\nprotected = main\n[test]\ncomand = make\n" >"$POLICY" &&
	refused "orch-hooks.ini:4: unknown key .comand. in \[test\]"
'

test_expect_success 'an unknown section is refused even with nothing under it' '
	test_when_finished restore_policy &&
	printf "[branches]\nprotected = main\n[tests]\n" >"$POLICY" &&
	refused "orch-hooks.ini:3: unknown section \[tests\]"
'

test_expect_success 'a key before any section is refused' '
	test_when_finished restore_policy &&
	printf "protected = main\n" >"$POLICY" &&
	refused "orch-hooks.ini:1: .protected. comes before any \[section\] header"
'

test_expect_success 'a line of 4096 bytes is accepted, one of 4097 is refused' '
	test_when_finished restore_policy &&
	cmd=$(printf "%04086d" 0) &&
	printf "[test]\ncommand = %s\n" "$cmd" >"$POLICY" &&
	test $(sed -n 2p "$POLICY" | wc -c) = 4097 &&
	(cd r && orch-hooks policy >../out) &&
	test_grep "^command = $cmd$" out &&
	printf "[test]\ncommand = %s1\n" "$cmd" >"$POLICY" &&
	refused "orch-hooks.ini:2: line longer than 4096 bytes"
'

test_expect_success 'a very long line (1 MiB less a little) is refused, not truncated' '
	test_when_finished restore_policy &&
	{ printf "[branches]\nprotected = main\n[test]\ncommand = " &&
	  head -c 1000000 /dev/zero | tr "\\0" x && echo; } >"$POLICY" &&
	refused "orch-hooks.ini:4: line longer than 4096 bytes"
'

test_expect_success 'a file over 1 MiB is refused' '
	test_when_finished restore_policy &&
	{ printf "[branches]\nprotected = main\n" && head -c 1100000 /dev/zero | tr "\\0" "\\n"; } >"$POLICY" &&
	refused "cannot read policy .*orch-hooks.ini.: larger than 1 MiB"
'

test_expect_success 'a NUL byte is refused, naming its line' '
	test_when_finished restore_policy &&
	printf "[branches]\nprotected = main\n[test]\ncommand = make\0; rm -rf /\n" >"$POLICY" &&
	refused "orch-hooks.ini:4: NUL byte in line"
'

test_expect_success 'invalid durations are refused' '
	test_when_finished restore_policy &&
	for d in 90 "5 minutes" 0s -1m 1d 99999999999999999999s 8d "" 1h30; do
		printf "[branches]\nprotected = main\n[review]\ntimeout = %s\n" "$d" >"$POLICY" &&
		refused "orch-hooks.ini:4: \[review\] timeout: .$d. is not a duration" || return 1
	done
'

test_expect_success 'invalid booleans are refused' '
	test_when_finished restore_policy &&
	for b in maybe 2 "" yess "true false"; do
		printf "[branches]\nprotected = main\n[review]\nallow_manual = %s\n" "$b" >"$POLICY" &&
		refused "orch-hooks.ini:4: \[review\] allow_manual: .$b. is not a boolean" || return 1
	done
'

test_expect_success 'an invalid enum value and a bad notes ref are refused' '
	test_when_finished restore_policy &&
	printf "[test]\non_failure = reset\n" >"$POLICY" &&
	refused "orch-hooks.ini:2: \[test\] on_failure: .reset. is not one of undo, revert, keep" &&
	printf "[notes]\nref = refs/heads/main\n" >"$POLICY" &&
	refused "orch-hooks.ini:2: \[notes\] ref: .refs/heads/main. is not a notes ref"
'

if [ "$(id -u)" = 0 ]; then
	test_skip 'an unreadable file is refused' \
		'running as root, which reads a chmod 000 file anyway (the FIFO and directory cases cover open failures)'
else
	test_expect_success 'an unreadable file is refused' '
		test_when_finished "chmod 644 \"$POLICY\"; restore_policy" &&
		chmod 000 "$POLICY" &&
		refused "cannot read policy .*orch-hooks.ini.: Permission denied"
	'
fi

test_expect_success 'a directory where the file should be is refused' '
	test_when_finished restore_policy &&
	rm "$POLICY" && mkdir "$POLICY" &&
	refused "cannot read policy .*orch-hooks.ini.: it is a directory"
'

test_expect_success 'a FIFO where the file should be is refused at once, not waited on' '
	test_when_finished restore_policy &&
	rm "$POLICY" && mkfifo "$POLICY" &&
	refused "cannot read policy .*orch-hooks.ini.: it is not a regular file"
'

test_expect_success 'a symlink loop is refused' '
	test_when_finished "rm -f \"$TRASH/r/.git/loop\"; restore_policy" &&
	rm "$POLICY" && ln -s loop "$POLICY" && ln -s orch-hooks.ini r/.git/loop &&
	refused "cannot read policy .*orch-hooks.ini.: Too many levels of symbolic links"
'

test_expect_success 'a dangling symlink is refused, not replaced by the system policy' '
	test_when_finished restore_policy &&
	rm "$POLICY" && ln -s /nonexistent/orch-hooks.ini "$POLICY" &&
	refused "cannot read policy .*orch-hooks.ini.: No such file or directory"
'

test_expect_success 'a symlink to a good policy is followed' '
	test_when_finished "rm -f \"$TRASH/elsewhere.ini\"; restore_policy" &&
	printf "[branches]\nprotected = elsewhere\n" >elsewhere.ini &&
	rm "$POLICY" && ln -s "$TRASH/elsewhere.ini" "$POLICY" &&
	(cd r && orch-hooks policy >../out) &&
	test_grep "^protected = elsewhere$" out
'

test_expect_success 'ORCH_HOOKS_CONFIG naming a bad file makes the gate refuse too' '
	printf "[branches]\nprotected = main\n[bogus]\n" >bad.ini &&
	(cd r && git rev-parse HEAD >../before &&
	 test_must_fail env ORCH_HOOKS_CONFIG="$TRASH/bad.ini" git merge --no-ff -m m feat 2>../err &&
	 git merge --abort && git rev-parse HEAD >../after) &&
	test_cmp before after &&
	test_grep "bad.ini:3: unknown section \[bogus\]" err
'

test_expect_success 'after fixing the policy the same merge goes through' '
	(cd r && git merge --no-ff -q -m "merge feat" feat && git rev-parse HEAD^2 >../merged) &&
	git -C r rev-parse feat >expect && test_cmp expect merged
'

test_done
