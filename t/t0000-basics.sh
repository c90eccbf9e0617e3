#!/bin/sh
test_description='the test library and the built programs'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

test_expect_success 'the environment is sealed' '
	test "$HOME" = "$TRASH" &&
	test -z "$GIT_DIR" &&
	test "$GIT_CONFIG_NOSYSTEM" = 1
'

test_expect_success 'orch-hooks runs from the build tree' '
	orch-hooks --version >out &&
	test_grep "^orch-hooks [0-9]" out &&
	command -v orch-hooks >path &&
	test_grep "^$ORCH_HOOKS_BUILD/src/orch-hooks$" path
'

test_expect_success 'an unknown command is refused with a usage error' '
	orch-hooks frobnicate 2>err; test $? = 129 &&
	test_grep "orch-hooks: .frobnicate. is not an orch-hooks command" err
'

test_expect_success 'options: --opt=value, --, an unknown option named, usage exits 129' '
	orch-hooks log --frob 2>err; test $? = 129 &&
	test_grep "unknown option .--frob." err &&
	test_grep "usage: orch-hooks log" err &&
	orch-hooks log --json=yes 2>err; test $? = 129 &&
	test_grep "takes no value" err &&
	orch-hooks log a b 2>err; test $? = 129
'

test_expect_success 'help CMD and CMD --help describe the options' '
	orch-hooks help log >out &&
	test_grep "usage: orch-hooks log" out &&
	test_grep "^ *--json  *print the records as JSON" out &&
	orch-hooks log --help >out2 &&
	cmp out out2 &&
	orch-hooks help frobnicate 2>err; test $? = 129
'

test_expect_success 'policy and verdict parse their options the same way' '
	orch-hooks policy --frob 2>err; test $? = 129 &&
	test_grep "unknown option .--frob." err &&
	orch-hooks policy extra 2>err; test $? = 129 &&
	orch-hooks verdict show 2>err; test $? = 129 &&
	test_grep "usage: orch-hooks verdict" err &&
	orch-hooks verdict frob HEAD 2>err; test $? = 129 &&
	test_grep "unknown subcommand .frob." err &&
	orch-hooks verdict set --message 2>err; test $? = 129 &&
	test_grep "option .--message. needs a value" err &&
	orch-hooks verdict set MAYBE HEAD 2>err; test $? = 129 &&
	test_grep "a verdict is PASS or FAIL, not .MAYBE." err
'

test_expect_success 'verdict set takes -m, --message=TEXT and -- before a revision' '
	git init -q -b main vr && (cd vr && test_commit one) &&
	(cd vr && orch-hooks verdict set --message="by hand: fine" PASS -- main 2>../err &&
	 orch-hooks verdict show main >../out) &&
	test_grep "by hand: fine" out &&
	(cd vr && orch-hooks verdict set -m"again" FAIL main 2>/dev/null &&
	 test_must_fail orch-hooks verdict show main >../out) &&
	test_grep "again" out
'

test_expect_success 'help of each converted command lists its exit statuses' '
	for c in policy verdict log; do
		orch-hooks help $c >out &&
		test_grep "^exit status:" out &&
		test_grep "129 a usage error" out &&
		test_grep "^ *-h, --help" out || return 1
	done &&
	orch-hooks help verdict >out &&
	test_grep "^ *-m, --message=<text>" out &&
	test_grep "show: 0 a valid PASS" out
'

# In a repository, so that no command fails for the want of one first.
test_expect_success 'every command: help CMD, CMD --help, and an unknown option exits 129' '
	git init -q -b main any &&
	orch-hooks --help >help &&
	sed -n "s/^  \\([a-z]*\\)  .*/\\1/p" help >commands &&
	test $(wc -l <commands) -ge 14 &&
	(cd any && while read c; do
		orch-hooks help $c >../h1 &&
		test_grep "^usage: orch-hooks $c" ../h1 &&
		test_grep "^exit status:" ../h1 &&
		test_grep "129 a usage error" ../h1 &&
		orch-hooks $c --help >../h2 &&
		cmp ../h1 ../h2 || { echo "help of $c"; return 1; }
		orch-hooks $c --no-such-option >../out 2>../err
		test $? = 129 || { echo "$c --no-such-option did not exit 129"; return 1; }
		test_grep "unknown option .--no-such-option." ../err &&
		test_grep "usage: orch-hooks $c" ../err || return 1
	done <../commands)
'

# Here, outside any repository: usage comes before the repository (src/cmd.h).
test_expect_success 'outside a repository: CMD --help exits 0, a bad option 129; then the repository is missing' '
	test_must_fail git rev-parse --git-dir 2>/dev/null &&
	orch-hooks --help | sed -n "s/^  \\([a-z]*\\)  .*/\\1/p" >commands &&
	test $(wc -l <commands) -ge 14 &&
	while read c; do
		orch-hooks $c --help >out || { echo "$c --help failed"; return 1; }
		test_grep "^usage: orch-hooks $c" out &&
		orch-hooks $c --no-such-option 2>err
		test $? = 129 || { echo "$c --no-such-option did not exit 129"; return 1; }
	done <commands &&
	for c in log status "verdict show HEAD" "test HEAD" "review HEAD" sync push; do
		orch-hooks $c >out 2>err
		test $? = 128 || { echo "$c did not exit 128"; return 1; }
		test_grep "cannot open repository" err || return 1
	done
'

test_expect_success 'hook: options before NAME only; the hook arguments pass through' '
	mkdir fakegate &&
	printf "#!/bin/sh\nfor a; do echo \"[\$a]\"; done\n" >fakegate/post-merge &&
	chmod +x fakegate/post-merge &&
	ORCH_HOOKS_LIBEXECDIR="$TRASH/fakegate" orch-hooks hook -- post-merge -x --help -- 1 >out &&
	printf "[-x]\n[--help]\n[--]\n[1]\n" >expect &&
	test_cmp expect out &&
	orch-hooks hook --no-such-option post-merge 2>err; test $? = 129 &&
	test_grep "unknown option .--no-such-option." err &&
	orch-hooks hook --help post-merge >out &&
	test_grep "^usage: orch-hooks hook NAME" out
'

test_expect_success 'log --json is an object with a version even with no verdicts' '
	git init -q empty &&
	(cd empty && orch-hooks log --json >../out) &&
	python3 -c "import json; o = json.load(open(\"out\")); assert o == {\"version\": 1, \"records\": []}, o"
'

test_expect_success 'the hook programs are built' '
	test -x "$ORCH_HOOKS_LIBEXECDIR/pre-merge-commit" &&
	test -x "$ORCH_HOOKS_LIBEXECDIR/prepare-commit-msg"
'

test_expect_success 'test_must_fail catches success' '
	! test_must_fail true 2>/dev/null
'

test_done
