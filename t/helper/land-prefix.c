/*
 * Test helper: the prefix merges of a landing queue (src/land-prefix.h),
 * built in the repository of the current directory on the tip of ONTO.
 *
 *   land-prefix ONTO BRANCH...
 *
 * Prints one line per step: "<kind> <merges> <commit|-> <tree|-> <verdict>",
 * then for a stop its detail on a line of its own. Never moves a ref.
 * Exits 0 when every branch was merged or already in, 1 at a stop, 128 on
 * an error.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "land-prefix.h"
#include "policy.h"
#include "repo.h"
#include "strbuf.h"

static const char *hex_or_dash(const git_oid *oid, char *buf)
{
	return git_oid_is_zero(oid) ? "-" : git_oid_tostr(buf, GIT_OID_HEXSZ + 1, oid);
}

int main(int argc, char **argv)
{
	struct land_prefix_opts o = LAND_PREFIX_OPTS_INIT;
	struct land_prefix_result res = LAND_PREFIX_RESULT_INIT;
	struct land_prefix_entry *e = NULL;
	struct orch_policy policy;
	git_repository *repo = NULL;
	char *common = NULL, *ref = NULL;
	char c[GIT_OID_HEXSZ + 1], t[GIT_OID_HEXSZ + 1];
	git_oid base;
	int i, ret = 128;

	if (argc < 3) {
		fprintf(stderr, "usage: land-prefix ONTO BRANCH...\n");
		return 129;
	}
	orch_policy_init(&policy);
	orch_libgit2_init();
	if (orch_repo_open_path(&repo, NULL) < 0)
		goto done;
	common = orch_repo_commondir(repo);
	ref = xasprintf("refs/heads/%s", argv[1]);
	if (orch_policy_load(&policy, common) < 0 || git_reference_name_to_id(&base, repo, ref) < 0)
		goto done;
	e = xcalloc((size_t)argc, sizeof(*e));
	for (i = 2; i < argc; i++) {
		char *name = xasprintf("refs/heads/%s", argv[i]);
		int r = git_reference_name_to_id(&e[i - 2].tip, repo, name);

		free(name);
		if (r < 0) {
			orch_error("no branch '%s'", argv[i]);
			goto done;
		}
		e[i - 2].branch = argv[i];
		e[i - 2].position = (size_t)(i - 1);
	}
	o.onto = argv[1];
	o.total = (size_t)(argc - 2);
	if (land_prefix_build(repo, &policy, &o, &base, e, (size_t)(argc - 2), &res) < 0)
		goto done;
	for (i = 0; (size_t)i < res.nr; i++) {
		const struct land_prefix_step *s = &res.steps[i];

		printf("%s %zu %s %s %s\n", land_prefix_kind_name(s->kind), s->merges, hex_or_dash(&s->commit, c),
		       hex_or_dash(&s->tree, t), orch_judgement_name(s->verdict));
		if (s->detail)
			printf("  %s\n", s->detail);
	}
	ret = res.stopped ? 1 : 0;
done:
	land_prefix_result_release(&res);
	free(e);
	free(ref);
	free(common);
	orch_policy_release(&policy);
	git_repository_free(repo);
	return ret;
}
