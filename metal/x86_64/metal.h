/* SPDX-License-Identifier: MIT */
/* metal.h: the x86-64 port's private interface. */
#ifndef METAL_METAL_H
#define METAL_METAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ukern/arch.h>
#include <ukern/kernel.h>

#include "cpu.h"

#define METAL_MAX_REGIONS 16
#define METAL_STACK_SIZE 16384
#define METAL_MAX_THREADS 128

/* A thread's execution context (struct uk_arch_thread is opaque to libukern). */
struct uk_arch_thread {
	uint64_t sp;          /* saved RSP while switched out */
	uint64_t entry_top;   /* kernel entry stack top while it runs ring-3 code, else 0 */
	void *stack;          /* base of its stack (NULL: a boot context) */
	struct uk_user *user; /* set by the ring-3 trampoline */
	const char *name;
	bool in_use;
};

struct metal_region {
	uint64_t base, size;
};

#define METAL_MAX_EDU 2

/* A QEMU edu device (pci.c). */
struct metal_edu {
	unsigned slot;
	uint64_t bar0;
	unsigned gsi;      /* the IOAPIC pin its INTx reaches */
	unsigned intx_pin; /* 1 = INTA */
};

struct uk_arch {
	unsigned ncpus;
	struct percpu cpu[UK_MAX_CPUS];
	struct uk_arch_thread boot_thread[UK_MAX_CPUS];
	struct metal_region region[METAL_MAX_REGIONS];
	unsigned nregions;
	uk_arch_interrupt_fn handler;
	void *handler_ctx;
	volatile uint32_t *lapic;   /* through the direct map */
	volatile uint32_t *ioapic;
	uint64_t ioapic_pa;
	unsigned ioapic_pins;
	uint32_t ioapic_gsi_base;
	uint64_t ioapic_mask_shadow; /* our view of each pin's mask bit */
	uk_spinlock_t ioapic_lock;   /* the select/window pair (apic.c) */
	uint8_t ioapic_level_pin[256]; /* vector -> its level pin + 1, 0: none */
	uint64_t stray_deliveries;   /* level deliveries no IOAPIC sent (cpu.c) */
	uint64_t tsc_hz;
	uint64_t tsc0;
	uint64_t lapic_hz;           /* timer ticks per second (divide by 16) */
	bool pcid;                   /* CR4.PCIDE on */
	bool invpcid;
	struct uk_arch_thread threads[METAL_MAX_THREADS];
	uk_spinlock_t thread_lock;
	struct uk_kernel *kernel;
	struct metal_edu edu[METAL_MAX_EDU];
	unsigned nedu;
	volatile uint64_t trace_count;
};

extern struct uk_arch metal_arch;

static inline void lock_raw(uk_spinlock_t *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (l->locked)
			cpu_relax();
}
static inline void unlock_raw(uk_spinlock_t *l) { __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE); }

static inline void *phys_to_virt(uint64_t pa) { return (void *)(DMAP + pa); }

/* console.c */
void console_init(void);
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void console_write(const char *s, size_t n);
_Noreturn void metal_exit(unsigned code);

/* cpu.c */
void cpu_setup_tables(struct uk_arch *a, unsigned id);
void trap(struct trap_frame *f);

/* apic.c */
void acpi_init(struct uk_arch *a);
void lapic_init(struct uk_arch *a);
void lapic_calibrate(struct uk_arch *a);
void lapic_eoi(struct uk_arch *a);
void lapic_send_ipi(struct uk_arch *a, uint32_t apic_id, uint32_t icr_low);
void ioapic_init(struct uk_arch *a);
void smp_start_aps(struct uk_arch *a);
uint64_t metal_now(struct uk_arch *a);
void metal_timer_arm(struct uk_arch *a, uint64_t deadline_ns);
void metal_timer_disarm(struct uk_arch *a);
void metal_timer_extra(struct uk_arch *a, uint64_t deadline_ns);
bool metal_timer_fired(struct uk_arch *a);
int metal_ioapic_route(struct uk_arch *a, unsigned pin, unsigned vector, unsigned cpu, bool level,
		       bool active_low);
void metal_ioapic_mask(struct uk_arch *a, unsigned pin, bool masked);
bool metal_ioapic_masked(struct uk_arch *a, unsigned pin);
bool metal_ioapic_remote_irr(struct uk_arch *a, unsigned pin);
bool metal_ioapic_stray(struct uk_arch *a, unsigned vector);

/* pci.c */
uint32_t pci_read32(unsigned bus, unsigned dev, unsigned fn, unsigned off);
void pci_write32(unsigned bus, unsigned dev, unsigned fn, unsigned off, uint32_t v);
void pci_scan_edu(struct uk_arch *a);
int pci_edu_msi_route(struct uk_arch *a, unsigned index, unsigned vector, unsigned cpu);

/* ipc_bench.c */
struct ipc_result {
	volatile uint32_t done;
	bool failed;
	unsigned rounds, server_cpu;
	uint64_t mean_ticks, min_ticks, median_ticks;
};
extern struct ipc_result ipc_results[2];
void ipc_bench_register(struct uk_kernel *k);

/* user.c */
void user_programs_register(struct uk_kernel *k);
long metal_syscall(uint64_t nr, const uint64_t *args);
void user_spawn_all(struct uk_kernel *k);

/* irq_log.c: the kernel's IRQ log, printed at the end of a run */
#define METAL_IRQ_LOG_PRINT 200u /* records printed at most (COM1 under TCG is slow) */
void metal_irq_log_init(struct uk_kernel *k);
void metal_irq_log_trace(unsigned cpu, uint16_t kind);
void metal_irq_log_print(unsigned max);

/* scenario.c */
bool scn_active(void);
void scn_init(struct uk_arch *a);
void scn_tick(struct uk_arch *a, uint64_t now);
long scn_event(struct uk_arch *a, const uint64_t args[6]);
/* The edu (index into uk_arch.edu) of scenario device dev; in the fixed
 * run, device d is edu d. */
unsigned scn_edu_of(unsigned dev);

/* progargs.c: lay out the argument block of thread t of table s (the
 * scenario's, or the fixed run's) in buf (cap bytes), with regs[d] its
 * process's device memory handle of device d (0: none). Its size; 0 when it
 * does not fit. */
struct metal_scenario;
uint32_t metal_progargs_layout(struct uk_arch *a, const struct metal_scenario *s, unsigned t,
			       const uint32_t *regs, void *buf, uint32_t cap);

/* entry.S */
void switch_stacks(uint64_t *save_sp, uint64_t new_sp);
void metal_thread_start(void);
_Noreturn void user_enter(uint64_t rip, uint64_t rsp, uint64_t arg);
void syscall_entry(void);
extern const uint64_t vector_table[256];

#endif
