/* SPDX-License-Identifier: MIT */
/*
 * The scriptable device. The scenario decides when it interrupts; its
 * status register tells a driver whether a pending interrupt is its own,
 * which is what a driver on a shared line must find out.
 *
 * The line is (status.irq && control.enable) || stuck. `stuck` is the
 * spurious assertion a reset may leave behind: the line is up but the
 * status register says "not mine", so every driver on the pin declines
 * it, until the scenario deasserts or resets the device again.
 */
#include "internal.h"

#include <stdlib.h>

struct dev_script {
	struct hw_dev dev;
	uint32_t status;
	uint32_t control;
	uint32_t count;
	uint32_t data;
	bool stuck;
};

static struct dev_script *script_of(struct hw_dev *d)
{
	return (struct dev_script *)d;
}

static void script_update(struct dev_script *s, uint64_t now)
{
	bool cond = ((s->status & HW_SCRIPT_STATUS_IRQ) && (s->control & 1)) || s->stuck;
	hw_dev_set_irq(&s->dev, cond, now);
}

static uint64_t script_read(struct hw_dev *d, uint64_t now, uint64_t off, unsigned size)
{
	struct dev_script *s = script_of(d);
	switch (off) {
	case HW_SCRIPT_STATUS: {
		uint32_t v = s->status;
		if (d->desc.status_mode == HW_STATUS_CLEAR_ON_READ && v) {
			s->status = 0;
			hw_dev_status_cleared(d, now);
			script_update(s, now);
		}
		return v;
	}
	case HW_SCRIPT_CONTROL:
		return s->control;
	case HW_SCRIPT_COUNT:
		return s->count;
	case HW_SCRIPT_DATA:
		return s->data;
	}
	return 0;
}

static void script_write(struct hw_dev *d, uint64_t now, uint64_t off, unsigned size,
			 uint64_t val)
{
	struct dev_script *s = script_of(d);
	switch (off) {
	case HW_SCRIPT_STATUS:
		if (d->desc.status_mode == HW_STATUS_W1C) {
			if (s->status & (uint32_t)val)
				hw_dev_status_cleared(d, now);
			s->status &= ~(uint32_t)val;
		}
		break;
	case HW_SCRIPT_CONTROL:
		s->control = (uint32_t)val & 1;
		break;
	case HW_SCRIPT_DATA:
		s->data = (uint32_t)val;
		return;
	default:
		return;
	}
	script_update(s, now);
}

static void script_reset(struct hw_dev *d, uint64_t now, bool spurious)
{
	struct dev_script *s = script_of(d);
	s->status = 0;
	s->control = 1;
	s->count = 0;
	s->data = 0;
	s->stuck = spurious;
	script_update(s, now);
}

static int script_action(struct hw_dev *d, uint64_t now, enum hw_dev_action act, uint64_t arg)
{
	struct dev_script *s = script_of(d);
	switch (act) {
	case HW_ACT_ASSERT:
	case HW_ACT_COMPLETE:
		s->status |= HW_SCRIPT_STATUS_IRQ;
		s->count++;
		s->data = (uint32_t)arg;
		/* Every event of an edge or MSI device is a new edge, even with
		 * the status bit still set from an earlier one. */
		if (d->desc.irq_mode != HW_IRQ_LEVEL && d->irq_cond && (s->control & 1))
			hw_dev_pulse_irq(d, now);
		script_update(s, now);
		return HW_OK;
	case HW_ACT_DEASSERT:
		s->status &= ~HW_SCRIPT_STATUS_IRQ;
		s->stuck = false;
		script_update(s, now);
		return HW_OK;
	case HW_ACT_PULSE:
		/* A glitch: the line rises and falls, and the status bit is
		 * clear again by the time a driver looks. */
		if (s->control & 1)
			hw_dev_pulse_irq(d, now);
		return HW_OK;
	default:
		return HW_EINVAL;
	}
}

static int script_init(struct hw_dev *d, char *err, size_t errlen)
{
	if (d->desc.status_mode != HW_STATUS_W1C && d->desc.status_mode != HW_STATUS_CLEAR_ON_READ)
		return hw_errf(err, errlen, HW_EINVAL, "device '%s': unknown status mode %d",
			       d->name, d->desc.status_mode);
	script_of(d)->control = 1;
	return HW_OK;
}

const struct hw_dev_ops hw_dev_script_ops = {
	.kind_name = "script",
	.size = sizeof(struct dev_script),
	.default_size = 0x1000,
	.vendor = 0x1b36, /* the QEMU/Red Hat vendor ID, for a virtual device */
	.device = 0x00f0,
	.class_rev = 0xff000001u, /* class: unassigned */
	.init = script_init,
	.read = script_read,
	.write = script_write,
	.reset = script_reset,
	.action = script_action,
};
