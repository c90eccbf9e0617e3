#!/bin/sh
test_description='configure checks for the inih run-time options and the CA-loader override, and both fallbacks'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

test_expect_success 'this build found both (Debian 12 has them)' '
	grep "^#define HAVE_INIH_RUNTIME_OPTIONS 1" "$ORCH_HOOKS_BUILD/config.h" &&
	grep "^#define HAVE_NOTLS_OVERRIDE 1" "$ORCH_HOOKS_BUILD/config.h" &&
	nm -D "$ORCH_HOOKS_BUILD/src/orch-hooks" >syms &&
	test_grep " T mbedtls_x509_crt_parse_file$" syms &&
	if grep -q "^#define HAVE_STATIC_GATE 1" "$ORCH_HOOKS_BUILD/config.h"
	then
		# linked statically, the gate wraps the loaders and loads no libgit2.so
		nm "$ORCH_HOOKS_BUILD/hooks/orch-hooks-gate" >syms &&
		test_grep " T __wrap_mbedtls_x509_crt_parse_path$" syms &&
		! nm -D "$ORCH_HOOKS_BUILD/hooks/orch-hooks-gate" | grep " U git_libgit2_init"
	else
		nm -D "$ORCH_HOOKS_BUILD/hooks/orch-hooks-gate" >syms &&
		test_grep " T mbedtls_x509_crt_parse_path$" syms
	fi
'

test_expect_success 'configure with both checks forced to no falls back' '
	mkdir fallback &&
	(cd fallback && "$ORCH_HOOKS_SRC/configure" -q orch_cv_inih_runtime=no \
		orch_cv_export_dynamic_symbol=no >out 2>&1 || { cat out; false; }) &&
	test_grep "inih without run-time options" fallback/out &&
	test_grep "cannot export the empty CA loaders" fallback/out &&
	! grep "HAVE_INIH_RUNTIME_OPTIONS\|HAVE_NOTLS_OVERRIDE" fallback/config.h | grep "^#define" &&
	grep "^NOTLS_LINK = *$" fallback/Makefile
'

# A program that reads a policy the way every gate does, built against the
# fallback configuration (and this machine's inih, which then keeps its
# own defaults: those of upstream inih).
test_expect_success 'the policy reader built for the fallback' '
	cat >check-policy.c <<-\EOF &&
	#include "config.h"
	#include <stdio.h>
	#include <stdlib.h>
	#include <string.h>
	#include "policy.h"
	int main(int argc, char **argv)
	{
		static char text[65536];
		struct orch_policy p;
		char *err = NULL;
		FILE *f = fopen(argv[1], "r");
		size_t n = f ? fread(text, 1, sizeof(text), f) : 0;
		int r;
		(void)argc;
		orch_policy_init(&p);
		r = orch_policy_parse_string(&p, argv[1], text, n, &err);
		if (r < 0)
			fprintf(stderr, "%s\n", err);
		else
			printf("test.command=%s\n", p.test_command);
		free(err);
		orch_policy_release(&p);
		return r < 0;
	}
	EOF
	src="$ORCH_HOOKS_SRC/src" &&
	${CC:-cc} -std=c11 -D_GNU_SOURCE -DSYSCONFDIR=\"/nonexistent\" -Ifallback -I"$src" -o check-policy check-policy.c \
		"$src/policy.c" "$src/error.c" "$src/strbuf.c" "$src/files.c" "$src/value.c" "$src/pattern.c" \
		$(pkg-config --cflags --libs libgit2 inih)
'

test_expect_success 'the fallback reads a plain policy, with a ; inside a command' '
	printf "[branches]\nprotected = main\n[test]\ncommand = make check; ./lint\n" >plain.ini &&
	./check-policy plain.ini >out &&
	test_grep "^test.command=make check; ./lint$" out
'

test_expect_success 'the fallback refuses a value this inih would cut at " ;"' '
	printf "[branches]\nprotected = main\n[test]\ncommand = make check ; ./lint\n" >cut.ini &&
	test_must_fail ./check-policy cut.ini 2>err &&
	test_grep "cut.ini:4: . ;. in a value" err
'

test_expect_success 'the fallback refuses an indented line this inih would join' '
	printf "[branches]\nprotected = main\n  master\n" >joined.ini &&
	test_must_fail ./check-policy joined.ini 2>err &&
	test_grep "joined.ini:3: an indented line" err
'

test_expect_success 'the real build reads both lines as Debian inih does' '
	printf "[branches]\nprotected = main\n[test]\ncommand = make check ; ./lint\n" >cut.ini &&
	ORCH_HOOKS_CONFIG="$TRASH/cut.ini" orch-hooks policy >out &&
	test_grep "^command = make check ; ./lint$" out
'

test_done
