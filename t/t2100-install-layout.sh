#!/bin/sh
test_description='make install: a DESTDIR tree and a moved prefix work without variables; an edited policy survives'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"

# The installed programs must find everything on their own.
unset ORCH_HOOKS_LIBEXECDIR ORCH_HOOKS_SYSCONFDIR

stage="$TRASH/stage"
# install_to DIR [make variables]: make install into DIR.
install_to() {
	dir=$1; shift
	make -s -C "$ORCH_HOOKS_BUILD" install DESTDIR="$dir" "$@" >"$TRASH/install.out" 2>&1 ||
		{ cat "$TRASH/install.out"; return 1; }
}

test_expect_success 'make install into a DESTDIR tree' '
	install_to "$stage" &&
	find "$stage" -path "*/bin/orch-hooks" >bin &&
	test $(wc -l <bin) = 1 &&
	prefix=$(dirname "$(dirname "$(cat bin)")") &&
	echo "$prefix" >prefix &&
	test -x "$prefix/libexec/orch-hooks/orch-hooks-gate" &&
	test -x "$prefix/libexec/orch-hooks/post-merge" &&
	# one gate: pre-receive is a link to it, for wrappers that run it by that name
	test "$(readlink "$prefix/libexec/orch-hooks/pre-receive")" = orch-hooks-gate
'

# in_new_repo NAME BIN: a fresh repository where BIN installs the hooks.
install_with() {
	git init -q "$1" && (cd "$1" && "$2" install >../"$1.out" 2>&1) &&
	for h in pre-merge-commit prepare-commit-msg post-merge post-commit; do
		cmp "$1/.git/hooks/$h" "$(cat prefix)/libexec/orch-hooks/$h" || return 1
	done
}

test_expect_success 'the staged orch-hooks installs the staged hooks, no variable set' '
	install_with r1 "$(cat bin)" &&
	test_grep "wrote the default policy" r1.out
'

test_expect_success 'the installed policy has its placeholders filled in' '
	find "$stage" -name orch-hooks.ini >ini &&
	test $(wc -l <ini) = 1 &&
	! grep "@[a-z]*@\|\$(" "$(cat ini)" &&
	test_grep "share/orch-hooks/reviewers/" "$(cat ini)"
'

test_expect_success 'make install keeps an edited system policy and says so' '
	ini=$(cat ini) &&
	echo "# edited by the administrator" >>"$ini" &&
	cp "$ini" edited &&
	install_to "$stage" &&
	test_cmp edited "$ini" &&
	test_grep "was edited: keeping it" install.out &&
	test -f "$ini.default" &&
	! grep "edited by the administrator" "$ini.default"
'

test_expect_success 'an unedited policy is replaced, and uninstall leaves only the edited one' '
	ini=$(cat ini) &&
	make -s -C "$ORCH_HOOKS_BUILD" uninstall DESTDIR="$stage" >out 2>&1 &&
	test_grep "keeping the edited" out &&
	test_cmp edited "$ini" &&
	test ! -e "$ini.default" &&
	find "$stage" -type f >left &&
	echo "$ini" >expect &&
	test_cmp expect left
'

test_expect_success 'and still after its prefix moved' '
	install_to "$stage" &&
	prefix=$(cat prefix) &&
	mv "$prefix" "$TRASH/moved" &&
	echo "$TRASH/moved" >prefix &&
	# Unlike any other copy (a system-wide install of this very build, say).
	for h in pre-merge-commit prepare-commit-msg post-merge post-commit; do
		echo "moved" >>"$TRASH/moved/libexec/orch-hooks/$h" || return 1
	done &&
	install_with r2 "$TRASH/moved/bin/orch-hooks"
'

test_expect_success 'the demo runs the moved installation, not the build tree' '
	ORCH_HOOKS_INSTALLED="$TRASH/moved/bin" TMPDIR="$TRASH" \
		sh "$ORCH_HOOKS_SRC/scripts/demo.sh" >demo.out 2>&1 ||
		{ cat demo.out; false; } &&
	test_grep "^demo: the installed orch-hooks in $TRASH/moved/bin$" demo.out &&
	test_grep "recorded 3 verdicts" demo.out &&
	test_grep "[0-9a-f]*\.\.[0-9a-f]* *main -> main" demo.out &&
	repo=$(sed -n "s/^demo: done. The repository is at \(.*\) (worktrees beside it).$/\1/p" demo.out) &&
	cmp "$repo/.git/hooks/post-merge" "$TRASH/moved/libexec/orch-hooks/post-merge"
'

test_expect_success 'man pages and completion are installed where man and bash look' '
	rm -rf stage2 && install_to "$TRASH/stage2" &&
	find stage2 -path "*/man/man1/orch-hooks.1" | grep -q . &&
	find stage2 -path "*/man/man5/orch-hooks.ini.5" | grep -q . &&
	find stage2 -path "*/man/man7/orch-hooks-gates.7" | grep -q . &&
	find stage2 -path "*/bash-completion/completions/orch-hooks" | grep -q . &&
	find stage2 -path "*/zsh/vendor-completions/_orch-hooks" | grep -q . &&
	man=$(find "$TRASH/stage2" -path "*/share/man" -type d) &&
	if command -v man >/dev/null; then
		MANPATH="$man" MANWIDTH=200 man -P cat orch-hooks >page 2>/dev/null &&
		test_grep "orch-hooks *- land parallel branches" page
	fi
'

test_done
