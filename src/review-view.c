/* The reviewer's own view of the repository: a bare git directory with copied refs and borrowed objects. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "error.h"
#include "files.h"
#include "review-view.h"
#include "strbuf.h"

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "oid refname" lines, sorted, for every direct ref of the repository. */
static int packed_refs(git_repository *repo, struct strbuf *out)
{
	git_reference_iterator *it = NULL;
	git_reference *ref = NULL;
	char **lines = NULL, hex[GIT_OID_HEXSZ + 1];
	size_t n = 0, alloc = 0, i;
	int err;

	if (git_reference_iterator_new(&it, repo) < 0)
		return orch_git_error("cannot list the refs");
	while ((err = git_reference_next(&ref, it)) == 0) {
		if (git_reference_type(ref) == GIT_REFERENCE_DIRECT) {
			ALLOC_GROW(lines, n + 1, alloc);
			lines[n++] = xasprintf("%s %s\n", git_reference_name(ref),
					       git_oid_tostr(hex, sizeof(hex), git_reference_target(ref)));
		}
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	qsort(lines, n, sizeof(*lines), by_name);
	strbuf_adds(out, "# pack-refs with: sorted \n");
	for (i = 0; i < n; i++) {
		const char *sp = strchr(lines[i], ' ');

		/* sorted by name above; written "oid name" */
		strbuf_addf(out, "%.*s %.*s\n", GIT_OID_HEXSZ, sp + 1, (int)(sp - lines[i]), lines[i]);
		free(lines[i]);
	}
	free(lines);
	return err == GIT_ITEROVER ? 0 : orch_git_error("cannot list the refs");
}

static int write_view_file(const struct orch_review *r, const char *name, const char *content)
{
	char *p = xasprintf("%s/%s", r->view, name);
	int ret = 0;

	if (orch_write_file(p, content, strlen(content)) < 0)
		ret = orch_error("cannot write '%s': %s", p, strerror(errno));
	free(p);
	return ret;
}

/*
 * The reviewer's own view of the repository: a bare git directory whose
 * objects are the repository's (through alternates) and whose refs are a
 * copy. The reviewer reads history there; whatever it changes, it changes
 * there, where it is seen, and never in a repository that other workers
 * are busy committing and fetching in.
 */
int orch_review_view_make(const struct orch_review_setup *s, struct orch_review *r)
{
	struct strbuf refs = STRBUF_INIT;
	char hex[GIT_OID_HEXSZ + 1];
	char *p = NULL, *text = NULL, *head = NULL;
	int ret = -1;

	r->view = xasprintf("%s/repo.git", r->tmpdir);
	p = xasprintf("%s/objects", r->view);
	if (mkdir(r->view, 0700) < 0 || mkdir(p, 0700) < 0) {
		orch_error("cannot make '%s': %s", p, strerror(errno));
		goto done;
	}
	free(p);
	p = xasprintf("%s/objects/info", r->view);
	if (mkdir(p, 0700) < 0) {
		orch_error("cannot make '%s': %s", p, strerror(errno));
		goto done;
	}
	free(p);
	p = xasprintf("%s/refs", r->view);
	if (mkdir(p, 0700) < 0) {
		orch_error("cannot make '%s': %s", p, strerror(errno));
		goto done;
	}
	if (packed_refs(s->repo, &refs) < 0)
		goto done;
	text = xasprintf("%s/objects\n", s->commondir);
	head = *r->branch ? xasprintf("ref: refs/heads/%s\n", r->branch)
			  : xasprintf("%s\n", git_oid_tostr(hex, sizeof(hex), &r->commit));
	if (write_view_file(r, "packed-refs", strbuf_str(&refs)) < 0 ||
	    write_view_file(r, "config", "[core]\n\trepositoryformatversion = 0\n\tbare = true\n") < 0 ||
	    write_view_file(r, "objects/info/alternates", text) < 0 || write_view_file(r, "HEAD", head) < 0)
		goto done;
	ret = 0;
done:
	strbuf_release(&refs);
	free(head);
	free(text);
	free(p);
	return ret;
}

int orch_review_view_snapshot(const struct orch_review *r, struct orch_snapshot *out)
{
	return orch_snapshot_take_dir(r->view, out);
}
