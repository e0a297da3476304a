/* SPDX-License-Identifier: MIT */
/*
 * From a scenario model to a machine ready to run: the engine and machine
 * as the scenario's `machine` block says, its devices on their lines, its
 * processes spawned, the IRQ log and policy set. The timeline is armed by
 * timeline.c; the run and the verdict are run.c and judge.c.
 */
#include "rt_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ukern/irq.h>
#include <ukern/irq_model.h>
#include <ukern/devmem.h>
#include <ukern/irq_sys.h>

/* Device windows: one 64 KiB slot per device from here, inside the PCI
 * hole, so platform and PCI devices alike get a fixed, predictable base. */
#define RT_MMIO_BASE 0xd0000000ull
#define RT_MMIO_SLOT 0x10000ull
#define RT_MMIO_SIZE 0x1000ull

static uint64_t arg_num(const struct uks_arg *a, size_t n, const char *name, uint64_t dflt)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(a[i].name, name))
			return a[i].num;
	return dflt;
}

static int dev_kind(const char *kind)
{
	if (!strcmp(kind, "scripted"))
		return HW_DEV_SCRIPT;
	if (!strcmp(kind, "hpet"))
		return HW_DEV_HPET;
	if (!strcmp(kind, "uart"))
		return HW_DEV_UART;
	if (!strcmp(kind, "block"))
		return HW_DEV_BLOCK;
	if (!strcmp(kind, "edu"))
		return HW_DEV_EDU;
	return -1;
}

static int add_device(struct sim_rt *rt, size_t i)
{
	const struct uks_device *d = &rt->s->devices[i];
	struct hw_machine *hw = rt->sm->hw;
	struct hw_dev_desc desc = {
		.kind = dev_kind(d->kind),
		.name = d->name,
		.pci = d->pci,
		.bus = d->pci_bus,
		.slot = d->pci_dev,
		.fn = d->pci_fn,
		.mmio_base = RT_MMIO_BASE + RT_MMIO_SLOT * i,
		.mmio_size = RT_MMIO_SIZE,
		.irq_mode = HW_IRQ_NONE,
		.status_mode = d->status == UKS_STATUS_CLEAR_ON_READ ? HW_STATUS_CLEAR_ON_READ
								    : HW_STATUS_W1C,
	};
	if (desc.kind < 0) {
		snprintf(rt->err, sizeof(rt->err), "device '%s': kind '%s' cannot be simulated",
			 d->name, d->kind);
		return -1;
	}
	switch (d->line_kind) {
	case UKS_LINE_PERCPU:
		desc.irq_mode = HW_IRQ_EDGE;
		desc.irq_ctrl = (unsigned)hw_intc_find(hw, HW_INTC_PERCPU);
		desc.irq_pin = d->line_cpu * UKS_PERCPU_LINES + d->line;
		break;
	case UKS_LINE_IOAPIC:
	case UKS_LINE_PLIC:
		desc.irq_mode = d->trigger == UKS_TRIGGER_LEVEL ? HW_IRQ_LEVEL : HW_IRQ_EDGE;
		desc.irq_ctrl = (unsigned)hw_intc_find(hw, d->line_kind == UKS_LINE_IOAPIC
								 ? HW_INTC_IOAPIC
								 : HW_INTC_PLIC);
		desc.irq_pin = d->line;
		desc.active_low = d->polarity == UKS_POLARITY_LOW;
		break;
	case UKS_LINE_MSI:
		desc.irq_mode = HW_IRQ_MSI;
		desc.irq_pin = d->line;
		break;
	case UKS_LINE_NONE:
		break;
	}
	if (desc.kind == HW_DEV_BLOCK) {
		desc.disk_bytes = arg_num(d->args, d->nargs, "size", 1u << 20);
		desc.latency_ns = arg_num(d->args, d->nargs, "latency", 50000);
	}
	if (desc.kind == HW_DEV_HPET)
		desc.mmio_size = 0x400;
	char err[256];
	if (hw_machine_add_device(hw, &desc, err, sizeof(err)) < 0) {
		snprintf(rt->err, sizeof(rt->err), "%s:%u:%u: error: %s", d->pos.file, d->pos.line,
			 d->pos.col, err);
		rt->bad_scenario = true;
		return -1;
	}
	struct rt_dev *rd = &rt->dev[i];
	rd->hw = hw_dev_find(hw, d->name);
	uint64_t base = 0, size = 0;
	hw_dev_window(rd->hw, &base, &size);
	rd->mmio = base;
	rd->mmio_size = size;
	rd->pin_id = -1;
	rd->note_clears = rt->sm->e->trace.limit > 0; /* traced runs only */
	if (d->line_kind == UKS_LINE_MSI && d->pci) {
		/* Firmware's part: the kernel routes the source (address and
		 * data), the MSI enable bit of the capability is set here. */
		uint32_t ctl = 0;
		unsigned off = HW_PCI_MSI_CAP + 2;
		hw_pci_cfg_read(hw, d->pci_bus, d->pci_dev, d->pci_fn, off, 2, &ctl);
		hw_pci_cfg_write(hw, 0, d->pci_bus, d->pci_dev, d->pci_fn, off, 2,
				 ctl | HW_PCI_MSI_ENABLE);
	}
	return 0;
}

/* Room for every assertion's time in the latency queues, in one block. */
static int alloc_pending(struct sim_rt *rt)
{
	const struct uks_scenario *s = rt->s;
	size_t total = 0;
	for (size_t i = 0; i < s->nactions; i++) {
		const struct uks_action *a = &s->actions[i];
		if (a->kind == UKS_ACT_ASSERT || a->kind == UKS_ACT_COMPLETE ||
		    a->kind == UKS_ACT_RAISE) {
			rt->dev[a->target].asserts++;
			total += 4; /* waits and assertion times, two queues */
		}
	}
	rt->pend_store = malloc((total ? total : 1) * sizeof(uint64_t));
	if (!rt->pend_store)
		return -1;
	uint64_t *p = rt->pend_store;
	for (size_t i = 0; i < s->ndevices; i++) {
		struct rt_dev *d = &rt->dev[i];
		d->lat_irq.t = p;
		d->lat_irq.at = p + d->asserts;
		d->lat_irq.cap = (uint32_t)d->asserts;
		p += 2 * d->asserts;
		d->lat_handled.t = p;
		d->lat_handled.at = p + d->asserts;
		d->lat_handled.cap = (uint32_t)d->asserts;
		p += 2 * d->asserts;
		d->asserts = 0;
	}
	return 0;
}

static uint64_t cpu_mask(const struct uks_scenario *s, uint64_t aff)
{
	uint64_t all = s->machine.cpus >= 64 ? ~0ull : (1ull << s->machine.cpus) - 1;
	aff &= all;
	return aff ? aff : all;
}

static bool proc_has_nopreempt(const struct uks_process *p, uint64_t *budget)
{
	for (size_t c = 0; c < p->ncaps; c++)
		if (p->caps[c].kind == UKS_CAP_NOPREEMPT) {
			*budget = p->caps[c].budget_ns;
			return true;
		}
	return false;
}

static int spawn_processes(struct sim_rt *rt)
{
	const struct uks_scenario *s = rt->s;
	size_t t = 0;
	rt_threads_tag(rt);
	for (size_t p = 0; p < s->nprocesses; p++) {
		const struct uks_process *up = &s->processes[p];
		struct rt_proc *rp = &rt->proc[p];
		rp->rt = rt;
		rp->index = (int)p;
		rp->first_thread = t;
		rp->kill_action = -1;
		for (size_t j = 0; j < up->nthreads; j++, t++) {
			struct rt_thread *c = &rt->thr[t];
			c->rt = rt;
			c->proc = (int)p;
			c->thread = (int)j;
			c->ut = &up->threads[j];
			char why[256];
			c->prog = rt_thread_program(s, rt->reg, c->ut, why, sizeof(why));
			if (!c->prog) {
				snprintf(rt->err, sizeof(rt->err), "%s:%u:%u: %s",
					 c->ut->program_pos.file, c->ut->program_pos.line,
					 c->ut->program_pos.col, why);
				return -1;
			}
		}
		uint32_t flags = proc_has_nopreempt(up, &rp->np_budget) ? UK_SPAWN_NOPREEMPT : 0;
		const struct uks_thread *t0 = &up->threads[0];
		struct uk_spawn sp = {
			.program = (unsigned)rt->tramp_prog,
			.arg = rt_thread_arg(&rt->thr[rp->first_thread]),
			.prio = t0->prio,
			.max_prio = 255,
			.affinity = cpu_mask(s, t0->affinity),
			.flags = flags,
			.name = up->name,
		};
		int rc = uk_kernel_spawn(rt->sm->k, &sp, &rp->first_tid);
		if (rc != 0) {
			snprintf(rt->err, sizeof(rt->err), "process '%s' could not be spawned: %s",
				 up->name, uk_err_name(rc));
			return -1;
		}
	}
	for (size_t i = 0; i < s->nactions; i++) {
		const struct uks_action *a = &s->actions[i];
		if (a->kind == UKS_ACT_KILL && rt->proc[a->target].kill_action < 0)
			rt->proc[a->target].kill_action = (int)i;
	}
	return 0;
}

static uint64_t max_nopreempt(const struct uks_scenario *s)
{
	uint64_t m = 0;
	for (size_t p = 0; p < s->nprocesses; p++)
		for (size_t c = 0; c < s->processes[p].ncaps; c++)
			if (s->processes[p].caps[c].kind == UKS_CAP_NOPREEMPT &&
			    s->processes[p].caps[c].budget_ns > m)
				m = s->processes[p].caps[c].budget_ns;
	return m;
}

/* The per-CPU controller is there when a device or a line block uses it
 * (other machines keep their controllers, and their traces, as they were). */
static bool uses_percpu(const struct uks_scenario *s)
{
	for (size_t i = 0; i < s->ndevices; i++)
		if (s->devices[i].line_kind == UKS_LINE_PERCPU)
			return true;
	for (size_t i = 0; i < s->nlines; i++)
		if (s->lines[i].kind == UKS_LINE_PERCPU)
			return true;
	return false;
}

static uint64_t stop_time(const struct uks_scenario *s, const struct sim_runtime_options *o)
{
	if (s->end_by_ns)
		return s->end_by_ns;
	uint64_t last = 0;
	for (size_t i = 0; i < s->nactions; i++)
		if (s->actions[i].latest > last)
			last = s->actions[i].latest;
	uint64_t quiet = o && o->quiet_ns ? o->quiet_ns : s->machine.ack_timeout_ns + 1000000000ull;
	return last + quiet;
}

/* The end of a table of `size` bytes placed at `off`, rounded up so the next
 * table is aligned for any of them. */
static size_t tables_add(size_t off, size_t size)
{
	return (off + size + 15) & ~(size_t)15;
}

static int alloc_run(struct sim_rt *rt)
{
	const struct uks_scenario *s = rt->s;
	for (size_t p = 0; p < s->nprocesses; p++)
		rt->nthr += s->processes[p].nthreads;
	/* The run's tables, sized by the scenario, in one zeroed block (a
	 * build is on the path of every schedule: one allocation, not ten). */
	size_t ndev = s->ndevices ? s->ndevices : 1, nproc = s->nprocesses ? s->nprocesses : 1;
	size_t nep = s->nendpoints ? s->nendpoints : 1;
	size_t off_proc = tables_add(0, ndev * sizeof(*rt->dev));
	size_t off_thr = tables_add(off_proc, nproc * sizeof(*rt->proc));
	size_t off_act = tables_add(off_thr, (rt->nthr ? rt->nthr : 1) * sizeof(*rt->thr));
	size_t off_ep = tables_add(off_act, (s->nactions ? s->nactions : 1) * sizeof(*rt->act));
	size_t off_handles = tables_add(off_ep, nep * sizeof(*rt->ep));
	size_t total = tables_add(off_handles, s->nprocesses * (nep + ndev) * sizeof(uint32_t));
	char *t = rt->tables = calloc(1, total);
	/* The IRQ log grows with the timeline; a full log is judged as L0
	 * (not judged), never as a crash. */
	size_t cap = 256 + 48 * s->nactions;
	if (cap > (1u << 20))
		cap = 1u << 20;
	rt->logbuf = malloc(cap * sizeof(*rt->logbuf));
	if (!t || !rt->logbuf)
		return -1;
	rt->dev = (void *)t;
	rt->proc = (void *)(t + off_proc);
	rt->thr = (void *)(t + off_thr);
	rt->act = (void *)(t + off_act);
	rt->ep = (void *)(t + off_ep);
	uk_irq_log_init(&rt->log, rt->logbuf, cap);
	uint32_t *h = (uint32_t *)(void *)(t + off_handles);
	for (size_t p = 0; p < s->nprocesses; p++) {
		rt->proc[p].ep_handle = h;
		rt->proc[p].dev_handle = h + nep;
		h += nep + ndev;
	}
	return alloc_pending(rt);
}

/* Device memory: each process with `caps mmio(D)` or `caps pci(D)` gets a
 * handle on D's register window (ukern/devmem.h), and nothing else does.
 * Programs find it in their argument block (sim_prog_device_map). */
static int devmem_setup(struct sim_rt *rt)
{
	const struct uks_scenario *s = rt->s;
	for (size_t p = 0; p < s->nprocesses; p++) {
		const struct uks_process *up = &s->processes[p];
		for (size_t c = 0; c < up->ncaps; c++) {
			const struct uks_cap *cap = &up->caps[c];
			if ((cap->kind != UKS_CAP_MMIO && cap->kind != UKS_CAP_PCI) || cap->ref < 0 ||
			    rt->proc[p].dev_handle[cap->ref])
				continue;
			const struct uks_device *d = &s->devices[cap->ref];
			const struct rt_dev *rd = &rt->dev[cap->ref];
			/* Configuration space comes with pci(D) only. */
			bool pci = false;
			for (size_t j = 0; j < up->ncaps; j++)
				pci |= up->caps[j].kind == UKS_CAP_PCI && up->caps[j].ref == cap->ref;
			uint32_t bdf = pci && d->pci
					       ? (uint32_t)(d->pci_bus << 8 | d->pci_dev << 3 | d->pci_fn)
					       : UK_DEVMEM_NO_PCI;
			int h = uk_kernel_devmem_create(rt->sm->k, rt->proc[p].first_tid, rd->mmio,
							rd->mmio_size, bdf,
							UK_RIGHT_READ | UK_RIGHT_WRITE | UK_RIGHT_MAP |
								UK_RIGHT_GRANT);
			if (h < 0) {
				snprintf(rt->err, sizeof(rt->err),
					 "device memory of '%s' for process '%s': %s", d->name, up->name,
					 uk_err_name(h));
				return -1;
			}
			rt->proc[p].dev_handle[cap->ref] = (uint32_t)h;
		}
	}
	return 0;
}

static int make_machine(struct sim_rt *rt, const struct sim_runtime_options *o,
			const struct sim_engine_config *ecfg, uint64_t seed)
{
	const struct uks_scenario *s = rt->s;
	struct uk_kernel_config kc;
	uk_kernel_config_default(&kc);
	kc.timeslice_ns = s->machine.timeslice_ns;
	kc.priority_inheritance = s->machine.priority_inheritance;
	kc.ipc_handoff = s->machine.ipc_handoff;
	kc.xfer = rt_xfer(rt, s->machine.transfer);
	kc.sched = sim_registry_policy(rt->reg, SIM_POLICY_SCHEDULER, s->machine.scheduler);
	uint64_t np = max_nopreempt(s);
	if (np > kc.nopreempt_max_ns)
		kc.nopreempt_max_ns = np;
	uint64_t window = ecfg && ecfg->race_window_ns ? ecfg->race_window_ns
			  : o && o->race_window_ns    ? o->race_window_ns
						      : SIM_RUNTIME_DEFAULT_WINDOW_NS;
	struct sim_machine_config mc = {
		.cpus = s->machine.cpus,
		.ram_bytes = s->machine.memory,
		.cost_preset = s->machine.cost,
		.plic_sources = s->machine.plic_sources,
		.percpu_lines = uses_percpu(s) ? UKS_PERCPU_LINES : 0,
		.msi_sources = s->machine.msi_sources,
		.seed = ecfg ? ecfg->seed : seed,
		.chooser = "time",
		.chooser_ops = ecfg ? ecfg->chooser : NULL,
		.chooser_state = ecfg ? ecfg->chooser_state : NULL,
		.stack_pool = ecfg ? ecfg->stack_pool : NULL,
		.ram_cache = ecfg ? ecfg->ram_cache : NULL,
		.race_window_ns = window,
		.step_bound = ecfg && ecfg->step_bound ? ecfg->step_bound : o ? o->step_bound : 0,
		.stop_time_ns = stop_time(s, o),
		.trace_limit = o ? o->trace_limit : 0,
		.record_decisions = ecfg && ecfg->record_decisions,
		.no_trace_hash = ecfg && ecfg->no_trace_hash,
		.kernel = &kc,
	};
	if (sim_machine_create(&mc, &rt->sm, rt->err, sizeof(rt->err)) != 0)
		return -1;
	rt->sm->waits_for_input = rt_waits_for_input;
	rt->sm->waits_ctx = rt;
	return 0;
}

static unsigned line_source(enum uks_line_kind kind)
{
	return kind == UKS_LINE_IOAPIC	 ? UK_IRQ_SRC_GSI
	       : kind == UKS_LINE_PERCPU ? UK_IRQ_SRC_PERCPU
	       : kind == UKS_LINE_MSI	 ? UK_IRQ_SRC_MSI
				       : UK_IRQ_SRC_PLIC;
}

/* The machine's IRQ model and each `line` block's model and behaviour, as
 * ops tables from the registry (sim_runtime_check admitted only known
 * names). What a behaviour asks of the hardware itself (a pending bit on a
 * masked pin) is set on the simulated controller here. */
static int irq_policies(struct sim_rt *rt)
{
	const struct uks_scenario *s = rt->s;
	struct uk_kernel *k = rt->sm->k;
	const struct uk_irq_model_ops *m =
		sim_registry_policy(rt->reg, SIM_POLICY_IRQ_MODEL, s->machine.irq_model);
	/* [0] [1] the Linux statistic, [2] seL4's unmask-at (ukern/models/sel4.h). */
	const uint64_t params[3] = {s->machine.linux_window, s->machine.linux_threshold,
				    s->machine.sel4_unmask_at};
	if (!m || uk_kernel_irq_set_model(k, m) != 0 || uk_kernel_irq_set_model_params(k, params, 3) ||
	    uk_kernel_irq_set_policy(k, s->machine.ack_timeout_ns, s->machine.nak_on_timeout) != 0)
		goto refused;
	for (size_t i = 0; i < s->nlines; i++) {
		const struct uks_line *l = &s->lines[i];
		const struct uk_irq_model_ops *lm =
			l->model ? sim_registry_policy(rt->reg, SIM_POLICY_IRQ_MODEL, l->model) : NULL;
		const struct uk_irq_behaviour *b =
			l->behaviour ? sim_registry_policy(rt->reg, SIM_POLICY_BEHAVIOUR, l->behaviour)
				     : NULL;
		if ((l->model && !lm) || (l->behaviour && !b) ||
		    uk_kernel_irq_set_line(k, line_source(l->kind), l->line, lm, b) != 0 ||
		    (l->wake && uk_kernel_irq_set_line_wake(k, line_source(l->kind), l->line, true)) ||
		    (b && (b->flags & UK_IRQ_BHV_LATCH_MASKED) &&
		     hw_intc_set_latch(rt->sm->hw, l->kind == UKS_LINE_IOAPIC ? HW_INTC_IOAPIC
					   : l->kind == UKS_LINE_MSI ? HW_INTC_MSI : HW_INTC_PLIC,
				       l->line, true) != 0)) {
			snprintf(rt->err, sizeof(rt->err),
				 "%s:%u:%u: error: the machine cannot give this line its settings",
				 l->pos.file, l->pos.line, l->pos.col);
			rt->bad_scenario = true;
			return -1;
		}
	}
	return 0;
refused:
	snprintf(rt->err, sizeof(rt->err), "the kernel's IRQ objects could not be set up");
	return -1;
}

int rt_build(struct sim_rt *rt, const struct uks_scenario *s, const struct sim_runtime_options *o,
	     const struct sim_engine_config *ecfg, uint64_t seed)
{
	rt->s = s;
	rt->reg = o ? o->registry : NULL;
	if (alloc_run(rt) != 0) {
		snprintf(rt->err, sizeof(rt->err), "out of memory");
		return -1;
	}
	if (make_machine(rt, o, ecfg, seed) != 0)
		return -1;
	struct uk_kernel *k = rt->sm->k;
	rt->tramp_prog = uk_kernel_register_program(k, RT_TRAMPOLINE_NAME, rt_thread_main);
	rt->reaper_prog = uk_kernel_register_program(k, "scenario-kill", rt_reaper_main);
	uk_kernel_set_platform(k, rt); /* how the trampolines and services find the run */
	if (rt->tramp_prog < 0 || rt->reaper_prog < 0) {
		snprintf(rt->err, sizeof(rt->err), "the kernel's program table is full");
		return -1;
	}
	if (uk_kernel_irq_set_log(k, &rt->log) != 0) {
		snprintf(rt->err, sizeof(rt->err), "the kernel's IRQ objects could not be set up");
		return -1;
	}
	if (irq_policies(rt) != 0)
		return -1;
	for (size_t i = 0; i < s->ndevices; i++)
		if (add_device(rt, i) != 0)
			return -1;
	if (spawn_processes(rt) != 0 || rt_ipc_setup(rt) != 0 || devmem_setup(rt) != 0 ||
	    rt_args_build(rt) != 0 || rt_watches_build(rt) != 0)
		return -1;
	return rt_timeline_arm(rt);
}

void rt_destroy(struct sim_rt *rt)
{
	if (rt->sm)
		sim_machine_destroy(rt->sm);
	for (size_t i = 0; rt->dev && rt->s && i < rt->s->ndevices; i++)
		free(rt->dev[i].clear_at);
	free(rt->tables); /* dev, proc, thr, act, ep and the handle arrays */
	free(rt->blocks);
	free(rt->logbuf);
	free(rt->pend_store);
	free(rt->watch);
}
