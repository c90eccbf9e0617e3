#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "handoff.h"
#include "merge-marker.h"
#include "strbuf.h"

int orch_merge_marker_write(const char *gitdir, const struct orch_merge_head *heads, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	char hex[GIT_OID_HEXSZ + 1], *path;
	size_t i;
	int ret = 0;

	for (i = 0; i < n; i++)
		orch_handoff_heads_add(&sb, git_oid_tostr(hex, sizeof(hex), &heads[i].oid));
	if (orch_handoff_marker_write(gitdir, &sb) < 0) {
		path = orch_handoff_path(gitdir, ORCH_HANDOFF_MARKER);
		ret = orch_error("cannot write '%s' (%s): the test gate could not run after this "
				 "commit, so it is refused", path, strerror(errno));
		free(path);
	}
	strbuf_release(&sb);
	return ret;
}

int orch_merge_marker_take(const char *gitdir, git_oid **out)
{
	struct strbuf sb = STRBUF_INIT;
	git_oid *ids = NULL;
	int i, n = orch_handoff_marker_take(gitdir, &sb);

	/* Each line is "<hex>\n": handoff.c kept only well-formed ones. */
	if (n > 0)
		ids = xcalloc((size_t)n, sizeof(*ids));
	for (i = 0; i < n; i++)
		git_oid_fromstrn(&ids[i], sb.buf + (size_t)i * (ORCH_HANDOFF_HEXSZ + 1), ORCH_HANDOFF_HEXSZ);
	*out = ids;
	strbuf_release(&sb);
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
