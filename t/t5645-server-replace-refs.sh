#!/bin/sh
test_description='the server gate refuses refs/replace/: git on the server would show another commit as main'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"
. "$ORCH_HOOKS_SRC/t/lib-gated-server.sh"

# The gate reads objects with libgit2, which ignores replace refs; git on
# the server (archive, log, a deploy hook's checkout) honours them. A pushed
# refs/replace/<main's tip> makes main, as git shows it, an unreviewed
# commit without main moving at all.

test_expect_success 'setup: a server protecting main, main pushed' '
	gated_server srv.git "file://$TRASH/srv.git" c "[branches]\nprotected = main\n"
'

test_expect_success 'a replacement for main'\''s tip is refused' '
	(cd c && git checkout -q -b evil && test_commit evil evil.t &&
	 test_must_fail git push origin "evil:refs/replace/$(git rev-parse main)" 2>../err) &&
	test_grep "replace refs are refused: git on the server would show" err &&
	test_must_fail git -C srv.git cat-file -e main:evil.t &&
	test_must_fail git -C srv.git rev-parse -q --verify "refs/replace/$(git -C c rev-parse main)"
'

test_expect_success 'a replacement for main'\''s tree is refused too' '
	(cd c && test_must_fail git push origin "evil^{tree}:refs/replace/$(git rev-parse main^{tree})" 2>../err) &&
	test_grep "replace refs are refused: git on the server would show" err &&
	test_must_fail git -C srv.git cat-file -e main:evil.t
'

test_expect_success 'pushing the same commit to an unprotected branch is fine' '
	(cd c && git push -q origin evil 2>../err) &&
	git -C srv.git rev-parse -q --verify refs/heads/evil
'

test_expect_success 'a replace ref already there may be deleted' '
	main=$(git -C c rev-parse main) &&
	git -C srv.git update-ref "refs/replace/$main" "$(git -C c rev-parse evil)" &&
	git -C srv.git cat-file -e main:evil.t &&
	(cd c && git push -q origin ":refs/replace/$main" 2>../err) &&
	test_must_fail git -C srv.git cat-file -e main:evil.t
'

test_done
