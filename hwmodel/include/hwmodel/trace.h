/* SPDX-License-Identifier: MIT */
/*
 * Kinds of machine trace events (struct hw_host.trace), 0x1000 .. 0x1fff.
 * A kind's value never changes once released: recorded traces depend on it.
 * Arguments (a, b, c) are documented beside each kind; `ctrl` is a
 * controller index (hwmodel/intc.h), `pin` a pin of it.
 */
#ifndef HWMODEL_TRACE_H
#define HWMODEL_TRACE_H

#define HW_TRACE_BASE 0x1000u
#define HW_TRACE_LAST 0x1fffu

/* Interrupt lines and controllers. */
#define HW_TRACE_LINE 0x1001u        /* ctrl, pin, level as the controller sees it (after polarity) */
#define HW_TRACE_MASK 0x1002u        /* ctrl, pin, masked (0/1) */
#define HW_TRACE_REMOTE_IRR 0x1003u  /* ctrl, pin, new remote IRR (0/1) */
#define HW_TRACE_SEND 0x1004u        /* ctrl, pin, vector: message sent (send pending set) */
#define HW_TRACE_DROP 0x1005u        /* ctrl, pin, reason (HW_DROP_*); from a LAPIC (cpu set): source, vector, reason */
#define HW_TRACE_HOLD 0x1006u        /* ctrl, pin, vector: edge held across a mask */
#define HW_TRACE_COALESCE 0x1007u    /* ctrl, pin, vector: edge merged into a pending send */
#define HW_TRACE_EOI_BCAST 0x1008u   /* vector, pins whose remote IRR it cleared, 0 */
#define HW_TRACE_PLIC_CLAIM 0x1009u  /* ctrl, source (0 = none), context */
#define HW_TRACE_PLIC_DONE 0x100au   /* ctrl, source, context: completion accepted */
#define HW_TRACE_PLIC_IGNORED 0x100bu /* ctrl, source, context: completion ignored (disabled source) */
#define HW_TRACE_MSI 0x100cu         /* msi source, vector, destination cpu */

/* Local APICs (cpu = the receiving CPU). */
#define HW_TRACE_DELIVER 0x1010u     /* vector, level-triggered (0/1), source (HW_SRC_*) */
#define HW_TRACE_IRR_COALESCE 0x1011u /* vector, source, 0: IRR bit already set */
#define HW_TRACE_ACCEPT 0x1012u      /* vector, 0, 0: IRR -> ISR */
#define HW_TRACE_SPURIOUS 0x1013u    /* spurious vector, 0, 0 */
#define HW_TRACE_EOI 0x1014u         /* vector (or 0x100 when ISR was empty), level, 0 */
#define HW_TRACE_IPI 0x1015u         /* destination cpu, vector, shorthand (cpu = sender) */
#define HW_TRACE_TIMER 0x1016u       /* vector, masked (0/1), periodic (0/1) */
#define HW_TRACE_TPR 0x1017u         /* new TPR, 0, 0 */
#define HW_TRACE_APIC_ERROR 0x1018u  /* ESR bits, vector, 0 */

/* MMU and TLB (cpu = the CPU). */
#define HW_TRACE_CR3 0x1020u         /* root pa, pcid, flushed (0/1) */
#define HW_TRACE_TLB_FLUSH 0x1021u   /* HW_FLUSH_* kind, va, entries dropped */

/* Devices (a = device index). */
#define HW_TRACE_DEV_ACTION 0x1030u  /* dev, HW_ACT_*, arg */
#define HW_TRACE_DEV_RESET 0x1031u   /* dev, spurious assertion left (0/1), 0 */
#define HW_TRACE_DMA 0x1032u         /* dev, physical address, length | write << 63 */
#define HW_TRACE_DMA_ERROR 0x1033u   /* dev, physical address, reason (1 outside RAM, 2 bus master off) */
#define HW_TRACE_UART_TX 0x1034u     /* dev, up to 8 bytes (first byte lowest), count */
#define HW_TRACE_BLOCK_DONE 0x1035u  /* dev, descriptor index, status */
#define HW_TRACE_HPET_FIRE 0x1036u   /* dev, timer, comparator */

/* Why a message or edge was dropped (HW_TRACE_DROP, c). */
enum hw_drop_reason {
	HW_DROP_MASKED = 1,      /* edge on a masked pin */
	HW_DROP_BAD_DEST = 2,    /* destination is not a CPU */
	HW_DROP_UNSUPPORTED = 3, /* delivery mode not modelled (NMI, SMI, INIT, ExtINT) */
	HW_DROP_DISABLED = 4,    /* MSI not enabled, or PLIC source disabled */
	HW_DROP_ILLEGAL_VEC = 5, /* vector below 16 */
	HW_DROP_INTX_OFF = 6,    /* PCI command register's interrupt-disable bit */
	HW_DROP_IN_FLIGHT = 7,   /* PLIC edge while the source is pending or claimed */
	HW_DROP_APIC_OFF = 8,    /* the destination LAPIC is software-disabled (SVR bit 8) */
};

/* Who sent an interrupt to a LAPIC (HW_TRACE_DELIVER, c). */
enum hw_irq_source {
	HW_SRC_IOAPIC = 1,
	HW_SRC_MSI = 2,
	HW_SRC_PLIC = 3,
	HW_SRC_IPI = 4,
	HW_SRC_TIMER = 5,
	HW_SRC_LOCAL = 6, /* a per-CPU local input (percpu.c) */
};

#endif /* HWMODEL_TRACE_H */
