#include "config.h"

#include <stdio.h>
#include <string.h>

#include "json.h"
#include "land-report.h"
#include "repo.h"

void land_report_table(const struct land_state *st)
{
	size_t i, w = 6;

	for (i = 0; i < st->nr; i++)
		if (strlen(st->items[i].branch) > w)
			w = strlen(st->items[i].branch);
	printf("\n%-*s  %-12s  %-10s  %-12s  %-12s  %7s  %s\n", (int)w, "BRANCH", "COMMIT",
	       "VERDICT", "MERGE", "TESTS", "TIME", "RESULT");
	for (i = 0; i < st->nr; i++) {
		const struct land_item *it = &st->items[i];
		int merged = !git_oid_is_zero(&it->merge);

		printf("%-*s  %-12s  %-10s  %-12s  %-12s  %6.1fs  %s\n", (int)w, it->branch,
		       git_oid_is_zero(&it->tip) ? "-" : orch_short_oid(&it->tip),
		       it->verdict ? it->verdict : "-", merged ? orch_short_oid(&it->merge) : "-",
		       it->tests ? it->tests : "-", it->seconds, land_status_name(it->status));
	}
	fflush(stdout);
}

static void json_oid(const git_oid *oid)
{
	char hex[GIT_OID_HEXSZ + 1];

	if (git_oid_is_zero(oid))
		fputs("null", stdout);
	else
		printf("\"%s\"", git_oid_tostr(hex, sizeof(hex), oid));
}

/* "-" in the state file means "not known": null in JSON. */
static void json_field(const char *s)
{
	orch_json_string(stdout, s && strcmp(s, "-") ? s : NULL);
}

void land_report_json(const struct land_state *st, const struct land_outcome *o)
{
	size_t i;

	printf("{\"version\": 1, \"command\": \"land\", \"onto\": ");
	orch_json_string(stdout, st->onto);
	printf(", \"exit_status\": %d, \"result\": ", o->exit_status);
	orch_json_string(stdout, o->result);
	printf(", \"stopped_at\": ");
	orch_json_string(stdout, o->stopped_at);
	printf(", \"reason\": ");
	orch_json_string(stdout, o->reason);
	printf(", \"jobs\": %u, \"test_runs\": ", o->jobs ? o->jobs : 1);
	if (o->test_runs < 0)
		printf("null");
	else
		printf("%ld", o->test_runs);
	printf(",\n \"branches\": [");
	for (i = 0; i < st->nr; i++) {
		const struct land_item *it = &st->items[i];

		printf("%s\n  {\"branch\": ", i ? "," : "");
		orch_json_string(stdout, it->branch);
		printf(", \"tip\": ");
		json_oid(&it->tip);
		printf(", \"verdict\": ");
		json_field(it->verdict);
		printf(", \"merge\": ");
		json_oid(&it->merge);
		printf(", \"tests\": ");
		json_field(it->tests);
		printf(", \"result\": \"%s\", \"reason\": ", land_status_name(it->status));
		orch_json_string(stdout, it->reason);
		printf(", \"duration\": %.1f, \"prefix\": ", it->seconds);
		if (it->prefix)
			printf("%zu}", it->prefix);
		else
			printf("null}");
	}
	printf("%s]}\n", st->nr ? "\n " : "");
	fflush(stdout);
}
