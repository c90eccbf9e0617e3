#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "files.h"
#include "handoff.h"

char *orch_handoff_path(const char *gitdir, const char *name)
{
	size_t n = strlen(gitdir);

	return xasprintf("%s%s%s", gitdir, n && gitdir[n - 1] == '/' ? "" : "/", name);
}

int orch_handoff_exists(const char *gitdir, const char *name)
{
	char *path = orch_handoff_path(gitdir, name);
	int r = access(path, F_OK) == 0;

	free(path);
	return r;
}

void orch_handoff_remove(const char *gitdir, const char *name)
{
	char *path = orch_handoff_path(gitdir, name);

	unlink(path);
	free(path);
}

int orch_handoff_read(const char *gitdir, const char *name, struct strbuf *sb)
{
	char *path = orch_handoff_path(gitdir, name);
	int r = orch_read_file(sb, path, ORCH_READ_GIT_STATE);

	free(path);
	return r;
}

static int write_git_file(const char *gitdir, const char *name, const struct strbuf *sb)
{
	char *path = orch_handoff_path(gitdir, name);
	int r = orch_write_file_atomic(path, sb->buf, sb->len);

	free(path);
	return r;
}

static int is_hex_id(const char *p, size_t len)
{
	size_t i;

	if (len != ORCH_HANDOFF_HEXSZ)
		return 0;
	for (i = 0; i < len; i++)
		if (!isxdigit((unsigned char)p[i]))
			return 0;
	return 1;
}

void orch_handoff_heads_add(struct strbuf *heads, const char *hex)
{
	strbuf_addf(heads, "%s\n", hex);
}

int orch_handoff_stamp_write(const char *gitdir, int protected, const struct strbuf *heads)
{
	struct strbuf sb = STRBUF_INIT;
	int r = -1;

	strbuf_adds(&sb, protected ? "protected\n" : "unprotected\n");
	if (orch_handoff_read(gitdir, "ORIG_HEAD", &sb) == 0) {
		strbuf_add(&sb, heads->buf, heads->len);
		r = write_git_file(gitdir, ORCH_HANDOFF_STAMP, &sb);
	}
	strbuf_release(&sb);
	return r;
}

int orch_handoff_stamp_take(const char *gitdir, int *protected)
{
	struct strbuf stamp = STRBUF_INIT, want = STRBUF_INIT;
	char *path = orch_handoff_path(gitdir, ORCH_HANDOFF_STAMP);
	const char *rest = NULL;
	struct stat st;
	int ok = 0;

	if (stat(path, &st) < 0 || time(NULL) - st.st_mtime > ORCH_HANDOFF_STAMP_MAX_AGE ||
	    orch_read_file(&stamp, path, ORCH_READ_GIT_STATE) < 0)
		goto done;
	/* The same ORIG_HEAD and MERGE_HEAD, byte for byte, as when the stamp was written. */
	if (orch_handoff_read(gitdir, "ORIG_HEAD", &want) < 0 || orch_handoff_read(gitdir, "MERGE_HEAD", &want) < 0)
		goto done;
	if (skip_prefix(stamp.buf, "protected\n", &rest))
		*protected = 1;
	else if (skip_prefix(stamp.buf, "unprotected\n", &rest))
		*protected = 0;
	ok = rest && !strcmp(rest, want.buf);
done:
	unlink(path);
	free(path);
	strbuf_release(&stamp);
	strbuf_release(&want);
	return ok;
}

int orch_handoff_marker_write(const char *gitdir, const struct strbuf *heads)
{
	return write_git_file(gitdir, ORCH_HANDOFF_MARKER, heads);
}

int orch_handoff_marker_from_merge_head(const char *gitdir)
{
	struct strbuf heads = STRBUF_INIT;
	int r = orch_handoff_read(gitdir, "MERGE_HEAD", &heads);

	if (r == 0)
		r = orch_handoff_marker_write(gitdir, &heads);
	strbuf_release(&heads);
	return r;
}

int orch_handoff_marker_take(const char *gitdir, struct strbuf *heads)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p;
	int n = 0;

	if (orch_handoff_read(gitdir, ORCH_HANDOFF_MARKER, &sb) < 0)
		goto done;
	orch_handoff_remove(gitdir, ORCH_HANDOFF_MARKER);
	for (p = sb.buf; *p;) {
		size_t len = strcspn(p, "\n");

		if (is_hex_id(p, len)) {
			strbuf_add(heads, p, len);
			strbuf_addch(heads, '\n');
			n++;
		}
		p += len + (p[len] == '\n');
	}
done:
	strbuf_release(&sb);
	return n;
}

int orch_handoff_unreviewed_write(const char *gitdir, const char *hex)
{
	struct strbuf sb = STRBUF_INIT;
	int r;

	orch_handoff_heads_add(&sb, hex);
	r = write_git_file(gitdir, ORCH_HANDOFF_UNREVIEWED_MERGE, &sb);
	strbuf_release(&sb);
	return r;
}

int orch_handoff_unreviewed_read(const char *gitdir, char out[ORCH_HANDOFF_HEXSZ + 1])
{
	struct strbuf sb = STRBUF_INIT;
	int found = orch_handoff_read(gitdir, ORCH_HANDOFF_UNREVIEWED_MERGE, &sb) == 0 &&
		    is_hex_id(sb.buf, strcspn(sb.buf, "\n"));

	out[0] = '\0';
	if (found)
		snprintf(out, ORCH_HANDOFF_HEXSZ + 1, "%.*s", ORCH_HANDOFF_HEXSZ, sb.buf);
	strbuf_release(&sb);
	return found;
}
