/* SPDX-License-Identifier: MIT */
/*
 * The edu device: QEMU's register layout and behaviour (docs/hwmodel.md),
 * each register both ways. The level line is the point: INTx stays up
 * while any bit of the interrupt status is set.
 */
#include "hwtest.h"

#define IO 0u
#define E0 0xc0000000ull
#define E1 0xc0100000ull
#define PIN 10u
#define VEC 0x50u


/* An edu at slot `slot`, BAR0 at `base` (size: QEMU's 1 MiB). */
static struct hw_dev_desc edu(const char *name, uint64_t base, unsigned slot, int mode,
			      unsigned pin)
{
	return (struct hw_dev_desc){.kind = HW_DEV_EDU, .name = name, .pci = true, .slot = slot,
				    .mmio_base = base, .irq_mode = mode, .irq_pin = pin,
				    .vector = VEC};
}

static struct hw_dev *edu_level(struct hwt *x)
{
	struct hw_dev *d = hwt_add(x, edu("edu0", E0, 4, HW_IRQ_LEVEL, PIN));
	hw_intc_mask(x->m, IO, PIN, false, 0);
	return d;
}

START_TEST(edu_pci_identity_and_bar)
{
	struct hwt *x = hwt_new(1);
	edu_level(x);
	uint32_t v;
	hw_pci_cfg_read(x->m, 0, 4, 0, HW_PCI_VENDOR, 4, &v);
	ck_assert_uint_eq(v, 0x11e81234u);
	hw_pci_cfg_read(x->m, 0, 4, 0, HW_PCI_CLASS_REV, 4, &v);
	ck_assert_uint_eq(v & 0xff, 0x10); /* revision */
	hw_pci_cfg_read(x->m, 0, 4, 0, HW_PCI_INT_PIN, 1, &v);
	ck_assert_uint_eq(v, 1); /* INTA# */
	/* BAR0 is 1 MiB: sizing reads back the size mask. */
	hw_pci_cfg_write(x->m, 0, 0, 4, 0, HW_PCI_BAR0, 4, 0xffffffffu);
	hw_pci_cfg_read(x->m, 0, 4, 0, HW_PCI_BAR0, 4, &v);
	ck_assert_uint_eq(v, 0xfff00000u);
	hw_pci_cfg_write(x->m, 0, 0, 4, 0, HW_PCI_BAR0, 4, (uint32_t)E0);
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_ID, 4, 1), 0x010000edu);
	hwt_free(x);
}
END_TEST

START_TEST(edu_identification_is_read_only)
{
	struct hwt *x = hwt_new(1);
	edu_level(x);
	hwt_wr(x, E0 + HW_EDU_ID, 4, 0x12345678, 1);
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_ID, 4, 2), HW_EDU_ID_VALUE);
	hwt_free(x);
}
END_TEST

START_TEST(edu_liveness_returns_the_inverse)
{
	struct hwt *x = hwt_new(1);
	edu_level(x);
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_LIVENESS, 4, 1), 0); /* reset value */
	hwt_wr(x, E0 + HW_EDU_LIVENESS, 4, 0x12345678, 2);
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_LIVENESS, 4, 3), 0xedcba987u);
	hwt_wr(x, E0 + HW_EDU_LIVENESS, 4, 0, 4);
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_LIVENESS, 4, 5), 0xffffffffu);
	hwt_free(x);
}
END_TEST

START_TEST(edu_accesses_of_the_wrong_size_do_nothing)
{
	struct hwt *x = hwt_new(1);
	edu_level(x);
	/* Below 0x80 only 4-byte accesses: others read all-ones and write nothing. */
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_ID, 2, 1), 0xffff);
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_ID, 1, 1), 0xff);
	hwt_wr(x, E0 + HW_EDU_LIVENESS, 2, 0x1234, 2);
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_LIVENESS, 4, 3), 0);
	hwt_wr(x, E0 + HW_EDU_IRQ_RAISE, 1, 1, 4);
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_IRQ_STATUS, 4, 5), 0);
	ck_assert(!hw_intc_line(x->m, IO, PIN));
	/* The DMA registers take 8-byte accesses too, but not 2. */
	hwt_wr(x, E0 + HW_EDU_DMA_SRC, 8, 0x123456789ull, 6);
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_DMA_SRC, 8, 7), 0x123456789ull);
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_DMA_SRC, 4, 7), 0x23456789u);
	hwt_wr(x, E0 + HW_EDU_DMA_DST, 2, 0x55, 8);
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_DMA_DST, 8, 9), 0);
	/* Unknown offsets read all-ones. */
	ck_assert_uint_eq(hwt_rd(x, E0 + 0x40, 4, 10), 0xffffffffu);
	hwt_free(x);
}
END_TEST

START_TEST(edu_raise_ors_bits_and_asserts_the_level_line)
{
	struct hwt *x = hwt_new(1);
	edu_level(x);
	hwt_wr(x, E0 + HW_EDU_IRQ_RAISE, 4, 0x1, 1);
	ck_assert(hw_intc_line(x->m, IO, PIN));
	ck_assert(hw_lapic_irr(x->m, 0, VEC));
	hwt_wr(x, E0 + HW_EDU_IRQ_RAISE, 4, 0x100, 2);
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_IRQ_STATUS, 4, 3), 0x101);
	/* The raise register is write-only; reading it is an unknown offset. */
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_IRQ_RAISE, 4, 3), 0xffffffffu);
	/* Raising nothing on a clear device does nothing. */
	struct hwt *y = hwt_new(1);
	edu_level(y);
	hwt_wr(y, E0 + HW_EDU_IRQ_RAISE, 4, 0, 1);
	ck_assert(!hw_intc_line(y->m, IO, PIN));
	ck_assert(!hw_lapic_irr(y->m, 0, VEC));
	hwt_free(y);
	hwt_free(x);
}
END_TEST

/* INTx deasserts only when the status becomes 0, and reports the clear. */
START_TEST(edu_ack_deasserts_only_at_zero)
{
	struct hwt *x = hwt_new(1);
	struct hw_dev *d = edu_level(x);
	hwt_wr(x, E0 + HW_EDU_IRQ_RAISE, 4, 0x5, 1);
	ck_assert(hw_dev_irq_active(d));
	ck_assert_uint_eq(hw_dev_take_status_clear(d), HW_TIME_NEVER);
	hwt_wr(x, E0 + HW_EDU_IRQ_ACK, 4, 0x1, 2);
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_IRQ_STATUS, 4, 3), 0x4);
	ck_assert(hw_intc_line(x->m, IO, PIN)); /* a bit is left: still asserted */
	ck_assert(hw_dev_irq_active(d));
	ck_assert_uint_eq(hw_dev_take_status_clear(d), 2);
	/* Acknowledging a bit that is not set changes nothing. */
	hwt_wr(x, E0 + HW_EDU_IRQ_ACK, 4, 0x2, 4);
	ck_assert(hw_intc_line(x->m, IO, PIN));
	ck_assert_uint_eq(hw_dev_take_status_clear(d), HW_TIME_NEVER);
	hwt_wr(x, E0 + HW_EDU_IRQ_ACK, 4, 0x4, 5);
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_IRQ_STATUS, 4, 6), 0);
	ck_assert(!hw_intc_line(x->m, IO, PIN));
	ck_assert(!hw_dev_irq_active(d));
	ck_assert_uint_eq(hw_dev_take_status_clear(d), 5);
	/* The acknowledge register is write-only too. */
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_IRQ_ACK, 4, 7), 0xffffffffu);
	hwt_free(x);
}
END_TEST

/* The interrupt status register is read-only: writing it clears nothing. */
START_TEST(edu_irq_status_is_read_only)
{
	struct hwt *x = hwt_new(1);
	edu_level(x);
	hwt_wr(x, E0 + HW_EDU_IRQ_RAISE, 4, 0x3, 1);
	hwt_wr(x, E0 + HW_EDU_IRQ_STATUS, 4, 0x3, 2);
	hwt_wr(x, E0 + HW_EDU_IRQ_STATUS, 4, 0, 2);
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_IRQ_STATUS, 4, 3), 0x3);
	ck_assert(hw_intc_line(x->m, IO, PIN));
	hwt_free(x);
}
END_TEST

/* Two edus on one level pin: the wire is the OR of both statuses. */
START_TEST(edu_shared_level_line_is_wired_or)
{
	struct hwt *x = hwt_new(1);
	edu_level(x);
	hwt_add(x, edu("edu1", E1, 8, HW_IRQ_LEVEL, PIN));
	hwt_wr(x, E0 + HW_EDU_IRQ_RAISE, 4, 0x1, 1);
	hwt_wr(x, E1 + HW_EDU_IRQ_RAISE, 4, 0x2, 2);
	hwt_wr(x, E0 + HW_EDU_IRQ_ACK, 4, 0x1, 3);
	ck_assert(hw_intc_line(x->m, IO, PIN));
	hwt_wr(x, E1 + HW_EDU_IRQ_ACK, 4, 0x2, 4);
	ck_assert(!hw_intc_line(x->m, IO, PIN));
	hwt_free(x);
}
END_TEST

START_TEST(edu_factorial)
{
	struct hwt *x = hwt_new(1);
	edu_level(x);
	hwt_wr(x, E0 + HW_EDU_FACTORIAL, 4, 5, 100);
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_STATUS, 4, 101), HW_EDU_STATUS_COMPUTING);
	/* A second operand while computing is lost. */
	hwt_wr(x, E0 + HW_EDU_FACTORIAL, 4, 7, 102);
	/* The computing bit is read-only. */
	hwt_wr(x, E0 + HW_EDU_STATUS, 4, 0, 103);
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_STATUS, 4, 103), HW_EDU_STATUS_COMPUTING);
	hw_evq_run_until(&x->q, 100 + HW_EDU_FACT_NS - 1);
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_STATUS, 4, 104), HW_EDU_STATUS_COMPUTING);
	hw_evq_run_until(&x->q, 100 + HW_EDU_FACT_NS);
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_STATUS, 4, 2000), 0);
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_FACTORIAL, 4, 2000), 120);
	ck_assert(!hw_intc_line(x->m, IO, PIN)); /* no raise asked for */
	/* With status bit 7 the result raises 0x1. */
	hwt_wr(x, E0 + HW_EDU_STATUS, 4, HW_EDU_STATUS_IRQFACT, 3000);
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_STATUS, 4, 3000), HW_EDU_STATUS_IRQFACT);
	hwt_wr(x, E0 + HW_EDU_FACTORIAL, 4, 12, 3000);
	hw_evq_run_until(&x->q, 3000 + HW_EDU_FACT_NS);
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_FACTORIAL, 4, 5000), 479001600u);
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_IRQ_STATUS, 4, 5000), HW_EDU_IRQ_FACT);
	ck_assert(hw_intc_line(x->m, IO, PIN));
	/* 0! is 1; 13! wraps in 32 bits as QEMU's does; complete finishes at once. */
	hwt_wr(x, E0 + HW_EDU_IRQ_ACK, 4, HW_EDU_IRQ_FACT, 6000);
	hwt_wr(x, E0 + HW_EDU_FACTORIAL, 4, 13, 6000);
	ck_assert_int_eq(hw_dev_action_by_name(x->m, "edu0", 6001, HW_ACT_COMPLETE, 0), HW_OK);
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_FACTORIAL, 4, 6002), (uint32_t)6227020800ull);
	ck_assert_int_eq(hw_dev_action_by_name(x->m, "edu0", 6003, HW_ACT_COMPLETE, 0), HW_EAGAIN);
	hwt_wr(x, E0 + HW_EDU_FACTORIAL, 4, 0, 7000);
	hw_evq_run_until(&x->q, 7000 + HW_EDU_FACT_NS);
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_FACTORIAL, 4, 9000), 1);
	hwt_free(x);
}
END_TEST

START_TEST(edu_dma_to_and_from_the_buffer)
{
	struct hwt *x = hwt_new(1);
	edu_level(x);
	uint64_t src = 0x200000, dst = 0x300000;
	uint8_t *s = hw_mem_ptr(x->m, src, 100);
	for (unsigned i = 0; i < 100; i++)
		s[i] = (uint8_t)(i + 1);
	hwt_wr(x, E0 + HW_EDU_DMA_SRC, 8, src, 1);
	hwt_wr(x, E0 + HW_EDU_DMA_DST, 8, HW_EDU_DMA_BUF, 1);
	hwt_wr(x, E0 + HW_EDU_DMA_COUNT, 8, 100, 1);
	hwt_wr(x, E0 + HW_EDU_DMA_CMD, 8, HW_EDU_DMA_CMD_RUN, 1);
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_DMA_CMD, 8, 2), HW_EDU_DMA_CMD_RUN);
	hwt_wr(x, E0 + HW_EDU_DMA_COUNT, 8, 7, 2); /* ignored while running */
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_DMA_COUNT, 8, 2), 100);
	hw_evq_run_until(&x->q, 1 + HW_EDU_DMA_NS);
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_DMA_CMD, 8, 3 + HW_EDU_DMA_NS), 0);
	ck_assert(!hw_intc_line(x->m, IO, PIN));
	/* Back out to RAM at dst, with the completion interrupt 0x100. */
	uint64_t t = 10 + HW_EDU_DMA_NS;
	hwt_wr(x, E0 + HW_EDU_DMA_SRC, 8, HW_EDU_DMA_BUF, t);
	hwt_wr(x, E0 + HW_EDU_DMA_DST, 8, dst, t);
	hwt_wr(x, E0 + HW_EDU_DMA_CMD, 8,
	   HW_EDU_DMA_CMD_RUN | HW_EDU_DMA_CMD_TO_RAM | HW_EDU_DMA_CMD_IRQ, t);
	ck_assert_int_eq(hw_dev_action_by_name(x->m, "edu0", t + 1, HW_ACT_COMPLETE, 0), HW_OK);
	uint8_t *d = hw_mem_ptr(x->m, dst, 101);
	ck_assert_uint_eq(d[0], 1);
	ck_assert_uint_eq(d[99], 100);
	ck_assert_uint_eq(d[100], 0);
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_IRQ_STATUS, 4, t + 2), HW_EDU_IRQ_DMA);
	ck_assert(hw_intc_line(x->m, IO, PIN));
	/* Outside the 4 KiB buffer: nothing moves, still completes. */
	hwt_wr(x, E0 + HW_EDU_DMA_SRC, 8, HW_EDU_DMA_BUF + 4000, t + 3);
	hwt_wr(x, E0 + HW_EDU_DMA_COUNT, 8, 200, t + 3);
	hwt_wr(x, E0 + HW_EDU_DMA_CMD, 8, HW_EDU_DMA_CMD_RUN | HW_EDU_DMA_CMD_TO_RAM, t + 3);
	hw_dev_action_by_name(x->m, "edu0", t + 4, HW_ACT_COMPLETE, 0);
	ck_assert_uint_eq(hwt_last(x, HW_TRACE_DMA_ERROR)->c, 3);
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_DMA_CMD, 8, t + 5), HW_EDU_DMA_CMD_TO_RAM);
	hwt_free(x);
}
END_TEST

/* With MSI enabled each raise is a message; the ACK register still clears. */
START_TEST(edu_msi_when_enabled_in_its_capability)
{
	struct hwt *x = hwt_new(2);
	struct hw_dev_desc dd = edu("edu0", E0, 4, HW_IRQ_MSI, 3);
	dd.cpu = 1;
	struct hw_dev *d = hwt_add(x, dd);
	struct hw_intc_stats st;
	hwt_wr(x, E0 + HW_EDU_IRQ_RAISE, 4, 0x1, 1); /* MSI off: dropped */
	hw_intc_stats(x->m, 1, 3, &st);
	ck_assert_uint_eq(st.delivered, 0);
	ck_assert_uint_eq(st.dropped, 1);
	hwt_wr(x, E0 + HW_EDU_IRQ_ACK, 4, 0x1, 2);
	hw_pci_cfg_write(x->m, 0, 0, 4, 0, HW_PCI_MSI_CAP + 2, 2, HW_PCI_MSI_ENABLE);
	hwt_wr(x, E0 + HW_EDU_IRQ_RAISE, 4, 0x1, 3);
	hwt_wr(x, E0 + HW_EDU_IRQ_RAISE, 4, 0x2, 4); /* status still set: a second message */
	hw_intc_stats(x->m, 1, 3, &st);
	ck_assert_uint_eq(st.delivered, 2);
	ck_assert(hw_lapic_irr(x->m, 1, VEC));
	ck_assert(hw_dev_irq_active(d));
	hwt_wr(x, E0 + HW_EDU_IRQ_ACK, 4, 0x3, 5);
	ck_assert(!hw_dev_irq_active(d));
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_IRQ_STATUS, 4, 6), 0);
	hwt_free(x);
}
END_TEST

START_TEST(edu_actions_and_reset)
{
	struct hwt *x = hwt_new(1);
	struct hw_dev *d = edu_level(x);
	ck_assert_int_eq(hw_dev_action(x->m, d, 1, HW_ACT_RAISE, 0x80), HW_OK);
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_IRQ_STATUS, 4, 2), 0x80);
	ck_assert(hw_intc_line(x->m, IO, PIN));
	ck_assert_uint_eq(hwt_last(x, HW_TRACE_DEV_ACTION)->b, HW_ACT_RAISE);
	ck_assert_int_eq(hw_dev_action(x->m, d, 3, HW_ACT_ASSERT, 0), HW_OK);
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_IRQ_STATUS, 4, 4), 0x81);
	ck_assert_int_eq(hw_dev_action(x->m, d, 5, HW_ACT_PULSE, 0), HW_EINVAL);
	/* Withdrawn by the device: not a software clear. */
	ck_assert_int_eq(hw_dev_action(x->m, d, 6, HW_ACT_DEASSERT, 0), HW_OK);
	ck_assert(!hw_intc_line(x->m, IO, PIN));
	ck_assert_uint_eq(hw_dev_take_status_clear(d), HW_TIME_NEVER);
	hwt_wr(x, E0 + HW_EDU_LIVENESS, 4, 1, 7);
	hwt_wr(x, E0 + HW_EDU_STATUS, 4, HW_EDU_STATUS_IRQFACT, 7);
	hwt_wr(x, E0 + HW_EDU_FACTORIAL, 4, 3, 7);
	hwt_wr(x, E0 + HW_EDU_IRQ_RAISE, 4, 0x4, 7);
	ck_assert_int_eq(hw_dev_action(x->m, d, 8, HW_ACT_RESET, 0), HW_OK);
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_LIVENESS, 4, 9), 0);
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_STATUS, 4, 9), 0);
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_IRQ_STATUS, 4, 9), 0);
	ck_assert(!hw_intc_line(x->m, IO, PIN));
	hw_evq_run_until(&x->q, 100000); /* the factorial was cancelled: no raise */
	ck_assert_uint_eq(hwt_rd(x, E0 + HW_EDU_IRQ_STATUS, 4, 100001), 0);
	ck_assert_int_eq(hw_dev_kind_lookup("edu"), HW_DEV_EDU);
	ck_assert_int_eq(hw_dev_action_lookup("raise"), HW_ACT_RAISE);
	ck_assert_str_eq(hw_dev_kind_name(HW_DEV_EDU), "edu");
	hwt_free(x);
}
END_TEST

START_TEST(edu_refuses_edge_and_platform)
{
	struct hwt *x = hwt_new(1);
	struct hw_dev_desc d = edu("e", E0, 4, HW_IRQ_EDGE, PIN);
	ck_assert_int_eq(hw_machine_add_device(x->m, &d, x->err, sizeof(x->err)), HW_EINVAL);
	ck_assert_ptr_nonnull(strstr(x->err, "level"));
	d = edu("e", E0, 4, HW_IRQ_LEVEL, PIN);
	d.pci = false;
	ck_assert_int_eq(hw_machine_add_device(x->m, &d, x->err, sizeof(x->err)), HW_EINVAL);
	ck_assert_ptr_nonnull(strstr(x->err, "PCI"));
	ck_assert_uint_eq(hw_dev_count(x->m), 0);
	hwt_free(x);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hwmodel-edu");
	TCase *tc = tcase_create("edu");
	tcase_add_test(tc, edu_pci_identity_and_bar);
	tcase_add_test(tc, edu_identification_is_read_only);
	tcase_add_test(tc, edu_liveness_returns_the_inverse);
	tcase_add_test(tc, edu_accesses_of_the_wrong_size_do_nothing);
	tcase_add_test(tc, edu_raise_ors_bits_and_asserts_the_level_line);
	tcase_add_test(tc, edu_ack_deasserts_only_at_zero);
	tcase_add_test(tc, edu_irq_status_is_read_only);
	tcase_add_test(tc, edu_shared_level_line_is_wired_or);
	tcase_add_test(tc, edu_factorial);
	tcase_add_test(tc, edu_dma_to_and_from_the_buffer);
	tcase_add_test(tc, edu_msi_when_enabled_in_its_capability);
	tcase_add_test(tc, edu_actions_and_reset);
	tcase_add_test(tc, edu_refuses_edge_and_platform);
	suite_add_tcase(s, tc);
	return hwt_run(s);
}
