/* SPDX-License-Identifier: MIT */
/*
 * The simulated machine: one instance holds every CPU, memory, interrupt
 * controller and device of one simulation. It knows nothing of the kernel.
 *
 * The owner (sim/'s engine, or a test) creates it from a config, passes the
 * simulation's event queue, and receives trace events and "this CPU has a
 * deliverable interrupt" notifications through struct hw_host. Every access
 * takes `now`, the accessing CPU's virtual clock in ns; the model never reads
 * a host clock and holds no global state, so runs are deterministic and two
 * machines can live in two threads.
 */
#ifndef HWMODEL_MACHINE_H
#define HWMODEL_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hwmodel/evq.h>

/* Error values. Numerically equal to the kernel's enum uk_err counterparts so
 * the glue can pass them through, but hwmodel does not depend on that. */
enum hw_err {
	HW_OK = 0,
	HW_EINVAL = -1,  /* malformed argument or configuration */
	HW_ENOMEM = -2,  /* host allocation failed */
	HW_EFAULT = -5,  /* page fault, or physical address outside RAM */
	HW_EAGAIN = -6,  /* nothing pending (claim) */
	HW_EBUSY = -9,   /* device busy */
	HW_ENOENT = -11, /* no such controller, device or register */
	HW_ERANGE = -15, /* range crosses a boundary */
	HW_EEXIST = -16, /* overlaps something that exists (BARs, names) */
};

#define HW_MAX_CPUS 64

/* Callbacks into the owner. Either may be NULL. */
struct hw_host {
	void *ctx;
	/* A state change a scenario may care about. `kind` is HW_TRACE_*
	 * (hwmodel/trace.h); a, b, c are plain numbers, documented per kind.
	 * `cpu` is the CPU concerned, or HW_CPU_NONE. */
	void (*trace)(void *ctx, uint64_t time_ns, unsigned cpu, uint16_t kind, uint64_t a,
		      uint64_t b, uint64_t c);
	/* CPU `cpu`'s LAPIC has a newly deliverable interrupt (wake it if it
	 * halts). Called from inside model operations; must not re-enter the
	 * machine. */
	void (*cpu_interrupt)(void *ctx, unsigned cpu);
};

#define HW_CPU_NONE 0xffffu

struct hw_machine_config {
	unsigned ncpus;          /* 1 .. HW_MAX_CPUS */
	uint64_t ram_bytes;      /* multiple of 4 KiB; above 3 GiB the rest goes above 4 GiB */
	struct hw_ram_cache *ram_cache; /* reuse RAM mappings across machines (optional) */
	unsigned tlb_entries;    /* per CPU, power of two >= 4 (4-way sets); 0 means 64 */
	const char *cost_preset; /* NULL means "skylake"; see hwmodel/cost.h */
	struct hw_evq *evq;      /* the simulation's event queue (required) */
	struct hw_host host;
	unsigned msi_sources;    /* MSI sources (controller pins); 0 means 32 */
	unsigned plic_sources;   /* 0: no PLIC; else sources 1..n (n <= 1023) */
	unsigned percpu_lines;   /* 0: no per-CPU controller; else local lines per CPU (<= 8) */
	/* Time an IOAPIC interrupt message spends in flight (delivery status
	 * "send pending"). 0 delivers synchronously; < 0 takes the cost
	 * preset's HW_COST_IRQ_MSG figure. Masking a pin inside this window
	 * holds its edge (see docs/hwmodel.md). */
	int64_t irq_msg_ns;
};

struct hw_machine;

/* Build a machine. On error returns a negative hw_err, writes a one-line
 * reason into err (if not NULL) and sets *out to NULL. */
int hw_machine_create(const struct hw_machine_config *cfg, struct hw_machine **out, char *err,
		      size_t errlen);
void hw_machine_destroy(struct hw_machine *m);

/* Reset every device and controller to its power-on state (RAM keeps its
 * contents, as on a warm reset). */
void hw_machine_reset(struct hw_machine *m, uint64_t now);

unsigned hw_machine_ncpus(const struct hw_machine *m);
struct hw_evq *hw_machine_evq(struct hw_machine *m);

/* Register access on behalf of CPU `cpu` at time `now`. MMIO goes to the
 * CPU's own LAPIC (0xfee00000), the IOAPIC (0xfec00000), the PLIC, or a
 * device's BAR/window. Size is 1, 2, 4 or 8. An address nothing decodes
 * reads all-ones and returns HW_ENOENT (a master abort, not a fault). */
int hw_mmio_read(struct hw_machine *m, unsigned cpu, uint64_t now, uint64_t pa, unsigned size,
		 uint64_t *val);
int hw_mmio_write(struct hw_machine *m, unsigned cpu, uint64_t now, uint64_t pa, unsigned size,
		  uint64_t val);

/* Port I/O: PCI configuration mechanism #1 (0xcf8 address, 0xcfc data). */
int hw_pio_read(struct hw_machine *m, unsigned cpu, uint64_t now, uint16_t port, unsigned size,
		uint32_t *val);
int hw_pio_write(struct hw_machine *m, unsigned cpu, uint64_t now, uint16_t port, unsigned size,
		 uint32_t val);

/* Whether the pages covering [pa, pa + size) decode to one device's window
 * alone, which holds all of [pa, pa + size): no RAM, no interrupt
 * controller (LAPIC and MSI doorbells, IOAPIC, PLIC, present or not), no
 * other device. What a platform may hand a driver to map. */
bool hw_mmio_grantable(const struct hw_machine *m, uint64_t pa, uint64_t size);

/* Fixed MMIO windows. */
#define HW_LAPIC_BASE 0xfee00000ull
#define HW_LAPIC_SIZE 0x1000ull
#define HW_IOAPIC_BASE 0xfec00000ull
#define HW_IOAPIC_SIZE 0x1000ull
#define HW_PLIC_BASE 0xf0000000ull
#define HW_PLIC_SIZE 0x4000000ull
#define HW_MMIO_HOLE_START 0xc0000000ull /* RAM above 3 GiB moves to 4 GiB */
#define HW_HIGH_RAM_START 0x100000000ull

#endif /* HWMODEL_MACHINE_H */
