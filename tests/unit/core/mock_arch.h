/* SPDX-License-Identifier: MIT */
/*
 * mock_arch.h: a small arch.h for the core's unit tests.
 *
 * RAM is a host buffer; the CPU id and clocks are settable; IPIs, TLB
 * flushes and root loads are recorded; user copies walk the kernel's page
 * tables in software with user-mode permission checks. Thread switches are
 * real (ucontext). One CPU runs at a time: mock_run(cpu) runs that CPU's
 * boot context (uk_kernel_cpu_main) until it halts with nothing left to do
 * (no pending IPI, no armed timer), then returns to the test.
 */
#ifndef MOCK_ARCH_H
#define MOCK_ARCH_H

#include <stdbool.h>
#include <stdint.h>

#include <ukern/arch.h>
#include <ukern/kernel.h>

#define MOCK_LOG_MAX 65536
#define MOCK_RAM_BASE 0x100000ull

struct mock_ipi {
	unsigned from, to, vector;
};

enum mock_flush_kind { MOCK_FLUSH_PAGE, MOCK_FLUSH_PCID, MOCK_FLUSH_ALL, MOCK_FLUSH_ROOT };
struct mock_flush {
	enum mock_flush_kind kind;
	unsigned cpu;
	uint16_t pcid;
	uint64_t va;
};

/* Create the (single, global) mock machine. */
struct uk_arch *mock_create(unsigned ncpus, uint64_t ram_bytes);
void mock_destroy(void);

/* Report the RAM as `n` adjacent regions of about equal size (before boot). */
void mock_set_regions(unsigned n);
/* ...or as `n` adjacent regions of the given sizes (the array must stay). */
void mock_set_region_sizes(unsigned n, const uint64_t *sizes);

/* Boot a kernel on it with `cfg` (NULL: defaults); fails the test on error. */
struct uk_kernel *mock_boot(const struct uk_kernel_config *cfg);

void mock_set_cpu(unsigned cpu);
unsigned mock_cpu(void);
uint64_t mock_now(unsigned cpu);
/* The virtual time uk_arch_charge adds for one IPI. */
#define MOCK_COST_IPI_NS 50
/* ... and for one TLB invalidation (a page, or a whole PCID). */
#define MOCK_COST_TLB_NS 20
void mock_set_now(unsigned cpu, uint64_t ns);

/* Run CPU `cpu` until it halts with nothing to do. */
void mock_run(struct uk_kernel *k, unsigned cpu);

/* User-side computation of `ns` virtual ns on the current CPU, in 1 us
 * steps, each a decision point where interrupts are taken. */
void mock_spin(uint64_t ns);

/* Deliver TLB IPIs at once (calling the kernel's handler as the target). */
void mock_set_sync_tlb(bool on);

/* Called for every IPI sent, before it is delivered. */
void mock_set_ipi_hook(void (*fn)(unsigned to, unsigned vector));

/* Raise device interrupt `vector` on `cpu` (taken at its next decision
 * point with interrupts enabled, or when it halts). */
void mock_raise_device(unsigned cpu, unsigned vector);

/* Give the machine an MSI controller (ctrl 0) with `pins` sources (at
 * most MOCK_MSI_MAX); none by default. mock_msi_vector(pin) is the vector
 * the kernel routed the source to (0: not routed): raise it with
 * mock_raise_device. */
#define MOCK_MSI_MAX 16u
void mock_enable_msi(unsigned pins);
unsigned mock_msi_vector(unsigned pin);

/* Logs. */
unsigned mock_ipi_count(void);
const struct mock_ipi *mock_ipi(unsigned i);
unsigned mock_flush_count(void);
const struct mock_flush *mock_flush(unsigned i);
void mock_clear_logs(void);
/* The deadline `cpu`'s one-shot timer is armed for; 0: disarmed. */
uint64_t mock_timer(unsigned cpu);
/* Thread contexts created and not destroyed yet (boot contexts aside). */
unsigned mock_live_contexts(void);
/* uk_arch_phys_ptr calls so far (a page-table walk makes one per entry read). */
uint64_t mock_phys_ptr_calls(void);
/* Run `fn` once, just before the next uk_arch_atomic_cas compares: a step
 * of another CPU landing between a load and the CAS that depends on it. */
void mock_set_cas_hook(void (*fn)(void));
/* Run `fn` at every uk_arch_spin_pause (a spinning CPU's turn, during which
 * others go on); count the pauses. */
void mock_set_pause_hook(void (*fn)(void));
uint64_t mock_spin_pauses(void);
/* uk_arch_yield_point calls so far: the kernel's decision points. */
uint64_t mock_yield_points(void);
uint64_t mock_pending_ipis(unsigned cpu); /* bit per vector class: 1 resched, 2 call, 4 tlb */
uint64_t mock_trace_count(uint16_t kind);
/* The n-th last trace record of any kind (0: the last), or NULL. */
struct mock_trace {
	uint16_t kind;
	uint64_t a[3];
};
const struct mock_trace *mock_trace_back(unsigned n);
/* Argument i (0..2) of the last trace record of `kind`. */
uint64_t mock_trace_arg(uint16_t kind, unsigned i);

/* The PTE that maps `va` in the space with root `root`, or 0. */
uint64_t mock_pte(uk_paddr_t root, uk_vaddr_t va);
uk_paddr_t mock_root(unsigned cpu);
/* How many times uk_arch_set_root loaded a root on `cpu` (a CR3 write). */
unsigned mock_root_loads(unsigned cpu);
/* The next n uk_arch_thread_create calls fail with UK_ENOMEM (no host stack). */
void mock_fail_thread_creates(unsigned n);



/* The mock machine (valid after mock_create). */
struct uk_arch *mock_machine(void);
#endif /* MOCK_ARCH_H */
