/* SPDX-License-Identifier: MIT */
/*
 * Interrupt controllers behind one uniform API, indexed 0..n-1:
 *   0  the IOAPIC (82093AA): 24 pins, edge or level, maskable
 *   1  MSI: message-signalled sources straight to a vector, not maskable
 *   2  the PLIC-like claim/complete controller, if the config asks for one
 *   3  (or 2 without a PLIC) the per-CPU local inputs, if the config asks:
 *      each CPU's own lines, as the LAPIC's LVT entries (timer, LINT0/1,
 *      thermal, performance counters) or a GIC's PPIs. Pin p is CPU
 *      p / lines, local line p % lines; it only ever interrupts that CPU.
 *      Edge only; maskable (the LVT mask bit); no EOI of its own (the
 *      LAPIC's). An edge on a masked or unrouted input is lost.
 * The strategy bits have the same values as the kernel's UK_INTC_* bits.
 *
 * Pins are driven by devices (hwmodel/dev.h) or directly by a test or a
 * scenario with hw_intc_set_line / hw_intc_pulse.
 */
#ifndef HWMODEL_INTC_H
#define HWMODEL_INTC_H

#include <stdbool.h>
#include <stdint.h>

struct hw_machine;

enum hw_intc_kind { HW_INTC_IOAPIC = 1, HW_INTC_MSI = 2, HW_INTC_PLIC = 3, HW_INTC_PERCPU = 4 };
#define HW_PERCPU_MAX_LINES 8

#define HW_INTC_MASKABLE (1u << 0)
#define HW_INTC_MASK_IN_SERVICE (1u << 1)
#define HW_INTC_SUPPRESS_MASK_IN_SERVICE (1u << 2)
#define HW_INTC_EOI (1u << 3)
#define HW_INTC_EOS (1u << 4)

enum hw_trigger { HW_TRIGGER_EDGE = 0, HW_TRIGGER_LEVEL = 1 };
enum hw_polarity { HW_POLARITY_HIGH = 0, HW_POLARITY_LOW = 1 };

struct hw_intc_info {
	enum hw_intc_kind kind;
	unsigned pins;
	uint32_t strategy;
};

#define HW_IOAPIC_PINS 24
#define HW_VEC_MIN_DEVICE 32 /* vectors below are exceptions: route rejects them */

/* Number of controllers, and the index of the first of a kind (or -1). */
unsigned hw_intc_count(const struct hw_machine *m);
int hw_intc_find(const struct hw_machine *m, enum hw_intc_kind kind);
int hw_intc_info(const struct hw_machine *m, unsigned ctrl, struct hw_intc_info *info);

/* Route `pin` to `vector` on `cpu`. The mask bit is left as it was.
 * HW_EINVAL: pin out of range, vector < 32, no such CPU, MSI asked for
 * level. PLIC: enables the source for CPU `cpu`'s context only (priority 1
 * if it was 0); the trigger picks the gateway kind. */
int hw_intc_route(struct hw_machine *m, unsigned ctrl, unsigned pin, unsigned vector,
		  unsigned cpu, enum hw_trigger trig, enum hw_polarity pol, uint64_t now);
/* Set or clear the mask. HW_EINVAL on MSI (not maskable). On the PLIC the
 * mask is the source's enable bit for its context. */
int hw_intc_mask(struct hw_machine *m, unsigned ctrl, unsigned pin, bool masked, uint64_t now);
/* The controller's own mask bit (MSI: always false). */
bool hw_intc_masked(const struct hw_machine *m, unsigned ctrl, unsigned pin);
/* End of interrupt for `pin`: IOAPIC directed EOI (clears remote IRR, as
 * the EOI register of later IOAPICs does); PLIC completion from the
 * context of the pin's routed CPU (ignored if the source is disabled);
 * MSI: nothing to do (returns 0). */
int hw_intc_eoi(struct hw_machine *m, unsigned ctrl, unsigned pin, uint64_t now);
/* PLIC completion from an explicit context (the CPU). */
int hw_intc_complete(struct hw_machine *m, unsigned ctrl, unsigned cpu, unsigned pin,
		     uint64_t now);
/* PLIC claim for CPU `cpu`'s context: the highest-priority pending enabled
 * source, or HW_EAGAIN. HW_EINVAL on other controllers. */
int hw_intc_claim(struct hw_machine *m, unsigned ctrl, unsigned cpu, uint64_t now);
/* Whether the input is asserted as the controller sees it (after polarity). */
bool hw_intc_line(const struct hw_machine *m, unsigned ctrl, unsigned pin);

/* Behave as controllers with a pending bit per line do: keep an edge that
 * arrives while the pin is masked and send it at the unmask (the 82093AA
 * drops it). IOAPIC pins only: HW_EINVAL elsewhere (MSI cannot be masked;
 * the PLIC gateway already holds its sources). */
int hw_intc_set_latch(struct hw_machine *m, enum hw_intc_kind kind, unsigned pin, bool on);

/* Drive the pin from outside (a test, a scenario's wire). It is wired-OR
 * with the devices attached to the pin. MSI: a rising level sends the
 * source's message. */
int hw_intc_set_line(struct hw_machine *m, unsigned ctrl, unsigned pin, bool asserted,
		     uint64_t now);
/* Assert and deassert at the same instant (one edge). */
int hw_intc_pulse(struct hw_machine *m, unsigned ctrl, unsigned pin, uint64_t now);

/* IOAPIC specifics. */
#define HW_IOAPIC_REGSEL 0x00
#define HW_IOAPIC_WIN 0x10
#define HW_IOAPIC_REG_ID 0x00
#define HW_IOAPIC_REG_VER 0x01
#define HW_IOAPIC_REG_ARB 0x02
#define HW_IOAPIC_REG_RTE 0x10 /* + 2 * pin (low), + 2 * pin + 1 (high) */
#define HW_IOAPIC_VERSION 0x11 /* 82093AA */

/* Redirection entry fields (82093AA datasheet, 3.2.4). */
#define HW_RTE_VECTOR_MASK 0xffull
#define HW_RTE_DELMODE_SHIFT 8 /* 000 fixed, 001 lowest priority, 010 SMI, 100 NMI, 101 INIT, 111 ExtINT */
#define HW_RTE_DESTMODE (1ull << 11) /* logical (not modelled: treated as physical) */
#define HW_RTE_DELIVS (1ull << 12)   /* send pending (read-only) */
#define HW_RTE_POLARITY_LOW (1ull << 13)
#define HW_RTE_REMOTE_IRR (1ull << 14) /* read-only */
#define HW_RTE_LEVEL (1ull << 15)
#define HW_RTE_MASKED (1ull << 16)
#define HW_RTE_DEST_SHIFT 56

uint64_t hw_ioapic_rte(const struct hw_machine *m, unsigned pin);
/* Write a whole redirection entry (read-only bits ignored). */
int hw_ioapic_set_rte(struct hw_machine *m, unsigned pin, uint64_t rte, uint64_t now);
bool hw_ioapic_remote_irr(const struct hw_machine *m, unsigned pin);

struct hw_intc_stats {
	uint64_t delivered;   /* messages delivered to a LAPIC */
	uint64_t dropped;     /* edges on masked pins, undeliverable messages */
	uint64_t coalesced;   /* edges merged into a pending send */
	uint64_t held;        /* edges held across a mask */
	uint64_t ignored;     /* PLIC completions ignored */
};
/* Per pin when pin < pins, or the controller's totals with pin = ~0u. */
int hw_intc_stats(const struct hw_machine *m, unsigned ctrl, unsigned pin,
		  struct hw_intc_stats *out);

/* MSI message format (Intel SDM vol. 3, 11.11). */
#define HW_MSI_ADDR_BASE 0xfee00000ull
#define HW_MSI_ADDR_DEST_SHIFT 12
/* Send MSI source `src`'s message now (a device does this). */
int hw_msi_send(struct hw_machine *m, unsigned src, uint64_t now);
/* The message registers of a source (address, data, enabled). */
int hw_msi_message(const struct hw_machine *m, unsigned src, uint64_t *addr, uint32_t *data,
		   bool *enabled);

/* The vector a per-CPU input is routed to (0: none, or no such input). */
unsigned hw_percpu_vector(const struct hw_machine *m, unsigned pin);

/* PLIC register layout (offsets from HW_PLIC_BASE), after the RISC-V PLIC:
 * priority 4*src, pending bits 0x1000, enables 0x2000 + 0x80*ctx,
 * threshold 0x200000 + 0x1000*ctx, claim/complete +4. Context = CPU. */
#define HW_PLIC_PENDING 0x1000
#define HW_PLIC_ENABLE 0x2000
#define HW_PLIC_CONTEXT 0x200000
int hw_plic_set_priority(struct hw_machine *m, unsigned src, uint32_t prio, uint64_t now);
int hw_plic_set_enable(struct hw_machine *m, unsigned ctx, unsigned src, bool on, uint64_t now);
int hw_plic_set_threshold(struct hw_machine *m, unsigned ctx, uint32_t thr, uint64_t now);
bool hw_plic_pending(const struct hw_machine *m, unsigned src);

#endif /* HWMODEL_INTC_H */
