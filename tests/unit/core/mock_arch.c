/* SPDX-License-Identifier: MIT */
/* mock_arch.c: the mocked arch.h of the core's unit tests (see mock_arch.h). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#include <cmocka.h>

#include "mock_arch.h"

#define MOCK_STACK (128 * 1024)
#define PEND_RESCHED 1u
#define PEND_CALL 2u
#define PEND_TLB 4u
#define PEND_DEVICE 8u

struct uk_arch_thread {
	ucontext_t uc;
	void (*entry)(void *);
	void *arg;
	char *stack;
	bool is_boot;
	struct uk_arch_thread *next_live; /* all contexts not destroyed, freed by mock_destroy */
};

struct uk_arch {
	unsigned ncpus, cur;
	uint8_t *ram;
	uint64_t ram_size;
	bool irq_on[UK_MAX_CPUS];
	uint64_t now[UK_MAX_CPUS];
	uint64_t timer[UK_MAX_CPUS]; /* 0: disarmed */
	unsigned nregions;           /* RAM reported as this many regions (0: one) */
	uint64_t phys_ptr_calls;     /* direct-map look-ups (each PTE a walk reads is one) */
	void (*cas_hook)(void);      /* run once before the next compare-and-swap */
	void (*pause_hook)(void);    /* run at every uk_arch_spin_pause */
	uint64_t spin_pauses;
	uint64_t yield_points;       /* uk_arch_yield_point calls (decision points) */
	const uint64_t *region_sizes; /* their sizes, adjacent from the base (NULL: equal) */
	uint64_t pending[UK_MAX_CPUS];
	unsigned device_vector[UK_MAX_CPUS];
	uk_paddr_t root[UK_MAX_CPUS];
	unsigned root_loads[UK_MAX_CPUS];
	unsigned fail_thread_creates;
	uint16_t pcid[UK_MAX_CPUS];
	struct uk_arch_thread boot[UK_MAX_CPUS];
	bool boot_started[UK_MAX_CPUS];
	uk_arch_interrupt_fn handler;
	void *hctx;
	struct uk_kernel *k;
	ucontext_t harness;
	struct uk_arch_thread *starting;
	struct uk_arch_thread *live;
	void (*ipi_hook)(unsigned to, unsigned vector);
	bool sync_tlb;
	struct mock_ipi ipis[MOCK_LOG_MAX];
	unsigned nipis;
	struct mock_flush flushes[MOCK_LOG_MAX];
	unsigned nflushes;
	uint64_t traces[0x400];
	uint64_t trace_last[0x400][3]; /* the arguments of each kind's last record */
	struct mock_trace trace_ring[64];  /* the last records of every kind */
	unsigned ntrace;
	/* The optional MSI controller (mock_enable_msi): ctrl 0, its pins'
	 * routed vectors (0: not routed). */
	unsigned msi_pins;
	unsigned msi_vector[MOCK_MSI_MAX];
};

static struct uk_arch mock;

struct uk_arch *mock_create(unsigned ncpus, uint64_t ram_bytes)
{
	free(mock.ram);
	memset(&mock, 0, sizeof(mock));
	mock.ncpus = ncpus;
	mock.ram_size = ram_bytes;
	mock.ram = calloc(1, ram_bytes);
	assert_non_null(mock.ram);
	for (unsigned i = 0; i < ncpus; i++) {
		mock.irq_on[i] = true;
		mock.boot[i].is_boot = true;
		mock.sync_tlb = true;
	}
	return &mock;
}

void mock_destroy(void)
{
	while (mock.live) {
		struct uk_arch_thread *t = mock.live;
		mock.live = t->next_live;
		free(t->stack);
		free(t);
	}
	for (unsigned i = 0; i < UK_MAX_CPUS; i++)
		free(mock.boot[i].stack);
	free(mock.ram);
	memset(&mock, 0, sizeof(mock));
}

struct uk_kernel *mock_boot(const struct uk_kernel_config *cfg)
{
	struct uk_kernel *k = NULL;
	assert_int_equal(uk_kernel_create(&mock, cfg, &k), 0);
	mock.k = k;
	return k;
}

void mock_set_cpu(unsigned cpu) { mock.cur = cpu; }
unsigned mock_cpu(void) { return mock.cur; }
uint64_t mock_now(unsigned cpu) { return mock.now[cpu]; }
void mock_set_now(unsigned cpu, uint64_t ns) { mock.now[cpu] = ns; }
void mock_raise_device(unsigned cpu, unsigned vector)
{
	mock.device_vector[cpu] = vector;
	mock.pending[cpu] |= PEND_DEVICE;
}

void mock_set_sync_tlb(bool on) { mock.sync_tlb = on; }
void mock_set_ipi_hook(void (*fn)(unsigned to, unsigned vector)) { mock.ipi_hook = fn; }
unsigned mock_ipi_count(void) { return mock.nipis; }
const struct mock_ipi *mock_ipi(unsigned i) { return &mock.ipis[i]; }
unsigned mock_flush_count(void) { return mock.nflushes; }
const struct mock_flush *mock_flush(unsigned i) { return &mock.flushes[i]; }
uint64_t mock_pending_ipis(unsigned cpu) { return mock.pending[cpu]; }
uint64_t mock_timer(unsigned cpu) { return mock.timer[cpu]; }
uint64_t mock_phys_ptr_calls(void) { return mock.phys_ptr_calls; }
void mock_set_cas_hook(void (*fn)(void)) { mock.cas_hook = fn; }
unsigned mock_live_contexts(void)
{
	unsigned n = 0;
	for (struct uk_arch_thread *t = mock.live; t; t = t->next_live)
		n++;
	return n;
}
uint64_t mock_trace_count(uint16_t kind) { return kind < 0x400 ? mock.traces[kind] : 0; }
const struct mock_trace *mock_trace_back(unsigned n)
{
	return n < 64 && n < mock.ntrace ? &mock.trace_ring[(mock.ntrace - 1 - n) % 64] : NULL;
}
uint64_t mock_trace_arg(uint16_t kind, unsigned i) { return kind < 0x400 && i < 3 ? mock.trace_last[kind][i] : 0; }
uk_paddr_t mock_root(unsigned cpu) { return mock.root[cpu]; }
unsigned mock_root_loads(unsigned cpu) { return mock.root_loads[cpu]; }
void mock_fail_thread_creates(unsigned n) { mock.fail_thread_creates = n; }
void mock_clear_logs(void)
{
	mock.nipis = 0;
	mock.nflushes = 0;
}

/* ---- CPU, interrupts ---- */

unsigned uk_arch_cpu_count(struct uk_arch *a) { return a->ncpus; }
unsigned uk_arch_cpu_id(struct uk_arch *a) { return a->cur; }

bool uk_arch_irq_save(struct uk_arch *a)
{
	bool was = a->irq_on[a->cur];
	a->irq_on[a->cur] = false;
	return was;
}

bool uk_arch_irq_enabled(struct uk_arch *a) { return a->irq_on[a->cur]; }

static void mock_take(struct uk_arch *a, unsigned vector)
{
	a->irq_on[a->cur] = false;
	a->handler(a->hctx, vector);
	a->irq_on[a->cur] = true; /* the interrupted state (possibly after a switch) */
}

/* Take every pending interrupt of the current CPU, if enabled. */
static void mock_deliver(struct uk_arch *a)
{
	for (;;) {
		unsigned c = a->cur;
		if (!a->irq_on[c] || !a->handler)
			return;
		if (a->pending[c] & PEND_TLB) {
			a->pending[c] &= ~PEND_TLB;
			mock_take(a, UK_VEC_TLB);
		} else if (a->pending[c] & PEND_RESCHED) {
			a->pending[c] &= ~PEND_RESCHED;
			mock_take(a, UK_VEC_RESCHED);
		} else if (a->pending[c] & PEND_DEVICE) {
			a->pending[c] &= ~PEND_DEVICE;
			mock_take(a, a->device_vector[c]);
		} else if (a->pending[c] & PEND_CALL) {
			a->pending[c] &= ~PEND_CALL;
			mock_take(a, UK_VEC_CALL);
		} else if (a->timer[c] && a->now[c] >= a->timer[c]) {
			a->timer[c] = 0;
			mock_take(a, UK_VEC_TIMER);
		} else {
			return;
		}
	}
}

void uk_arch_irq_restore(struct uk_arch *a, bool enabled)
{
	a->irq_on[a->cur] = enabled;
	if (enabled)
		mock_deliver(a);
}

void uk_arch_yield_point(struct uk_arch *a)
{
	a->yield_points++;
	mock_deliver(a);
}

uint64_t mock_yield_points(void) { return mock.yield_points; }
void uk_arch_spin_pause(struct uk_arch *a)
{
	a->spin_pauses++;
	if (a->pause_hook)
		a->pause_hook(); /* what other CPUs do while this one waits */
}

void mock_set_pause_hook(void (*fn)(void)) { mock.pause_hook = fn; }
uint64_t mock_spin_pauses(void) { return mock.spin_pauses; }

void uk_arch_halt(struct uk_arch *a)
{
	for (;;) {
		unsigned c = a->cur;
		a->irq_on[c] = true;
		if (a->pending[c]) {
			mock_deliver(a);
			return;
		}
		if (a->timer[c]) {
			if (a->now[c] < a->timer[c])
				a->now[c] = a->timer[c];
			mock_deliver(a);
			return;
		}
		/* Nothing can wake this CPU: back to the test. */
		swapcontext(&a->boot[c].uc, &a->harness);
	}
}

void mock_spin(uint64_t ns)
{
	while (ns) {
		uint64_t step = ns < 1000 ? ns : 1000;
		mock.now[mock.cur] += step;
		ns -= step;
		mock_deliver(&mock);
	}
}

/* ---- locks and atomics (one CPU runs at a time) ---- */

void uk_arch_spin_lock(struct uk_arch *a, uk_spinlock_t *l)
{
	if (l->locked)
		fail_msg("mock: spinlock already held");
	l->locked = 1;
	l->owner_cpu = a->cur;
}

void uk_arch_spin_unlock(struct uk_arch *a, uk_spinlock_t *l) { l->locked = 0; }
uint64_t uk_arch_atomic_load(struct uk_arch *a, const volatile uint64_t *p) { return *p; }
void uk_arch_atomic_store(struct uk_arch *a, volatile uint64_t *p, uint64_t v) { *p = v; }

uint64_t uk_arch_atomic_fetch_add(struct uk_arch *a, volatile uint64_t *p, uint64_t v)
{
	uint64_t old = *p;
	*p = old + v;
	return old;
}

bool uk_arch_atomic_cas(struct uk_arch *a, volatile uint64_t *p, uint64_t *expected, uint64_t desired)
{
	void (*hook)(void) = a->cas_hook;
	if (hook) {
		a->cas_hook = NULL; /* one shot: another CPU's step, just before this one */
		hook();
	}
	if (*p == *expected) {
		*p = desired;
		return true;
	}
	*expected = *p;
	return false;
}

/* ---- threads ---- */

static void mock_thread_start(void)
{
	struct uk_arch_thread *t = mock.starting;
	t->entry(t->arg);
	fail_msg("mock: a thread entry returned");
}

int uk_arch_thread_create(struct uk_arch *a, void (*entry)(void *), void *arg, const char *name,
			  struct uk_arch_thread **out)
{
	if (a->fail_thread_creates) {
		a->fail_thread_creates--;
		return UK_ENOMEM;
	}
	struct uk_arch_thread *t = calloc(1, sizeof(*t));
	if (!t)
		return UK_ENOMEM;
	t->entry = entry;
	t->arg = arg;
	t->stack = malloc(MOCK_STACK);
	getcontext(&t->uc);
	t->uc.uc_stack.ss_sp = t->stack;
	t->uc.uc_stack.ss_size = MOCK_STACK;
	t->uc.uc_link = NULL;
	makecontext(&t->uc, mock_thread_start, 0);
	t->next_live = a->live;
	a->live = t;
	*out = t;
	return 0;
}

void uk_arch_thread_destroy(struct uk_arch *a, struct uk_arch_thread *t)
{
	struct uk_arch_thread **pp = &a->live;
	if (t->is_boot)
		fail_msg("mock: destroying a boot context");
	while (*pp != t)
		pp = &(*pp)->next_live;
	*pp = t->next_live;
	free(t->stack);
	free(t);
}

struct uk_arch_thread *uk_arch_boot_thread(struct uk_arch *a) { return &a->boot[a->cur]; }

void uk_arch_thread_switch(struct uk_arch *a, struct uk_arch_thread *from, struct uk_arch_thread *to)
{
	a->starting = to;
	swapcontext(&from->uc, &to->uc);
}

static void mock_boot_main(void)
{
	uk_kernel_cpu_main(mock.k);
}

void mock_run(struct uk_kernel *k, unsigned cpu)
{
	struct uk_arch_thread *b = &mock.boot[cpu];

	mock.k = k;
	mock.cur = cpu;
	if (!mock.boot_started[cpu]) {
		mock.boot_started[cpu] = true;
		b->stack = malloc(MOCK_STACK);
		getcontext(&b->uc);
		b->uc.uc_stack.ss_sp = b->stack;
		b->uc.uc_stack.ss_size = MOCK_STACK;
		makecontext(&b->uc, mock_boot_main, 0);
	}
	swapcontext(&mock.harness, &b->uc);
}

/* ---- memory ---- */

bool uk_arch_mem_region(struct uk_arch *a, unsigned index, uk_paddr_t *base, uint64_t *size)
{
	unsigned n = a->nregions ? a->nregions : 1;
	uint64_t chunk = (a->ram_size / n) & ~(uint64_t)(UK_PAGE_SIZE - 1);

	if (a->region_sizes) {
		uint64_t at = MOCK_RAM_BASE;
		if (index >= a->nregions)
			return false;
		for (unsigned i = 0; i < index; i++)
			at += a->region_sizes[i];
		*base = at;
		*size = a->region_sizes[index];
		return true;
	}
	if (index >= n)
		return false;
	*base = MOCK_RAM_BASE + index * chunk;
	*size = index == n - 1 ? a->ram_size - index * chunk : chunk;
	return true;
}

void mock_set_regions(unsigned n) { mock.nregions = n; mock.region_sizes = NULL; }
void mock_set_region_sizes(unsigned n, const uint64_t *sizes)
{
	mock.nregions = n;
	mock.region_sizes = sizes;
}

void *uk_arch_phys_ptr(struct uk_arch *a, uk_paddr_t pa, size_t len)
{
	a->phys_ptr_calls++;
	if (pa < MOCK_RAM_BASE || pa - MOCK_RAM_BASE > a->ram_size ||
	    len > a->ram_size - (pa - MOCK_RAM_BASE))
		return NULL;
	return a->ram + (pa - MOCK_RAM_BASE);
}

void uk_arch_frame_zero(struct uk_arch *a, uk_paddr_t pa)
{
	void *p = uk_arch_phys_ptr(a, pa, UK_PAGE_SIZE);
	if (p)
		memset(p, 0, UK_PAGE_SIZE);
}

static void log_flush(struct uk_arch *a, enum mock_flush_kind kind, uint16_t pcid, uint64_t va)
{
	if (a->nflushes < MOCK_LOG_MAX)
		a->flushes[a->nflushes++] = (struct mock_flush){ kind, a->cur, pcid, va };
}

void uk_arch_set_root(struct uk_arch *a, uk_paddr_t root, uint16_t pcid, bool flush)
{
	a->root[a->cur] = root;
	a->root_loads[a->cur]++;
	a->pcid[a->cur] = pcid;
	if (flush)
		log_flush(a, MOCK_FLUSH_ROOT, pcid, 0);
}

void uk_arch_tlb_flush_page(struct uk_arch *a, uint16_t pcid, uk_vaddr_t va) { log_flush(a, MOCK_FLUSH_PAGE, pcid, va); }
void uk_arch_tlb_flush_pcid(struct uk_arch *a, uint16_t pcid) { log_flush(a, MOCK_FLUSH_PCID, pcid, 0); }
void uk_arch_tlb_flush_all(struct uk_arch *a, bool global) { log_flush(a, MOCK_FLUSH_ALL, 0, 0); }

/* Software walk with user-mode checks; returns the leaf PTE's frame
 * address or fills *f. */
static bool mock_walk(struct uk_arch *a, uk_vaddr_t va, bool write, uk_paddr_t *pa, struct uk_fault *f)
{
	uint64_t table = a->root[a->cur];
	uint32_t code = UK_PF_U | (write ? UK_PF_W : 0);

	if (va >= 0x0000800000000000ull)
		goto fault;
	for (int level = 3; level >= 0; level--) {
		uint64_t *t = uk_arch_phys_ptr(a, table, UK_PAGE_SIZE);
		uint64_t e;
		if (!t)
			goto fault;
		e = t[(va >> (12 + 9 * level)) & 511];
		if (!(e & UK_PTE_P))
			goto fault;
		if (!(e & UK_PTE_U) || (write && !(e & UK_PTE_W))) {
			code |= UK_PF_P;
			goto fault;
		}
		table = e & UK_PTE_ADDR_MASK;
	}
	*pa = table + (va & (UK_PAGE_SIZE - 1));
	return true;
fault:
	if (f) {
		f->addr = va;
		f->code = code;
	}
	return false;
}

uint64_t mock_pte(uk_paddr_t root, uk_vaddr_t va)
{
	uint64_t table = root;
	for (int level = 3; level >= 0; level--) {
		uint64_t *t = uk_arch_phys_ptr(&mock, table, UK_PAGE_SIZE);
		uint64_t e = t[(va >> (12 + 9 * level)) & 511];
		if (level == 0)
			return e;
		if (!(e & UK_PTE_P))
			return 0;
		table = e & UK_PTE_ADDR_MASK;
	}
	return 0;
}

static int mock_copy(struct uk_arch *a, uk_vaddr_t va, void *buf, size_t len, bool write, struct uk_fault *f)
{
	mock_deliver(a);
	while (len) {
		size_t chunk = UK_PAGE_SIZE - (va & (UK_PAGE_SIZE - 1));
		uk_paddr_t pa;
		void *p;
		if (chunk > len)
			chunk = len;
		if (!mock_walk(a, va, write, &pa, f))
			return UK_EFAULT;
		p = uk_arch_phys_ptr(a, pa, chunk);
		if (write)
			memcpy(p, buf, chunk);
		else
			memcpy(buf, p, chunk);
		buf = (char *)buf + chunk;
		va += chunk;
		len -= chunk;
	}
	return 0;
}

int uk_arch_copy_from_user(struct uk_arch *a, void *dst, uk_vaddr_t src, size_t len, struct uk_fault *f)
{
	return mock_copy(a, src, dst, len, false, f);
}

int uk_arch_copy_to_user(struct uk_arch *a, uk_vaddr_t dst, const void *src, size_t len, struct uk_fault *f)
{
	return mock_copy(a, dst, (void *)src, len, true, f);
}

/* ---- time, interrupts, IPIs ---- */

uint64_t uk_arch_now(struct uk_arch *a) { return a->now[a->cur]; }
void uk_arch_timer_arm(struct uk_arch *a, uint64_t deadline) { a->timer[a->cur] = deadline ? deadline : 1; }
void uk_arch_timer_disarm(struct uk_arch *a) { a->timer[a->cur] = 0; }

void uk_arch_set_interrupt_handler(struct uk_arch *a, uk_arch_interrupt_fn fn, void *ctx)
{
	a->handler = fn;
	a->hctx = ctx;
}

void uk_arch_ipi_send(struct uk_arch *a, unsigned cpu, unsigned vector)
{
	if (a->nipis < MOCK_LOG_MAX)
		a->ipis[a->nipis++] = (struct mock_ipi){ a->cur, cpu, vector };
	if (a->ipi_hook)
		a->ipi_hook(cpu, vector);
	if (vector == UK_VEC_TLB && a->sync_tlb) {
		unsigned me = a->cur;
		bool on = a->irq_on[cpu];
		a->cur = cpu;
		a->irq_on[cpu] = false;
		a->handler(a->hctx, vector);
		a->irq_on[cpu] = on;
		a->cur = me;
		return;
	}
	a->pending[cpu] |= vector == UK_VEC_TLB ? PEND_TLB : vector == UK_VEC_CALL ? PEND_CALL : PEND_RESCHED;
}

void uk_arch_ipi_broadcast(struct uk_arch *a, unsigned vector)
{
	for (unsigned c = 0; c < a->ncpus; c++)
		if (c != a->cur)
			uk_arch_ipi_send(a, c, vector);
}

void uk_arch_eoi(struct uk_arch *a) {}

/* No controller, unless mock_enable_msi gave the machine an MSI one
 * (not maskable, edge only, the LAPIC EOI only): ctrl 0. */
void mock_enable_msi(unsigned pins)
{
	mock.msi_pins = pins < MOCK_MSI_MAX ? pins : MOCK_MSI_MAX;
}

unsigned mock_msi_vector(unsigned pin)
{
	return pin < mock.msi_pins ? mock.msi_vector[pin] : 0;
}

int uk_arch_intc_info(struct uk_arch *a, unsigned ctrl, struct uk_intc_info *info)
{
	if (ctrl != 0 || !a->msi_pins)
		return UK_ENOENT;
	*info = (struct uk_intc_info){.kind = UK_INTC_MSI, .pins = a->msi_pins, .strategy = 0};
	return 0;
}
int uk_arch_intc_route(struct uk_arch *a, unsigned ctrl, unsigned pin, unsigned vector, unsigned cpu,
		       enum uk_trigger trig, enum uk_polarity pol)
{
	if (ctrl != 0 || pin >= a->msi_pins || trig != UK_TRIGGER_EDGE || cpu >= a->ncpus)
		return UK_EINVAL;
	a->msi_vector[pin] = vector;
	return 0;
}
int uk_arch_intc_mask(struct uk_arch *a, unsigned ctrl, unsigned pin, bool masked) { return UK_EINVAL; }
int uk_arch_intc_eoi(struct uk_arch *a, unsigned ctrl, unsigned pin)
{
	return ctrl == 0 && pin < a->msi_pins ? 0 : UK_EINVAL;
}
int uk_arch_intc_claim(struct uk_arch *a, unsigned ctrl) { return UK_EAGAIN; }
bool uk_arch_intc_line(struct uk_arch *a, unsigned ctrl, unsigned pin) { return false; }
bool uk_arch_intc_masked(struct uk_arch *a, unsigned ctrl, unsigned pin) { return false; }
/* No devices on the mock: nothing decodes any address. */
int uk_arch_mmio_read(struct uk_arch *a, uk_paddr_t pa, unsigned size, uint64_t *val)
{
	*val = ~0ull;
	return UK_ENOENT;
}
int uk_arch_mmio_write(struct uk_arch *a, uk_paddr_t pa, unsigned size, uint64_t val) { return UK_ENOENT; }
/* A pretend device area: windows in [0xd0000000, 0xe0000000) are grantable. */
bool uk_arch_mmio_grantable(struct uk_arch *a, uk_paddr_t pa, uint64_t size)
{
	(void)a;
	return pa >= 0xd0000000ull && size <= 0xe0000000ull - pa;
}
/* Configuration space reads give the function's bdf back, so a test can
 * tell whose space it read; writes go nowhere. */
int uk_arch_pci_cfg_read(struct uk_arch *a, uint32_t bdf, unsigned off, unsigned size,
			 uint32_t *val)
{
	(void)a, (void)off, (void)size;
	*val = bdf;
	return 0;
}
int uk_arch_pci_cfg_write(struct uk_arch *a, uint32_t bdf, unsigned off, unsigned size,
			  uint32_t val)
{
	(void)a, (void)bdf, (void)off, (void)size, (void)val;
	return 0;
}

void uk_arch_charge(struct uk_arch *a, enum uk_cost what, uint64_t units)
{
	static const uint64_t ns[UK_COST_COUNT] = {
		[UK_COST_SYSCALL] = 100, [UK_COST_CTX_SWITCH] = 200, [UK_COST_KERNEL_OP] = 10,
		[UK_COST_PAGE_WALK_STEP] = 5, [UK_COST_TLB_INVALIDATE] = MOCK_COST_TLB_NS, [UK_COST_IPI] = MOCK_COST_IPI_NS,
		[UK_COST_IRQ_ENTRY] = 50, [UK_COST_DEVICE_ACCESS] = 100,
	};
	if ((unsigned)what < UK_COST_COUNT)
		a->now[a->cur] += ns[what] * units;
}

void uk_arch_trace(struct uk_arch *a, uint16_t kind, uint64_t a0, uint64_t a1, uint64_t a2)
{
	if (kind < 0x400) {
		a->traces[kind]++;
		a->trace_last[kind][0] = a0;
		a->trace_last[kind][1] = a1;
		a->trace_last[kind][2] = a2;
	}
	a->trace_ring[a->ntrace++ % 64] = (struct mock_trace){ kind, { a0, a1, a2 } };
}

_Noreturn void uk_arch_fatal(struct uk_arch *a, const char *what)
{
	fprintf(stderr, "uk_arch_fatal: %s\n", what);
	abort();
}

struct uk_arch *mock_machine(void)
{
	return &mock;
}
