#!/bin/sh
test_description='the layout holds: the library calls nothing above it; files and functions stay small'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

src="$ORCH_HOOKS_SRC"

# The command's headers that have no .c of their own (cmd.h: the command
# table; land.h: land's steps). Every other header of the command or the
# hooks is found from the archive below.
cli_headers="cmd.h exit-codes.h land.h sync.h"

test_expect_success 'the library archive holds only library sources' '
	${AR:-ar} t "$ORCH_HOOKS_BUILD/src/liborch.a" >members &&
	test -s members &&
	while read -r o; do
		test -f "$src/src/${o%.o}.c" || { echo "src/liborch.a: $o is no src/*.c"; return 1; }
	done <members
'

test_expect_success 'the library includes nothing from the hooks or the command' '
	: >forbidden &&
	for h in "$src"/hooks/*.h; do echo "${h##*/}"; done >>forbidden &&
	for h in $cli_headers; do echo "$h"; done >>forbidden &&
	for c in "$src"/src/*.c; do
		b=${c##*/} && b=${b%.c} &&
		{ grep -qx "$b.o" members || { test -f "$src/src/$b.h" && echo "$b.h"; } || :; }
	done >>forbidden &&
	: >bad &&
	while read -r o; do
		for f in "$src/src/${o%.o}.c" "$src/src/${o%.o}.h"; do
			test -f "$f" || continue
			sed -n "s/^#include \"\\(.*\\)\"/\\1/p" "$f" | while read -r inc; do
				if grep -qx "$inc" forbidden; then echo "${f#$src/} includes $inc"; fi
			done
		done
	done <members >bad &&
	test_must_be_empty bad
'

test_expect_success 'no product C file is over 600 lines' '
	wc -l "$src"/src/*.c "$src"/src/*.h "$src"/hooks/*.c "$src"/hooks/*.h |
		awk "\$2 != \"total\" && \$1 > 600" >big &&
	test_must_be_empty big
'

# A function runs from its "{" in column 0 to its "}" in column 0 (the style).
test_expect_success 'no function is over 100 lines' '
	for f in "$src"/src/*.c "$src"/hooks/*.c; do
		awk -v f="${f#$src/}" "
			/^\\{/ { start = NR; name = prev }
			/^\\}/ && start { if (NR - start + 1 > 100) print f \":\" start \": \" NR - start + 1 \" lines: \" name; start = 0 }
			{ prev = \$0 }" "$f"
	done >long &&
	test_must_be_empty long
'

test_done
