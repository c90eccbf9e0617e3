#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "files.h"
#include "handoff.h"
#include "land-state.h"
#include "strbuf.h"

static const char *const status_names[] = {
	"todo", "merging", "landed", "not-reviewed", "conflict", "refused", "broke-tests", "skipped",
	"already-landed", "rejected", "interrupted",
};

const char *land_status_name(enum land_status s)
{
	return status_names[s];
}

int land_status_stops(enum land_status s)
{
	return s == LAND_NOT_REVIEWED || s == LAND_REJECTED || s == LAND_CONFLICT || s == LAND_REFUSED ||
	       s == LAND_BROKE_TESTS || s == LAND_INTERRUPTED;
}

const char *land_verdict_word(enum orch_judgement k)
{
	switch (k) {
	case ORCH_JUDGE_PASS: return "PASS";
	case ORCH_JUDGE_FAIL: return "FAIL";
	case ORCH_JUDGE_STALE: return "stale";
	case ORCH_JUDGE_NONE: return "none";
	case ORCH_JUDGE_UNTRUSTED: return "untrusted";
	default: return "invalid";
	}
}

char *land_state_path(git_repository *repo)
{
	return orch_handoff_path(git_repository_path(repo), ORCH_HANDOFF_LAND_STATE);
}

void land_state_release(struct land_state *st)
{
	size_t i;

	for (i = 0; i < st->nr; i++) {
		free(st->items[i].branch);
		free(st->items[i].verdict);
		free(st->items[i].tests);
		free(st->items[i].reason);
	}
	free(st->items);
	free(st->onto);
	memset(st, 0, sizeof(*st));
}

/* Splits a line on tabs in place; returns the number of fields. */
static int split_tabs(char *line, char **fields, int max)
{
	int n = 0;

	while (n < max) {
		fields[n++] = line;
		line = strchr(line, '\t');
		if (!line)
			break;
		*line++ = '\0';
	}
	return n;
}

static int parse_status(const char *s, enum land_status *out)
{
	size_t i;

	for (i = 0; i < sizeof(status_names) / sizeof(*status_names); i++)
		if (!strcmp(s, status_names[i])) {
			*out = (enum land_status)i;
			return 0;
		}
	return -1;
}

int land_state_load(struct land_state *st, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	char *line, *save = NULL;
	int ret = -1;

	memset(st, 0, sizeof(*st));
	if (orch_read_file(&sb, path, ORCH_READ_GIT_STATE) < 0) {
		if (errno == ENOENT)
			return 0;
		return orch_error("cannot read '%s': %s", path, strerror(errno));
	}
	for (line = strtok_r(sb.buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f[12];
		int n = split_tabs(line, f, 12);

		if (n == 2 && !strcmp(f[0], "onto")) {
			free(st->onto);
			st->onto = xstrdup(f[1]);
		} else if (n == 2 && !strcmp(f[0], "delete-branches")) {
			st->delete_branches = !strcmp(f[1], "1");
		} else if (n == 2 && !strcmp(f[0], "review")) {
			st->review_jobs = (unsigned)strtoul(f[1], NULL, 10);
		} else if (n == 2 && !strcmp(f[0], "jobs")) {
			st->jobs = (unsigned)strtoul(f[1], NULL, 10);
		} else if (n == 2 && !strcmp(f[0], "keep-going")) {
			st->keep_going = !strcmp(f[1], "1");
		} else if ((n == 9 || n == 11 || n == 12) && !strcmp(f[0], "branch")) {
			struct land_item *it;

			st->items = xrealloc(st->items, (st->nr + 1) * sizeof(*st->items));
			it = &st->items[st->nr++];
			memset(it, 0, sizeof(*it));
			it->branch = xstrdup(f[1]);
			if (parse_status(f[2], &it->status) < 0 || git_oid_fromstr(&it->tip, f[3]) < 0 ||
			    git_oid_fromstr(&it->merge, f[4]) < 0 || git_oid_fromstr(&it->orig, f[5]) < 0)
				goto corrupt;
			it->seconds = strtod(f[6], NULL);
			it->verdict = xstrdup(f[7]);
			it->tests = xstrdup(f[8]);
			if (n >= 11 && (git_oid_fromstr(&it->stop_head, f[9]) < 0))
				goto corrupt;
			if (n >= 11 && strcmp(f[10], "-"))
				it->reason = xstrdup(f[10]);
			if (n == 12)
				it->prefix = (size_t)strtoul(f[11], NULL, 10);
		} else {
			goto corrupt;
		}
	}
	if (!st->onto || !st->nr)
		goto corrupt;
	ret = 1;
	goto done;
corrupt:
	orch_error("the land state '%s' is damaged; look at it, then remove it to start over", path);
	land_state_release(st);
done:
	strbuf_release(&sb);
	return ret;
}

int land_state_save(const struct land_state *st, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;
	int ret = 0;

	strbuf_addf(&sb, "onto\t%s\ndelete-branches\t%d\nreview\t%u\njobs\t%u\nkeep-going\t%d\n", st->onto,
		    st->delete_branches, st->review_jobs, st->jobs, st->keep_going);
	for (i = 0; i < st->nr; i++) {
		const struct land_item *it = &st->items[i];
		char tip[GIT_OID_HEXSZ + 1], merge[GIT_OID_HEXSZ + 1], orig[GIT_OID_HEXSZ + 1];
		char stop[GIT_OID_HEXSZ + 1], *reason = xstrdup(it->reason && *it->reason ? it->reason : "-");
		char *p;

		for (p = reason; *p; p++)	/* one field on one line */
			if (*p == '\t' || *p == '\n' || *p == '\r')
				*p = ' ';
		strbuf_addf(&sb, "branch\t%s\t%s\t%s\t%s\t%s\t%.3f\t%s\t%s\t%s\t%s\t%zu\n", it->branch,
			    land_status_name(it->status), git_oid_tostr(tip, sizeof(tip), &it->tip),
			    git_oid_tostr(merge, sizeof(merge), &it->merge),
			    git_oid_tostr(orig, sizeof(orig), &it->orig), it->seconds,
			    it->verdict ? it->verdict : "-", it->tests ? it->tests : "-",
			    git_oid_tostr(stop, sizeof(stop), &it->stop_head), reason, it->prefix);
		free(reason);
	}
	/* Written in full, then renamed: a crash leaves the old state or the new one. */
	if (orch_write_file_atomic(path, strbuf_str(&sb), sb.len) < 0)
		ret = orch_error("cannot write '%s': %s", path, strerror(errno));
	strbuf_release(&sb);
	return ret;
}
