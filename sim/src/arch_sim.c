/* SPDX-License-Identifier: MIT */
/*
 * arch.h on the simulator: the kernel's hardware calls, implemented on the
 * engine (CPUs, fibers, time, decision points) and the machine model
 * (memory, MMU, LAPIC, interrupt controllers).
 *
 * Decision points are where arch.h says: lock and atomic operations, user
 * memory accesses, enabling interrupts with one pending, halts and explicit
 * yield points. Everything else runs atomically on the current CPU.
 */
#include <hwmodel/pci.h>
#include <sim/machine.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ukern/arch.h>

struct uk_arch_thread {
	struct sim_fiber fiber;
	struct uk_arch *a;
	void (*entry)(void *arg);
	void *arg;
	char name[32];
	struct uk_arch_thread *prev, *next; /* all live threads, for cleanup */
};

struct uk_arch {
	struct sim_engine *e;
	struct hw_machine *hw;
	const struct hw_cost_preset *cost;
	/* A unit of cost k is ns_per_unit[k] ns and ps_per_unit[k] ps more;
	 * the sub-ns parts add up per CPU in ps_carry. */
	uint64_t ns_per_unit[UK_COST_COUNT], ps_per_unit[UK_COST_COUNT];
	uint64_t ps_carry[SIM_MAX_CPUS];
	uk_arch_interrupt_fn irq_fn;
	void *irq_ctx;
	bool running;
	/* Spin loops (uk_arch_spin_pause): writes through the atomics and
	 * spin locks so far; per CPU, the count at the first atomic read of
	 * the current turn (valid while its bit is in spin_open). */
	uint64_t writes;
	uint64_t spin_open;
	uint64_t spin_mark[SIM_MAX_CPUS];
	void (*boot)(void *ctx);
	void *boot_ctx;
	struct uk_arch_thread *threads; /* created by the kernel, not destroyed yet */
	/* One per CPU of the machine (not SIM_MAX_CPUS: every run allocates
	 * and clears this structure). */
	struct uk_arch_thread boot_thread[];
};

/* ------------------------------------------------------------------------ */
/* Host callbacks of the machine model                                      */
/* ------------------------------------------------------------------------ */

static void host_trace(void *ctx, uint64_t time_ns, unsigned cpu, uint16_t kind, uint64_t a,
		       uint64_t b, uint64_t c)
{
	struct sim_engine *e = ctx;
	sim_trace_emit(&e->trace, time_ns, cpu == HW_CPU_NONE ? 0xffff : cpu, kind, a, b, c);
}

static void host_cpu_interrupt(void *ctx, unsigned cpu)
{
	sim_cpu_irq_raise(ctx, cpu);
}

struct hw_host sim_arch_hw_host(struct sim_engine *e)
{
	return (struct hw_host){.ctx = e, .trace = host_trace, .cpu_interrupt = host_cpu_interrupt};
}

/* ------------------------------------------------------------------------ */
/* Engine client: taking interrupts, describing blocked threads             */
/* ------------------------------------------------------------------------ */

static void client_interrupt(void *ctx, struct sim_engine *e, unsigned cpu)
{
	struct uk_arch *a = ctx;
	uint64_t now = sim_now(e);
	unsigned vector = hw_lapic_accept(a->hw, cpu, now);
	/* More may be deliverable once this one is in service (a higher
	 * class); otherwise the CPU has nothing pending until an EOI or a new
	 * message says so. */
	if (hw_lapic_next_vector(a->hw, cpu) == HW_VEC_NONE)
		sim_cpu_irq_clear(e, cpu);
	uk_arch_charge(a, UK_COST_IRQ_ENTRY, 1);
	if (vector == UK_VEC_SPURIOUS || !a->irq_fn)
		return;
	a->irq_fn(a->irq_ctx, vector);
}

struct describe_ctx {
	const struct sim_machine *sm;
	char *out;
	size_t len, used;
	unsigned counted;
};

static const char *wait_kind_name(enum uk_wait_kind k)
{
	switch (k) {
	case UK_WAIT_MUTEX: return "mutex";
	case UK_WAIT_FUTEX: return "futex at";
	case UK_WAIT_JOIN: return "the exit of thread";
	case UK_WAIT_OTHER: return "kernel object";
	default: return "?";
	}
}

static void describe_one(void *ctx, const struct uk_thread_info *t)
{
	struct describe_ctx *d = ctx;
	if (!d->out) {
		/* Counting: threads that wait for input are no deadlock. */
		if (!d->sm->waits_for_input || !d->sm->waits_for_input(d->sm->waits_ctx, t->tid))
			d->counted++;
		return;
	}
	d->counted++;
	if (d->used >= d->len)
		return;
	int n;
	if (t->wait_kind == UK_WAIT_MUTEX)
		n = snprintf(d->out + d->used, d->len - d->used,
			     "  thread %s (tid %llu, prio %u) waits on mutex %llu held by thread %llu\n",
			     t->name ? t->name : "?", (unsigned long long)t->tid, t->eff_prio,
			     (unsigned long long)t->wait_object, (unsigned long long)t->wait_owner);
	else
		n = snprintf(d->out + d->used, d->len - d->used,
			     "  thread %s (tid %llu, prio %u) waits on %s 0x%llx\n",
			     t->name ? t->name : "?", (unsigned long long)t->tid, t->eff_prio,
			     wait_kind_name(t->wait_kind), (unsigned long long)t->wait_object);
	if (n > 0)
		d->used += (size_t)n;
}

static unsigned client_describe_blocked(void *ctx, struct sim_engine *e, char *out, size_t outlen)
{
	struct sim_machine *sm = ctx;
	(void)e;
	if (!sm->k)
		return 0;
	struct describe_ctx d = {sm, out, outlen, 0, 0};
	uk_kernel_describe_blocked(sm->k, describe_one, &d);
	return d.counted;
}

static void client_interrupt_sm(void *ctx, struct sim_engine *e, unsigned cpu)
{
	struct sim_machine *sm = ctx;
	client_interrupt(sm->arch, e, cpu);
}

static const struct sim_client_ops machine_client = {
	.interrupt = client_interrupt_sm,
	.describe_blocked = client_describe_blocked,
};

/* ------------------------------------------------------------------------ */
/* Creation and boot                                                        */
/* ------------------------------------------------------------------------ */

static const enum hw_cost cost_map[UK_COST_COUNT] = {
	[UK_COST_SYSCALL] = HW_COST_SYSCALL,
	[UK_COST_CTX_SWITCH] = HW_COST_CTX_SWITCH,
	[UK_COST_KERNEL_OP] = HW_COST_KERNEL_OP,
	[UK_COST_PAGE_WALK_STEP] = HW_COST_PAGE_WALK_STEP,
	[UK_COST_TLB_INVALIDATE] = HW_COST_TLB_INVALIDATE,
	[UK_COST_COPY_BYTE] = HW_COST_COPY_BYTE,
	[UK_COST_IPI] = HW_COST_IPI,
	[UK_COST_IRQ_ENTRY] = HW_COST_IRQ_ENTRY,
	[UK_COST_DEVICE_ACCESS] = HW_COST_DEVICE_ACCESS,
};

struct uk_arch *sim_arch_create(struct sim_engine *e, struct hw_machine *hw)
{
	struct uk_arch *a = calloc(1, sizeof(*a) + e->ncpus * sizeof(a->boot_thread[0]));
	if (!a)
		return NULL;
	a->e = e;
	a->hw = hw;
	a->cost = hw_machine_cost(hw);
	e->sync_tracked = true;
	for (unsigned k = 0; k < UK_COST_COUNT; k++) {
		uint64_t ps = k == UK_COST_USER_NS ? 1000 : a->cost->ps[cost_map[k]];
		a->ns_per_unit[k] = ps / 1000;
		a->ps_per_unit[k] = ps % 1000;
	}
	return a;
}

void sim_arch_destroy(struct uk_arch *a)
{
	if (!a)
		return;
	/* The kernel's memory dies with the machine; free the host side of
	 * the threads it still had. */
	while (a->threads)
		uk_arch_thread_destroy(a, a->threads);
	for (unsigned c = 0; c < a->e->ncpus; c++)
		if (a->boot_thread[c].a)
			sim_engine_fiber_fini(a->e, &a->boot_thread[c].fiber);
	free(a);
}

void sim_arch_set_running(struct uk_arch *a, bool running)
{
	a->running = running;
}

static void thread_main(void *arg)
{
	struct uk_arch_thread *t = arg;
	t->entry(t->arg);
	uk_arch_fatal(t->a, "a thread's entry function returned");
}

static void boot_main(void *arg)
{
	struct uk_arch *a = arg;
	a->boot(a->boot_ctx);
	uk_arch_fatal(a, "a CPU's boot function returned");
}

int sim_arch_boot(struct uk_arch *a, void (*boot)(void *ctx), void *ctx)
{
	a->boot = boot;
	a->boot_ctx = ctx;
	for (unsigned c = 0; c < a->e->ncpus; c++) {
		struct uk_arch_thread *t = &a->boot_thread[c];
		t->a = a;
		/* "bootN" (every run: no printf) */
		char *p = t->name;
		memcpy(p, "boot", 4);
		p += 4;
		if (c >= 10)
			*p++ = (char)('0' + c / 10);
		*p++ = (char)('0' + c % 10);
		*p = '\0';
		if (sim_engine_fiber_init(a->e, &t->fiber, boot_main, a, t->name) != 0)
			return -1;
		sim_cpu_start(a->e, c, &t->fiber);
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* arch.h                                                                   */
/* ------------------------------------------------------------------------ */

static inline void decide(struct uk_arch *a)
{
	if (a->running)
		sim_decide(a->e);
}

/* An atomic operation costs time like any other kernel work. Without the
 * charge a CPU spinning on a word would spin at a fixed virtual time, and
 * the holder, never earlier than the spinner, would never run. */
static inline void atomic_point(struct uk_arch *a)
{
	uk_arch_charge(a, UK_COST_KERNEL_OP, 1);
	decide(a);
}

unsigned uk_arch_cpu_count(struct uk_arch *a)
{
	return a->e->ncpus;
}

unsigned uk_arch_cpu_id(struct uk_arch *a)
{
	return sim_current_cpu(a->e);
}

bool uk_arch_irq_save(struct uk_arch *a)
{
	struct sim_cpu *c = &a->e->cpu[a->e->cur];
	bool was = c->irq_enabled;
	if (was)
		sim_cpu_irq_enable(a->e, false);
	return was;
}

void uk_arch_irq_restore(struct uk_arch *a, bool enabled)
{
	if (!a->running) {
		a->e->cpu[a->e->cur].irq_enabled = enabled;
		return;
	}
	sim_cpu_irq_enable(a->e, enabled);
}

bool uk_arch_irq_enabled(struct uk_arch *a)
{
	return a->e->cpu[a->e->cur].irq_enabled;
}

void uk_arch_halt(struct uk_arch *a)
{
	sim_cpu_halt(a->e);
}

void uk_arch_yield_point(struct uk_arch *a)
{
	decide(a);
}

/* Shared memory written: a CPU spinning on it may see something new. */
static inline void wrote(struct uk_arch *a)
{
	a->writes++;
	if (a->running)
		sim_cpu_wrote(a->e);
}

/* An atomic read: the first of a spin loop's turn marks what was written
 * so far. */
static inline void read_mark(struct uk_arch *a)
{
	unsigned cpu = sim_current_cpu(a->e);
	if (!((a->spin_open >> cpu) & 1)) {
		a->spin_open |= 1ull << cpu;
		a->spin_mark[cpu] = a->writes;
	}
}

void uk_arch_spin_pause(struct uk_arch *a)
{
	unsigned cpu = sim_current_cpu(a->e);
	bool unchanged = ((a->spin_open >> cpu) & 1) && a->spin_mark[cpu] == a->writes;
	a->spin_open &= ~(1ull << cpu);
	if (unchanged && a->running)
		sim_cpu_park(a->e);
}

void uk_arch_spin_lock(struct uk_arch *a, uk_spinlock_t *l)
{
	decide(a);
	while (l->locked) {
		/* Spinning costs time, so the holder (earlier in virtual time)
		 * gets to run and release it; nothing was written since the
		 * look, so wait for the next write (the unlock, or another). */
		uk_arch_charge(a, UK_COST_KERNEL_OP, 1);
		if (!a->running)
			uk_arch_fatal(a, "spinlock held before the run started");
		sim_cpu_park(a->e);
	}
	l->locked = 1;
	l->owner_cpu = sim_current_cpu(a->e);
}

void uk_arch_spin_unlock(struct uk_arch *a, uk_spinlock_t *l)
{
	l->locked = 0;
	wrote(a);
	decide(a);
}

uint64_t uk_arch_atomic_load(struct uk_arch *a, const volatile uint64_t *p)
{
	atomic_point(a);
	read_mark(a);
	return *p;
}

void uk_arch_atomic_store(struct uk_arch *a, volatile uint64_t *p, uint64_t v)
{
	atomic_point(a);
	*p = v;
	wrote(a);
}

uint64_t uk_arch_atomic_fetch_add(struct uk_arch *a, volatile uint64_t *p, uint64_t v)
{
	atomic_point(a);
	read_mark(a);
	uint64_t old = *p;
	*p = old + v;
	wrote(a);
	return old;
}

bool uk_arch_atomic_cas(struct uk_arch *a, volatile uint64_t *p, uint64_t *expected,
			uint64_t desired)
{
	atomic_point(a);
	read_mark(a);
	if (*p == *expected) {
		*p = desired;
		wrote(a);
		return true;
	}
	*expected = *p;
	return false;
}

int uk_arch_thread_create(struct uk_arch *a, void (*entry)(void *arg), void *arg,
			  const char *name, struct uk_arch_thread **out)
{
	struct uk_arch_thread *t = calloc(1, sizeof(*t));
	if (!t)
		return UK_ENOMEM;
	t->a = a;
	t->entry = entry;
	t->arg = arg;
	const char *nm = name ? name : "thread";
	size_t n = strnlen(nm, sizeof(t->name) - 1); /* every thread: no printf */
	memcpy(t->name, nm, n);
	t->name[n] = '\0';
	if (sim_engine_fiber_init(a->e, &t->fiber, thread_main, t, t->name) != 0) {
		free(t);
		return UK_ENOMEM;
	}
	t->next = a->threads;
	if (a->threads)
		a->threads->prev = t;
	a->threads = t;
	*out = t;
	return 0;
}

void uk_arch_thread_destroy(struct uk_arch *a, struct uk_arch_thread *t)
{
	if (!t)
		return;
	if (a->running && a->e->cur_fiber == &t->fiber)
		uk_arch_fatal(a, "destroying the running thread");
	if (t->prev)
		t->prev->next = t->next;
	else
		a->threads = t->next;
	if (t->next)
		t->next->prev = t->prev;
	sim_engine_fiber_fini(a->e, &t->fiber);
	free(t);
}

struct uk_arch_thread *uk_arch_boot_thread(struct uk_arch *a)
{
	return &a->boot_thread[sim_current_cpu(a->e)];
}

void uk_arch_thread_switch(struct uk_arch *a, struct uk_arch_thread *from, struct uk_arch_thread *to)
{
	if (a->e->cur_fiber != &from->fiber)
		uk_arch_fatal(a, "thread switch from a context that is not running");
	sim_cpu_switch_fiber(a->e, &to->fiber);
}

bool uk_arch_mem_region(struct uk_arch *a, unsigned index, uk_paddr_t *base, uint64_t *size)
{
	return hw_mem_region(a->hw, index, base, size);
}

void *uk_arch_phys_ptr(struct uk_arch *a, uk_paddr_t pa, size_t len)
{
	return hw_mem_ptr(a->hw, pa, len);
}

void uk_arch_frame_zero(struct uk_arch *a, uk_paddr_t pa)
{
	if (hw_mem_frame_clear(a->hw, pa))
		return;
	void *p = hw_mem_ptr(a->hw, pa, UK_PAGE_SIZE);
	if (p)
		memset(p, 0, UK_PAGE_SIZE);
}

void uk_arch_set_root(struct uk_arch *a, uk_paddr_t root, uint16_t pcid, bool flush)
{
	hw_mmu_load_root(a->hw, sim_current_cpu(a->e), sim_now(a->e), root, pcid, flush);
}

void uk_arch_tlb_flush_page(struct uk_arch *a, uint16_t pcid, uk_vaddr_t va)
{
	unsigned cpu = sim_current_cpu(a->e);
	uint64_t now = sim_now(a->e);
	if ((hw_mmu_read_cr3(a->hw, cpu) & HW_CR3_PCID_MASK) == pcid)
		hw_tlb_invlpg(a->hw, cpu, now, va);
	else
		hw_tlb_invpcid(a->hw, cpu, now, HW_INVPCID_ADDR, pcid, va);
	uk_arch_charge(a, UK_COST_TLB_INVALIDATE, 1);
}

void uk_arch_tlb_flush_pcid(struct uk_arch *a, uint16_t pcid)
{
	hw_tlb_invpcid(a->hw, sim_current_cpu(a->e), sim_now(a->e), HW_INVPCID_SINGLE, pcid, 0);
	uk_arch_charge(a, UK_COST_TLB_INVALIDATE, 1);
}

void uk_arch_tlb_flush_all(struct uk_arch *a, bool global)
{
	hw_tlb_invpcid(a->hw, sim_current_cpu(a->e), sim_now(a->e),
		       global ? HW_INVPCID_ALL_GLOBAL : HW_INVPCID_ALL, 0, 0);
	uk_arch_charge(a, UK_COST_TLB_INVALIDATE, 1);
}

/* A register access through an uncached user mapping of device memory: one
 * naturally aligned load or store of 1, 2, 4 or 8 bytes, as the CPU would
 * issue it, goes to the device model. Anything else there (a wider copy, an
 * unaligned access, an address no device decodes) faults, as a bus error
 * would. */
static int mmio_check(uk_paddr_t pa, unsigned size);

static int user_mmio(struct uk_arch *a, unsigned cpu, const struct hw_xlate *x, uk_vaddr_t va,
		     char *k, size_t len, bool to_user, struct uk_fault *fault)
{
	int rc = HW_EINVAL;
	if (len && mmio_check(x->pa, (unsigned)len) == 0) {
		uk_arch_charge(a, UK_COST_DEVICE_ACCESS, 1);
		uint64_t v = 0;
		if (to_user) {
			memcpy(&v, k, len);
			rc = hw_mmio_write(a->hw, cpu, sim_now(a->e), x->pa, (unsigned)len, v);
		} else {
			rc = hw_mmio_read(a->hw, cpu, sim_now(a->e), x->pa, (unsigned)len, &v);
			if (rc == 0)
				memcpy(k, &v, len);
		}
	}
	if (rc == 0)
		return 0;
	if (fault) {
		fault->addr = va;
		fault->code = UK_PF_P | UK_PF_U | (to_user ? UK_PF_W : 0);
	}
	return UK_EFAULT;
}

/* Copy between a kernel buffer and user virtual memory, a page at a time,
 * through the current CPU's MMU with user-mode permissions. */
static int user_copy(struct uk_arch *a, uk_vaddr_t va, void *kbuf, size_t len, bool to_user,
		     struct uk_fault *fault)
{
	unsigned cpu = sim_current_cpu(a->e);
	unsigned access = HW_ACC_USER | (to_user ? HW_ACC_WRITE : 0);
	char *k = kbuf;
	decide(a);
	while (len > 0) {
		struct hw_xlate x;
		int rc = hw_mmu_translate(a->hw, cpu, va, access, &x);
		if (x.steps)
			uk_arch_charge(a, UK_COST_PAGE_WALK_STEP, x.steps);
		if (rc != 0) {
			if (fault) {
				fault->addr = va;
				fault->code = rc == HW_EFAULT ? x.fault : (UK_PF_U | (to_user ? UK_PF_W : 0));
			}
			return UK_EFAULT;
		}
		uint64_t page = 1ull << x.page_shift;
		size_t chunk = (size_t)(page - (va & (page - 1)));
		if (chunk > len)
			chunk = len;
		/* Uncached user pages are device memory (the kernel maps nothing
		 * else so): a register access, or a fault. */
		if (x.uncached)
			return user_mmio(a, cpu, &x, va, k, chunk == len ? len : 0, to_user, fault);
		/* A read marks nothing written (the scrub then has less to look at). */
		const void *host = to_user ? hw_mem_ptr(a->hw, x.pa, chunk)
					   : hw_mem_ptr_read(a->hw, x.pa, chunk);
		if (!host) {
			/* Mapped to something that is not RAM. */
			if (fault) {
				fault->addr = va;
				fault->code = UK_PF_P | UK_PF_U | (to_user ? UK_PF_W : 0);
			}
			return UK_EFAULT;
		}
		/* memmove: the kernel buffer may be user memory of the same
		 * frames, reached through the direct map (a grant over the
		 * caller's own buffer, copied onto an overlapping range). */
		if (to_user)
			memmove((void *)host, k, chunk);
		else
			memmove(k, host, chunk);
		uk_arch_charge(a, UK_COST_COPY_BYTE, chunk);
		va += chunk;
		k += chunk;
		len -= chunk;
	}
	return 0;
}

int uk_arch_copy_from_user(struct uk_arch *a, void *dst, uk_vaddr_t src, size_t len,
			   struct uk_fault *fault)
{
	return user_copy(a, src, dst, len, false, fault);
}

int uk_arch_copy_to_user(struct uk_arch *a, uk_vaddr_t dst, const void *src, size_t len,
			 struct uk_fault *fault)
{
	return user_copy(a, dst, (void *)src, len, true, fault);
}

uint64_t uk_arch_now(struct uk_arch *a)
{
	return sim_now(a->e);
}

void uk_arch_timer_arm(struct uk_arch *a, uint64_t deadline_ns)
{
	hw_lapic_timer_deadline(a->hw, sim_current_cpu(a->e), sim_now(a->e), UK_VEC_TIMER,
				deadline_ns);
}

void uk_arch_timer_disarm(struct uk_arch *a)
{
	hw_lapic_timer_stop(a->hw, sim_current_cpu(a->e), sim_now(a->e));
}

void uk_arch_set_interrupt_handler(struct uk_arch *a, uk_arch_interrupt_fn fn, void *ctx)
{
	a->irq_fn = fn;
	a->irq_ctx = ctx;
}

void uk_arch_ipi_send(struct uk_arch *a, unsigned cpu, unsigned vector)
{
	uk_arch_charge(a, UK_COST_IPI, 1);
	hw_lapic_send_ipi(a->hw, sim_current_cpu(a->e), sim_now(a->e), HW_IPI_DEST, cpu, vector);
}

void uk_arch_ipi_broadcast(struct uk_arch *a, unsigned vector)
{
	uk_arch_charge(a, UK_COST_IPI, 1);
	hw_lapic_send_ipi(a->hw, sim_current_cpu(a->e), sim_now(a->e), HW_IPI_ALL_BUT_SELF, 0, vector);
}

void uk_arch_eoi(struct uk_arch *a)
{
	unsigned cpu = sim_current_cpu(a->e);
	hw_lapic_eoi(a->hw, cpu, sim_now(a->e));
	/* With the in-service vector gone, a lower class may be deliverable. */
	if (hw_lapic_next_vector(a->hw, cpu) != HW_VEC_NONE)
		sim_cpu_irq_raise(a->e, cpu);
}

int uk_arch_intc_info(struct uk_arch *a, unsigned ctrl, struct uk_intc_info *info)
{
	struct hw_intc_info hi;
	if (hw_intc_info(a->hw, ctrl, &hi) != 0)
		return UK_ENOENT;
	info->kind = (enum uk_intc_kind)hi.kind;
	info->pins = hi.pins;
	info->strategy = hi.strategy;
	return 0;
}

int uk_arch_intc_route(struct uk_arch *a, unsigned ctrl, unsigned pin, unsigned vector,
		       unsigned cpu, enum uk_trigger trig, enum uk_polarity pol)
{
	if (vector < UK_VEC_FIRST_DEVICE || vector > UK_VEC_LAST_DEVICE)
		return UK_EINVAL;
	int rc = hw_intc_route(a->hw, ctrl, pin, vector, cpu, (enum hw_trigger)trig,
			       (enum hw_polarity)pol, sim_now(a->e));
	return rc == 0 ? 0 : rc == HW_ENOENT ? UK_ENOENT : UK_EINVAL;
}

int uk_arch_intc_mask(struct uk_arch *a, unsigned ctrl, unsigned pin, bool masked)
{
	uk_arch_charge(a, UK_COST_DEVICE_ACCESS, 1);
	int rc = hw_intc_mask(a->hw, ctrl, pin, masked, sim_now(a->e));
	return rc == 0 ? 0 : rc == HW_ENOENT ? UK_ENOENT : UK_EINVAL;
}

int uk_arch_intc_eoi(struct uk_arch *a, unsigned ctrl, unsigned pin)
{
	uk_arch_charge(a, UK_COST_DEVICE_ACCESS, 1);
	int rc = hw_intc_eoi(a->hw, ctrl, pin, sim_now(a->e));
	return rc == 0 ? 0 : rc == HW_ENOENT ? UK_ENOENT : UK_EINVAL;
}

int uk_arch_intc_claim(struct uk_arch *a, unsigned ctrl)
{
	uk_arch_charge(a, UK_COST_DEVICE_ACCESS, 1);
	int rc = hw_intc_claim(a->hw, ctrl, sim_current_cpu(a->e), sim_now(a->e));
	if (rc >= 0)
		return rc;
	return rc == HW_EAGAIN ? UK_EAGAIN : rc == HW_ENOENT ? UK_ENOENT : UK_EINVAL;
}

bool uk_arch_intc_line(struct uk_arch *a, unsigned ctrl, unsigned pin)
{
	return hw_intc_line(a->hw, ctrl, pin);
}

bool uk_arch_intc_masked(struct uk_arch *a, unsigned ctrl, unsigned pin)
{
	return hw_intc_masked(a->hw, ctrl, pin);
}

static int mmio_check(uk_paddr_t pa, unsigned size)
{
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return UK_EINVAL;
	return (pa & (size - 1)) ? UK_EINVAL : 0;
}

int uk_arch_mmio_read(struct uk_arch *a, uk_paddr_t pa, unsigned size, uint64_t *val)
{
	int rc = mmio_check(pa, size);
	*val = ~0ull;
	if (rc < 0)
		return rc;
	decide(a);
	uk_arch_charge(a, UK_COST_DEVICE_ACCESS, 1);
	rc = hw_mmio_read(a->hw, sim_current_cpu(a->e), sim_now(a->e), pa, size, val);
	return rc == 0 ? 0 : rc == HW_ENOENT ? UK_ENOENT : UK_EINVAL;
}

int uk_arch_mmio_write(struct uk_arch *a, uk_paddr_t pa, unsigned size, uint64_t val)
{
	int rc = mmio_check(pa, size);
	if (rc < 0)
		return rc;
	decide(a);
	uk_arch_charge(a, UK_COST_DEVICE_ACCESS, 1);
	rc = hw_mmio_write(a->hw, sim_current_cpu(a->e), sim_now(a->e), pa, size, val);
	return rc == 0 ? 0 : rc == HW_ENOENT ? UK_ENOENT : UK_EINVAL;
}

bool uk_arch_mmio_grantable(struct uk_arch *a, uk_paddr_t pa, uint64_t size)
{
	return hw_mmio_grantable(a->hw, pa, size);
}

int uk_arch_pci_cfg_read(struct uk_arch *a, uint32_t bdf, unsigned off, unsigned size,
			 uint32_t *val)
{
	*val = 0xffffffffu;
	decide(a);
	uk_arch_charge(a, UK_COST_DEVICE_ACCESS, 1);
	int rc = hw_pci_cfg_read(a->hw, (bdf >> 8) & 0xff, (bdf >> 3) & 31, bdf & 7, off, size, val);
	return rc == 0 ? 0 : UK_EINVAL;
}

int uk_arch_pci_cfg_write(struct uk_arch *a, uint32_t bdf, unsigned off, unsigned size,
			  uint32_t val)
{
	decide(a);
	uk_arch_charge(a, UK_COST_DEVICE_ACCESS, 1);
	int rc = hw_pci_cfg_write(a->hw, sim_now(a->e), (bdf >> 8) & 0xff, (bdf >> 3) & 31,
				  bdf & 7, off, size, val);
	return rc == 0 ? 0 : UK_EINVAL;
}

void uk_arch_charge(struct uk_arch *a, enum uk_cost what, uint64_t units)
{
	if ((unsigned)what >= UK_COST_COUNT)
		return;
	uint64_t ns = a->ns_per_unit[what] * units;
	if (a->ps_per_unit[what]) {
		unsigned cpu = sim_current_cpu(a->e);
		uint64_t ps = a->ps_carry[cpu] + a->ps_per_unit[what] * units;
		a->ps_carry[cpu] = ps % 1000;
		ns += ps / 1000;
	}
	sim_charge(a->e, ns);
}

/* The kernel events that make the next choice one that matters to PCT:
 * IRQ transitions, IPC, and threads blocking (on a mutex, an IRQ, an
 * endpoint ...), waking or boosted by priority inheritance. */
static bool sync_kind(uint16_t kind)
{
	return (kind >= UK_TRACE_IRQ_BASE && kind < UK_TRACE_IPC_BASE + 0x100u) ||
	       kind == UK_TRACE_CORE_BLOCK || kind == UK_TRACE_CORE_WAKE ||
	       kind == UK_TRACE_CORE_PI_BOOST;
}

void uk_arch_trace(struct uk_arch *a, uint16_t kind, uint64_t a0, uint64_t a1, uint64_t a2)
{
	a->e->sync_events += sync_kind(kind);
	sim_trace(a->e, kind, a0, a1, a2);
}

_Noreturn void uk_arch_fatal(struct uk_arch *a, const char *what)
{
	if (!a->running) {
		fprintf(stderr, "uksim: internal error outside the run: kernel: %s\n", what);
		abort();
	}
	sim_engine_stop(a->e, SIM_ERROR, "kernel invariant broken on CPU %u at %llu ns: %s",
			sim_current_cpu(a->e), (unsigned long long)sim_now(a->e), what);
}

/* ------------------------------------------------------------------------ */
/* The machine                                                              */
/* ------------------------------------------------------------------------ */

static void cpu_boot(void *ctx)
{
	struct sim_machine *sm = ctx;
	uk_kernel_cpu_main(sm->k);
}

int sim_machine_create(const struct sim_machine_config *cfg, struct sim_machine **out, char *err,
		       size_t errlen)
{
	*out = NULL;
	const struct sim_chooser_ops *ch =
		cfg->chooser_ops ? cfg->chooser_ops : sim_chooser_find(cfg->chooser ? cfg->chooser : "time");
	if (!ch) {
		snprintf(err, errlen, "unknown chooser '%s' (known: time, random)", cfg->chooser);
		return -1;
	}
	struct sim_machine *sm = calloc(1, sizeof(*sm));
	if (!sm) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	struct sim_engine_config ec = {
		.cpus = cfg->cpus ? cfg->cpus : 1,
		.seed = cfg->seed,
		.chooser = ch,
		.race_window_ns = cfg->race_window_ns,
		.step_bound = cfg->step_bound,
		.stop_time_ns = cfg->stop_time_ns,
		.trace_limit = cfg->trace_limit,
		.record_decisions = cfg->record_decisions,
		.no_trace_hash = cfg->no_trace_hash,
		.chooser_state = cfg->chooser_state,
		.stack_pool = cfg->stack_pool,
	};
	sm->e = sim_engine_create(&ec, err, errlen);
	if (!sm->e)
		goto fail;
	struct hw_machine_config hc = {
		.ncpus = ec.cpus,
		.ram_bytes = cfg->ram_bytes ? cfg->ram_bytes : 64ull << 20,
		.ram_cache = cfg->ram_cache,
		.tlb_entries = cfg->tlb_entries,
		.cost_preset = cfg->cost_preset,
		.evq = &sm->e->evq,
		.host = sim_arch_hw_host(sm->e),
		.plic_sources = cfg->plic_sources,
		.percpu_lines = cfg->percpu_lines,
		.msi_sources = cfg->msi_sources,
		.irq_msg_ns = -1,
	};
	if (hw_machine_create(&hc, &sm->hw, err, errlen) != 0)
		goto fail;
	sm->arch = sim_arch_create(sm->e, sm->hw);
	if (!sm->arch) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	int rc = uk_kernel_create(sm->arch, cfg->kernel, &sm->k);
	if (rc != 0) {
		snprintf(err, errlen, "the kernel did not boot: %s", uk_err_name(rc));
		goto fail;
	}
	sim_engine_set_client(sm->e, &machine_client, sm);
	if (sim_arch_boot(sm->arch, cpu_boot, sm) != 0) {
		snprintf(err, errlen, "out of memory for CPU boot stacks");
		goto fail;
	}
	*out = sm;
	return 0;
fail:
	sim_machine_destroy(sm);
	return -1;
}

enum sim_result sim_machine_run(struct sim_machine *sm)
{
	sim_arch_set_running(sm->arch, true);
	enum sim_result r = sim_engine_run(sm->e);
	sim_arch_set_running(sm->arch, false);
	return r;
}

void sim_machine_destroy(struct sim_machine *sm)
{
	if (!sm)
		return;
	sim_arch_destroy(sm->arch);
	if (sm->hw)
		hw_machine_destroy(sm->hw);
	sim_engine_destroy(sm->e);
	free(sm);
}
