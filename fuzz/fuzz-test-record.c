/*
 * libFuzzer target: the test record parser (src/test-record-format.c).
 * Invariants checked beyond "no crash":
 *  - a refusal always says why, and a success yields 1..ORCH_TEST_RECORDS_MAX
 *    records, each with the fields the server relies on (full commit and
 *    tree ids, a command, a date);
 *  - a parsed record formatted and parsed again is one record with the same
 *    result, commit, tree, command and signature, and the same signed
 *    payload; formatting it again gives the same text (a fixed point);
 *  - the records formatted one after the other (as appending writes them)
 *    parse back as as many records.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "strbuf.h"
#include "test-record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const struct orch_test_record *r)
{
	struct orch_test_record *again = NULL;
	char *text = orch_test_record_format(r), *err = NULL;
	int n = orch_test_records_parse(text, strlen(text), &again, &err);

	if (n != 1 || again[0].passed != r->passed || !fuzz_same(again[0].commit, r->commit) ||
	    !fuzz_same(again[0].tree, r->tree) || !fuzz_same(again[0].command, r->command) ||
	    !fuzz_same(again[0].signature, r->signature))
		abort();
	fuzz_same_text(orch_test_record_payload(r), orch_test_record_payload(&again[0]));
	fuzz_same_text(text, orch_test_record_format(&again[0]));
	free(err);
	orch_test_records_free(again, n);
}

static void appended(const struct orch_test_record *recs, int n)
{
	struct orch_test_record *again = NULL;
	struct strbuf sb = STRBUF_INIT;
	char *err = NULL;
	int i, m;

	for (i = 0; i < n; i++) {
		char *text = orch_test_record_format(&recs[i]);

		strbuf_adds(&sb, i ? "\n" : "");
		strbuf_adds(&sb, text);
		free(text);
	}
	m = orch_test_records_parse(sb.buf, sb.len, &again, &err);
	if (m != n)
		abort();
	orch_test_records_free(again, m);
	free(err);
	strbuf_release(&sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct orch_test_record *recs = NULL;
	char *err = NULL;
	int n, i;

	n = orch_test_records_parse((const char *)data, size, &recs, &err);
	if (n < 0) {
		if (!err || recs)
			abort();
		free(err);
		return 0;
	}
	if (err || n < 1 || n > ORCH_TEST_RECORDS_MAX)
		abort();
	for (i = 0; i < n; i++) {
		if (strlen(recs[i].commit) != 40 || strlen(recs[i].tree) != 40 || !recs[i].command ||
		    !recs[i].date)
			abort();
		round_trip(&recs[i]);
	}
	appended(recs, n);
	orch_test_records_free(recs, n);
	return 0;
}
