/* SPDX-License-Identifier: MIT */
/* The scenario model's storage: interned strings, growable arrays, free. */
#include "uks_int.h"

#include <string.h>

const char *uks_str(struct uks_parser *p, const char *s)
{
	return s ? g_string_chunk_insert_const(p->s->priv->strings, s) : NULL;
}

const char *uks_strn(struct uks_parser *p, const char *s, size_t n)
{
	return g_string_chunk_insert_len(p->s->priv->strings, s, (gssize)n);
}

/* Arrays grow by doubling from 4; the capacity is implied by the count, so
 * the public structs need no capacity fields. */
void *uks_push(void **arr, size_t *n, size_t elsize)
{
	size_t cnt = *n;
	if (cnt == 0)
		*arr = g_malloc0_n(4, elsize);
	else if (cnt >= 4 && (cnt & (cnt - 1)) == 0)
		*arr = g_realloc_n(*arr, cnt * 2, elsize);
	char *el = (char *)*arr + cnt * elsize;
	memset(el, 0, elsize);
	*n = cnt + 1;
	return el;
}

struct uks_scenario *uks_scenario_new(void)
{
	struct uks_scenario *s = g_new0(struct uks_scenario, 1);
	s->priv = g_new0(struct uks_scenario_priv, 1);
	s->priv->strings = g_string_chunk_new(1024);
	s->invariants = true;
	struct uks_machine *m = &s->machine;
	m->cpus = 1;
	m->memory = 64ull << 20;
	m->cost = "skylake";
	m->irq_model = "managarm";
	m->transfer = "physmap";
	m->scheduler = "fixed";
	m->timeslice_ns = 1000000;
	m->priority_inheritance = true;
	m->ipc_handoff = true;
	m->ack_timeout_ns = 1000000000;
	m->msi_sources = UKS_DEFAULT_MSI_SOURCES;
	return s;
}

void uks_scenario_free(struct uks_scenario *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->ndevices; i++)
		g_free(s->devices[i].args);
	for (size_t i = 0; i < s->nprocesses; i++) {
		struct uks_process *pr = &s->processes[i];
		for (size_t j = 0; j < pr->nthreads; j++)
			g_free(pr->threads[j].args);
		g_free(pr->threads);
		g_free(pr->caps);
	}
	g_free(s->devices);
	g_free(s->lines);
	g_free(s->endpoints);
	g_free(s->processes);
	g_free(s->actions);
	g_free(s->expects);
	g_free(s->loads);
	g_free(s->files);
	if (s->priv) {
		g_string_chunk_free(s->priv->strings);
		g_free(s->priv);
	}
	g_free(s);
}

const char *uks_action_name(enum uks_action_kind k)
{
	static const char *const names[] = {
		[UKS_ACT_ASSERT] = "assert",   [UKS_ACT_DEASSERT] = "deassert",
		[UKS_ACT_PULSE] = "pulse",     [UKS_ACT_COMPLETE] = "complete",
		[UKS_ACT_RESET] = "reset",     [UKS_ACT_SPURIOUS] = "spurious",
		[UKS_ACT_KILL] = "kill",       [UKS_ACT_DROP_EDGE] = "drop-edge",
		[UKS_ACT_DELAY] = "delay",     [UKS_ACT_ROUTE] = "route",
		[UKS_ACT_SUSPEND] = "suspend", [UKS_ACT_RESUME] = "resume",
		[UKS_ACT_RAISE] = "raise",
	};
	return (unsigned)k < G_N_ELEMENTS(names) ? names[k] : "?";
}

const char *uks_cmp_name(enum uks_cmp c)
{
	static const char *const names[] = {"==", "!=", "<", "<=", ">", ">="};
	return (unsigned)c < G_N_ELEMENTS(names) ? names[c] : "?";
}
