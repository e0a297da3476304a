/* SPDX-License-Identifier: MIT */
/*
 * kobj.c: the kernel object allocator.
 *
 * Power-of-two size classes from 32 bytes to one page. A class that runs
 * dry takes a fresh frame from frame.c and hands its objects out one at a
 * time (each reached through the direct map for its own size only); freed
 * objects go back on their class's list (pages are not returned, which keeps
 * the allocator O(1) and deterministic). Memory is reached through the
 * direct map, so the kernel never needs a heap of its own.
 */
#include "core/kern.h"
#include "lib/string.h"

static int kalloc_class(size_t size)
{
	size_t c = 32;
	for (int i = 0; i < KALLOC_CLASSES; i++, c <<= 1)
		if (size <= c)
			return i;
	return -1;
}

static bool kalloc_refill(struct uk_kernel *k, int cls)
{
	uk_paddr_t pa;

	if (frame_alloc(k, &pa) < 0)
		return false;
	k->kalloc.pages++;
	k->kalloc.fresh[cls] = pa;
	k->kalloc.fresh_off[cls] = 0;
	return true;
}

void *kalloc(struct uk_kernel *k, size_t size)
{
	int cls = kalloc_class(size);
	size_t osize;
	void **obj;

	if (cls < 0 || size == 0)
		return NULL;
	osize = (size_t)32 << cls;
	obj = k->kalloc.free[cls];
	if (obj) {
		k->kalloc.free[cls] = *obj;
		uk_memset(obj, 0, osize);
		return obj;
	}
	if ((!k->kalloc.fresh[cls] || k->kalloc.fresh_off[cls] + osize > UK_PAGE_SIZE) &&
	    !kalloc_refill(k, cls))
		return NULL;
	/* Never handed out since frame_alloc zeroed its page: zero already. */
	obj = uk_arch_phys_ptr(k->a, k->kalloc.fresh[cls] + k->kalloc.fresh_off[cls], osize);
	if (!obj)
		uk_arch_fatal(k->a, "kalloc: no direct map for a slab page");
	k->kalloc.fresh_off[cls] += (uint32_t)osize;
	return obj;
}

void kfree(struct uk_kernel *k, void *p, size_t size)
{
	int cls = kalloc_class(size);
	if (!p)
		return;
	if (cls < 0)
		uk_arch_fatal(k->a, "kobj: freeing an object of impossible size");
	*(void **)p = k->kalloc.free[cls];
	k->kalloc.free[cls] = p;
}

void kobj_init(struct uk_kernel *k, struct kobj *o, enum kobj_type type)
{
	o->type = type;
	o->refs = 1;
	o->id = kernel_new_id(k);
	o->handles = 0;
	k->kalloc.kobjs++;
}

void kobj_discard(struct uk_kernel *k, struct kobj *o, size_t size)
{
	k->kalloc.kobjs--;
	kfree(k, o, size);
}

void kobj_last_handle(struct uk_kernel *k, struct kobj *o)
{
	if (o->type == KOBJ_IRQ_SINK)
		irq_sink_last_handle(k, (struct irq_sink_obj *)o);
}

void kobj_get(struct kobj *o)
{
	o->refs++;
}

void kobj_put(struct uk_kernel *k, struct kobj *o)
{
	if (o->refs == 0)
		uk_arch_fatal(k->a, "kobj: reference count underflow");
	if (--o->refs)
		return;
	k->kalloc.kobjs--;
	switch (o->type) {
	case KOBJ_THREAD:
		thread_free(k, (struct uk_thread *)o);
		break;
	case KOBJ_PROCESS:
		process_free(k, (struct process *)o);
		break;
	case KOBJ_MUTEX:
		kfree(k, o, sizeof(struct mutex));
		break;
	case KOBJ_NOPREEMPT:
		kfree(k, o, sizeof(struct nopreempt_cap));
		break;
	case KOBJ_DEVMEM:
		kfree(k, o, sizeof(struct devmem));
		break;
	case KOBJ_IRQ_SINK:
		irq_sink_free(k, (struct irq_sink_obj *)o);
		break;
	case KOBJ_IRQ_PORT:
		irq_port_free(k, (struct irq_port_obj *)o);
		break;
	case KOBJ_ENDPOINT:
	case KOBJ_REPLY:
	case KOBJ_NTFN:
	case KOBJ_GRANT:
		ipc_kobj_free(k, o);
		break;
	default:
		uk_arch_fatal(k->a, "kobj: freeing an object of unknown type");
	}
}

void *uk_sched_alloc(struct uk_kernel *k, unsigned size)
{
	return kalloc(k, size);
}
