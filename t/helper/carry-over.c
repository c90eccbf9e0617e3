/*
 * carry-over REPO REVIEWED TIP TARGET: prints "carry-over" when TIP is a
 * pure rebase of REVIEWED against TARGET, else "no"; exit 0, or 1 on an
 * error. "carry-over --series REPO TIP TARGET" prints the patch-ids.
 * "carry-over --each REPO" reads commit ids on stdin and prints, as
 * `git patch-id` does, "PATCH-ID COMMIT" for each plain commit whose change
 * is not empty.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "carry-over.h"
#include "repo.h"

static int each(git_repository *repo)
{
	char line[128];

	while (fgets(line, sizeof(line), stdin)) {
		git_oid c, *ids = NULL;
		git_commit *commit = NULL;
		size_t n = 0;
		char hex[GIT_OID_HEXSZ + 1];
		int r;

		line[strcspn(line, "\n")] = '\0';
		if (git_oid_fromstr(&c, line) < 0 || git_commit_lookup(&commit, repo, &c) < 0)
			return 1;
		r = git_commit_parentcount(commit) == 1 ?
			orch_patch_id_series(repo, &c, git_commit_parent_id(commit, 0), &ids, &n) : 1;
		git_commit_free(commit);
		if (r < 0)
			return 1;
		if (r == 0 && n == 1 && !git_oid_is_zero(&ids[0]))
			printf("%s %s\n", git_oid_tostr(hex, sizeof(hex), &ids[0]), line);
		free(ids);
	}
	return 0;
}

int main(int argc, char **argv)
{
	git_repository *repo = NULL;
	git_oid x, y, z, *ids = NULL;
	size_t n = 0, i;
	int series = argc > 1 && !strcmp(argv[1], "--series"), r, ret = 1;

	if (argc == 3 && !strcmp(argv[1], "--each")) {
		git_libgit2_init();
		ret = git_repository_open(&repo, argv[2]) < 0 ? 1 : each(repo);
		git_repository_free(repo);
		git_libgit2_shutdown();
		return ret;
	}
	if (argc != 5) {
		fprintf(stderr, "usage: carry-over [--series] REPO [REVIEWED] TIP TARGET\n");
		return 2;
	}
	git_libgit2_init();
	if (git_repository_open(&repo, argv[1 + series]) < 0)
		goto done;
	if (series) {
		char hex[GIT_OID_HEXSZ + 1];

		if (orch_revparse_commit(repo, argv[3], &x) < 0 || orch_revparse_commit(repo, argv[4], &y) < 0 ||
		    orch_patch_id_series(repo, &x, &y, &ids, &n) < 0)
			goto done;
		for (i = 0; i < n; i++)
			printf("%s\n", git_oid_tostr(hex, sizeof(hex), &ids[i]));
		ret = 0;
		goto done;
	}
	if (orch_revparse_commit(repo, argv[2], &x) < 0 || orch_revparse_commit(repo, argv[3], &y) < 0 ||
	    orch_revparse_commit(repo, argv[4], &z) < 0)
		goto done;
	r = orch_carry_over_check(repo, &x, &y, &z);
	if (r < 0)
		goto done;
	printf("%s\n", r ? "carry-over" : "no");
	ret = 0;
done:
	free(ids);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return ret;
}
