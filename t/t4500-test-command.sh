#!/bin/sh
test_description='orch-hooks test: tests commits in a disposable checkout and records signed, tree-keyed results'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

# Every checkout goes here, so the tests can see that none is left behind.
mkdir -p "$TRASH/tmp" && export TMPDIR="$TRASH/tmp" TRASH

# policy [EXTRA]: the repository's policy; the test counts its runs in $TRASH/runs.
policy() {
	printf '[branches]\nprotected = main\n[test]\ncommand = echo run >>"$TRASH/runs"; sh check.sh\ntimeout = 20s\n%s' \
		"${1:-}" >r/.git/orch-hooks.ini
}

runs() {
	if test -f "$TRASH/runs"; then wc -l <"$TRASH/runs"; else echo 0; fi
}

note() {
	git -C r notes --ref=refs/notes/tests show "$1"
}

test_expect_success 'setup: a repository whose check.sh passes, then a commit that breaks it' '
	git init -q r &&
	(cd r && printf "grep -q good state\n" >check.sh && echo good >state &&
	 git add check.sh state && test_commit good && git tag good &&
	 echo bad >state && git add state && test_commit bad && git tag bad) &&
	policy
'

test_expect_success 'a passing commit: exit 0, a record with every field, the work tree untouched' '
	(cd r && git checkout -q good 2>/dev/null && echo bad >state) &&
	(cd r && orch-hooks test good 2>../err) &&
	test_grep "tests PASSED on" err &&
	note good >n &&
	test_grep "^Tests: PASS$" n &&
	test_grep "^Commit: $(git -C r rev-parse good)$" n &&
	test_grep "^Tree: $(git -C r rev-parse good^{tree})$" n &&
	test_grep "^Command: echo run >>\"\$TRASH/runs\"; sh check.sh$" n &&
	test_grep "^Runner: ..*@" n && test_grep "^Date: 20..-..-..T..:..:..Z$" n &&
	test_grep "^Duration: [0-9.]*s$" n && test_grep "^Exit: 0$" n &&
	test_grep ! "^Signature:" n &&
	echo bad >expect && test_cmp expect r/state &&
	ls tmp >left && test_must_be_empty left &&
	(cd r && git checkout -q -- state && git checkout -q main)
'

test_expect_success 'a failing commit: exit 1 and a FAIL record with the exit status and output' '
	(cd r && orch-hooks test bad 2>../err; echo $? >../status) &&
	echo 1 >expect && test_cmp expect status &&
	test_grep "tests FAILED on" err &&
	note bad >n && test_grep "^Tests: FAIL$" n && test_grep "^Exit: 1$" n &&
	ls tmp >left && test_must_be_empty left
'

test_expect_success 'a result already recorded for the tree and command is reused and says so' '
	before=$(runs) &&
	(cd r && orch-hooks test good 2>../err) &&
	test_grep "REUSED the result recorded for its tree" err &&
	test "$(runs)" = "$before" &&
	tree=$(git -C r rev-parse good^{tree}) &&
	twin=$(git -C r commit-tree -m twin -p good "$tree") &&
	(cd r && orch-hooks test "$twin" 2>../err) &&
	test_grep "REUSED" err && test "$(runs)" = "$before"
'

test_expect_success 'a FAIL is never reused: the commit is tested again, and its records grow' '
	before=$(runs) &&
	(cd r && test_must_fail orch-hooks test bad 2>../err) &&
	test "$(runs)" = "$((before + 1))" &&
	note bad >n && test "$(grep -c "^Tests: FAIL$" n)" = 2
'

test_expect_success 'another command does not reuse the result of the first' '
	printf "[branches]\nprotected = main\n[test]\ncommand = echo run >>\"\$TRASH/runs\"; sh ./check.sh\n" >r/.git/orch-hooks.ini &&
	before=$(runs) &&
	(cd r && orch-hooks test good 2>../err) &&
	test_grep ! REUSED err && test "$(runs)" = "$((before + 1))" &&
	policy
'

test_expect_success '--json: version 1 and per commit its tree, result, reuse, duration and signature' '
	(cd r && test_must_fail orch-hooks test --json good bad >../out 2>../err) &&
	python3 -c "
import json, sys
d = json.load(open(\"out\"))
assert d[\"version\"] == 1, d
g, b = d[\"results\"]
assert g[\"commit\"] == \"$(git -C r rev-parse good)\" and g[\"tree\"] == \"$(git -C r rev-parse good^{tree})\", g
assert g[\"result\"] == \"PASS\" and g[\"reused\"] is True and g[\"signed\"] is False, g
assert b[\"result\"] == \"FAIL\" and b[\"reused\"] is False and isinstance(b[\"duration\"], float), b
"
'

test_expect_success 'with [test] signing_key the record is signed in the orch-hooks-tests namespace' '
	ssh-keygen -q -t ed25519 -N "" -C ci -f ci &&
	policy "signing_key = $TRASH/ci
" &&
	(cd r && git checkout -q -b signed good && test_commit signed && cd .. &&
	 cd r && orch-hooks test --json signed >../out 2>../err) &&
	test_grep "\"signed\": true" out &&
	note signed >n && test_grep "^Signature: [A-Za-z0-9+/=]*$" n &&
	c=$(git -C r rev-parse signed) && t=$(git -C r rev-parse signed^{tree}) &&
	printf "orch-hooks tests v1\nresult PASS\ncommit %s\ntree %s\ncommand %s\nrunner %s\nexit %s\nduration %s\ndate %s\n" \
		"$c" "$t" "$(sed -n "s/^Command: //p" n)" "$(sed -n "s/^Runner: //p" n)" "$(sed -n "s/^Exit: //p" n)" \
		"$(sed -n "s/^Duration: //p" n)" "$(sed -n "s/^Date: //p" n)" >payload &&
	{ echo "-----BEGIN SSH SIGNATURE-----" && sed -n "s/^Signature: //p" n | fold -w 70 &&
	  echo "-----END SSH SIGNATURE-----"; } >payload.sig &&
	echo "ci $(cat ci.pub)" >signers &&
	ssh-keygen -Y verify -f signers -I ci -n orch-hooks-tests -s payload.sig <payload &&
	test_must_fail ssh-keygen -Y verify -f signers -I ci -n orch-hooks-verdict -s payload.sig <payload
'

test_expect_success 'a signing runner reuses only records its test_signers accept' '
	before=$(runs) &&
	(cd r && git checkout -q -b unsigned-twin good && git commit -q --allow-empty -m twin2) &&
	(cd r && orch-hooks test unsigned-twin 2>../err) &&
	test_grep ! REUSED err && test "$(runs)" = "$((before + 1))" &&
	policy "signing_key = $TRASH/ci
[server]
test_signers = $TRASH/signers
" &&
	(cd r && git commit -q --allow-empty -m twin3 && orch-hooks test HEAD 2>../err) &&
	test_grep "REUSED" err && test "$(runs)" = "$((before + 1))"
'

test_expect_success 'a key that cannot sign: exit 128 and nothing recorded' '
	policy "signing_key = $TRASH/no-such-key
" &&
	(cd r && git checkout -q -b nokey good && test_commit nokey &&
	 orch-hooks test nokey 2>../err; echo $? >../status) &&
	echo 128 >expect && test_cmp expect status &&
	test_grep "could not be signed" err &&
	test_must_fail git -C r notes --ref=refs/notes/tests show nokey &&
	policy
'

test_expect_success 'Ctrl-C: the tests are stopped, the checkout removed, nothing recorded, exit 130' '
	printf "[branches]\nprotected = main\n[test]\ncommand = touch \"\$TRASH/started\"; sleep 30\n" >r/.git/orch-hooks.ini &&
	(cd r && git checkout -q -b slow main && test_commit slow) &&
	{ (cd r && exec orch-hooks test slow 2>../err) & } && pid=$! &&
	i=0 && while ! test -f started && test $i -lt 100; do sleep 0.1; i=$((i + 1)); done &&
	test -f started && ls tmp >during && test -s during &&
	kill -INT $pid && { wait $pid; echo $? >status; } &&
	echo 130 >expect && test_cmp expect status &&
	test_grep "interrupted" err &&
	ls tmp >left && test_must_be_empty left &&
	test_must_fail git -C r notes --ref=refs/notes/tests show slow &&
	policy
'

test_expect_success 'bad usage exits 129, a bad commit or no test command 128' '
	(cd r && orch-hooks test 2>../err; echo $? >../status) &&
	echo 129 >expect && test_cmp expect status &&
	(cd r && orch-hooks test no-such-rev 2>../err; echo $? >../status) &&
	echo 128 >expect && test_cmp expect status && test_grep "does not name a commit" err &&
	printf "[branches]\nprotected = main\n" >r/.git/orch-hooks.ini &&
	(cd r && orch-hooks test HEAD 2>../err; echo $? >../status) &&
	test_cmp expect status && test_grep "no \[test\] command" err &&
	policy
'

test_expect_success 'the test gate and orch-hooks test reuse each other: one format' '
	policy "on_failure = undo
" &&
	(cd r && git checkout -q main && orch-hooks install >/dev/null 2>&1 &&
	 git checkout -q -b feat good && echo more >more && git add more && test_commit feat2 more more &&
	 git checkout -q main && git reset -q --hard good &&
	 orch-hooks verdict set PASS feat 2>/dev/null &&
	 git merge -q --no-ff -m "Merge feat" feat 2>../err) &&
	test_grep "tests PASSED" err &&
	before=$(runs) &&
	(cd r && orch-hooks test HEAD 2>../err) &&
	test_grep "REUSED" err && test "$(runs)" = "$before"
'

test_done
