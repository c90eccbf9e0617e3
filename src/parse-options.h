#ifndef ORCH_PARSE_OPTIONS_H
#define ORCH_PARSE_OPTIONS_H

/*
 * Table-driven option parsing for the commands, after git's parse-options:
 * a command lists its options once, and the table gives parsing, the usage
 * error and the help text. Long options take "--name value" or
 * "--name=value", short ones "-n value" or "-nvalue"; "--no-name" turns a
 * boolean off; "--" ends the options. Options and arguments may be mixed.
 */

#include <stdio.h>

enum orch_option_type {
	ORCH_OPT_END = 0,
	ORCH_OPT_BOOL,		/* int *: set to 1 (0 with --no-) */
	ORCH_OPT_STRING,	/* const char **: the argument */
	ORCH_OPT_UINT,		/* unsigned *: a whole number */
	ORCH_OPT_LIST,		/* struct orch_option_list *: repeatable, kept in order */
	ORCH_OPT_EXITS,		/* no option: the command's exit statuses, for its help */
};

struct orch_option {
	enum orch_option_type type;
	char short_name;	/* 0 for none */
	const char *long_name;	/* NULL for none */
	void *value;
	const char *argh;	/* the argument's name in help: "<branch>" */
	const char *help;
};

/* The values of a repeatable option (ORCH_OPT_LIST). */
struct orch_option_list {
	const char **items;
	int nr;
};

#define ORCH_OPTION_LIST_INIT { .items = 0, .nr = 0 }

#define OPT_BOOL(s, l, v, h) { .type = ORCH_OPT_BOOL, .short_name = (s), .long_name = (l), .value = (v), .help = (h) }
#define OPT_STRING(s, l, v, a, h) \
	{ .type = ORCH_OPT_STRING, .short_name = (s), .long_name = (l), .value = (v), .argh = (a), .help = (h) }
#define OPT_UINT(s, l, v, a, h) \
	{ .type = ORCH_OPT_UINT, .short_name = (s), .long_name = (l), .value = (v), .argh = (a), .help = (h) }
#define OPT_LIST(s, l, v, a, h) \
	{ .type = ORCH_OPT_LIST, .short_name = (s), .long_name = (l), .value = (v), .argh = (a), .help = (h) }
/*
 * The command's own exit statuses, one "N meaning" per line, shown by its
 * help (128, 129 and 130, the same for every command, are added there).
 */
#define OPT_EXITS(h) { .type = ORCH_OPT_EXITS, .help = (h) }
#define OPT_END() { .type = ORCH_OPT_END }

struct orch_cmd;
struct orch_cmd_ctx;

/*
 * Parses argv[1..argc) against opts. The arguments that are not options
 * are moved to the front of argv (argv[0] .. argv[n-1]) and n is returned.
 * -h/--help prints the command's help on stdout and exits 0; a wrong
 * option prints what is wrong and the usage on stderr and returns -1: the
 * caller then returns ORCH_EXIT_USAGE.
 */
int orch_parse_options(int argc, char **argv, const struct orch_option *opts, const struct orch_cmd *cmd);

/*
 * Runs a command that has no options and at most one operand: returns
 * fn(ctx, operand), `fallback` when none is given, after parsing argv as
 * above (its help lists `exits` as OPT_EXITS does); ORCH_EXIT_USAGE after
 * saying what is wrong (more than one operand: the usage).
 */
int orch_run_one_operand(int argc, char **argv, struct orch_cmd_ctx *ctx, const char *exits, const char *fallback,
			 int (*fn)(struct orch_cmd_ctx *ctx, const char *operand));

/* The help of cmd with its options on f (usage line, summary, option list). */
void orch_options_help(FILE *f, const struct orch_option *opts, const struct orch_cmd *cmd);

/* Frees what an ORCH_OPT_LIST collected. */
void orch_option_list_release(struct orch_option_list *l);

#endif
