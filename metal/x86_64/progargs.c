/* SPDX-License-Identifier: MIT */
/*
 * progargs.c: a scenario thread's argument block (ukern/progargs.h), the
 * start code's part. The block is laid out exactly as the simulator's
 * runtime lays it out (sim/src/runtime/args.c): the header, the thread's
 * arguments in the scenario's order, every device of the scenario, its
 * endpoints and mutexes (none on metal), then the strings in that order
 * (each argument's name and string, each device's name), the size rounded
 * up to 8. What differs is what only the machine knows: a device's IOAPIC
 * pin is the one the firmware routed it to, its MSI source is its edu
 * index, and its window is the one page the image maps (the handle is the
 * process's device memory object, made by user.c). The program reads the
 * block with the simulator's own reader (sim/src/runtime/progargs_read.c).
 */
#include <ukern/irq_sys.h>
#include <ukern/progargs.h>

#include "lib/string.h"
#include "metal.h"
#include "scenario.h"

struct writer {
	unsigned char *b;
	uint32_t cap, str_at;
	bool over;
};

static void put(struct writer *w, uint32_t off, const void *v, uint32_t n)
{
	if (off > w->cap || n > w->cap - off) {
		w->over = true;
		return;
	}
	uk_memcpy(w->b + off, v, n);
}

static uint32_t put_str(struct writer *w, const char *s)
{
	if (!s)
		return 0;
	uint32_t at = w->str_at, n = (uint32_t)uk_strnlen(s, UK_PROGARGS_SLOT_SIZE) + 1;
	put(w, at, s, n);
	w->str_at += n;
	return at;
}

uint32_t metal_progargs_layout(struct uk_arch *a, const struct metal_scenario *s, unsigned t,
			       const uint32_t *regs, void *buf, uint32_t cap)
{
	const struct metal_scn_thread *th = &s->threads[t];
	struct writer w = { .b = buf, .cap = cap };
	struct uk_progargs_hdr h = {
		.magic = UK_PROGARGS_MAGIC,
		.version = UK_PROGARGS_VERSION,
		.hdr_size = sizeof(h),
		.thread = 0, /* one thread per process on metal: slot 0 */
		.process = t,
		.nargs = th->nargs,
		.ndevices = s->ndevices,
	};
	if (th->nargs > UK_PROGARGS_MAX_ARGS || s->ndevices > UK_PROGARGS_MAX_DEVICES)
		return 0;
	uk_memset(buf, 0, cap);
	h.args_off = sizeof(h);
	h.devices_off = h.args_off + h.nargs * (uint32_t)sizeof(struct uk_progarg);
	h.endpoints_off = h.devices_off + h.ndevices * (uint32_t)sizeof(struct uk_progarg_dev);
	h.mutexes_off = h.endpoints_off;
	h.strings_off = h.mutexes_off;
	w.str_at = h.strings_off;
	for (uint32_t i = 0; i < h.nargs; i++) {
		const struct metal_scn_arg *x = &th->args[i];
		struct uk_progarg e = { .kind = x->kind, .num = x->num, .ref = x->ref };
		e.name = put_str(&w, x->name);
		e.str = put_str(&w, x->str);
		put(&w, h.args_off + i * (uint32_t)sizeof(e), &e, sizeof(e));
	}
	for (uint32_t i = 0; i < h.ndevices; i++) {
		const struct metal_scn_device *d = &s->devices[i];
		unsigned edu = scn_edu_of(i);
		bool msi = d->line_kind == METAL_SCN_MSI;
		struct uk_progarg_dev e = {
			.regs = regs[i],
			.regs_size = UK_PAGE_SIZE,
			.src_kind = msi ? UK_IRQ_SRC_MSI : UK_IRQ_SRC_GSI,
			.trigger = d->level ? UK_TRIGGER_LEVEL : UK_TRIGGER_EDGE,
			.polarity = UK_POLARITY_HIGH,
			.source = msi ? edu : a->edu[edu].gsi,
		};
		e.flags = (d->w1c ? UK_PROGDEV_W1C : 0) | UK_PROGDEV_HAS_LINE |
			  (th->irq & (1u << i) ? UK_PROGDEV_IRQ_CAP : 0);
		e.name = put_str(&w, d->name);
		put(&w, h.devices_off + i * (uint32_t)sizeof(e), &e, sizeof(e));
	}
	h.size = (w.str_at + 7u) & ~7u;
	put(&w, 0, &h, sizeof(h));
	return w.over || h.size > cap ? 0 : h.size;
}
