#!/bin/sh
test_description='attack: the branch lands, the notes that let it in do not

pre-receive judges a protected branch by the notes the push brings. In a push
that is not atomic, git updates each ref on its own after pre-receive: when
the notes ref is then refused (an access rule in an update hook, as gitolite
has, a lock lost to another push), the merge is on main and the server has no
verdict for it. Where only reviewers may write the notes ref (an ACL instead
of signatures), anyone lands anything this way with a PASS they wrote.'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"
. "$ORCH_HOOKS_SRC/t/lib-gated-server.sh"

NOTES=refs/notes/verdicts

test_expect_success 'setup: a gated server whose update hook lets nobody but reviewers write the notes' '
	gated_server srv.git "file://$TRASH/srv.git" c &&
	cat >srv.git/hooks/update <<-\EOS &&
	#!/bin/sh
	case "$1" in
	refs/notes/*) echo "access: only reviewers write $1" >&2; exit 1 ;;
	esac
	EOS
	chmod +x srv.git/hooks/update &&
	(cd c && git checkout -q -b feat main && test_commit feat && git checkout -q main &&
	 git merge -q --no-ff -m "Merge branch feat" feat)
'

test_expect_success 'an atomic push of the merge with a PASS written by the pusher changes nothing (control)' '
	(cd c && orch-hooks verdict set PASS feat -m "said I" 2>/dev/null &&
	 test_must_fail git push --atomic origin main $NOTES 2>../err) &&
	test_must_fail git -C srv.git merge-base --is-ancestor "$(git -C c rev-parse feat)" main
'

test_expect_failure 'the same push, not atomic, does not land the merge whose verdict the server refused' '
	(cd c && test_must_fail git push origin main $NOTES 2>../err) &&
	cat err &&
	test_must_fail git -C srv.git notes --ref=$NOTES show feat &&
	test_must_fail git -C srv.git merge-base --is-ancestor "$(git -C c rev-parse feat)" main
'

test_done
