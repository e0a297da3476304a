/* SPDX-License-Identifier: MIT */
/*
 * Message-signalled interrupts. A source is the message (address, data)
 * of one device function; sending it is a memory write to 0xfeexxxxx that
 * the LAPIC of the destination picks up (Intel SDM vol. 3, 11.11). There
 * is no mask: plain MSI without the optional per-vector mask bits, which
 * is exactly the case a kernel must cope with. MSI is always edge.
 */
#include "internal.h"

#include <stdlib.h>

int hw_msi_init(struct hw_machine *m, unsigned n)
{
	m->msi.n = n;
	m->msi.src = calloc(n, sizeof(*m->msi.src));
	return m->msi.src ? HW_OK : HW_ENOMEM;
}

void hw_msi_fini(struct hw_machine *m)
{
	free(m->msi.src);
	m->msi.src = NULL;
}

void hw_msi_reset(struct hw_machine *m)
{
	for (unsigned i = 0; i < m->msi.n; i++) {
		struct hw_msi_src *s = &m->msi.src[i];
		s->addr = 0;
		s->data = 0;
		s->enabled = false;
		s->st = (struct hw_intc_stats){0};
	}
	m->msi.st = (struct hw_intc_stats){0};
}

static void msi_drop(struct hw_machine *m, struct hw_msi_src *s, unsigned src, uint64_t now,
		     unsigned reason)
{
	s->st.dropped++;
	m->msi.st.dropped++;
	hw_trace(m, now, HW_CPU_NONE, HW_TRACE_DROP, CTRL_MSI, src, reason);
}

int hw_msi_send(struct hw_machine *m, unsigned src, uint64_t now)
{
	if (src >= m->msi.n)
		return HW_EINVAL;
	struct hw_msi_src *s = &m->msi.src[src];
	if (!s->enabled) {
		msi_drop(m, s, src, now, HW_DROP_DISABLED);
		return HW_OK;
	}
	unsigned dest = (unsigned)(s->addr >> HW_MSI_ADDR_DEST_SHIFT) & 0xff;
	unsigned vector = s->data & 0xff;
	unsigned delmode = (s->data >> 8) & 7;
	if ((s->addr & 0xfff00000ull) != HW_MSI_ADDR_BASE || delmode > 1) {
		msi_drop(m, s, src, now, HW_DROP_UNSUPPORTED);
		return HW_OK;
	}
	if (dest >= m->ncpus) {
		msi_drop(m, s, src, now, HW_DROP_BAD_DEST);
		return HW_OK;
	}
	s->st.delivered++;
	m->msi.st.delivered++;
	hw_trace(m, now, dest, HW_TRACE_MSI, src, vector, dest);
	hw_lapic_deliver(m, dest, now, vector, false, HW_SRC_MSI);
	return HW_OK;
}

int hw_msi_route(struct hw_machine *m, unsigned src, unsigned vector, unsigned cpu,
		 enum hw_trigger trig, uint64_t now)
{
	if (trig != HW_TRIGGER_EDGE)
		return HW_EINVAL;
	struct hw_msi_src *s = &m->msi.src[src];
	s->addr = HW_MSI_ADDR_BASE | ((uint64_t)cpu << HW_MSI_ADDR_DEST_SHIFT);
	s->data = vector;
	/* A free-standing source is enabled by routing; a device's source is
	 * enabled by its driver in the MSI capability. */
	if (!s->dev)
		s->enabled = true;
	return HW_OK;
}

int hw_msi_message(const struct hw_machine *m, unsigned src, uint64_t *addr, uint32_t *data,
		   bool *enabled)
{
	if (src >= m->msi.n)
		return HW_EINVAL;
	const struct hw_msi_src *s = &m->msi.src[src];
	*addr = s->addr;
	*data = s->data;
	*enabled = s->enabled;
	return HW_OK;
}
