#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "note.h"
#include "strbuf.h"
#include "test-record-growth.h"
#include "test-record.h"

static int same_str(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* Records are compared whole: every header and the output tail. */
static int same_record(const void *pa, const void *pb)
{
	const struct orch_test_record *a = pa, *b = pb;

	return a->passed == b->passed && same_str(a->commit, b->commit) && same_str(a->tree, b->tree) &&
	       same_str(a->command, b->command) && same_str(a->runner, b->runner) &&
	       same_str(a->exit, b->exit) && same_str(a->duration, b->duration) &&
	       same_str(a->date, b->date) && same_str(a->target, b->target) &&
	       same_str(a->merged, b->merged) && same_str(a->action, b->action) &&
	       same_str(a->worktree, b->worktree) && same_str(a->signature, b->signature) &&
	       same_str(a->body, b->body);
}

/* An unparsable date counts as the epoch: such a record can only come first. */
static time_t when(const void *p)
{
	const struct orch_test_record *r = p;
	time_t t = 0;

	if (!r->date || orch_parse_iso8601(r->date, &t) < 0)
		return 0;
	return t;
}

/* "FAIL by RUNNER dated DATE for tree T". */
static char *describe(const void *p)
{
	const struct orch_test_record *r = p;

	return xasprintf("%s by %s dated %s for tree %.12s", r->passed ? "PASS" : "FAIL",
			 r->runner && *r->runner ? r->runner : "(no runner)", r->date ? r->date : "(no date)",
			 r->tree ? r->tree : "?");
}

static int parse(const char *text, size_t len, void **out, char **err)
{
	return orch_test_records_parse(text, len, (struct orch_test_record **)out, err);
}

static void free_records(void *recs, int n)
{
	orch_test_records_free(recs, n);
}

const struct orch_notes_kind orch_notes_test_records = {
	.noun = "test records", .format = "test record", .size = sizeof(struct orch_test_record),
	.parse = parse, .free = free_records, .same = same_record, .when = when, .describe = describe,
};
