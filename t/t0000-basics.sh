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

test_expect_success 'the hook programs are built' '
	test -x "$ORCH_HOOKS_LIBEXECDIR/pre-merge-commit" &&
	test -x "$ORCH_HOOKS_LIBEXECDIR/prepare-commit-msg"
'

test_expect_success 'test_must_fail catches success' '
	! test_must_fail true 2>/dev/null
'

test_done
