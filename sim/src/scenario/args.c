/* SPDX-License-Identifier: MIT */
/*
 * Named arguments: `irq-driver(device = nic0, mistake = nak-all, work = 3us)`.
 * With a catalog entry the names and value types are checked here; names of
 * devices, processes and endpoints are resolved later (validate.c), since
 * they may be defined further down or in an included file.
 */
#include "uks_int.h"

#include <string.h>

static const struct uks_arg_spec *find_spec(const struct uks_program_spec *spec, const char *name)
{
	for (size_t i = 0; i < spec->nargs; i++)
		if (!strcmp(spec->args[i].name, name))
			return &spec->args[i];
	return NULL;
}

static const char *type_name(enum uks_arg_type t)
{
	switch (t) {
	case UKS_ARG_INT: return "a number";
	case UKS_ARG_TIME: return "a duration (e.g. 10us)";
	case UKS_ARG_SIZE: return "a size (e.g. 4KiB)";
	case UKS_ARG_BOOL: return "on or off";
	case UKS_ARG_STRING: return "a string in quotes";
	case UKS_ARG_ENUM: return "a name";
	case UKS_ARG_DEVICE: return "a device name";
	case UKS_ARG_PROCESS: return "a process name";
	case UKS_ARG_ENDPOINT: return "an endpoint name";
	default: return "a value";
	}
}

/* A value for an argument no catalog describes: its type is what it looks
 * like. */
static void parse_unchecked(struct uks_parser *p, struct uks_arg *a)
{
	static const char *const time_units[] = {"ns", "us", "ms", "s", NULL};
	const struct uks_token *t = uks_peek(p);
	if (t->type == T_NUMBER) {
		if (!t->unit[0]) {
			a->kind = UKS_VAL_INT;
			a->num = uks_next(p)->num;
		} else if (uks_name_index(time_units, t->unit) >= 0) {
			a->kind = UKS_VAL_TIME;
			a->num = uks_parse_time(p, a->name);
		} else {
			a->kind = UKS_VAL_SIZE;
			a->num = uks_parse_size(p, a->name);
		}
	} else if (t->type == T_STRING) {
		a->kind = UKS_VAL_STRING;
		a->str = uks_str(p, uks_next(p)->str);
	} else if (t->type == T_IDENT) {
		t = uks_next(p);
		if (!strcmp(t->text, "on") || !strcmp(t->text, "off")) {
			a->kind = UKS_VAL_BOOL;
			a->num = !strcmp(t->text, "on");
		} else {
			a->kind = UKS_VAL_IDENT;
			a->str = uks_str(p, t->text);
		}
	} else {
		uks_expect(p, T_IDENT, "a value: a number, a name or a string");
	}
}

static void parse_typed(struct uks_parser *p, struct uks_arg *a, const struct uks_arg_spec *as)
{
	switch (as->type) {
	case UKS_ARG_INT:
		a->kind = UKS_VAL_INT;
		a->num = uks_parse_uint(p, as->name, 0, UINT64_MAX);
		break;
	case UKS_ARG_TIME:
		a->kind = UKS_VAL_TIME;
		a->num = uks_parse_time(p, as->name);
		break;
	case UKS_ARG_SIZE:
		a->kind = UKS_VAL_SIZE;
		a->num = uks_parse_size(p, as->name);
		break;
	case UKS_ARG_BOOL:
		a->kind = UKS_VAL_BOOL;
		a->num = uks_parse_onoff(p);
		break;
	case UKS_ARG_STRING:
		a->kind = UKS_VAL_STRING;
		a->str = uks_str(p, uks_expect(p, T_STRING, type_name(as->type))->str);
		break;
	case UKS_ARG_ENUM:
		a->kind = UKS_VAL_IDENT;
		a->str = uks_str(p, as->choices[uks_parse_choice(p, as->name, as->choices)]);
		break;
	case UKS_ARG_DEVICE:
	case UKS_ARG_PROCESS:
	case UKS_ARG_ENDPOINT:
		a->kind = as->type == UKS_ARG_DEVICE    ? UKS_VAL_DEVICE
			  : as->type == UKS_ARG_PROCESS ? UKS_VAL_PROCESS
							: UKS_VAL_ENDPOINT;
		a->str = uks_expect_ident(p, type_name(as->type), NULL);
		break;
	default:
		uks_fail_expected(p, "no value");
	}
}

static void parse_one(struct uks_parser *p, const struct uks_program_spec *spec, const char *owner,
		      struct uks_arg **args, size_t *nargs)
{
	struct uks_token nt = *uks_expect(p, T_IDENT, "an argument name");
	const struct uks_arg_spec *as = NULL;
	if (spec && !(as = find_spec(spec, nt.text)))
		uks_fail_names(p, &nt, uks_names_of(p, spec->args, spec->nargs, sizeof(spec->args[0])),
			       "'%s' has no argument '%s'", owner, nt.text);
	for (size_t i = 0; i < *nargs; i++)
		if (!strcmp((*args)[i].name, nt.text))
			uks_fail(p, nt.pos, nt.len, NULL, NULL, "argument '%s' given twice", nt.text);
	if (*nargs >= UKS_MAX_ARGS)
		uks_fail(p, nt.pos, nt.len, NULL, NULL, "more than %d arguments", UKS_MAX_ARGS);
	struct uks_arg *a = uks_push((void **)args, nargs, sizeof(*a));
	a->pos = nt.pos;
	a->name = uks_str(p, nt.text);
	a->ref = -1;
	uks_expect(p, T_EQUALS, "'=' after the argument name");
	a->value_pos = uks_peek(p)->pos;
	if (as)
		parse_typed(p, a, as);
	else
		parse_unchecked(p, a);
}

static void check_required(struct uks_parser *p, const struct uks_program_spec *spec,
			   const struct uks_token *at, const struct uks_arg *args, size_t nargs)
{
	for (size_t i = 0; i < spec->nargs; i++) {
		const struct uks_arg_spec *as = &spec->args[i];
		if (!as->required)
			continue;
		bool given = false;
		for (size_t j = 0; j < nargs && !given; j++)
			given = !strcmp(args[j].name, as->name);
		if (!given) {
			char exp[256];
			g_snprintf(exp, sizeof(exp), "expected %s(%s = %s, ...)", spec->name, as->name,
				   type_name(as->type));
			uks_fail(p, at->pos, at->len, exp, NULL, "'%s' needs the argument '%s'",
				 spec->name, as->name);
		}
	}
}

void uks_parse_args(struct uks_parser *p, const struct uks_program_spec *spec, const char *owner,
		    const struct uks_token *at, struct uks_arg **args, size_t *nargs)
{
	if (uks_accept(p, T_LPAREN) && !uks_accept(p, T_RPAREN)) {
		for (;;) {
			parse_one(p, spec, owner, args, nargs);
			if (uks_accept(p, T_COMMA))
				continue;
			uks_expect(p, T_RPAREN, "',' or ')'");
			break;
		}
	}
	if (spec)
		check_required(p, spec, at, *args, *nargs);
}
