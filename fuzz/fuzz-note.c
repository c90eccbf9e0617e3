/*
 * libFuzzer target: the verdict note parser and judge.
 * Invariants checked beyond "no crash":
 *  - judging never crashes and PASS comes only from a record for the commit;
 *  - a parsed record formatted and parsed again is one record with the same
 *    verdict, commit, tree and date, and formatting it again gives the same
 *    text (the format is a fixed point after one round).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "note.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char some_commit[] = "0123456789abcdef0123456789abcdef01234567";

static void judge(const char *text, size_t len, const char *commit, const char *tree)
{
	struct orch_judgement_result j;

	orch_note_judge(text, len, commit, tree, &j);
	if (j.kind == ORCH_JUDGE_PASS &&
	    (!j.has_record || j.record.verdict != ORCH_VERDICT_PASS || strcmp(j.record.commit, commit)))
		abort();
	if (j.kind != ORCH_JUDGE_PASS && j.kind != ORCH_JUDGE_FAIL && !j.detail)
		abort(); /* every refusal says why */
	orch_judgement_result_release(&j);
}

static void round_trip(const struct orch_verdict_record *r)
{
	struct orch_verdict_record *again = NULL;
	char *text = orch_note_format(r), *err = NULL;
	int n = orch_note_parse(text, strlen(text), &again, &err);

	if (n != 1 || again[0].verdict != r->verdict || !fuzz_same(again[0].commit, r->commit) ||
	    !fuzz_same(again[0].tree, r->tree) || !fuzz_same(again[0].date, r->date))
		abort();
	fuzz_same_text(text, orch_note_format(&again[0]));
	free(err);
	orch_verdict_records_free(again, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct orch_verdict_record *recs = NULL;
	char *err = NULL;
	int n, i;

	judge(text, size, some_commit, NULL);
	n = orch_note_parse(text, size, &recs, &err);
	if (n < 0) {
		if (!err)
			abort();
		free(err);
		return 0;
	}
	for (i = 0; i < n; i++)
		round_trip(&recs[i]);
	if (n > 0) {
		/* Judge against the commit the note names, to reach PASS and FAIL. */
		judge(text, size, recs[0].commit, recs[0].tree);
		judge(text, size, recs[0].commit, some_commit);
	}
	orch_verdict_records_free(recs, n);
	return 0;
}
