/* SPDX-License-Identifier: MIT */
/* Devices: scripted device, HPET, UART, block device with DMA. */
#include "hwtest.h"

#define IO 0u


#define S0 0xc0000000ull
#define S1 0xc0001000ull

static struct hw_dev_desc script(const char *name, uint64_t base, int mode, unsigned pin,
				 int status_mode)
{
	return (struct hw_dev_desc){.kind = HW_DEV_SCRIPT, .name = name, .mmio_base = base,
				    .mmio_size = 0x1000, .irq_mode = mode, .irq_pin = pin,
				    .status_mode = status_mode, .vector = 0x50};
}

START_TEST(script_level_w1c_tells_the_driver_it_was_mine)
{
	struct hwt *x = hwt_new(1);
	struct hw_dev *d = hwt_add(x, script("s", S0, HW_IRQ_LEVEL, 5, HW_STATUS_W1C));
	hw_intc_mask(x->m, IO, 5, false, 0);
	ck_assert_int_eq(hw_dev_action(x->m, d, 10, HW_ACT_ASSERT, 0xabc), HW_OK);
	ck_assert(hw_intc_line(x->m, IO, 5));
	ck_assert(hw_lapic_irr(x->m, 0, 0x50));
	ck_assert_uint_eq(hwt_rd(x, S0 + HW_SCRIPT_STATUS, 4, 11), 1);
	ck_assert_uint_eq(hwt_rd(x, S0 + HW_SCRIPT_STATUS, 4, 12), 1); /* reading does not clear */
	ck_assert_uint_eq(hwt_rd(x, S0 + HW_SCRIPT_DATA, 4, 12), 0xabc);
	ck_assert_uint_eq(hwt_rd(x, S0 + HW_SCRIPT_COUNT, 4, 12), 1);
	hwt_wr(x, S0 + HW_SCRIPT_STATUS, 4, 1, 13);
	ck_assert(!hw_intc_line(x->m, IO, 5));
	ck_assert_uint_eq(hwt_rd(x, S0 + HW_SCRIPT_STATUS, 4, 14), 0);
	const struct hwt_ev *ev = hwt_last(x, HW_TRACE_DEV_ACTION);
	ck_assert_uint_eq(ev->a, 0);
	ck_assert_uint_eq(ev->b, HW_ACT_ASSERT);
	ck_assert_uint_eq(ev->c, 0xabc);
	hwt_free(x);
}
END_TEST

START_TEST(script_clear_on_read)
{
	struct hwt *x = hwt_new(1);
	hwt_add(x, script("s", S0, HW_IRQ_LEVEL, 5, HW_STATUS_CLEAR_ON_READ));
	hw_dev_action_by_name(x->m, "s", 0, HW_ACT_ASSERT, 0);
	ck_assert(hw_intc_line(x->m, IO, 5));
	ck_assert_uint_eq(hwt_rd(x, S0 + HW_SCRIPT_STATUS, 4, 1), 1);
	ck_assert(!hw_intc_line(x->m, IO, 5));
	ck_assert_uint_eq(hwt_rd(x, S0 + HW_SCRIPT_STATUS, 4, 2), 0);
	/* Writing does nothing in this mode. */
	hw_dev_action_by_name(x->m, "s", 3, HW_ACT_ASSERT, 0);
	hwt_wr(x, S0 + HW_SCRIPT_STATUS, 4, 1, 4);
	ck_assert(hw_intc_line(x->m, IO, 5));
	hwt_free(x);
}
END_TEST

/* The first software clear of the status since the owner last looked:
 * what `latency irq(D)` serves assertions with (issue 14, defect 7). */
START_TEST(script_reports_status_clears)
{
	struct hwt *x = hwt_new(1);
	struct hw_dev *w = hwt_add(x, script("w", S0, HW_IRQ_LEVEL, 5, HW_STATUS_W1C));
	struct hw_dev *r = hwt_add(x, script("r", S1, HW_IRQ_LEVEL, 6, HW_STATUS_CLEAR_ON_READ));
	ck_assert_uint_eq(hw_dev_take_status_clear(w), HW_TIME_NEVER);
	hw_dev_action(x->m, w, 10, HW_ACT_ASSERT, 0);
	hwt_rd(x, S0 + HW_SCRIPT_STATUS, 4, 11);              /* a W1C read clears nothing */
	hwt_wr(x, S0 + HW_SCRIPT_STATUS, 4, 0, 12);           /* nor a write of 0 */
	ck_assert_uint_eq(hw_dev_take_status_clear(w), HW_TIME_NEVER);
	hw_dev_action(x->m, w, 13, HW_ACT_ASSERT, 0);     /* lands before the clear */
	hwt_wr(x, S0 + HW_SCRIPT_STATUS, 4, 1, 15);
	hwt_wr(x, S0 + HW_SCRIPT_STATUS, 4, 1, 16);           /* already clear: not a clear */
	ck_assert_uint_eq(hw_dev_take_status_clear(w), 15);
	ck_assert_uint_eq(hw_dev_take_status_clear(w), HW_TIME_NEVER);
	hw_dev_action(x->m, w, 17, HW_ACT_DEASSERT, 0);   /* the scenario's, not software's */
	ck_assert_uint_eq(hw_dev_take_status_clear(w), HW_TIME_NEVER);
	hw_dev_action(x->m, r, 20, HW_ACT_ASSERT, 0);
	hwt_rd(x, S1 + HW_SCRIPT_STATUS, 4, 21);              /* clear-on-read: looking clears */
	hwt_rd(x, S1 + HW_SCRIPT_STATUS, 4, 22);
	ck_assert_uint_eq(hw_dev_take_status_clear(r), 21);
	hwt_free(x);
}
END_TEST

START_TEST(script_edge_every_event_is_an_edge)
{
	struct hwt *x = hwt_new(1);
	hwt_add(x, script("s", S0, HW_IRQ_EDGE, 6, HW_STATUS_W1C));
	hw_intc_mask(x->m, IO, 6, false, 0);
	hw_dev_action_by_name(x->m, "s", 1, HW_ACT_ASSERT, 0);
	ck_assert(!hw_intc_line(x->m, IO, 6)); /* a pulse: low again */
	ck_assert_uint_eq(hw_lapic_accept(x->m, 0, 2), 0x50);
	hw_lapic_eoi(x->m, 0, 2);
	hw_dev_action_by_name(x->m, "s", 3, HW_ACT_ASSERT, 0); /* status still set */
	ck_assert(hw_lapic_irr(x->m, 0, 0x50));
	struct hw_intc_stats st;
	hw_intc_stats(x->m, IO, 6, &st);
	ck_assert_uint_eq(st.delivered, 2);
	hwt_free(x);
}
END_TEST

START_TEST(script_msi_every_assert_is_a_message)
{
	struct hwt *x = hwt_new(2);
	struct hw_dev_desc d = script("s", S0, HW_IRQ_MSI, 6, HW_STATUS_CLEAR_ON_READ);
	d.pci = true;
	d.slot = 7;
	d.cpu = 1;
	hwt_add(x, d); /* vector 0x50 on CPU 1 via MSI source 6 */
	hw_pci_cfg_write(x->m, 0, 0, 7, 0, HW_PCI_MSI_CAP + 2, 2, HW_PCI_MSI_ENABLE);
	hw_dev_action_by_name(x->m, "s", 1, HW_ACT_ASSERT, 0);
	hw_dev_action_by_name(x->m, "s", 2, HW_ACT_ASSERT, 0);
	struct hw_intc_stats st;
	hw_intc_stats(x->m, 1, 6, &st);
	ck_assert_uint_eq(st.delivered, 2);
	ck_assert(hw_lapic_irr(x->m, 1, 0x50));
	ck_assert_uint_eq(hwt_rd(x, S0 + HW_SCRIPT_STATUS, 4, 3), 1);
	ck_assert_uint_eq(hwt_rd(x, S0 + HW_SCRIPT_COUNT, 4, 3), 2);
	hwt_free(x);
}
END_TEST

START_TEST(script_pulse_on_level_is_a_glitch_not_mine)
{
	struct hwt *x = hwt_new(1);
	hwt_add(x, script("s", S0, HW_IRQ_LEVEL, 5, HW_STATUS_W1C));
	hw_intc_mask(x->m, IO, 5, false, 0);
	hw_dev_action_by_name(x->m, "s", 1, HW_ACT_PULSE, 0);
	ck_assert(hw_lapic_irr(x->m, 0, 0x50));     /* the glitch was delivered */
	ck_assert(!hw_intc_line(x->m, IO, 5));
	ck_assert_uint_eq(hwt_rd(x, S0 + HW_SCRIPT_STATUS, 4, 2), 0); /* "not mine" */
	hwt_free(x);
}
END_TEST

START_TEST(script_reset_may_leave_a_spurious_assertion)
{
	struct hwt *x = hwt_new(1);
	hwt_add(x, script("s", S0, HW_IRQ_LEVEL, 5, HW_STATUS_W1C));
	hw_dev_action_by_name(x->m, "s", 0, HW_ACT_ASSERT, 0);
	hw_dev_action_by_name(x->m, "s", 1, HW_ACT_RESET, 0);
	ck_assert(!hw_intc_line(x->m, IO, 5));
	ck_assert_uint_eq(hwt_rd(x, S0 + HW_SCRIPT_COUNT, 4, 2), 0);
	hw_dev_action_by_name(x->m, "s", 3, HW_ACT_RESET, 1);
	ck_assert(hw_intc_line(x->m, IO, 5));
	ck_assert_uint_eq(hwt_rd(x, S0 + HW_SCRIPT_STATUS, 4, 4), 0);
	hwt_wr(x, S0 + HW_SCRIPT_STATUS, 4, 1, 5); /* the driver cannot clear it */
	ck_assert(hw_intc_line(x->m, IO, 5));
	ck_assert_uint_eq(hwt_last(x, HW_TRACE_DEV_RESET)->b, 1);
	hw_dev_action_by_name(x->m, "s", 6, HW_ACT_DEASSERT, 0);
	ck_assert(!hw_intc_line(x->m, IO, 5));
	/* reset_spurious makes every reset do it. */
	struct hw_dev_desc d = script("t", S1, HW_IRQ_LEVEL, 7, HW_STATUS_W1C);
	d.reset_spurious = true;
	hwt_add(x, d);
	hw_dev_action_by_name(x->m, "t", 7, HW_ACT_RESET, 0);
	ck_assert(hw_intc_line(x->m, IO, 7));
	hwt_free(x);
}
END_TEST

START_TEST(shared_level_line_is_wired_or)
{
	struct hwt *x = hwt_new(1);
	hwt_add(x, script("a", S0, HW_IRQ_LEVEL, 5, HW_STATUS_W1C));
	hwt_add(x, script("b", S1, HW_IRQ_LEVEL, 5, HW_STATUS_W1C));
	hw_dev_action_by_name(x->m, "a", 0, HW_ACT_ASSERT, 0);
	hw_dev_action_by_name(x->m, "b", 0, HW_ACT_ASSERT, 0);
	hwt_wr(x, S0 + HW_SCRIPT_STATUS, 4, 1, 1);
	ck_assert(hw_intc_line(x->m, IO, 5)); /* b still holds it */
	hwt_wr(x, S1 + HW_SCRIPT_STATUS, 4, 1, 2);
	ck_assert(!hw_intc_line(x->m, IO, 5));
	hwt_free(x);
}
END_TEST

#define HPET 0xfed00000ull

START_TEST(hpet_one_shot_edge_and_level)
{
	struct hwt *x = hwt_new(1);
	hwt_add(x, (struct hw_dev_desc){.kind = HW_DEV_HPET, .name = "hpet"});
	uint64_t cap = hwt_rd(x, HPET + HW_HPET_CAP, 8, 0);
	ck_assert_uint_eq(cap >> 32, HW_HPET_PERIOD_FS);
	ck_assert_uint_eq((cap >> 8) & 0x1f, 2); /* three timers */
	hw_intc_route(x->m, IO, 20, 0x58, 0, HW_TRIGGER_EDGE, HW_POLARITY_HIGH, 0);
	hw_intc_mask(x->m, IO, 20, false, 0);
	hwt_wr(x, HPET + HW_HPET_TIMER(0), 8,
	   HW_HPET_TN_ENABLE | (20u << HW_HPET_TN_ROUTE_SHIFT), 0);
	hwt_wr(x, HPET + HW_HPET_TIMER(0) + 8, 8, 10, 0); /* 10 ticks = 1 us */
	hwt_wr(x, HPET + HW_HPET_CONFIG, 8, HW_HPET_CFG_ENABLE, 0);
	ck_assert_uint_eq(hwt_rd(x, HPET + HW_HPET_COUNTER, 8, 550), 5);
	hw_evq_run_until(&x->q, 999);
	ck_assert(!hw_lapic_irr(x->m, 0, 0x58));
	hw_evq_run_until(&x->q, 1000);
	ck_assert(hw_lapic_irr(x->m, 0, 0x58));
	/* Level timer 1 on pin 21: stays asserted until the ISR bit is cleared. */
	hwt_wr(x, HPET + HW_HPET_TIMER(1), 8,
	   HW_HPET_TN_ENABLE | HW_HPET_TN_LEVEL | (21u << HW_HPET_TN_ROUTE_SHIFT), 1000);
	hwt_wr(x, HPET + HW_HPET_TIMER(1) + 8, 8, 20, 1000);
	hw_evq_run_until(&x->q, 2000);
	ck_assert(hw_intc_line(x->m, IO, 21));
	ck_assert_uint_eq(hwt_rd(x, HPET + HW_HPET_ISR, 8, 2000), 2);
	hwt_wr(x, HPET + HW_HPET_ISR, 8, 2, 2100);
	ck_assert(!hw_intc_line(x->m, IO, 21));
	hwt_free(x);
}
END_TEST

START_TEST(hpet_comparator_in_the_past_waits_for_wrap)
{
	struct hwt *x = hwt_new(1);
	hwt_add(x, (struct hw_dev_desc){.kind = HW_DEV_HPET, .name = "hpet"});
	hwt_wr(x, HPET + HW_HPET_CONFIG, 8, HW_HPET_CFG_ENABLE, 0);
	hwt_wr(x, HPET + HW_HPET_TIMER(0), 8, HW_HPET_TN_ENABLE | (20u << HW_HPET_TN_ROUTE_SHIFT), 0);
	/* At t=1000 the counter is 10; a comparator of 5 has passed. */
	hwt_wr(x, HPET + HW_HPET_TIMER(0) + 8, 8, 5, 1000);
	ck_assert_uint_eq(hw_evq_next_time(&x->q), HW_TIME_NEVER); /* 64-bit: never */
	/* 32-bit mode: after the counter wraps at 2^32. */
	hwt_wr(x, HPET + HW_HPET_TIMER(0), 8,
	   HW_HPET_TN_ENABLE | HW_HPET_TN_32BIT | (20u << HW_HPET_TN_ROUTE_SHIFT), 1000);
	ck_assert_uint_eq(hw_evq_next_time(&x->q), ((1ull << 32) + 5) * 100);
	hwt_free(x);
}
END_TEST

START_TEST(hpet_32bit_accesses_like_linux)
{
	struct hwt *x = hwt_new(1);
	hwt_add(x, (struct hw_dev_desc){.kind = HW_DEV_HPET, .name = "hpet"});
	hwt_wr(x, HPET + HW_HPET_CONFIG, 4, HW_HPET_CFG_ENABLE, 0);
	hwt_wr(x, HPET + HW_HPET_CONFIG + 4, 4, 0, 0); /* the high half: no effect on enable */
	hwt_wr(x, HPET + HW_HPET_TIMER(0), 4,
	   HW_HPET_TN_ENABLE | HW_HPET_TN_32BIT | (21u << HW_HPET_TN_ROUTE_SHIFT), 0);
	uint32_t cnt = (uint32_t)hwt_rd(x, HPET + HW_HPET_COUNTER, 4, 1000);
	ck_assert_uint_eq(cnt, 10);
	hwt_wr(x, HPET + HW_HPET_TIMER(0) + 8, 4, cnt + 50, 1000);
	ck_assert_uint_eq(hw_evq_next_time(&x->q), 6000);
	ck_assert_uint_eq(hwt_rd(x, HPET + HW_HPET_TIMER(0) + 4, 4, 1000), 0x00f00000u); /* route cap: 20-23 */
	hwt_free(x);
}
END_TEST

START_TEST(hpet_periodic)
{
	struct hwt *x = hwt_new(1);
	hwt_add(x, (struct hw_dev_desc){.kind = HW_DEV_HPET, .name = "hpet"});
	hwt_wr(x, HPET + HW_HPET_CONFIG, 8, HW_HPET_CFG_ENABLE, 0);
	hwt_wr(x, HPET + HW_HPET_TIMER(2), 8,
	   HW_HPET_TN_ENABLE | HW_HPET_TN_PERIODIC | HW_HPET_TN_SETVAL |
		   (22u << HW_HPET_TN_ROUTE_SHIFT), 0);
	hwt_wr(x, HPET + HW_HPET_TIMER(2) + 8, 8, 10, 0); /* first at tick 10 */
	hwt_wr(x, HPET + HW_HPET_TIMER(2) + 8, 8, 10, 0); /* then every 10 */
	hw_evq_run_until(&x->q, 5000);
	ck_assert_uint_eq(hwt_count(x, HW_TRACE_HPET_FIRE), 5);
	hwt_free(x);
}
END_TEST

#define U 0xc0002000ull

START_TEST(uart_output_goes_to_the_trace)
{
	struct hwt *x = hwt_new(1);
	struct hw_dev *u = hwt_add(x, (struct hw_dev_desc){.kind = HW_DEV_UART, .name = "com1",
						       .mmio_base = U, .irq_mode = HW_IRQ_EDGE,
						       .irq_pin = 4, .vector = 0x44});
	const char *msg = "hello, world\n";
	for (const char *p = msg; *p; p++)
		hwt_wr(x, U + HW_UART_RBR_THR, 1, (uint8_t)*p, 0);
	size_t len;
	const char *out = hw_uart_output(u, &len);
	ck_assert_uint_eq(len, strlen(msg));
	ck_assert_str_eq(out, msg);
	ck_assert_uint_eq(hwt_count(x, HW_TRACE_UART_TX), 2); /* 8 bytes, then 5 up to \n */
	const struct hwt_ev *ev = hwt_last(x, HW_TRACE_UART_TX);
	ck_assert_uint_eq(ev->c, 5);
	ck_assert_uint_eq(ev->b & 0xff, 'o'); /* "orld\n" */
	ck_assert_uint_eq(hwt_rd(x, U + HW_UART_LSR, 1, 0) & 0x60, 0x60);
	hwt_free(x);
}
END_TEST

START_TEST(uart_interrupts_need_out2)
{
	struct hwt *x = hwt_new(1);
	hwt_add(x, (struct hw_dev_desc){.kind = HW_DEV_UART, .name = "com1", .mmio_base = U,
				    .irq_mode = HW_IRQ_LEVEL, .irq_pin = 4, .vector = 0x44});
	hw_intc_mask(x->m, IO, 4, false, 0);
	hwt_wr(x, U + HW_UART_IER, 1, 2, 0); /* THR empty interrupt: pending at once */
	ck_assert(!hw_intc_line(x->m, IO, 4)); /* OUT2 clear: gated */
	hwt_wr(x, U + HW_UART_MCR, 1, 0x08, 1);
	ck_assert(hw_intc_line(x->m, IO, 4));
	ck_assert(hw_lapic_irr(x->m, 0, 0x44));
	ck_assert_uint_eq(hwt_rd(x, U + HW_UART_IIR, 1, 2), 0x02);
	ck_assert(!hw_intc_line(x->m, IO, 4)); /* the 16550 quirk: IIR read clears THRE */
	ck_assert_uint_eq(hwt_rd(x, U + HW_UART_IIR, 1, 2), 0x01);
	/* Received byte. */
	hwt_wr(x, U + HW_UART_IER, 1, 1, 3);
	ck_assert_int_eq(hw_dev_action_by_name(x->m, "com1", 4, HW_ACT_COMPLETE, 'k'), HW_OK);
	ck_assert(hw_intc_line(x->m, IO, 4));
	ck_assert_uint_eq(hwt_rd(x, U + HW_UART_LSR, 1, 5) & 1, 1);
	ck_assert_uint_eq(hwt_rd(x, U + HW_UART_RBR_THR, 1, 5), 'k');
	ck_assert(!hw_intc_line(x->m, IO, 4));
	hwt_free(x);
}
END_TEST

#define B 0xc0004000ull
#define RING 0x100000ull
#define BUF 0x200000ull

static struct hw_dev *block(struct hwt *x, int mode)
{
	struct hw_dev *d = hwt_add(x, (struct hw_dev_desc){.kind = HW_DEV_BLOCK, .name = "blk",
						       .pci = true, .slot = 4, .mmio_base = B,
						       .irq_mode = mode, .irq_pin = 10,
						       .vector = 0x66, .latency_ns = 5000});
	hwt_wr(x, B + HW_BLK_RING_LO, 4, RING, 0);
	hwt_wr(x, B + HW_BLK_RING_HI, 4, 0, 0);
	hwt_wr(x, B + HW_BLK_RING_SIZE, 4, 8, 0);
	hwt_wr(x, B + HW_BLK_CONTROL, 4, 1, 0);
	hw_intc_mask(x->m, IO, 10, false, 0);
	return d;
}

static void put_desc(struct hwt *x, unsigned i, uint64_t sector, uint64_t buf, uint32_t len,
		     uint32_t op)
{
	struct hw_blk_desc d = {.sector = sector, .buf_pa = buf, .len = len, .op = op,
				.status = HW_BLK_ST_PENDING};
	ck_assert_int_eq(hw_mem_write(x->m, RING + i * sizeof(d), &d, sizeof(d)), HW_OK);
}

static uint32_t desc_status(struct hwt *x, unsigned i)
{
	struct hw_blk_desc d;
	hw_mem_read(x->m, RING + i * sizeof(d), &d, sizeof(d));
	return d.status;
}

START_TEST(block_dma_goes_through_simulated_memory)
{
	struct hwt *x = hwt_new(1);
	struct hw_dev *d = block(x, HW_IRQ_LEVEL);
	uint64_t bytes;
	uint8_t *disk = hw_block_disk(d, &bytes);
	ck_assert_uint_eq(bytes, 1u << 20);
	memset(disk + 3 * 512, 0xd5, 1024);
	/* Read sectors 3-4 into BUF; write 512 bytes of BUF2 to sector 0. */
	uint8_t *buf2 = hw_mem_ptr(x->m, BUF + 0x10000, 512);
	memset(buf2, 0x3c, 512);
	put_desc(x, 0, 3, BUF, 1024, HW_BLK_OP_READ);
	put_desc(x, 1, 0, BUF + 0x10000, 512, HW_BLK_OP_WRITE);
	hwt_wr(x, B + HW_BLK_HEAD, 4, 2, 100); /* doorbell */
	hw_evq_run_until(&x->q, 5099);
	ck_assert_uint_eq(desc_status(x, 0), HW_BLK_ST_PENDING);
	ck_assert(!hw_intc_line(x->m, IO, 10));
	hw_evq_run_until(&x->q, 5100);
	ck_assert_uint_eq(desc_status(x, 0), HW_BLK_ST_OK);
	ck_assert_uint_eq(*(uint8_t *)hw_mem_ptr(x->m, BUF + 1023, 1), 0xd5);
	ck_assert_uint_eq(*(uint8_t *)hw_mem_ptr(x->m, BUF + 1024, 1), 0);
	ck_assert(hw_intc_line(x->m, IO, 10));
	ck_assert(hw_lapic_irr(x->m, 0, 0x66));
	ck_assert_uint_eq(hwt_rd(x, B + HW_BLK_TAIL, 4, 5100), 1);
	hw_evq_run_until(&x->q, 10100);
	ck_assert_uint_eq(desc_status(x, 1), HW_BLK_ST_OK);
	ck_assert_uint_eq(disk[0], 0x3c);
	ck_assert_uint_eq(disk[511], 0x3c);
	ck_assert_uint_eq(disk[512], 0);
	ck_assert_uint_eq(hwt_rd(x, B + HW_BLK_TAIL, 4, 10100), 2);
	ck_assert_uint_ge(hwt_count(x, HW_TRACE_DMA), 4);
	hwt_wr(x, B + HW_BLK_STATUS, 4, 1, 10200);
	ck_assert(!hw_intc_line(x->m, IO, 10));
	hwt_free(x);
}
END_TEST

START_TEST(block_dma_faults)
{
	struct hwt *x = hwt_new(1);
	block(x, HW_IRQ_LEVEL);
	put_desc(x, 0, 0, 1ull << 40, 512, HW_BLK_OP_READ);       /* outside RAM */
	put_desc(x, 1, 1ull << 40, BUF, 512, HW_BLK_OP_READ);     /* past the disk */
	hwt_wr(x, B + HW_BLK_HEAD, 4, 2, 0);
	ck_assert_int_eq(hw_dev_action_by_name(x->m, "blk", 1, HW_ACT_COMPLETE, 0), HW_OK);
	ck_assert_uint_eq(desc_status(x, 0), HW_BLK_ST_DMA);
	ck_assert_uint_eq(hwt_last(x, HW_TRACE_DMA_ERROR)->c, 1);
	ck_assert_int_eq(hw_dev_action_by_name(x->m, "blk", 2, HW_ACT_COMPLETE, 0), HW_OK);
	ck_assert_uint_eq(desc_status(x, 1), HW_BLK_ST_ERROR);
	ck_assert_int_eq(hw_dev_action_by_name(x->m, "blk", 3, HW_ACT_COMPLETE, 0), HW_EAGAIN);
	/* Bus mastering off: the device cannot even fetch the descriptor. */
	hw_pci_cfg_write(x->m, 4, 0, 4, 0, HW_PCI_COMMAND, 2, HW_PCI_CMD_MEM);
	put_desc(x, 2, 0, BUF, 512, HW_BLK_OP_READ);
	hwt_wr(x, B + HW_BLK_HEAD, 4, 3, 5);
	ck_assert_uint_eq(hwt_last(x, HW_TRACE_DMA_ERROR)->c, 2);
	ck_assert_uint_eq(desc_status(x, 2), HW_BLK_ST_PENDING);
	ck_assert_uint_eq(hwt_rd(x, B + HW_BLK_STATUS, 4, 5) & 2, 2);
	hwt_free(x);
}
END_TEST

START_TEST(block_msi_completion)
{
	struct hwt *x = hwt_new(2);
	block(x, HW_IRQ_MSI);
	hw_intc_route(x->m, 1, 10, 0x67, 1, HW_TRIGGER_EDGE, HW_POLARITY_HIGH, 0);
	hw_pci_cfg_write(x->m, 0, 0, 4, 0, HW_PCI_MSI_CAP + 2, 2, HW_PCI_MSI_ENABLE);
	put_desc(x, 0, 0, BUF, 512, HW_BLK_OP_READ);
	hwt_wr(x, B + HW_BLK_HEAD, 4, 1, 0);
	hw_evq_run_until(&x->q, 10000);
	ck_assert(hw_lapic_irr(x->m, 1, 0x67));
	hwt_free(x);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hwmodel-devices");
	TCase *tc = tcase_create("devices");
	tcase_add_test(tc, script_level_w1c_tells_the_driver_it_was_mine);
	tcase_add_test(tc, script_clear_on_read);
	tcase_add_test(tc, script_reports_status_clears);
	tcase_add_test(tc, script_edge_every_event_is_an_edge);
	tcase_add_test(tc, script_msi_every_assert_is_a_message);
	tcase_add_test(tc, script_pulse_on_level_is_a_glitch_not_mine);
	tcase_add_test(tc, script_reset_may_leave_a_spurious_assertion);
	tcase_add_test(tc, shared_level_line_is_wired_or);
	tcase_add_test(tc, hpet_one_shot_edge_and_level);
	tcase_add_test(tc, hpet_comparator_in_the_past_waits_for_wrap);
	tcase_add_test(tc, hpet_32bit_accesses_like_linux);
	tcase_add_test(tc, hpet_periodic);
	tcase_add_test(tc, uart_output_goes_to_the_trace);
	tcase_add_test(tc, uart_interrupts_need_out2);
	tcase_add_test(tc, block_dma_goes_through_simulated_memory);
	tcase_add_test(tc, block_dma_faults);
	tcase_add_test(tc, block_msi_completion);
	suite_add_tcase(s, tc);
	return hwt_run(s);
}
