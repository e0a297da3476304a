/* SPDX-License-Identifier: MIT */
/*
 * A 16550-like UART. Transmission is instant: every byte written to THR is
 * appended to the device's output and to the trace (packed eight bytes per
 * HW_TRACE_UART_TX event, flushed at each newline). Reception is scripted:
 * HW_ACT_COMPLETE delivers one byte.
 *
 * Interrupts: received data (IER bit 0) and THR empty (IER bit 1), with the
 * 16550 quirk that reading IIR while it reports THR empty clears that
 * interrupt. On PCs the line reaches the interrupt controller only while
 * MCR.OUT2 is set, a classic reason for a serial driver that never gets
 * an interrupt.
 */
#include "internal.h"

#include <stdlib.h>

#define IER_RX 1u
#define IER_THRE 2u
#define IIR_NONE 0x01u
#define IIR_THRE 0x02u
#define IIR_RX 0x04u
#define LSR_DR 0x01u
#define LSR_THRE 0x20u
#define LSR_TEMT 0x40u
#define MCR_OUT2 0x08u

struct dev_uart {
	struct hw_dev dev;
	uint8_t ier, lcr, mcr, scr, dll, dlm;
	uint8_t rbr;
	bool rx_full;
	bool thre_pending;
	uint64_t pack;     /* bytes not yet traced */
	unsigned npack;
	char *out;         /* everything transmitted */
	size_t outlen;
};

static struct dev_uart *uart_of(struct hw_dev *d)
{
	return (struct dev_uart *)d;
}

static uint8_t iir(const struct dev_uart *u)
{
	if ((u->ier & IER_RX) && u->rx_full)
		return IIR_RX;
	if ((u->ier & IER_THRE) && u->thre_pending)
		return IIR_THRE;
	return IIR_NONE;
}

static void uart_update(struct dev_uart *u, uint64_t now)
{
	hw_dev_set_irq(&u->dev, iir(u) != IIR_NONE && (u->mcr & MCR_OUT2), now);
}

static void flush_trace(struct dev_uart *u, uint64_t now)
{
	if (u->npack)
		hw_trace(u->dev.m, now, HW_CPU_NONE, HW_TRACE_UART_TX, u->dev.index, u->pack, u->npack);
	u->pack = 0;
	u->npack = 0;
}

static void transmit(struct dev_uart *u, uint64_t now, uint8_t c)
{
	if (u->outlen < HW_UART_OUT_MAX - 1) {
		u->out[u->outlen++] = (char)c;
		u->out[u->outlen] = 0;
	}
	u->pack |= (uint64_t)c << (8 * u->npack++);
	if (u->npack == 8 || c == '\n')
		flush_trace(u, now);
	u->thre_pending = true; /* the byte left at once */
}

static uint64_t uart_read(struct hw_dev *d, uint64_t now, uint64_t off, unsigned size)
{
	struct dev_uart *u = uart_of(d);
	bool dlab = u->lcr & 0x80;
	uint8_t v = 0;
	switch (off) {
	case HW_UART_RBR_THR:
		if (dlab)
			return u->dll;
		v = u->rbr;
		u->rx_full = false;
		break;
	case HW_UART_IER:
		return dlab ? u->dlm : u->ier;
	case HW_UART_IIR:
		v = iir(u);
		if (v == IIR_THRE)
			u->thre_pending = false; /* reading IIR clears THR empty */
		break;
	case HW_UART_LCR:
		return u->lcr;
	case HW_UART_MCR:
		return u->mcr;
	case HW_UART_LSR:
		return LSR_THRE | LSR_TEMT | (u->rx_full ? LSR_DR : 0);
	case HW_UART_SCR:
		return u->scr;
	default:
		return 0;
	}
	uart_update(u, now);
	return v;
}

static void uart_write(struct hw_dev *d, uint64_t now, uint64_t off, unsigned size, uint64_t val)
{
	struct dev_uart *u = uart_of(d);
	bool dlab = u->lcr & 0x80;
	uint8_t v = (uint8_t)val;
	switch (off) {
	case HW_UART_RBR_THR:
		if (dlab)
			u->dll = v;
		else
			transmit(u, now, v);
		break;
	case HW_UART_IER:
		if (dlab) {
			u->dlm = v;
		} else {
			/* Enabling THRE interrupts with THR empty raises one. */
			if ((v & IER_THRE) && !(u->ier & IER_THRE))
				u->thre_pending = true;
			u->ier = v & 0x0f;
		}
		break;
	case HW_UART_LCR:
		u->lcr = v;
		break;
	case HW_UART_MCR:
		u->mcr = v & 0x1f;
		break;
	case HW_UART_SCR:
		u->scr = v;
		break;
	}
	uart_update(u, now);
}

static void uart_reset(struct hw_dev *d, uint64_t now, bool spurious)
{
	struct dev_uart *u = uart_of(d);
	flush_trace(u, now);
	u->ier = u->lcr = u->mcr = u->scr = u->dll = u->dlm = u->rbr = 0;
	u->rx_full = false;
	u->thre_pending = false;
	uart_update(u, now);
}

static int uart_action(struct hw_dev *d, uint64_t now, enum hw_dev_action act, uint64_t arg)
{
	struct dev_uart *u = uart_of(d);
	if (act != HW_ACT_COMPLETE)
		return HW_EINVAL;
	u->rbr = (uint8_t)arg;
	u->rx_full = true; /* an unread byte is overwritten (overrun not modelled) */
	uart_update(u, now);
	return HW_OK;
}

static int uart_init(struct hw_dev *d, char *err, size_t errlen)
{
	struct dev_uart *u = uart_of(d);
	u->out = calloc(HW_UART_OUT_MAX, 1);
	if (!u->out)
		return hw_errf(err, errlen, HW_ENOMEM, "out of memory");
	return HW_OK;
}

static void uart_fini(struct hw_dev *d)
{
	free(uart_of(d)->out);
}

const char *hw_uart_output(const struct hw_dev *d, size_t *len)
{
	if (d->desc.kind != HW_DEV_UART) {
		*len = 0;
		return "";
	}
	const struct dev_uart *u = (const struct dev_uart *)d;
	*len = u->outlen;
	return u->out;
}

const struct hw_dev_ops hw_dev_uart_ops = {
	.kind_name = "uart",
	.size = sizeof(struct dev_uart),
	.default_size = 0x1000,
	.vendor = 0x1b36,
	.device = 0x0002, /* a PCI 16550 */
	.class_rev = 0x07000201u, /* serial controller, 16550 */
	.init = uart_init,
	.fini = uart_fini,
	.read = uart_read,
	.write = uart_write,
	.reset = uart_reset,
	.action = uart_action,
};
