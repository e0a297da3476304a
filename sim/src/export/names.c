/* SPDX-License-Identifier: MIT */
/* Names and plain-words descriptions of trace records. */
#include <sim/export.h>

#include <hwmodel/trace.h>
#include <stdlib.h>
#include <string.h>
#include <ukern/irq_log.h>
#include <ukern/kernel.h>

struct kind_name {
	uint16_t kind;
	const char *name;
};

static const struct kind_name names[] = {
	{SIM_TR_RUN_START, "run.start"},
	{SIM_TR_CPU_PICK, "cpu.pick"},
	{SIM_TR_CPU_HALT, "cpu.halt"},
	{SIM_TR_CPU_WAKE, "cpu.wake"},
	{SIM_TR_IRQ_TAKE, "cpu.irq"},
	{SIM_TR_RUN_END, "run.end"},
	{SIM_TR_USER, "user"},
	{SIM_TR_TASK_RUN, "task.run"},
	{SIM_TR_TASK_BLOCK, "task.block"},
	{SIM_TR_TASK_WAKE, "task.wake"},
	{SIM_TR_TASK_EXIT, "task.exit"},
	{UK_TRACE_CORE_SWITCH, "core.switch"},
	{UK_TRACE_CORE_PREEMPT, "core.preempt"},
	{UK_TRACE_CORE_WAKE, "core.wake"},
	{UK_TRACE_CORE_BLOCK, "core.block"},
	{UK_TRACE_CORE_EXIT, "core.exit"},
	{UK_TRACE_CORE_PI_BOOST, "core.pi-boost"},
	{UK_TRACE_CORE_FAULT, "core.fault"},
	{UK_TRACE_CORE_SHOOTDOWN, "core.shootdown"},
	{UK_TRACE_CORE_NOPREEMPT, "core.nopreempt"},
	{UK_TRACE_CORE_SPAWN, "core.spawn"},
	{UK_TRACE_CORE_PM, "core.pm"},
	{UK_TRACE_IRQ_ROUTE, "irq.route"},
	{UK_TRACE_IRQ_WAKE, "irq.wake"},
	{UK_TRACE_IRQ(UK_IRQ_EV_RAISE), "irq.raise"},
	{UK_TRACE_IRQ(UK_IRQ_EV_BEGIN), "irq.begin"},
	{UK_TRACE_IRQ(UK_IRQ_EV_SEQ), "irq.seq"},
	{UK_TRACE_IRQ(UK_IRQ_EV_ACK), "irq.ack"},
	{UK_TRACE_IRQ(UK_IRQ_EV_NAK), "irq.nak"},
	{UK_TRACE_IRQ(UK_IRQ_EV_KICK), "irq.kick"},
	{UK_TRACE_IRQ(UK_IRQ_EV_END), "irq.end"},
	{UK_TRACE_IRQ(UK_IRQ_EV_MASK), "irq.mask"},
	{UK_TRACE_IRQ(UK_IRQ_EV_EOI), "irq.eoi"},
	{UK_TRACE_IRQ(UK_IRQ_EV_EOS), "irq.eos"},
	{UK_TRACE_IRQ(UK_IRQ_EV_STALL), "irq.stall"},
	{UK_TRACE_IRQ(UK_IRQ_EV_NOBODY), "irq.nobody-cared"},
	{UK_TRACE_IRQ(UK_IRQ_EV_TIMEOUT), "irq.ack-timeout"},
	{UK_TRACE_IRQ(UK_IRQ_EV_ATTACH), "irq.attach"},
	{UK_TRACE_IRQ(UK_IRQ_EV_DETACH), "irq.detach"},
	{UK_TRACE_IRQ(UK_IRQ_EV_DISABLE), "irq.disable"},
	{UK_TRACE_IRQ(UK_IRQ_EV_UNDELIVERED), "irq.undelivered"},
	{HW_TRACE_LINE, "hw.line"},
	{HW_TRACE_MASK, "hw.mask"},
	{HW_TRACE_REMOTE_IRR, "hw.remote-irr"},
	{HW_TRACE_SEND, "hw.send"},
	{HW_TRACE_DROP, "hw.drop"},
	{HW_TRACE_HOLD, "hw.hold"},
	{HW_TRACE_COALESCE, "hw.coalesce"},
	{HW_TRACE_EOI_BCAST, "hw.eoi-broadcast"},
	{HW_TRACE_PLIC_CLAIM, "hw.plic-claim"},
	{HW_TRACE_PLIC_DONE, "hw.plic-complete"},
	{HW_TRACE_PLIC_IGNORED, "hw.plic-ignored"},
	{HW_TRACE_MSI, "hw.msi"},
	{HW_TRACE_DELIVER, "hw.deliver"},
	{HW_TRACE_IRR_COALESCE, "hw.irr-coalesce"},
	{HW_TRACE_ACCEPT, "hw.accept"},
	{HW_TRACE_SPURIOUS, "hw.spurious"},
	{HW_TRACE_EOI, "hw.eoi"},
	{HW_TRACE_IPI, "hw.ipi"},
	{HW_TRACE_TIMER, "hw.timer"},
	{HW_TRACE_TPR, "hw.tpr"},
	{HW_TRACE_APIC_ERROR, "hw.apic-error"},
	{HW_TRACE_CR3, "hw.cr3"},
	{HW_TRACE_TLB_FLUSH, "hw.tlb-flush"},
	{HW_TRACE_DEV_ACTION, "hw.device-action"},
	{HW_TRACE_DEV_RESET, "hw.device-reset"},
	{HW_TRACE_DMA, "hw.dma"},
	{HW_TRACE_DMA_ERROR, "hw.dma-error"},
	{HW_TRACE_UART_TX, "hw.uart"},
	{HW_TRACE_BLOCK_DONE, "hw.block-done"},
	{HW_TRACE_HPET_FIRE, "hw.hpet"},
};

const char *sim_trace_kind_name(uint16_t kind)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].kind == kind)
			return names[i].name;
	return NULL;
}

void sim_trace_describe(const struct sim_trace_rec *r, char *buf, size_t len)
{
	const char *n = sim_trace_kind_name(r->kind);
	unsigned long long a = r->a, b = r->b, c = r->c;
	if (r->kind == UK_TRACE_CORE_SWITCH)
		snprintf(buf, len, "CPU %llu switches from thread %llu to thread %llu", a, b, c);
	else if (r->kind == UK_TRACE_CORE_WAKE)
		snprintf(buf, len, "thread %llu wakes up (placed on CPU %llu)", a, b);
	else if (r->kind == UK_TRACE_IRQ(UK_IRQ_EV_BEGIN))
		snprintf(buf, len, "pin %llu starts service episode %llu", a, c);
	else if (r->kind == UK_TRACE_IRQ(UK_IRQ_EV_ACK))
		snprintf(buf, len, "sink %llu ACKs sequence %llu on pin %llu", b, c, a);
	else if (r->kind == UK_TRACE_IRQ(UK_IRQ_EV_NAK))
		snprintf(buf, len, "sink %llu NAKs sequence %llu on pin %llu", b, c, a);
	else if (r->kind == UK_TRACE_IRQ(UK_IRQ_EV_END))
		snprintf(buf, len, "pin %llu ends its episode (how: %llu)", a, c);
	else if (r->kind == UK_TRACE_IRQ(UK_IRQ_EV_NOBODY))
		snprintf(buf, len, "pin %llu: nobody cared (episode %llu)", a, c);
	else if (r->kind == HW_TRACE_LINE)
		snprintf(buf, len, "controller %llu pin %llu line goes %s", a, b, c ? "high" : "low");
	else if (r->kind == HW_TRACE_MASK)
		snprintf(buf, len, "controller %llu pin %llu %s", a, b, c ? "masked" : "unmasked");
	else if (r->kind == HW_TRACE_DEV_ACTION)
		snprintf(buf, len, "device %llu: timeline action %llu", a, b);
	else if (r->kind == SIM_TR_CPU_PICK)
		snprintf(buf, len, "CPU %llu runs next (of %llu candidates)", a, b);
	else if (n)
		snprintf(buf, len, "%s %llu %llu %llu", n, a, b, c);
	else
		snprintf(buf, len, "event 0x%04x %llu %llu %llu", r->kind, a, b, c);
}

static int cmp_time(const void *x, const void *y)
{
	const struct sim_trace_rec *a = x, *b = y;
	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	/* pad holds the emission order (set by sim_trace_sorted). */
	return a->pad < b->pad ? -1 : a->pad > b->pad;
}

struct sim_trace_rec *sim_trace_sorted(const struct sim_trace *t, size_t *n)
{
	*n = 0;
	if (!t->len)
		return NULL;
	struct sim_trace_rec *r = malloc(t->len * sizeof(*r));
	if (!r)
		return NULL;
	memcpy(r, t->recs, t->len * sizeof(*r));
	for (size_t i = 0; i < t->len; i++)
		r[i].pad = (uint32_t)i;
	qsort(r, t->len, sizeof(*r), cmp_time);
	*n = t->len;
	return r;
}
