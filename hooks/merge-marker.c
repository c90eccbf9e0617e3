#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "files.h"
#include "merge-marker.h"
#include "strbuf.h"

int orch_merge_marker_write(const char *gitdir, const struct orch_merge_head *heads, size_t n)
{
	char *path = xasprintf("%s/%s", gitdir, ORCH_MERGE_MARKER);
	char hex[GIT_OID_HEXSZ + 1];
	FILE *f = fopen(path, "w");
	size_t i;
	int ret = 0;

	if (f) {
		for (i = 0; i < n; i++)
			fprintf(f, "%s\n", git_oid_tostr(hex, sizeof(hex), &heads[i].oid));
	}
	if (!f || fclose(f) != 0)
		ret = orch_error("cannot write '%s' (%s): the test gate could not run after this "
				 "commit, so it is refused", path, strerror(errno));
	free(path);
	return ret;
}

int orch_merge_marker_take(const char *gitdir, git_oid **out)
{
	char *path = xasprintf("%s/%s", gitdir, ORCH_MERGE_MARKER);
	struct strbuf sb = STRBUF_INIT;
	git_oid *ids = NULL;
	const char *p;
	int n = 0;

	*out = NULL;
	if (orch_read_file(&sb, path, ORCH_READ_GIT_STATE) < 0)
		goto done;
	unlink(path);
	for (p = strbuf_str(&sb); *p;) {
		size_t len = strcspn(p, "\n");

		if (len == GIT_OID_HEXSZ) {
			ids = xrealloc(ids, ((size_t)n + 1) * sizeof(*ids));
			if (git_oid_fromstrn(&ids[n], p, GIT_OID_HEXSZ) == 0)
				n++;
		}
		p += len + (p[len] == '\n');
	}
	*out = ids;
done:
	strbuf_release(&sb);
	free(path);
	return n;
}

int orch_merge_marker_matches(const git_oid *ids, size_t n, const git_oid *merged, size_t n_merged)
{
	size_t i, k;

	if (!n || !n_merged)
		return 0;
	/* git may drop a head that another one contains: a subset still passed. */
	for (i = 0; i < n_merged; i++) {
		for (k = 0; k < n && !git_oid_equal(&ids[k], &merged[i]); k++)
			;
		if (k == n)
			return 0;
	}
	return 1;
}
