#!/bin/sh
test_description='SSH-signed verdicts in the local gate, and the verdict log'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

# policy [EXTRA...]: the repository policy with signing on, plus extra lines.
policy() {
	{
		printf "[branches]\nprotected = main\nrequire_signed = true\n"
		printf "[review]\nsigning_key = %s\n" "${SIGNING_KEY-$TRASH/bot}"
		printf "[server]\nallowed_signers = %s\n" "$TRASH/allowed"
		for line in "$@"; do printf "%s\n" "$line"; done
	} >r/.git/orch-hooks.ini
}

# renote REV: rewrite REV's note through sed expression $2, keeping everything else.
renote() {
	git notes --ref=refs/notes/verdicts show "$1" | sed "$2" >../edited &&
	git notes --ref=refs/notes/verdicts add -f -F ../edited "$3"
}

test_expect_success 'setup: keys, allowed signers, a repository' '
	ssh-keygen -q -t ed25519 -N "" -C bot -f bot &&
	ssh-keygen -q -t ed25519 -N "" -C dev -f dev &&
	ssh-keygen -q -t ed25519 -N "" -C stranger -f stranger &&
	echo "reviewer-bot $(cat bot.pub)" >allowed &&
	echo "developer $(cat dev.pub)" >>allowed &&
	new_repo r &&
	(cd r && branch_with_commit feat f1 && branch_with_commit other f2) &&
	policy
'

test_expect_success 'verdict set signs with the signing key; show names the signer' '
	(cd r && orch-hooks verdict set PASS feat 2>../err && orch-hooks verdict show feat >../out) &&
	test_grep "recorded signed PASS" err &&
	test_grep "^Signature: U1NIU0lH" out &&
	fp=$(ssh-keygen -lf bot.pub | cut -d" " -f2) &&
	test_grep "^signature: good signature, signed by reviewer-bot ($fp)$" out
'

test_expect_success 'a good signed PASS opens the gate' '
	(cd r && git branch keep main && git merge --no-ff -m m feat && git reset -q --hard keep)
'

test_expect_success 'an unsigned PASS is refused when signatures are required' '
	(cd r && SIGNING_KEY= && cd .. && policy && cd r &&
	 orch-hooks verdict set PASS other 2>/dev/null &&
	 test_must_fail orch-hooks verdict show other >../out &&
	 test_must_fail git merge --no-ff -m m other 2>../err && git merge --abort) &&
	policy &&
	test_grep "other. at commit .*: untrusted verdict: unsigned verdict" err &&
	test_grep "have an allowed reviewer sign a verdict for it" err
'

test_expect_success 'a PASS signed by a key not in allowed signers is refused' '
	SIGNING_KEY="$TRASH/stranger" policy &&
	(cd r && orch-hooks verdict set PASS other 2>/dev/null &&
	 test_must_fail git merge --no-ff -m m other 2>../err && git merge --abort) &&
	policy &&
	test_grep "untrusted verdict: signed by an unknown key: the key SHA256:.* is not in" err
'

test_expect_success 'a verdict altered after signing is refused' '
	(cd r && orch-hooks verdict set FAIL other -m "broken" 2>/dev/null &&
	 renote other "s/^Verdict: FAIL/Verdict: PASS/" other &&
	 test_must_fail git merge --no-ff -m m other 2>../err && git merge --abort) &&
	test_grep "untrusted verdict: bad signature: the signature does not match this verdict" err
'

test_expect_success 'a signature replayed onto another commit is refused' '
	(cd r && c=$(git rev-parse other) && t=$(git rev-parse other^{tree}) &&
	 renote feat "s/^Commit: .*/Commit: $c/; s/^Tree: .*/Tree: $t/" other &&
	 test_must_fail git merge --no-ff -m m other 2>../err && git merge --abort) &&
	test_grep "untrusted verdict: bad signature" err
'

test_expect_success 'a principal outside [server] reviewers cannot pass a branch' '
	SIGNING_KEY="$TRASH/dev" policy "reviewers = reviewer-bot" &&
	(cd r && orch-hooks verdict set PASS other 2>/dev/null &&
	 test_must_fail git merge --no-ff -m m other 2>../err && git merge --abort) &&
	test_grep "signer may not pass this branch: signed by .developer., who is not among the reviewers" err &&
	policy "reviewers = reviewer-bot" &&
	(cd r && orch-hooks verdict set PASS other 2>/dev/null && git merge --no-ff -m m other)
'

test_expect_success 'orch-hooks review signs the verdicts it records' '
	printf "[branches]\nprotected = main\nrequire_signed = true\n[review]\nsigning_key = %s\ncommand = echo PASS\n[server]\nallowed_signers = %s\n" \
		"$TRASH/bot" "$TRASH/allowed" >r/.git/orch-hooks.ini &&
	(cd r && branch_with_commit reviewed f9 &&
	 orch-hooks review reviewed >../out 2>../err &&
	 orch-hooks verdict show reviewed >../show &&
	 git merge --no-ff -m m reviewed) &&
	test_grep "recorded 1 signed verdict" err &&
	test_grep "^signature: good signature, signed by reviewer-bot" show &&
	policy "reviewers = reviewer-bot"
'

test_expect_success 'log lists every verdict, replaced ones included' '
	(cd r && orch-hooks log other >../out && orch-hooks log --json other >../out.json) &&
	test_grep "FAIL  signed .*(replaced)$" out &&
	test $(grep -c "(replaced)$" out) -ge 3 &&
	test $(grep -vc "(replaced)$" out) = 1 &&
	tail -n 1 out >last && test_grep "PASS  signed  *C O Mitter" last &&
	python3 -c "
import json
o = json.load(open(\"out.json\"))
assert o[\"version\"] == 1 and sorted(o) == [\"records\", \"version\"], o
d = o[\"records\"]
assert sorted(d[0]) == sorted([\"commit\", \"notes_commit\", \"verdict\", \"reviewer\", \"date\", \"signed\", \"recorded_by\", \"replaced\"]), d[0]
assert [x[\"replaced\"] for x in d].count(False) == 1, d
assert d[-1][\"verdict\"] == \"PASS\" and d[-1][\"signed\"] is True, d
assert all(x[\"commit\"] == \"$(git -C r rev-parse other)\" for x in d), d
"
'

test_expect_success 'log works in a bare repository' '
	git clone -q --bare r bare.git &&
	git -C r push -q ../bare.git refs/notes/verdicts &&
	(cd bare.git && orch-hooks log >../out) &&
	test_grep "PASS  signed" out
'

test_done
