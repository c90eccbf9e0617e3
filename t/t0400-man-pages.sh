#!/bin/sh
test_description='the man pages: lint-free, and true to the program'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

man="$ORCH_HOOKS_SRC/man"

test_expect_success 'groff lints every page without a warning' '
	command -v groff >/dev/null || { echo "groff is missing: sh scripts/deps.sh installs groff-base"; false; } &&
	for page in orch-hooks.1 orch-hooks.ini.5 orch-hooks-gates.7; do
		groff -man -ww -z "$man/$page" 2>err &&
		test_must_be_empty err || return 1
	done
'

if command -v mandoc >/dev/null; then
	test_expect_success 'mandoc -Tlint finds nothing either' '
		for page in orch-hooks.1 orch-hooks.ini.5 orch-hooks-gates.7; do
			mandoc -Tlint "$man/$page" >err 2>&1
			test_must_be_empty err || return 1
		done
	'
else
	test_skip 'mandoc -Tlint finds nothing either' 'mandoc is not installed'
fi

# "[section]" and "key = value" lines, the way both sources give them.
test_expect_success 'orch-hooks.ini(5) gives every key and the default the program has' '
	mkdir nowhere &&
	(cd nowhere && env -u ORCH_HOOKS_CONFIG ORCH_HOOKS_SYSCONFDIR="$TRASH/nowhere" \
		GIT_CEILING_DIRECTORIES="$TRASH" orch-hooks policy >../policy.out) &&
	test_grep "^# policy in effect: built-in defaults" policy.out &&
	awk "/^\\[/ { s = \$0; next } / = / || / =\$/ { sub(/ *\$/, \"\"); print s \" \" \$0 }" \
		policy.out >program &&
	awk "/^\\.SS \\[/ { s = \$2; next }
	     s && /^\\.B \"[a-z_]+ =/ { sub(/^\\.B \"/, \"\"); sub(/\"\$/, \"\"); print s \" \" \$0 }" \
		"$man/orch-hooks.ini.5" >page &&
	test $(wc -l <program) -ge 19 &&
	test_cmp program page
'

test_expect_success 'orch-hooks(1) names every command and every option of the converted ones' '
	orch-hooks --help >help &&
	sed -n "s/^  \\([a-z]*\\)  .*/\\1/p" help >commands &&
	test $(wc -l <commands) -ge 9 &&
	while read c; do
		grep -q "^\\.B $c\\b" "$man/orch-hooks.1" || { echo "no entry for $c"; return 1; }
	done <commands &&
	for c in policy verdict log test install uninstall sync push doctor recover hook; do
		orch-hooks help $c >h &&
		sed -n "s/^    \\(-., \\)\\{0,1\\}--\\([a-z-]*\\).*/\\2/p" h >opts &&
		while read o; do
			test "$o" = help && continue
			grep -q "\\\\-\\\\-$o" "$man/orch-hooks.1" || { echo "$c --$o undocumented"; return 1; }
		done <opts || return 1
	done
'

test_expect_success 'orch-hooks(1) documents every ORCH_HOOKS_ variable the code reads' '
	cat "$ORCH_HOOKS_SRC"/src/*.c "$ORCH_HOOKS_SRC"/hooks/*.c |
		sed -n "s/.*getenv(\"\\(ORCH_HOOKS_[A-Z_]*\\)\").*/\\1/p" | sort -u >vars &&
	test $(wc -l <vars) -ge 5 &&
	while read v; do
		grep -q "^\\.B $v\$" "$man/orch-hooks.1" || { echo "$v undocumented"; return 1; }
	done <vars
'

test_expect_success 'the man pages carry the program version' '
	orch-hooks --version >v &&
	version=$(sed -n "s/^orch-hooks //p" v) &&
	for page in orch-hooks.1 orch-hooks.ini.5 orch-hooks-gates.7; do
		grep -q "^\\.TH .* \"orch-hooks $version\"" "$man/$page" || return 1
	done
'

test_done
