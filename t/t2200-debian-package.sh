#!/bin/sh
test_description='debian/: dpkg-buildpackage builds a .deb with everything in its place'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

# A whole package build takes minutes: scripts/check-all.sh (and so CI) asks
# for it with ORCH_HOOKS_SLOW_TESTS=1; an ordinary make check skips it.
if [ -z "$ORCH_HOOKS_SLOW_TESTS" ]; then
	test_skip 'dpkg-buildpackage -b builds the package' 'slow: set ORCH_HOOKS_SLOW_TESTS=1'
	test_done
fi

test_expect_success 'a copy of the source, outside the build and source trees' '
	command -v dpkg-buildpackage && command -v dh &&
	mkdir src &&
	if [ -e "$ORCH_HOOKS_SRC/.git" ]; then
		(cd "$ORCH_HOOKS_SRC" && git ls-files -z --cached --others --exclude-standard |
			xargs -0 tar cf -) | tar -C src -xf -
	else
		(cd "$ORCH_HOOKS_SRC" && tar cf - .) | tar -C src -xf -
	fi &&
	test -x src/debian/rules && test ! -e src/config.status
'

test_expect_success 'dpkg-buildpackage -b -us -uc builds the .deb' '
	(cd src && DEB_BUILD_OPTIONS="nocheck parallel=2" \
		dpkg-buildpackage -b -us -uc -Pnocheck >../build.log 2>&1) ||
		{ tail -40 build.log; false; } &&
	ls *.deb >debs &&
	test_grep "^orch-hooks_.*\\.deb$" debs
'

test_expect_success 'it holds the CLI, the hooks, the man pages, the completion and the policy' '
	deb=$(grep "^orch-hooks_" debs | head -1) &&
	dpkg-deb -c "$deb" | sed "s/.* \\.//" >contents &&
	for f in /usr/bin/orch-hooks \
		/usr/libexec/orch-hooks/orch-hooks-gate /usr/libexec/orch-hooks/pre-merge-commit \
		/usr/libexec/orch-hooks/prepare-commit-msg /usr/libexec/orch-hooks/post-merge \
		/usr/libexec/orch-hooks/post-commit \
		/usr/share/man/man1/orch-hooks.1.gz /usr/share/man/man5/orch-hooks.ini.5.gz \
		/usr/share/man/man7/orch-hooks-gates.7.gz \
		/usr/share/bash-completion/completions/orch-hooks \
		/usr/share/zsh/vendor-completions/_orch-hooks \
		/etc/orch-hooks.ini /usr/share/doc/orch-hooks/copyright; do
		grep -qx "$f" contents || { echo "missing: $f"; return 1; }
	done &&
	grep -x "/usr/libexec/orch-hooks/pre-receive -> orch-hooks-gate" contents
'

test_expect_success 'the policy is a conffile, with its placeholders filled in' '
	deb=$(grep "^orch-hooks_" debs | head -1) &&
	dpkg-deb -e "$deb" control &&
	test_grep "^/etc/orch-hooks.ini$" control/conffiles &&
	dpkg-deb -x "$deb" root &&
	test_grep "/usr/share/orch-hooks/reviewers/" root/etc/orch-hooks.ini &&
	! grep "@pkgdatadir@" root/etc/orch-hooks.ini
'

test_expect_success 'the unpacked CLI finds its unpacked hooks' '
	unset ORCH_HOOKS_LIBEXECDIR &&
	git init -q r && (cd r && "$TRASH/root/usr/bin/orch-hooks" install >../out 2>&1) &&
	cmp r/.git/hooks/pre-merge-commit root/usr/libexec/orch-hooks/pre-merge-commit
'

test_done
