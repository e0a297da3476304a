/* SPDX-License-Identifier: MIT */
/*
 * irq_log.c: the kernel's IRQ log on metal. The image gives libukern a log
 * sized statically here (uk_kernel_irq_set_log, as the simulator's runtime
 * gives it one), and prints it over serial at the end of a run with
 * libukern's own formatter (uk_irq_event_format), the lines `uksim run
 * --irq-log` prints: after the run, not during it (COM1 under TCG is slow,
 * and a print inside the kernel lock would stretch every episode), and at
 * most METAL_IRQ_LOG_PRINT records, with the count of each kind over the
 * whole log so that nothing is hidden by the cap.
 *
 * The kernel's records carry no CPU; uk_arch_trace sees each one right
 * after it is appended (uk_irq_emit appends, then traces, under the kernel
 * lock), so the n-th IRQ trace call of a log kind is the n-th record, and
 * its CPU is the caller's.
 */
#include "metal.h"

#include <ukern/irq_log.h>
#include <ukern/kernel.h>

/* 48 records per raise of shared-edu's 1,000 would be far more than it
 * makes (about 7 per raise): 64 Ki records, 2.5 MiB of the image's bss. */
#define METAL_IRQ_LOG_CAP 65536u
#define KINDS 32u

static struct {
	struct uk_irq_log log;
	struct uk_irq_event ev[METAL_IRQ_LOG_CAP];
	uint8_t cpu[METAL_IRQ_LOG_CAP];
	uint64_t traced; /* IRQ trace calls of log kinds: the next record's index */
	bool on;
} irqlog;

void metal_irq_log_init(struct uk_kernel *k)
{
	uk_irq_log_init(&irqlog.log, irqlog.ev, METAL_IRQ_LOG_CAP);
	if (uk_kernel_irq_set_log(k, &irqlog.log) != 0) {
		kprintf("metal: no IRQ log (out of kernel memory)\n");
		return;
	}
	irqlog.on = true;
}

void metal_irq_log_trace(unsigned cpu, uint16_t kind)
{
	if (!irqlog.on || kind <= UK_TRACE_IRQ_BASE || kind >= UK_TRACE_IRQ_VIOLATION)
		return;
	uint64_t n = __atomic_fetch_add(&irqlog.traced, 1, __ATOMIC_RELAXED);
	if (n < METAL_IRQ_LOG_CAP)
		irqlog.cpu[n] = (uint8_t)cpu;
}

void metal_irq_log_print(unsigned max)
{
	uint64_t count[KINDS] = {0};
	char line[256];
	/* The run is over (scenario.c: quiet, or out of patience): a record
	 * still being appended on another CPU is not among these. */
	size_t len = __atomic_load_n(&irqlog.log.len, __ATOMIC_ACQUIRE);
	size_t shown = len < max ? len : max;

	if (!irqlog.on) {
		kprintf("irq-log: none (the kernel has no log)\n");
		return;
	}
	for (size_t i = 0; i < len; i++)
		count[irqlog.ev[i].kind < KINDS ? irqlog.ev[i].kind : 0]++;
	kprintf("irq-log: %lu records, %lu lost (the log holds %u), the first %lu printed "
		"(at most %u), %lu not printed\n",
		(uint64_t)len, irqlog.log.lost, METAL_IRQ_LOG_CAP, (uint64_t)shown, max,
		(uint64_t)(len - shown));
	kprintf("  kinds:");
	const char *sep = " ";
	for (unsigned k = 0; k < KINDS; k++) {
		if (!count[k])
			continue;
		const char *name = uk_irq_event_kind_name(k);
		kprintf("%s%s %lu", sep, name ? name : "other", count[k]);
		sep = ", ";
	}
	kprintf(len ? "\n" : " none\n");
	for (size_t i = 0; i < shown; i++) {
		uint32_t cpu = i < irqlog.traced ? irqlog.cpu[i] : UK_IRQ_CPU_UNKNOWN;
		uk_irq_event_format(&irqlog.ev[i], cpu, line, sizeof(line));
		kprintf("  %s\n", line);
	}
}
