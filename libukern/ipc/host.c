/* SPDX-License-Identifier: MIT */
/*
 * host.c: how endpoints reach peers at boot. At run time a handle with
 * GRANT travels in a message (uk_msg.cap); before the run the platform (or
 * a test, or a scenario) creates endpoints and hands out copies with these
 * calls, machine stopped, no lock taken (like uk_kernel_spawn).
 */
#include "ipc/ipc_internal.h"


int uk_kernel_ipc_endpoint(struct uk_kernel *k, uint64_t tid, uint32_t flags)
{
	struct process *p = process_of_tid(k, tid);
	struct ipc_endpoint *ep;
	int h;

	if (!p)
		return UK_ESRCH;
	if ((flags & ~(UK_EP_FIFO | UK_EP_STRATEGY_MASK)))
		return UK_EINVAL;
	if ((flags >> UK_EP_STRATEGY_SHIFT) != UK_XFER_DEFAULT &&
	    !xfer_ops_of(k, flags >> UK_EP_STRATEGY_SHIFT))
		return UK_EINVAL; /* no strategy has that id in this kernel */
	if (!(ep = endpoint_create(k, flags)))
		return UK_ENOMEM;
	h = cap_install(k, p, &ep->o, UK_EP_RIGHTS);
	kobj_put(k, &ep->o);
	return h;
}

int uk_kernel_give_handle(struct uk_kernel *k, uint64_t from_tid, uint32_t h, uint64_t to_tid,
			  uint32_t rights, uint64_t badge)
{
	struct process *from = process_of_tid(k, from_tid), *to = process_of_tid(k, to_tid);
	struct kobj *o;
	int rc, nh;

	if (!from || !to)
		return UK_ESRCH;
	if ((rc = cap_lookup(from, h, KOBJ_NONE, 0, &o)) < 0)
		return rc;
	if (rights & ~(uint32_t)cap_rights(from, h))
		return UK_EPERM;
	if (badge && (o->type != KOBJ_ENDPOINT || cap_badge(from, h)))
		return UK_EBUSY;
	if ((nh = cap_install(k, to, o, rights)) < 0)
		return nh;
	cap_set_badge(to, (uint64_t)nh, badge ? badge : cap_badge(from, h));
	return nh;
}

/* The calling thread's message registers and last transfer result: user
 * code reads and writes them like CPU registers (see the wrappers in
 * ukern/ipc.h); the kernel only copies them between threads. */
struct uk_msg *uk_user_regs(struct uk_user *u)
{
	return &u->t->ipc_regs;
}

const struct uk_xfer_result *uk_user_xfer_result(struct uk_user *u)
{
	return &u->t->ipc_xres;
}
