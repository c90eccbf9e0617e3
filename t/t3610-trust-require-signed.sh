#!/bin/sh
test_description='[branches] require_signed holds on every local path: merge, fast-forward, land, status'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

# policy [KEY]: signatures required; verdicts signed with KEY (none when empty).
policy() {
	printf '[branches]\nprotected = main\nrequire_signed = true\n[review]\nsigning_key = %s\n[server]\nallowed_signers = %s\n' \
		"$1" "$TRASH/allowed" >"$TRASH/r/.git/orch-hooks.ini"
}

test_expect_success 'setup: a reviewer key, a repository, branches with unsigned PASS verdicts' '
	ssh-keygen -q -t ed25519 -N "" -C bot -f bot &&
	echo "reviewer-bot $(cat bot.pub)" >allowed &&
	new_repo r && policy "" &&
	(cd r && branch_with_commit ff ff.t && branch_with_commit nf nf.t &&
	 orch-hooks verdict set PASS ff 2>../err && orch-hooks verdict set PASS nf 2>>../err &&
	 git rev-parse main >../main-before) &&
	test_grep ! "signed PASS" err
'

test_expect_success 'git merge --ff-only to a tip with an unsigned PASS is undone' '
	(cd r && git merge --ff-only ff 2>../err && git rev-parse main >../main-after &&
	 git status --porcelain >../status) &&
	test_cmp main-before main-after &&
	test_must_be_empty status &&
	test_grep "MERGE REFUSED: the fast-forward of .main. to .ff." err &&
	test_grep "untrusted verdict: unsigned" err &&
	test_grep "have an allowed reviewer sign a verdict for it first (orch-hooks review ff)" err
'

test_expect_success 'a plain git merge that fast-forwards is undone the same way' '
	(cd r && git merge ff 2>../err && git rev-parse main >../main-after) &&
	test_cmp main-before main-after &&
	test_grep "untrusted verdict: unsigned" err
'

test_expect_success 'git merge --no-ff of an unsigned PASS is refused before the commit' '
	(cd r && test_must_fail git merge --no-ff -m m nf 2>../err &&
	 git merge --abort && git rev-parse main >../main-after) &&
	test_cmp main-before main-after &&
	test_grep "nf. at commit .*: untrusted verdict: unsigned" err
'

# The exit status (2 under the new contract) is cmd-land.c's; here: it fails.
test_expect_success 'land refuses an unsigned PASS and lands nothing' '
	(cd r && test_must_fail orch-hooks land nf >../out 2>../err &&
	 orch-hooks land --abort >/dev/null 2>&1; git rev-parse main >../main-after) &&
	test_cmp main-before main-after &&
	test_grep "nf. (.*) cannot land: untrusted verdict: unsigned" err &&
	test_grep "have an allowed reviewer sign a verdict for it (orch-hooks review nf)" err
'

test_expect_success 'status labels an unsigned PASS untrusted, in text and JSON' '
	(cd r && orch-hooks status >../out && orch-hooks status --json >../out.json) &&
	test_grep "^ff  *[0-9a-f]*  *untrusted" out &&
	test_grep "\"branch\": *\"ff\", *\"tip\": *\"[0-9a-f]*\", *\"verdict\": *\"untrusted\"" out.json
'

test_expect_success 'control: signed by the allowed reviewer, the same fast-forward lands' '
	policy "$TRASH/bot" &&
	(cd r && orch-hooks verdict set PASS ff 2>../err && orch-hooks status >../out &&
	 git merge --ff-only ff 2>../merge-err && git rev-parse main >../main-after &&
	 git rev-parse ff >../ff) &&
	test_grep "signed PASS" err &&
	test_grep "^ff  *[0-9a-f]*  *PASS" out &&
	test_cmp ff main-after
'

test_done
