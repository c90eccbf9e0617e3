#ifndef ORCH_NOTE_H
#define ORCH_NOTE_H

#include <stddef.h>
#include <time.h>

/*
 * The verdict note format. A note holds one or more records; a record is a
 * block of "Key: value" header lines, a blank line, and free text:
 *
 *   Verdict: PASS
 *   Commit: <full oid of the reviewed commit>
 *   Tree: <oid of its tree>
 *   Reviewer: <who or which command>
 *   Date: 2026-11-24T18:00:00Z
 *
 *   <the reviewer's reasons>
 *
 * A carried record (a verdict that survived a pure rebase) adds
 * "Carried-From: <reviewed commit>" and "Carried-Base: <its base>"; it
 * counts only when no record of the commit's own is there.
 *
 * A further record starts at a line beginning "Verdict:" after a blank line
 * (that is what a union merge of two notes leaves). Body lines that would look
 * like that are written with a leading space.
 */

#define ORCH_NOTE_MAX_SIZE (1024 * 1024)
#define ORCH_NOTE_MAX_BODY (64 * 1024)

enum orch_verdict_value { ORCH_VERDICT_FAIL = 0, ORCH_VERDICT_PASS = 1 };

struct orch_verdict_record {
	enum orch_verdict_value verdict;
	char *commit;
	char *tree;
	char *reviewer;
	char *date;	/* as written */
	time_t when;	/* parsed Date, 0 when absent */
	char *duration;
	char *signature;	/* base64 of an SSH signature over the signed payload, or NULL */
	/*
	 * A carried record (carry-over.h): the reviewed commit it was carried
	 * from, and the base of that commit's reviewed series. No gate takes it
	 * on its word: trust.c recomputes the comparison.
	 */
	char *carried_from;
	char *carried_base;
	char *body;
};

void orch_verdict_record_release(struct orch_verdict_record *r);

/* What a gate concludes from a commit's note. */
enum orch_judgement {
	ORCH_JUDGE_PASS,
	ORCH_JUDGE_NONE,	/* no note at all */
	ORCH_JUDGE_FAIL,	/* the reviewer said FAIL */
	ORCH_JUDGE_EMPTY,	/* a note with nothing in it */
	ORCH_JUDGE_GARBAGE,	/* not in the verdict format */
	ORCH_JUDGE_WRONG_COMMIT,/* copied from another commit */
	ORCH_JUDGE_WRONG_TREE,	/* Tree does not match the commit's */
	ORCH_JUDGE_STALE,	/* an earlier commit of the branch was reviewed */
	ORCH_JUDGE_UNREADABLE,	/* the note could not be read */
	ORCH_JUDGE_UNTRUSTED,	/* a PASS whose signature the policy does not accept */
	ORCH_JUDGE_CARRY_REFUSED,/* a carried PASS that is no pure rebase of a valid PASS */
};

struct orch_judgement_result {
	enum orch_judgement kind;
	/* For people: FAIL's first reason line, or what is wrong with the note. */
	char *detail;
	/* The record that decided, when one did (kind PASS or FAIL). */
	struct orch_verdict_record record;
	int has_record;
};

void orch_judgement_result_release(struct orch_judgement_result *r);

/* A short word for the kind: "PASS", "no verdict", "FAIL", "stale", ... */
const char *orch_judgement_name(enum orch_judgement k);

/*
 * Judges note text attached to commit `commit_hex` whose tree is `tree_hex`
 * (tree may be NULL to skip that check). Pure: no repository needed.
 */
void orch_note_judge(const char *text, size_t len, const char *commit_hex,
		     const char *tree_hex, struct orch_judgement_result *out);

/* Parses every record; returns the count, or -1 with *err set (caller frees). */
int orch_note_parse(const char *text, size_t len, struct orch_verdict_record **out, char **err);
void orch_verdict_records_free(struct orch_verdict_record *r, int n);

/* Formats one record as note text (caller frees). */
char *orch_note_format(const struct orch_verdict_record *r);

/* "2026-11-24T18:00:00Z" for t; returns buf. */
char *orch_iso8601(time_t t, char *buf, size_t len);
/* Strict ISO 8601 (YYYY-MM-DDTHH:MM:SS with Z or ±HH:MM); -1 if it is not. */
int orch_parse_iso8601(const char *s, time_t *out);

#endif
