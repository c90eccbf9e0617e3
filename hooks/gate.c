/*
 * orch-hooks-gate: the hooks that need libgit2, in one program. Installed
 * under each hook's name (pre-merge-commit, post-merge, pre-receive) and
 * run by the light front ends of prepare-commit-msg and post-commit when
 * they have something to check.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "hooks.h"
#include "no-tls.h"
#include "strbuf.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} hooks[] = {
	{ "pre-merge-commit", orch_hook_pre_merge_commit },
	{ "prepare-commit-msg", orch_hook_prepare_commit_msg },
	{ "post-merge", orch_hook_post_merge },
	{ "post-commit", orch_hook_post_commit },
	{ "pre-receive", orch_hook_pre_receive },
};

int main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/');
	size_t i, n;

	name = name ? name + 1 : argv[0];
	/*
	 * A front end names the hook it hands over for (argv[0] may not
	 * survive the exec: valgrind, for one, rewrites it). Never pre-receive:
	 * git names it, and over file:// the pusher's environment reaches it.
	 */
	if (!starts_with(name, "pre-receive") && getenv(ORCH_GATE_HOOK_ENV) &&
	    *getenv(ORCH_GATE_HOOK_ENV)) {
		static char hook[64];

		snprintf(hook, sizeof(hook), "%s", getenv(ORCH_GATE_HOOK_ENV));
		unsetenv(ORCH_GATE_HOOK_ENV);
		name = hook;
	}
	/* "prepare-commit-msg.real" (a wrapper kept the original aside) is that hook too. */
	n = strcspn(name, ".");
	orch_no_tls_keep();
	for (i = 0; i < sizeof(hooks) / sizeof(*hooks); i++)
		if (strlen(hooks[i].name) == n && !strncmp(name, hooks[i].name, n))
			return hooks[i].fn(argc, argv);
	orch_error("'%s' is not a hook orch-hooks-gate knows; install with 'orch-hooks install'", name);
	return 1;
}
