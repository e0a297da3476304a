/* SPDX-License-Identifier: MIT */
/*
 * pm.c: suspend to RAM and resume, and the platform's requests.
 *
 * The platform (a power button, a management controller; the simulator's
 * timeline) queues a request with uk_kernel_host_request and sends
 * UK_VEC_HOST to a CPU; the kernel carries the request out in that
 * interrupt, under the kernel lock, so it never cuts into a kernel
 * operation.
 *
 * Suspend follows Linux's suspend_device_irqs (kernel/irq/pm.c) and the
 * freezer: every line not marked wake (enable_irq_wake; UK_IRQ_PIN_WAKE) is
 * masked with UK_IRQ_MASK_SUSPEND, every CPU leaves its user thread at the
 * next kernel exit and idles, and kernel timers stop firing. Virtual time
 * goes on: a timer whose deadline passes while the machine sleeps fires at
 * the resume (the devices keep their own time; the timeline plays on).
 * An interrupt of a wake line resumes the machine before it is delivered,
 * as irq_pm_check_wakeup does; so does UK_HOST_RESUME. At resume the lines
 * are unmasked: a level still asserted delivers, an edge the controller
 * latched delivers, an edge the IOAPIC dropped while masked is lost (the
 * controller counts it).
 */
#include "core/kern.h"

int uk_kernel_host_request(struct uk_kernel *k, enum uk_host_request kind, uint64_t a, uint64_t b)
{
	struct pm_state *pm = &k->pm;
	struct pm_request *r;

	if (kind < UK_HOST_SUSPEND || kind > UK_HOST_ROUTE || (kind == UK_HOST_ROUTE && b >= k->ncpus))
		return UK_EINVAL;
	if (pm->tail - pm->head >= PM_MAX_REQUESTS)
		return UK_ENOMEM;
	r = &pm->req[pm->tail % PM_MAX_REQUESTS];
	r->kind = (uint32_t)kind;
	r->a = a;
	r->b = b;
	pm->tail++; /* published last: the kernel reads only below tail */
	return 0;
}

void uk_kernel_pm_info(struct uk_kernel *k, struct uk_pm_info *out)
{
	out->suspended = k->pm.suspended;
	out->since_ns = k->pm.since;
	out->wake_lines = irq_wake_lines(k);
	out->suspends = k->stats.suspends;
	out->resumes = k->stats.resumes;
	out->wakeups = k->stats.wakeups;
	out->last_wake_pin = k->pm.last_wake_pin;
}

/* Make every started CPU other than this one look at its run queue: into
 * idle at a suspend, back to work at a resume. */
static void pm_kick_all(struct uk_kernel *k)
{
	unsigned me = uk_arch_cpu_id(k->a);

	for (unsigned i = 0; i < k->ncpus; i++) {
		struct cpu *c = &k->cpus[i];
		if (!c->started)
			continue;
		c->need_resched = true;
		if (i == me)
			continue;
		uk_arch_ipi_send(k->a, i, UK_VEC_RESCHED);
		uk_arch_charge(k->a, UK_COST_IPI, 1);
		k->stats.ipis_sent++;
		k->stats.resched_ipis++;
	}
}

static void pm_suspend(struct uk_kernel *k)
{
	unsigned wake;

	if (k->pm.suspended)
		return;
	k->pm.suspended = true;
	k->pm.since = uk_arch_now(k->a);
	k->stats.suspends++;
	wake = irq_pm_suspend(k, true);
	uk_arch_trace(k->a, UK_TRACE_CORE_PM, 1, wake, 0);
	pm_kick_all(k);
	cpu_timer_program(k, this_cpu(k)); /* no kernel timer while asleep */
}

/* Resume: `wake_pin` is the pin whose interrupt woke the machine, or
 * UINT32_MAX for a resume request. */
void pm_resume(struct uk_kernel *k, uint32_t wake_pin)
{
	if (!k->pm.suspended)
		return;
	k->pm.suspended = false;
	k->pm.last_wake_pin = wake_pin;
	k->stats.resumes++;
	if (wake_pin != UINT32_MAX)
		k->stats.wakeups++;
	uk_arch_trace(k->a, UK_TRACE_CORE_PM, 0, wake_pin, 0);
	(void)irq_pm_suspend(k, false);
	pm_kick_all(k);
	ktimer_run(k, uk_arch_now(k->a)); /* what fell due while asleep */
	cpu_timer_program(k, this_cpu(k));
}

/* UK_VEC_HOST: carry out what the platform asked for, in order. */
void pm_host_interrupt(struct uk_kernel *k)
{
	struct pm_state *pm = &k->pm;

	while (pm->head != pm->tail) {
		struct pm_request r = pm->req[pm->head % PM_MAX_REQUESTS];
		pm->head++;
		switch (r.kind) {
		case UK_HOST_SUSPEND:
			pm_suspend(k);
			break;
		case UK_HOST_RESUME:
			pm_resume(k, UINT32_MAX);
			break;
		case UK_HOST_ROUTE:
			(void)irq_host_route(k, (unsigned)(r.a >> 32), (unsigned)r.a, (unsigned)r.b);
			break;
		}
	}
}
