/* orch-hooks policy: print the policy in effect and where each value came from. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "error.h"
#include "exit-codes.h"
#include "parse-options.h"
#include "policy.h"
#include "protected.h"
#include "repo.h"

static int cmd_policy(int argc, char **argv, struct orch_cmd_ctx *ctx)
{
	struct orch_policy policy;
	git_repository *repo = NULL;
	char *common = NULL;
	const char *section = "";
	int k, ret = ORCH_EXIT_NO, nargs;
	const struct orch_option options[] = {
		OPT_EXITS("0 the policy is valid (printed); 1 it is not (the error names file:line)"),
		OPT_END(),
	};

	nargs = orch_parse_options(argc, argv, options, &orch_cmd_policy);
	if (nargs != 0)
		return nargs < 0 ? ORCH_EXIT_USAGE : orch_usage(&orch_cmd_policy);
	orch_policy_init(&policy);
	/* Outside a repository the policy still resolves (env, then system). */
	if (git_repository_open_ext(&repo, ".", 0, getenv("GIT_CEILING_DIRECTORIES")) == 0)
		common = orch_repo_commondir(repo);
	if (orch_policy_load(&policy, common) < 0)
		goto done;
	printf("# policy in effect: %s\n", policy.path);
	for (k = 0; k < ORCH_KEY__COUNT; k++) {
		char *value = orch_policy_value_text(&policy, (enum orch_policy_key)k);

		if (strcmp(section, orch_policy_key_section((enum orch_policy_key)k))) {
			section = orch_policy_key_section((enum orch_policy_key)k);
			printf("%s[%s]\n", k ? "\n" : "", section);
		}
		printf("%s = %s\n    # from %s\n", orch_policy_key_name((enum orch_policy_key)k), value,
		       policy.origin[k] ? policy.origin[k] : "default");
		free(value);
	}
	/* After the listing, so the warning is the last thing read. */
	if (repo)
		orch_protected_warn_unmatched(repo, &policy);
	ret = ORCH_EXIT_OK;
done:
	free(common);
	git_repository_free(repo);
	orch_policy_release(&policy);
	return ret;
}

/* No flags: outside a repository the policy still resolves (environment, then system). */
ORCH_CMD_DEFINE(policy, 0, "policy",
		"check the policy and print it with where each value came from");
