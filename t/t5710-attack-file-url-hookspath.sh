#!/bin/sh
test_description='attack: over file:// the pusher names the server'"'"'s hooks directory

Over file:// (or a plain path) the client runs git-receive-pack itself, with
its own environment. git unsets GIT_CONFIG_PARAMETERS and GIT_DIR for it, but
not GIT_CONFIG_GLOBAL or HOME: a global config that sets core.hooksPath makes
receive-pack run another pre-receive, or none, and the gate never runs.
doc/server.md says the pusher'"'"'s environment is ignored over file://; only
the hooks that run can ignore it.'
. "${ORCH_HOOKS_SRC:-.}/t/lib.sh"
. "$ORCH_HOOKS_SRC/t/lib-gated-server.sh"

test_expect_success 'setup: a gated server, a direct commit refused (control)' '
	gated_server srv.git "file://$TRASH/srv.git" c &&
	(cd c && test_commit direct &&
	 refused_push ../srv.git ../err git push origin main)
'

test_expect_failure 'GIT_CONFIG_GLOBAL with core.hooksPath: the direct commit is still refused' '
	mkdir nohooks &&
	printf "[core]\n\thooksPath = %s\n" "$TRASH/nohooks" >evil.cfg &&
	(cd c && refused_push ../srv.git ../err env GIT_CONFIG_GLOBAL="$TRASH/evil.cfg" git push origin main)
'

test_expect_failure 'HOME with a .gitconfig that sets core.hooksPath: still refused' '
	mkdir evil-home && cp evil.cfg evil-home/.gitconfig &&
	(cd c && test_commit direct2 && refused_push ../srv.git ../err env HOME="$TRASH/evil-home" git push origin main)
'

test_done
