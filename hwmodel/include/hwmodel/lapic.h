/* SPDX-License-Identifier: MIT */
/*
 * The local APIC of each CPU: 256-bit IRR, ISR and TMR, task priority,
 * EOI (broadcast to the IOAPICs for level-triggered vectors), the timer
 * (one-shot, periodic, TSC-deadline) and IPIs. Register offsets follow the
 * xAPIC MMIO layout at 0xfee00000; each CPU sees its own LAPIC there.
 *
 * Priority: class = vector >> 4. An IRR vector is deliverable when its class
 * is above the processor priority class, max(TPR class, highest ISR class).
 * Vectors 0..15 are illegal: receiving one sets the ESR and drops it. A
 * LAPIC software-disabled through SVR bit 8 refuses fixed interrupts (they
 * are dropped and traced); at reset it is enabled, as firmware leaves it.
 * The timer counts in ns (a 1 GHz timer clock) times the divide value;
 * the TSC-deadline mode takes an absolute virtual time.
 */
#ifndef HWMODEL_LAPIC_H
#define HWMODEL_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

struct hw_machine;

/* Register offsets (xAPIC). */
#define HW_LAPIC_ID 0x020
#define HW_LAPIC_VERSION 0x030
#define HW_LAPIC_TPR 0x080
#define HW_LAPIC_PPR 0x0a0
#define HW_LAPIC_EOI 0x0b0
#define HW_LAPIC_SVR 0x0f0
#define HW_LAPIC_ISR 0x100 /* 8 registers, 0x10 apart */
#define HW_LAPIC_TMR 0x180
#define HW_LAPIC_IRR 0x200
#define HW_LAPIC_ESR 0x280
#define HW_LAPIC_ICR_LO 0x300
#define HW_LAPIC_ICR_HI 0x310
#define HW_LAPIC_LVT_TIMER 0x320
#define HW_LAPIC_TIMER_INIT 0x380
#define HW_LAPIC_TIMER_CUR 0x390
#define HW_LAPIC_TIMER_DIV 0x3e0

#define HW_LAPIC_SVR_ENABLE (1u << 8)
#define HW_LAPIC_SVR_NO_EOI_BCAST (1u << 12) /* suppress EOI broadcast */
#define HW_LVT_MASKED (1u << 16)
#define HW_LVT_TIMER_ONESHOT (0u << 17)
#define HW_LVT_TIMER_PERIODIC (1u << 17)
#define HW_LVT_TIMER_DEADLINE (2u << 17)
#define HW_ESR_SEND_ILLEGAL (1u << 5)
#define HW_ESR_RECV_ILLEGAL (1u << 6)

#define HW_VEC_NONE (-1)

/* Highest deliverable vector (IRR above the processor priority), or
 * HW_VEC_NONE. Does not change state. */
int hw_lapic_next_vector(const struct hw_machine *m, unsigned cpu);

/* The CPU takes an interrupt (INTA): the highest deliverable vector moves
 * from IRR to ISR and is returned. With none deliverable (the TPR rose
 * since the notification, say) returns the spurious vector, which needs no
 * EOI. */
unsigned hw_lapic_accept(struct hw_machine *m, unsigned cpu, uint64_t now);

/* EOI: clear the highest ISR bit. A level-triggered vector (TMR set) is
 * broadcast to the IOAPICs unless the SVR suppresses it: remote IRR clears
 * and a level line still asserted is delivered again. Returns the vector,
 * or HW_VEC_NONE (counted) when no interrupt was in service. */
int hw_lapic_eoi(struct hw_machine *m, unsigned cpu, uint64_t now);

void hw_lapic_set_tpr(struct hw_machine *m, unsigned cpu, uint64_t now, uint8_t tpr);
uint8_t hw_lapic_tpr(const struct hw_machine *m, unsigned cpu);
/* Spurious vector (SVR bits 7:0; power-on 0xff). */
void hw_lapic_set_spurious(struct hw_machine *m, unsigned cpu, uint8_t vector);

bool hw_lapic_irr(const struct hw_machine *m, unsigned cpu, unsigned vector);
bool hw_lapic_isr(const struct hw_machine *m, unsigned cpu, unsigned vector);
bool hw_lapic_tmr(const struct hw_machine *m, unsigned cpu, unsigned vector);

/* Put `vector` into CPU `cpu`'s IRR as an interrupt message would (edge, or
 * level with the TMR bit). `src` is HW_SRC_* for the trace. */
void hw_lapic_deliver(struct hw_machine *m, unsigned cpu, uint64_t now, unsigned vector,
		      bool level, unsigned src);

/* IPIs (fixed delivery). */
enum hw_ipi_dest {
	HW_IPI_DEST = 0,          /* the CPU named by `dest` */
	HW_IPI_SELF = 1,
	HW_IPI_ALL = 2,           /* all including self */
	HW_IPI_ALL_BUT_SELF = 3,
};
/* Send from `cpu`. HW_EINVAL for a vector below 16 (the ESR records a send
 * illegal vector error, as hardware does) or a destination that is no CPU. */
int hw_lapic_send_ipi(struct hw_machine *m, unsigned cpu, uint64_t now,
		      enum hw_ipi_dest shorthand, unsigned dest, unsigned vector);

/* The timer. Each replaces any earlier programming. Vector below 16 is
 * HW_EINVAL. A deadline in the past fires at once (at `now`). */
int hw_lapic_timer_oneshot(struct hw_machine *m, unsigned cpu, uint64_t now, unsigned vector,
			   uint64_t delay_ns);
int hw_lapic_timer_periodic(struct hw_machine *m, unsigned cpu, uint64_t now, unsigned vector,
			    uint64_t period_ns);
int hw_lapic_timer_deadline(struct hw_machine *m, unsigned cpu, uint64_t now, unsigned vector,
			    uint64_t deadline_ns);
void hw_lapic_timer_stop(struct hw_machine *m, unsigned cpu, uint64_t now);
/* Absolute time of the next timer interrupt, or HW_TIME_NEVER. */
uint64_t hw_lapic_timer_due(const struct hw_machine *m, unsigned cpu);

/* Register access (offsets above, 32-bit). Unknown offsets read 0 and set
 * the ESR's illegal register bit. */
uint32_t hw_lapic_read(struct hw_machine *m, unsigned cpu, uint64_t now, uint32_t off);
void hw_lapic_write(struct hw_machine *m, unsigned cpu, uint64_t now, uint32_t off, uint32_t val);

struct hw_lapic_stats {
	uint64_t delivered;    /* vectors set in IRR */
	uint64_t coalesced;    /* arrived while the IRR bit was already set */
	uint64_t dropped;      /* refused: the LAPIC is software-disabled */
	uint64_t held;         /* kept in IRR behind a vector of the same or a
				* higher priority class in service (or the TPR) */
	uint64_t accepted;
	uint64_t spurious;
	uint64_t eoi;
	uint64_t eoi_empty;    /* EOI with nothing in service */
	uint64_t ipis_sent;
	uint64_t timer_fired;
	uint64_t illegal;      /* illegal vectors received or sent */
};
void hw_lapic_stats(const struct hw_machine *m, unsigned cpu, struct hw_lapic_stats *out);

#endif /* HWMODEL_LAPIC_H */
