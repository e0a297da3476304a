/* SPDX-License-Identifier: MIT */
/* PCI configuration space: enumeration, IDs, BARs, interrupt bits, MSI cap. */
#include "hwtest.h"

struct found {
	unsigned bus, dev, fn;
	uint16_t vendor, device;
};

/* Enumerate as a driver would: function 0 first, others if multi-function. */
static unsigned enumerate(struct hw_machine *m, struct found *out, unsigned max)
{
	unsigned n = 0;
	for (unsigned bus = 0; bus < 256; bus++) {
		for (unsigned dev = 0; dev < 32; dev++) {
			uint32_t id, hdr;
			hw_pci_cfg_read(m, bus, dev, 0, HW_PCI_VENDOR, 4, &id);
			if ((id & 0xffff) == 0xffff)
				continue;
			hw_pci_cfg_read(m, bus, dev, 0, HW_PCI_HEADER_TYPE, 1, &hdr);
			unsigned nfn = (hdr & 0x80) ? 8 : 1;
			for (unsigned fn = 0; fn < nfn; fn++) {
				hw_pci_cfg_read(m, bus, dev, fn, HW_PCI_VENDOR, 4, &id);
				if ((id & 0xffff) == 0xffff || n == max)
					continue;
				out[n++] = (struct found){bus, dev, fn, (uint16_t)id,
							  (uint16_t)(id >> 16)};
			}
		}
	}
	return n;
}

static struct hwt *pci_machine(void)
{
	struct hwt *x = hwt_new(2);
	struct hw_dev_desc d[] = {
		{.kind = HW_DEV_SCRIPT, .name = "a", .pci = true, .bus = 0, .slot = 3,
		 .vendor = 0x8086, .device = 0x100e, .mmio_base = 0xc0000000, .irq_mode = HW_IRQ_LEVEL,
		 .irq_pin = 11, .active_low = true},
		{.kind = HW_DEV_BLOCK, .name = "b", .pci = true, .bus = 0, .slot = 3, .fn = 2,
		 .mmio_base = 0xc0001000, .irq_mode = HW_IRQ_MSI, .irq_pin = 4},
		{.kind = HW_DEV_UART, .name = "c", .pci = true, .bus = 1, .slot = 0,
		 .mmio_base = 0xc0010000, .mmio_size = 0x10000, .irq_mode = HW_IRQ_EDGE, .irq_pin = 4},
	};
	for (unsigned i = 0; i < 3; i++)
		ck_assert_msg(hw_machine_add_device(x->m, &d[i], x->err, sizeof(x->err)) == HW_OK,
			      "%s", x->err);
	return x;
}

START_TEST(enumeration_finds_the_configured_devices)
{
	struct hwt *x = pci_machine();
	struct found f[8];
	unsigned n = enumerate(x->m, f, 8);
	ck_assert_uint_eq(n, 3);
	ck_assert(f[0].bus == 0 && f[0].dev == 3 && f[0].fn == 0);
	ck_assert_uint_eq(f[0].vendor, 0x8086);
	ck_assert_uint_eq(f[0].device, 0x100e);
	ck_assert(f[1].bus == 0 && f[1].dev == 3 && f[1].fn == 2); /* found via multi-function */
	ck_assert_uint_eq(f[1].vendor, 0x1b36);
	ck_assert(f[2].bus == 1 && f[2].dev == 0 && f[2].fn == 0);
	uint32_t v;
	hw_pci_cfg_read(x->m, 0, 4, 0, 0, 2, &v);
	ck_assert_uint_eq(v, 0xffff);
	ck_assert_int_eq(hw_pci_cfg_read(x->m, 0, 32, 0, 0, 4, &v), HW_EINVAL);
	ck_assert_int_eq(hw_pci_cfg_read(x->m, 0, 1, 0, 1, 2, &v), HW_EINVAL); /* misaligned */
	ck_assert_int_eq(hw_pci_cfg_read(x->m, 0, 3, 0, 255, 1, &v), HW_OK); /* the last byte */
	/* 0:3 has a function 2, so function 0 says multi-function; 1:0 does not */
	hw_pci_cfg_read(x->m, 0, 3, 0, HW_PCI_HEADER_TYPE, 1, &v);
	ck_assert_uint_eq(v & 0x80, 0x80);
	hw_pci_cfg_read(x->m, 1, 0, 0, HW_PCI_HEADER_TYPE, 1, &v);
	ck_assert_uint_eq(v & 0x80, 0);
	ck_assert_int_eq(hw_pci_cfg_read(x->m, 0, 3, 0, 256, 1, &v), HW_EINVAL);
	hwt_free(x);
}
END_TEST

START_TEST(mechanism_one_ports)
{
	struct hwt *x = pci_machine();
	uint32_t v;
	hw_pio_write(x->m, 0, 0, 0xcf8, 4, 0x80000000u | (1u << 16) | HW_PCI_VENDOR);
	ck_assert_int_eq(hw_pio_read(x->m, 0, 0, 0xcfc, 4, &v), HW_OK);
	ck_assert_uint_eq(v & 0xffff, 0x1b36);
	hw_pio_write(x->m, 0, 0, 0xcf8, 4, 0x80000000u | (3u << 11) | 0x3c);
	hw_pio_read(x->m, 0, 0, 0xcfd, 1, &v);
	ck_assert_uint_eq(v, 1); /* interrupt pin INTA# */
	hw_pio_read(x->m, 0, 0, 0xcfc, 1, &v);
	ck_assert_uint_eq(v, 11); /* interrupt line as firmware left it */
	hwt_free(x);
}
END_TEST

/* The other half of mechanism #1: the address register reads back what it
 * keeps (enable, bus, device, function, dword offset), the data port
 * writes configuration space too, and with the enable bit clear (or at a
 * port that is not the data port) a read floats to all ones and a write
 * changes nothing: HW_ENOENT, as for a port with nothing behind it. */
START_TEST(mechanism_one_writes_and_disabled_accesses)
{
	struct hwt *x = pci_machine();
	uint32_t v;
	ck_assert_int_eq(hw_pio_write(x->m, 0, 0, 0xcf8, 4, 0xffffffffu), HW_OK);
	ck_assert_int_eq(hw_pio_read(x->m, 0, 0, 0xcf8, 4, &v), HW_OK);
	ck_assert_uint_eq(v, 0x80fffffcu);
	/* the interrupt line of 0:3.0 through the data port (byte 0 of 0x3c) */
	hw_pio_write(x->m, 0, 0, 0xcf8, 4, 0x80000000u | (3u << 11) | 0x3c);
	ck_assert_int_eq(hw_pio_write(x->m, 0, 0, 0xcfc, 1, 42), HW_OK);
	hw_pci_cfg_read(x->m, 0, 3, 0, HW_PCI_INT_LINE, 1, &v);
	ck_assert_uint_eq(v, 42);
	/* the last data port is byte 3 of the dword (BAR0's top byte here) */
	hw_pio_write(x->m, 0, 0, 0xcf8, 4, 0x80000000u | (3u << 11) | HW_PCI_BAR0);
	ck_assert_int_eq(hw_pio_write(x->m, 0, 0, 0xcff, 1, 0xd0), HW_OK);
	ck_assert_int_eq(hw_pio_read(x->m, 0, 0, 0xcff, 1, &v), HW_OK);
	ck_assert_uint_eq(v, 0xd0);
	hw_pci_cfg_read(x->m, 0, 3, 0, HW_PCI_BAR0, 4, &v);
	ck_assert_uint_eq(v >> 24, 0xd0);
	/* the port below the data ports is not one of them */
	ck_assert_int_eq(hw_pio_read(x->m, 0, 0, 0xcfb, 1, &v), HW_ENOENT);
	ck_assert_uint_eq(v, 0xff);
	ck_assert_int_eq(hw_pio_write(x->m, 0, 0, 0xcfb, 1, 0), HW_ENOENT);
	hw_pci_cfg_read(x->m, 0, 3, 0, HW_PCI_BAR0, 4, &v);
	ck_assert_uint_eq(v >> 24, 0xd0);
	/* the function number: 0:3.2 is there, 0:3.1 is not */
	uint32_t id;
	hw_pci_cfg_read(x->m, 0, 3, 2, HW_PCI_VENDOR, 4, &id);
	ck_assert_uint_ne(id, 0xffffffffu);
	hw_pio_write(x->m, 0, 0, 0xcf8, 4, 0x80000000u | (3u << 11) | (2u << 8));
	hw_pio_read(x->m, 0, 0, 0xcfc, 4, &v);
	ck_assert_uint_eq(v, id);
	hw_pio_write(x->m, 0, 0, 0xcf8, 4, 0x80000000u | (3u << 11) | (1u << 8));
	hw_pio_read(x->m, 0, 0, 0xcfc, 4, &v);
	ck_assert_uint_eq(v, 0xffffffffu);
	/* enable bit clear: nothing behind the data port */
	hw_pio_write(x->m, 0, 0, 0xcf8, 4, (3u << 11) | 0x3c);
	ck_assert_int_eq(hw_pio_read(x->m, 0, 0, 0xcfc, 4, &v), HW_ENOENT);
	ck_assert_uint_eq(v, 0xffffffffu);
	ck_assert_int_eq(hw_pio_read(x->m, 0, 0, 0xcfc, 2, &v), HW_ENOENT);
	ck_assert_uint_eq(v, 0xffff);
	ck_assert_int_eq(hw_pio_read(x->m, 0, 0, 0xcfd, 1, &v), HW_ENOENT);
	ck_assert_uint_eq(v, 0xff);
	ck_assert_int_eq(hw_pio_write(x->m, 0, 0, 0xcfc, 1, 7), HW_ENOENT);
	hw_pci_cfg_read(x->m, 0, 3, 0, HW_PCI_INT_LINE, 1, &v);
	ck_assert_uint_eq(v, 42);
	/* a port next to the mechanism's, and a narrow write of the address */
	ck_assert_int_eq(hw_pio_write(x->m, 0, 0, 0xd00, 1, 7), HW_ENOENT);
	ck_assert_int_eq(hw_pio_read(x->m, 0, 0, 0xcfb, 1, &v), HW_ENOENT);
	ck_assert_uint_eq(v, 0xff);
	ck_assert_int_eq(hw_pio_write(x->m, 0, 0, 0xcf8, 2, 0x8000), HW_ENOENT);
	hw_pio_read(x->m, 0, 0, 0xcf8, 4, &v);
	ck_assert_uint_eq(v, (3u << 11) | 0x3c);
	hwt_free(x);
}
END_TEST

START_TEST(bar_sizing_and_relocation)
{
	struct hwt *x = pci_machine();
	uint32_t v;
	hw_pci_cfg_read(x->m, 1, 0, 0, HW_PCI_BAR0, 4, &v);
	ck_assert_uint_eq(v, 0xc0010000);
	hw_pci_cfg_write(x->m, 0, 1, 0, 0, HW_PCI_BAR0, 4, 0xffffffffu);
	hw_pci_cfg_read(x->m, 1, 0, 0, HW_PCI_BAR0, 4, &v);
	ck_assert_uint_eq(v, 0xffff0000u); /* 64 KiB */
	hw_pci_cfg_write(x->m, 0, 1, 0, 0, HW_PCI_BAR0, 4, 0xd0000000u);
	struct hw_dev *c = hw_dev_find(x->m, "c");
	uint64_t base, size;
	hw_dev_window(c, &base, &size);
	ck_assert_uint_eq(base, 0xd0000000u);
	uint64_t r;
	hw_mmio_write(x->m, 0, 0, 0xd0000000u + HW_UART_SCR, 1, 0x42);
	ck_assert_int_eq(hw_mmio_read(x->m, 0, 0, 0xd0000000u + HW_UART_SCR, 1, &r), HW_OK);
	ck_assert_uint_eq(r, 0x42);
	ck_assert_int_eq(hw_mmio_read(x->m, 0, 0, 0xc0010000u + HW_UART_SCR, 1, &r), HW_ENOENT);
	ck_assert_uint_eq(r, 0xff);
	hwt_free(x);
}
END_TEST

START_TEST(interrupt_status_and_disable_bits)
{
	struct hwt *x = pci_machine();
	struct hw_machine *m = x->m;
	hw_intc_route(m, 0, 11, 0x60, 0, HW_TRIGGER_LEVEL, HW_POLARITY_LOW, 0);
	hw_intc_mask(m, 0, 11, false, 0);
	ck_assert(!hw_intc_line(m, 0, 11)); /* active-low idle wire, programmed low: quiet */
	uint32_t v;
	hw_dev_action_by_name(m, "a", 1, HW_ACT_ASSERT, 0);
	hw_pci_cfg_read(m, 0, 3, 0, HW_PCI_STATUS, 2, &v);
	ck_assert(v & HW_PCI_STATUS_INT);
	ck_assert(hw_intc_line(m, 0, 11));
	ck_assert(hw_lapic_irr(m, 0, 0x60));
	/* Interrupt disable: the wire drops, the status bit stays. */
	hw_pci_cfg_read(m, 0, 3, 0, HW_PCI_COMMAND, 2, &v);
	ck_assert_uint_eq(v, HW_PCI_CMD_MEM | HW_PCI_CMD_MASTER);
	hw_pci_cfg_write(m, 2, 0, 3, 0, HW_PCI_COMMAND, 2, v | HW_PCI_CMD_INTX_DISABLE);
	ck_assert(!hw_intc_line(m, 0, 11));
	hw_pci_cfg_read(m, 0, 3, 0, HW_PCI_STATUS, 2, &v);
	ck_assert(v & HW_PCI_STATUS_INT);
	hw_pci_cfg_write(m, 3, 0, 3, 0, HW_PCI_COMMAND, 2, HW_PCI_CMD_MEM);
	ck_assert(hw_intc_line(m, 0, 11));
	/* Memory space off: register reads return all-ones. */
	hw_pci_cfg_write(m, 4, 0, 3, 0, HW_PCI_COMMAND, 2, 0);
	uint64_t r;
	hw_mmio_read(m, 0, 4, 0xc0000000 + HW_SCRIPT_CONTROL, 4, &r);
	ck_assert_uint_eq(r, 0xffffffffu);
	hwt_free(x);
}
END_TEST

START_TEST(msi_capability_is_the_msi_source)
{
	struct hwt *x = pci_machine();
	struct hw_machine *m = x->m;
	uint32_t v;
	hw_pci_cfg_read(m, 0, 3, 2, HW_PCI_STATUS, 2, &v);
	ck_assert(v & HW_PCI_STATUS_CAP);
	hw_pci_cfg_read(m, 0, 3, 2, HW_PCI_CAP_PTR, 1, &v);
	ck_assert_uint_eq(v, HW_PCI_MSI_CAP);
	hw_pci_cfg_read(m, 0, 3, 2, HW_PCI_MSI_CAP, 1, &v);
	ck_assert_uint_eq(v, 0x05);
	/* The kernel routes the source; the driver enables MSI in config space. */
	hw_intc_route(m, 1, 4, 0x90, 1, HW_TRIGGER_EDGE, HW_POLARITY_HIGH, 0);
	hw_pci_cfg_read(m, 0, 3, 2, HW_PCI_MSI_CAP + 4, 4, &v);
	ck_assert_uint_eq(v, 0xfee01000u);
	hw_pci_cfg_read(m, 0, 3, 2, HW_PCI_MSI_CAP + 12, 2, &v);
	ck_assert_uint_eq(v, 0x90);
	hw_pci_cfg_read(m, 0, 3, 2, HW_PCI_MSI_CAP + 2, 2, &v);
	ck_assert_uint_eq(v & HW_PCI_MSI_ENABLE, 0);
	hw_mmio_write(m, 0, 0, 0xc0001000 + HW_BLK_CONTROL, 4, 1); /* device interrupt enable */
	hw_dev_action_by_name(m, "b", 0, HW_ACT_ASSERT, 0);
	ck_assert(!hw_lapic_irr(m, 1, 0x90)); /* MSI not enabled yet: dropped */
	ck_assert_uint_eq(hwt_last(x, HW_TRACE_DROP)->c, HW_DROP_DISABLED);
	hw_dev_action_by_name(m, "b", 0, HW_ACT_DEASSERT, 0);
	hw_pci_cfg_write(m, 0, 0, 3, 2, HW_PCI_MSI_CAP + 2, 2, HW_PCI_MSI_ENABLE);
	hw_dev_action_by_name(m, "b", 1, HW_ACT_ASSERT, 0);
	ck_assert(hw_lapic_irr(m, 1, 0x90));
	hwt_free(x);
}
END_TEST

/* A driver reprograms its own message through config space: each dword of
 * the capability lands in its own field and reads back, and the device's
 * next interrupt goes where the new message says. */
START_TEST(msi_message_written_through_config_space)
{
	struct hwt *x = pci_machine();
	struct hw_machine *m = x->m;
	uint32_t v;
	hw_intc_route(m, 1, 4, 0x90, 1, HW_TRIGGER_EDGE, HW_POLARITY_HIGH, 0);
	ck_assert_int_eq(hw_pci_cfg_write(m, 0, 0, 3, 2, HW_PCI_MSI_CAP + 4, 4, 0xfee00003u), HW_OK);
	ck_assert_int_eq(hw_pci_cfg_write(m, 0, 0, 3, 2, HW_PCI_MSI_CAP + 8, 4, 0), HW_OK);
	ck_assert_int_eq(hw_pci_cfg_write(m, 0, 0, 3, 2, HW_PCI_MSI_CAP + 12, 2, 0x91), HW_OK);
	hw_pci_cfg_read(m, 0, 3, 2, HW_PCI_MSI_CAP + 4, 4, &v);
	ck_assert_uint_eq(v, 0xfee00000u); /* the two low bits are reserved */
	hw_pci_cfg_read(m, 0, 3, 2, HW_PCI_MSI_CAP + 8, 4, &v);
	ck_assert_uint_eq(v, 0);
	/* the upper address dword is written like the lower one */
	hw_pci_cfg_write(m, 0, 0, 3, 2, HW_PCI_MSI_CAP + 8, 4, 0x12);
	hw_pci_cfg_read(m, 0, 3, 2, HW_PCI_MSI_CAP + 8, 4, &v);
	ck_assert_uint_eq(v, 0x12);
	hw_pci_cfg_write(m, 0, 0, 3, 2, HW_PCI_MSI_CAP + 8, 4, 0);
	hw_pci_cfg_read(m, 0, 3, 2, HW_PCI_MSI_CAP + 12, 2, &v);
	ck_assert_uint_eq(v, 0x91);
	uint64_t addr;
	uint32_t data;
	bool enabled = true;
	ck_assert_int_eq(hw_msi_message(m, 4, &addr, &data, &enabled), HW_OK);
	ck_assert(!enabled);
	ck_assert_uint_eq(addr, 0xfee00000u);
	ck_assert_uint_eq(data, 0x91);
	hw_pci_cfg_write(m, 0, 0, 3, 2, HW_PCI_MSI_CAP + 2, 2, HW_PCI_MSI_ENABLE);
	hw_pci_cfg_read(m, 0, 3, 2, HW_PCI_MSI_CAP + 2, 2, &v);
	ck_assert_uint_eq(v & HW_PCI_MSI_ENABLE, HW_PCI_MSI_ENABLE);
	hw_mmio_write(m, 0, 0, 0xc0001000 + HW_BLK_CONTROL, 4, 1);
	hw_dev_action_by_name(m, "b", 0, HW_ACT_ASSERT, 0);
	ck_assert(hw_lapic_irr(m, 0, 0x91));
	ck_assert(!hw_lapic_irr(m, 1, 0x90));
	/* lowest-priority delivery (data bits 8-10 = 1) is accepted like fixed */
	hw_pci_cfg_write(m, 0, 0, 3, 2, HW_PCI_MSI_CAP + 12, 2, (1u << 8) | 0x22);
	ck_assert_int_eq(hw_msi_send(m, 4, 1), HW_OK);
	ck_assert(hw_lapic_irr(m, 0, 0x22));
	hwt_free(x);
}
END_TEST

/* A write narrower than a dword changes its own bytes only, whatever the
 * value's upper bits: a byte of 0xff into a BAR's low byte is not a sizing
 * write of the whole BAR. */
START_TEST(narrow_writes_touch_only_their_bytes)
{
	struct hwt *x = pci_machine();
	struct hw_machine *m = x->m;
	uint32_t before, v;
	hw_pci_cfg_read(m, 0, 3, 0, HW_PCI_BAR0, 4, &before);
	ck_assert_uint_eq(before & ~0xfu, 0xc0000000u);
	ck_assert_int_eq(hw_pci_cfg_write(m, 0, 0, 3, 0, HW_PCI_BAR0, 1, 0xffffffffu), HW_OK);
	hw_pci_cfg_read(m, 0, 3, 0, HW_PCI_BAR0, 4, &v);
	ck_assert_uint_eq(v, before);
	ck_assert_int_eq(hw_pci_cfg_write(m, 0, 0, 3, 0, HW_PCI_BAR0 + 2, 2, 0xffffd000u), HW_OK);
	hw_pci_cfg_read(m, 0, 3, 0, HW_PCI_BAR0, 4, &v);
	ck_assert_uint_eq(v & ~0xfu, 0xd0000000u);
	/* A byte at an odd offset: the interrupt pin (read-only) next to the
	 * interrupt line (writable). */
	uint32_t pin;
	hw_pci_cfg_read(m, 0, 3, 0, HW_PCI_INT_PIN, 1, &pin);
	hw_pci_cfg_write(m, 0, 0, 3, 0, HW_PCI_INT_LINE, 1, 0x0b);
	hw_pci_cfg_write(m, 0, 0, 3, 0, HW_PCI_INT_PIN, 1, 0x99);
	hw_pci_cfg_read(m, 0, 3, 0, HW_PCI_INT_LINE, 2, &v);
	ck_assert_uint_eq(v, 0x0b | pin << 8);
	/* Sizes other than 1, 2 and 4 are refused, at any offset. */
	ck_assert_int_eq(hw_pci_cfg_read(m, 0, 3, 0, HW_PCI_BAR0, 3, &v), HW_EINVAL);
	ck_assert_int_eq(hw_pci_cfg_write(m, 0, 0, 3, 0, HW_PCI_BAR0, 3, 0), HW_EINVAL);
	ck_assert_int_eq(hw_pci_cfg_read(m, 0, 3, 0, 0, 8, &v), HW_EINVAL);
	hwt_free(x);
}
END_TEST

/* The capability's header as firmware leaves it: id 5, no next capability,
 * a 64-bit message; an MSI function has no INTx pin; a function without
 * MSI reads 0 where the capability would be. */
START_TEST(msi_capability_header_and_intx_pin)
{
	struct hwt *x = pci_machine();
	struct hw_machine *m = x->m;
	uint32_t v;
	ck_assert_int_eq(hw_pci_cfg_read(m, 0, 3, 2, HW_PCI_MSI_CAP, 4, &v), HW_OK);
	ck_assert_uint_eq(v & 0xffff, 0x0005);
	ck_assert_uint_eq((v >> 16) & 0x80, 0x80); /* 64-bit address */
	ck_assert_uint_eq(v >> 16, 0x80);
	ck_assert_int_eq(hw_pci_cfg_read(m, 0, 3, 2, HW_PCI_INT_PIN, 1, &v), HW_OK);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(hw_pci_cfg_read(m, 0, 3, 2, HW_PCI_INT_LINE, 1, &v), HW_OK);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(hw_pci_cfg_read(m, 0, 3, 0, HW_PCI_INT_PIN, 1, &v), HW_OK);
	ck_assert_uint_eq(v, 1); /* INTA# */
	/* MSI source 11 is routed: function 0, wired to pin 11, still shows
	 * no capability */
	ck_assert_int_eq(hw_intc_route(m, 1, 11, 0x91, 1, HW_TRIGGER_EDGE, HW_POLARITY_HIGH, 0),
			 HW_OK);
	for (unsigned off = HW_PCI_MSI_CAP; off < HW_PCI_MSI_CAP + 16; off += 4) {
		ck_assert_int_eq(hw_pci_cfg_read(m, 0, 3, 0, off, 4, &v), HW_OK);
		ck_assert_uint_eq(v, 0);
	}
	hwt_free(x);
}
END_TEST

/* The address edges: device 31, function 7 and bus 255 exist as addresses
 * (all-ones: nothing there), one more does not; a write to an empty
 * address is accepted and does nothing; function 7 makes function 0
 * multi-function. */
START_TEST(config_address_edges)
{
	struct hwt *x = pci_machine();
	struct hw_machine *m = x->m;
	uint32_t v;
	ck_assert_int_eq(hw_pci_cfg_read(m, 0, 31, 0, HW_PCI_VENDOR, 2, &v), HW_OK);
	ck_assert_uint_eq(v, 0xffff);
	ck_assert_int_eq(hw_pci_cfg_read(m, 0, 32, 0, HW_PCI_VENDOR, 2, &v), HW_EINVAL);
	ck_assert_int_eq(hw_pci_cfg_read(m, 0, 4, 7, HW_PCI_VENDOR, 2, &v), HW_OK);
	ck_assert_int_eq(hw_pci_cfg_read(m, 0, 4, 8, HW_PCI_VENDOR, 2, &v), HW_EINVAL);
	ck_assert_int_eq(hw_pci_cfg_read(m, 255, 4, 0, HW_PCI_VENDOR, 2, &v), HW_OK);
	ck_assert_int_eq(hw_pci_cfg_read(m, 256, 4, 0, HW_PCI_VENDOR, 2, &v), HW_EINVAL);
	ck_assert_int_eq(hw_pci_cfg_write(m, 0, 0, 9, 0, HW_PCI_COMMAND, 2, 7), HW_OK);
	ck_assert_int_eq(hw_pci_cfg_write(m, 0, 0, 31, 7, HW_PCI_COMMAND, 2, 7), HW_OK);
	hwt_add(x, (struct hw_dev_desc){.kind = HW_DEV_SCRIPT, .name = "f0", .pci = true,
					.slot = 6, .mmio_base = 0xc0100000,
					.irq_mode = HW_IRQ_NONE});
	ck_assert_int_eq(hw_pci_cfg_read(m, 0, 6, 0, HW_PCI_HEADER_TYPE, 1, &v), HW_OK);
	ck_assert_uint_eq(v & 0x80, 0);
	hwt_add(x, (struct hw_dev_desc){.kind = HW_DEV_SCRIPT, .name = "f7", .pci = true,
					.slot = 6, .fn = 7, .mmio_base = 0xc0101000,
					.irq_mode = HW_IRQ_NONE});
	ck_assert_int_eq(hw_pci_cfg_read(m, 0, 6, 0, HW_PCI_HEADER_TYPE, 1, &v), HW_OK);
	ck_assert_uint_eq(v & 0x80, 0x80);
	hwt_free(x);
}
END_TEST

/* Whole and narrow writes keep every bit they carry: a dword write of an
 * odd MSI data word, a byte write of 0xff to the interrupt line. */
START_TEST(writes_keep_every_bit)
{
	struct hwt *x = pci_machine();
	struct hw_machine *m = x->m;
	uint32_t v;
	ck_assert_int_eq(hw_pci_cfg_write(m, 0, 0, 3, 2, HW_PCI_MSI_CAP + 12, 4, 0x75), HW_OK);
	hw_pci_cfg_read(m, 0, 3, 2, HW_PCI_MSI_CAP + 12, 4, &v);
	ck_assert_uint_eq(v, 0x75);
	ck_assert_int_eq(hw_pci_cfg_write(m, 0, 0, 3, 0, HW_PCI_INT_LINE, 1, 0xff), HW_OK);
	hw_pci_cfg_read(m, 0, 3, 0, HW_PCI_INT_LINE, 1, &v);
	ck_assert_uint_eq(v, 0xff);
	ck_assert_int_eq(hw_pci_cfg_write(m, 0, 0, 3, 0, HW_PCI_INT_LINE, 4, 0x0b), HW_OK);
	hw_pci_cfg_read(m, 0, 3, 0, HW_PCI_INT_LINE, 1, &v);
	ck_assert_uint_eq(v, 0x0b);
	ck_assert_int_eq(hw_pci_cfg_write(m, 0, 0, 3, 2, HW_PCI_MSI_CAP + 12, 2, 0xbeef), HW_OK);
	hw_pci_cfg_read(m, 0, 3, 2, HW_PCI_MSI_CAP + 12, 2, &v);
	ck_assert_uint_eq(v, 0xbeef);
	hwt_free(x);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hwmodel-pci");
	TCase *tc = tcase_create("pci");
	tcase_add_test(tc, enumeration_finds_the_configured_devices);
	tcase_add_test(tc, mechanism_one_ports);
	tcase_add_test(tc, mechanism_one_writes_and_disabled_accesses);
	tcase_add_test(tc, bar_sizing_and_relocation);
	tcase_add_test(tc, interrupt_status_and_disable_bits);
	tcase_add_test(tc, msi_capability_is_the_msi_source);
	tcase_add_test(tc, msi_message_written_through_config_space);
	tcase_add_test(tc, narrow_writes_touch_only_their_bytes);
	tcase_add_test(tc, msi_capability_header_and_intx_pin);
	tcase_add_test(tc, config_address_edges);
	tcase_add_test(tc, writes_keep_every_bit);
	suite_add_tcase(s, tc);
	return hwt_run(s);
}
