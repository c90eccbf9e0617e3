#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "error.h"
#include "exit-codes.h"
#include "parse-options.h"
#include "strbuf.h"

int orch_usage(const struct orch_cmd *cmd)
{
	fprintf(stderr, "usage: orch-hooks %s\n", cmd->usage);
	return ORCH_EXIT_USAGE;
}

static void usage_error(const struct orch_option *opts, const struct orch_cmd *cmd)
{
	(void)opts;
	fprintf(stderr, "usage: orch-hooks %s\n", cmd->usage);
	fprintf(stderr, "(see 'orch-hooks help %s')\n", cmd->name);
}

static const char *option_name(const struct orch_option *o, char *buf, size_t len)
{
	if (o->long_name)
		snprintf(buf, len, "--%s", o->long_name);
	else
		snprintf(buf, len, "-%c", o->short_name);
	return buf;
}

static int parse_uint(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > 1000000UL)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* Stores the value of o; arg is NULL for a boolean. Returns 0 or -1 (reported). */
static int take(const struct orch_option *o, const char *arg, int negated)
{
	char name[64];

	switch (o->type) {
	case ORCH_OPT_BOOL:
		*(int *)o->value = !negated;
		return 0;
	case ORCH_OPT_STRING:
		*(const char **)o->value = arg;
		return 0;
	case ORCH_OPT_UINT:
		if (parse_uint(arg, (unsigned *)o->value) < 0)
			return orch_error("%s takes a whole number, not '%s'",
					  option_name(o, name, sizeof(name)), arg);
		return 0;
	case ORCH_OPT_LIST: {
		struct orch_option_list *l = o->value;

		l->items = xrealloc(l->items, (size_t)(l->nr + 1) * sizeof(*l->items));
		l->items[l->nr++] = arg;
		return 0;
	}
	case ORCH_OPT_EXITS:
	case ORCH_OPT_END:
		break;
	}
	return -1;
}

static const struct orch_option *find_long(const struct orch_option *opts, const char *name, size_t len,
					   int *negated)
{
	const struct orch_option *o;
	const char *rest;

	*negated = 0;
	for (o = opts; o->type != ORCH_OPT_END; o++)
		if (o->long_name && strlen(o->long_name) == len && !strncmp(o->long_name, name, len))
			return o;
	/* "--no-NAME": NAME is what follows "no-" within the len bytes. */
	if (skip_prefix(name, "no-", &rest) && (size_t)(rest - name) < len) {
		size_t n = len - (size_t)(rest - name);

		for (o = opts; o->type != ORCH_OPT_END; o++)
			if (o->type == ORCH_OPT_BOOL && o->long_name && strlen(o->long_name) == n &&
			    !strncmp(o->long_name, rest, n)) {
				*negated = 1;
				return o;
			}
	}
	return NULL;
}

static const struct orch_option *find_short(const struct orch_option *opts, char c)
{
	const struct orch_option *o;

	for (o = opts; o->type != ORCH_OPT_END; o++)
		if (o->short_name && o->short_name == c)
			return o;
	return NULL;
}

/* One "--name[=value]" at argv[*i]. Returns 0 or -1 (reported). */
static int parse_long(const struct orch_option *opts, int argc, char **argv, int *i)
{
	const char *name = argv[*i] + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	int negated;
	const struct orch_option *o = find_long(opts, name, len, &negated);

	if (!o)
		return orch_error("unknown option '--%.*s'", (int)len, name);
	if (o->type == ORCH_OPT_BOOL) {
		if (eq)
			return orch_error("option '--%s' takes no value", o->long_name);
		return take(o, NULL, negated);
	}
	if (negated)
		return orch_error("unknown option '--%.*s'", (int)len, name);
	if (eq)
		return take(o, eq + 1, 0);
	if (*i + 1 >= argc)
		return orch_error("option '--%s' needs a value", o->long_name);
	return take(o, argv[++*i], 0);
}

/* One "-x[value]" at argv[*i]. Returns 0 or -1 (reported). */
static int parse_short(const struct orch_option *opts, int argc, char **argv, int *i)
{
	const char *p = argv[*i] + 1;
	const struct orch_option *o = find_short(opts, *p);

	if (!o)
		return orch_error("unknown option '-%c'", *p);
	if (o->type == ORCH_OPT_BOOL) {
		if (p[1])
			return orch_error("option '-%c' takes no value (write options apart: '-%c -%c')",
					  *p, *p, p[1]);
		return take(o, NULL, 0);
	}
	if (p[1])
		return take(o, p + 1, 0);
	if (*i + 1 >= argc)
		return orch_error("option '-%c' needs a value", *p);
	return take(o, argv[++*i], 0);
}

static int is_help(const char *a)
{
	return !strcmp(a, "-h") || !strcmp(a, "--help");
}

int orch_parse_options(int argc, char **argv, const struct orch_option *opts, const struct orch_cmd *cmd)
{
	int i, n = 0, only_args = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		int r;

		if (only_args || a[0] != '-' || !a[1]) {
			argv[n++] = argv[i];
			continue;
		}
		if (!strcmp(a, "--")) {
			only_args = 1;
			continue;
		}
		if (is_help(a)) {
			orch_options_help(stdout, opts, cmd);
			exit(0);
		}
		r = a[1] == '-' ? parse_long(opts, argc, argv, &i) : parse_short(opts, argc, argv, &i);
		if (r < 0) {
			usage_error(opts, cmd);
			return -1;
		}
	}
	argv[n] = NULL;
	return n;
}

static void print_option(FILE *f, const struct orch_option *o)
{
	struct strbuf sb = STRBUF_INIT;

	if (o->short_name)
		strbuf_addf(&sb, "-%c%s", o->short_name, o->long_name ? ", " : "");
	if (o->long_name)
		strbuf_addf(&sb, "--%s", o->long_name);
	if (o->argh)
		strbuf_addf(&sb, "%s%s", o->long_name ? "=" : " ", o->argh);
	if (sb.len <= 24)
		fprintf(f, "    %-24s  %s\n", strbuf_str(&sb), o->help ? o->help : "");
	else
		fprintf(f, "    %s\n    %-24s  %s\n", strbuf_str(&sb), "", o->help ? o->help : "");
	strbuf_release(&sb);
}

/* The command's own statuses, one per line, then the three every command shares. */
static void print_exits(FILE *f, const char *exits)
{
	const char *p = exits, *nl;

	fprintf(f, "\nexit status:\n");
	while (p && *p) {
		nl = strchr(p, '\n');
		fprintf(f, "    %.*s\n", nl ? (int)(nl - p) : (int)strlen(p), p);
		p = nl ? nl + 1 : NULL;
	}
	fprintf(f, "    128 an error (printed); 129 a usage error; 130 interrupted\n");
}

void orch_options_help(FILE *f, const struct orch_option *opts, const struct orch_cmd *cmd)
{
	const struct orch_option *o;
	const char *exits = "0 done; 1 a gate or check said no";

	fprintf(f, "usage: orch-hooks %s\n\n%s\n\n", cmd->usage, cmd->summary);
	for (o = opts; o && o->type != ORCH_OPT_END; o++) {
		if (o->type == ORCH_OPT_EXITS)
			exits = o->help;
		else
			print_option(f, o);
	}
	fprintf(f, "    %-24s  %s\n", "-h, --help", "show this help and exit");
	print_exits(f, exits);
}

void orch_option_list_release(struct orch_option_list *l)
{
	free(l->items);
	l->items = NULL;
	l->nr = 0;
}

int orch_run_one_operand(int argc, char **argv, struct orch_cmd_ctx *ctx, const char *exits, const char *fallback,
			 int (*fn)(struct orch_cmd_ctx *ctx, const char *operand))
{
	const struct orch_cmd *cmd = ctx->cmd;
	const struct orch_option options[] = {
		OPT_EXITS(exits),
		OPT_END(),
	};
	int n = orch_parse_options(argc, argv, options, cmd);

	if (n < 0)
		return ORCH_EXIT_USAGE;
	if (n > 1)
		return orch_usage(cmd);
	return fn(ctx, n ? argv[0] : fallback);
}
