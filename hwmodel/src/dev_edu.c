/* SPDX-License-Identifier: MIT */
/*
 * QEMU's educational PCI device, `edu` (QEMU docs/specs/edu.rst): the
 * interrupt source the bare-metal port drives under QEMU (metal/), with the
 * same register layout here so one scenario runs on both.
 *
 * State: the liveness word, the factorial and its status bits, the
 * interrupt status, and a DMA engine with a 4 KiB buffer. Software raises
 * an interrupt by writing bits to the raise register (they are ORed into
 * the interrupt status) and acknowledges by writing them to the
 * acknowledge register (they are cleared). INTx is a level line that stays
 * asserted while the interrupt status is non-zero, which is what makes a
 * driver that ACKs before it acknowledges the device see its line again.
 * With MSI, every raise that leaves the status non-zero sends a message.
 *
 * What QEMU does in a thread (the factorial) and on a timer (DMA) happens
 * here on the event queue, a fixed virtual time later (HW_EDU_FACT_NS,
 * HW_EDU_DMA_NS), or at once on a scripted HW_ACT_COMPLETE. A DMA whose
 * buffer range falls outside the device's buffer moves nothing (QEMU only
 * logs it), and one the bus refuses is traced as a DMA error; both still
 * complete and raise as asked.
 */
#include "internal.h"

struct dev_edu {
	struct hw_dev dev;
	uint32_t liveness;   /* stored inverted */
	uint32_t fact;       /* operand, then result */
	uint32_t status;     /* HW_EDU_STATUS_* */
	uint32_t irq_status;
	uint64_t dma_src, dma_dst, dma_count, dma_cmd;
	struct hw_event fact_done, dma_done;
	uint8_t buf[HW_EDU_DMA_BUF_SIZE];
};

static struct dev_edu *edu_of(struct hw_dev *d)
{
	return (struct dev_edu *)d;
}

static bool edu_msi(const struct dev_edu *e)
{
	return e->dev.desc.irq_mode == HW_IRQ_MSI;
}

/* The raise register's logic: OR the bits in; a level line follows the
 * status, an MSI source sends one message per raise while it is non-zero. */
static void edu_raise(struct dev_edu *e, uint32_t bits, uint64_t now)
{
	e->irq_status |= bits;
	if (!e->irq_status)
		return;
	if (edu_msi(e)) {
		e->dev.irq_cond = true;
		hw_dev_pulse_irq(&e->dev, now); /* dropped while MSI is disabled */
		return;
	}
	hw_dev_set_irq(&e->dev, true, now);
}

/* The acknowledge register's: INTx drops only when no bit is left. */
static void edu_lower(struct dev_edu *e, uint32_t bits, uint64_t now, bool by_software)
{
	if (by_software && (e->irq_status & bits))
		hw_dev_status_cleared(&e->dev, now);
	e->irq_status &= ~bits;
	if (e->irq_status)
		return;
	if (edu_msi(e))
		e->dev.irq_cond = false;
	else
		hw_dev_set_irq(&e->dev, false, now);
}

static void fact_finish(struct dev_edu *e, uint64_t now)
{
	if (!(e->status & HW_EDU_STATUS_COMPUTING))
		return;
	hw_evq_remove(e->dev.m->evq, &e->fact_done);
	uint32_t r = 1; /* 32-bit arithmetic, wrapping, as QEMU's */
	for (uint32_t n = e->fact; n > 0; n--)
		r *= n;
	e->fact = r;
	e->status &= ~HW_EDU_STATUS_COMPUTING;
	if (e->status & HW_EDU_STATUS_IRQFACT)
		edu_raise(e, HW_EDU_IRQ_FACT, now);
}

static void fact_fire(struct hw_event *ev, uint64_t now)
{
	fact_finish(HW_CONTAINER_OF(ev, struct dev_edu, fact_done), now);
}

/* [at, at + len) inside the device's buffer: its offset there. */
static bool in_buf(uint64_t at, uint64_t len, uint64_t *off)
{
	if (at < HW_EDU_DMA_BUF || len > HW_EDU_DMA_BUF_SIZE ||
	    at - HW_EDU_DMA_BUF > HW_EDU_DMA_BUF_SIZE - len)
		return false;
	*off = at - HW_EDU_DMA_BUF;
	return true;
}

static void dma_finish(struct dev_edu *e, uint64_t now)
{
	if (!(e->dma_cmd & HW_EDU_DMA_CMD_RUN))
		return;
	hw_evq_remove(e->dev.m->evq, &e->dma_done);
	bool to_ram = e->dma_cmd & HW_EDU_DMA_CMD_TO_RAM;
	uint64_t off;
	if (in_buf(to_ram ? e->dma_src : e->dma_dst, e->dma_count, &off)) {
		uint64_t pa = (to_ram ? e->dma_dst : e->dma_src) & HW_EDU_DMA_MASK;
		hw_dev_dma(&e->dev, now, pa, e->buf + off, (size_t)e->dma_count, to_ram);
	} else {
		hw_trace(e->dev.m, now, HW_CPU_NONE, HW_TRACE_DMA_ERROR, e->dev.index,
			 to_ram ? e->dma_src : e->dma_dst, 3);
	}
	e->dma_cmd &= ~(uint64_t)HW_EDU_DMA_CMD_RUN;
	if (e->dma_cmd & HW_EDU_DMA_CMD_IRQ)
		edu_raise(e, HW_EDU_IRQ_DMA, now);
}

static void dma_fire(struct hw_event *ev, uint64_t now)
{
	dma_finish(HW_CONTAINER_OF(ev, struct dev_edu, dma_done), now);
}

static bool bad_size(uint64_t off, unsigned size)
{
	return off < 0x80 ? size != 4 : size != 4 && size != 8;
}

static uint64_t edu_read(struct hw_dev *d, uint64_t now, uint64_t off, unsigned size)
{
	struct dev_edu *e = edu_of(d);
	uint64_t ones = size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
	if (bad_size(off, size))
		return ones;
	switch (off) {
	case HW_EDU_ID:
		return HW_EDU_ID_VALUE;
	case HW_EDU_LIVENESS:
		return e->liveness;
	case HW_EDU_FACTORIAL:
		return e->fact;
	case HW_EDU_STATUS:
		return e->status;
	case HW_EDU_IRQ_STATUS:
		return e->irq_status;
	case HW_EDU_DMA_SRC:
		return e->dma_src & ones;
	case HW_EDU_DMA_DST:
		return e->dma_dst & ones;
	case HW_EDU_DMA_COUNT:
		return e->dma_count & ones;
	case HW_EDU_DMA_CMD:
		return e->dma_cmd & ones;
	}
	return ones;
}

static void edu_write(struct hw_dev *d, uint64_t now, uint64_t off, unsigned size, uint64_t val)
{
	struct dev_edu *e = edu_of(d);
	if (bad_size(off, size))
		return;
	/* The DMA registers hold still while a transfer runs. */
	bool dma_busy = e->dma_cmd & HW_EDU_DMA_CMD_RUN;
	switch (off) {
	case HW_EDU_LIVENESS:
		e->liveness = ~(uint32_t)val;
		return;
	case HW_EDU_FACTORIAL:
		if (e->status & HW_EDU_STATUS_COMPUTING)
			return; /* one computation at a time: the write is lost */
		e->fact = (uint32_t)val;
		e->status |= HW_EDU_STATUS_COMPUTING;
		hw_evq_insert(d->m->evq, &e->fact_done, now + HW_EDU_FACT_NS);
		return;
	case HW_EDU_STATUS:
		/* Only the raise-when-done bit is writable. */
		if (val & HW_EDU_STATUS_IRQFACT)
			e->status |= HW_EDU_STATUS_IRQFACT;
		else
			e->status &= ~HW_EDU_STATUS_IRQFACT;
		return;
	case HW_EDU_IRQ_RAISE:
		edu_raise(e, (uint32_t)val, now);
		return;
	case HW_EDU_IRQ_ACK:
		edu_lower(e, (uint32_t)val, now, true);
		return;
	case HW_EDU_DMA_SRC:
		if (!dma_busy)
			e->dma_src = val;
		return;
	case HW_EDU_DMA_DST:
		if (!dma_busy)
			e->dma_dst = val;
		return;
	case HW_EDU_DMA_COUNT:
		if (!dma_busy)
			e->dma_count = val;
		return;
	case HW_EDU_DMA_CMD:
		if (dma_busy || !(val & HW_EDU_DMA_CMD_RUN))
			return;
		e->dma_cmd = val;
		hw_evq_insert(d->m->evq, &e->dma_done, now + HW_EDU_DMA_NS);
		return;
	}
}

/* A reset clears everything; the edu has no spurious assertion to leave. */
static void edu_reset(struct hw_dev *d, uint64_t now, bool spurious)
{
	struct dev_edu *e = edu_of(d);
	(void)spurious;
	hw_evq_remove(d->m->evq, &e->fact_done);
	hw_evq_remove(d->m->evq, &e->dma_done);
	e->liveness = e->fact = e->status = 0;
	e->dma_src = e->dma_dst = e->dma_count = e->dma_cmd = 0;
	edu_lower(e, ~0u, now, false);
}

static int edu_action(struct hw_dev *d, uint64_t now, enum hw_dev_action act, uint64_t arg)
{
	struct dev_edu *e = edu_of(d);
	switch (act) {
	case HW_ACT_RAISE:
		edu_raise(e, (uint32_t)arg, now);
		return HW_OK;
	case HW_ACT_ASSERT: /* a raise of the factorial's bit, or of arg's */
		edu_raise(e, arg ? (uint32_t)arg : HW_EDU_IRQ_FACT, now);
		return HW_OK;
	case HW_ACT_DEASSERT: /* withdrawn by the device itself, not acknowledged */
		edu_lower(e, ~0u, now, false);
		return HW_OK;
	case HW_ACT_COMPLETE:
		if (!(e->status & HW_EDU_STATUS_COMPUTING) && !(e->dma_cmd & HW_EDU_DMA_CMD_RUN))
			return HW_EAGAIN;
		fact_finish(e, now);
		dma_finish(e, now);
		return HW_OK;
	default:
		return HW_EINVAL;
	}
}

static int edu_init(struct hw_dev *d, char *err, size_t errlen)
{
	struct dev_edu *e = edu_of(d);
	if (!d->pci)
		return hw_errf(err, errlen, HW_EINVAL, "device '%s': an edu device is a PCI function",
			       d->name);
	if (d->desc.irq_mode == HW_IRQ_EDGE)
		return hw_errf(err, errlen, HW_EINVAL,
			       "device '%s': the edu's INTx is a level line, not edge", d->name);
	hw_event_init(&e->fact_done, fact_fire);
	hw_event_init(&e->dma_done, dma_fire);
	return HW_OK;
}

static void edu_fini(struct hw_dev *d)
{
	struct dev_edu *e = edu_of(d);
	hw_evq_remove(d->m->evq, &e->fact_done);
	hw_evq_remove(d->m->evq, &e->dma_done);
}

const struct hw_dev_ops hw_dev_edu_ops = {
	.kind_name = "edu",
	.size = sizeof(struct dev_edu),
	.default_size = 0x100000, /* 1 MiB, as QEMU's BAR0 */
	.vendor = 0x1234,
	.device = 0x11e8,
	.class_rev = 0x00ff0010u, /* class 0x00, subclass 0xff (QEMU's PCI_CLASS_OTHERS), rev 0x10 */
	.init = edu_init,
	.fini = edu_fini,
	.read = edu_read,
	.write = edu_write,
	.reset = edu_reset,
	.action = edu_action,
};
