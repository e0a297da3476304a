/* SPDX-License-Identifier: MIT */
/*
 * Endpoints for the scenario's processes, made before the run with the
 * kernel's host-side IPC calls (ukern/ipc.h): each endpoint is created in
 * its owner (the first process allowed to receive on it, else the first
 * that names it), and every other process with `caps endpoint(E, ...)`
 * gets a copy of the handle with the rights it was given (send = WRITE,
 * receive = READ). Programs find their handles with sim_prog_endpoint().
 */
#include "rt_int.h"

#include <string.h>

#include <ukern/ipc.h>
#include <ukern/xfer.h>

/* A transfer strategy by name through the registry (the parser and
 * sim_runtime_check admitted only known names); physmap when none. */
const struct uk_xfer_ops *rt_xfer(const struct sim_rt *rt, const char *name)
{
	const struct uk_xfer_ops *x = sim_registry_policy(rt->reg, SIM_POLICY_TRANSFER, name);
	return x ? x : sim_registry_policy(rt->reg, SIM_POLICY_TRANSFER, "physmap");
}

static const struct uks_cap *ep_cap(const struct uks_process *p, int ep)
{
	for (size_t i = 0; i < p->ncaps; i++)
		if (p->caps[i].kind == UKS_CAP_ENDPOINT && p->caps[i].ref == ep)
			return &p->caps[i];
	return NULL;
}

static uint32_t kernel_rights(uint32_t uks_rights)
{
	uint32_t r = UK_RIGHT_GRANT;
	if (uks_rights & UKS_RIGHT_SEND)
		r |= UK_RIGHT_WRITE;
	if (uks_rights & UKS_RIGHT_RECEIVE)
		r |= UK_RIGHT_READ;
	return r;
}

static int owner_of(const struct uks_scenario *s, int ep)
{
	int any = -1;
	for (size_t p = 0; p < s->nprocesses; p++) {
		const struct uks_cap *c = ep_cap(&s->processes[p], ep);
		if (c && (c->rights & UKS_RIGHT_RECEIVE))
			return (int)p;
		if (c && any < 0)
			any = (int)p;
	}
	return any;
}

static int setup_endpoint(struct sim_rt *rt, int ep)
{
	const struct uks_scenario *s = rt->s;
	const struct uks_endpoint *e = &s->endpoints[ep];
	int owner = owner_of(s, ep);
	if (owner < 0)
		return 0; /* nobody holds it: nothing to make */
	struct uk_kernel *k = rt->sm->k;
	/* A loaded strategy gets its id from this kernel. */
	int id = uk_kernel_xfer_register(k, rt_xfer(rt, e->transfer ? e->transfer
								     : s->machine.transfer));
	if (id < 0) {
		snprintf(rt->err, sizeof(rt->err), "endpoint '%s': its transfer strategy: %s",
			 e->name, uk_err_name(id));
		return -1;
	}
	uint32_t flags = UK_EP_STRATEGY((unsigned)id);
	if (e->queue == UKS_QUEUE_FIFO)
		flags |= UK_EP_FIFO;
	uint64_t otid = rt->proc[owner].first_tid;
	int h = uk_kernel_ipc_endpoint(k, otid, flags);
	if (h < 0) {
		snprintf(rt->err, sizeof(rt->err), "endpoint '%s': the kernel refused it: %s", e->name,
			 uk_err_name(h));
		return -1;
	}
	rt->proc[owner].ep_handle[ep] = (uint32_t)h;
	for (size_t p = 0; p < s->nprocesses; p++) {
		const struct uks_cap *c = ep_cap(&s->processes[p], ep);
		if (!c || (int)p == owner)
			continue;
		int g = uk_kernel_give_handle(k, otid, (uint32_t)h, rt->proc[p].first_tid,
					      kernel_rights(c->rights), 0);
		if (g < 0) {
			snprintf(rt->err, sizeof(rt->err), "endpoint '%s' for process '%s': %s", e->name,
				 s->processes[p].name, uk_err_name(g));
			return -1;
		}
		rt->proc[p].ep_handle[ep] = (uint32_t)g;
	}
	return 0;
}

int rt_ipc_setup(struct sim_rt *rt)
{
	for (size_t i = 0; i < rt->s->nendpoints; i++)
		if (setup_endpoint(rt, (int)i) != 0)
			return -1;
	return 0;
}
