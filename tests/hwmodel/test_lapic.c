/* SPDX-License-Identifier: MIT */
/* Local APIC: priorities, accept/EOI, TPR, spurious, timer, IPIs. */
#include "hwtest.h"

START_TEST(priority_classes_and_accept_order)
{
	struct hwt *x = hwt_new(1);
	struct hw_machine *m = x->m;
	hw_lapic_deliver(m, 0, 0, 0x41, false, HW_SRC_IPI);
	ck_assert_uint_eq(x->wakes[0], 1);
	hw_lapic_deliver(m, 0, 0, 0x52, false, HW_SRC_IPI);
	hw_lapic_deliver(m, 0, 0, 0x5f, false, HW_SRC_IPI);
	ck_assert_int_eq(hw_lapic_next_vector(m, 0), 0x5f);
	ck_assert_uint_eq(hw_lapic_accept(m, 0, 1), 0x5f);
	ck_assert(hw_lapic_isr(m, 0, 0x5f));
	ck_assert(!hw_lapic_irr(m, 0, 0x5f));
	/* 0x52 is in the same class as 0x5f in service: held back. */
	ck_assert_int_eq(hw_lapic_next_vector(m, 0), HW_VEC_NONE);
	/* A higher class preempts. */
	hw_lapic_deliver(m, 0, 2, 0x61, false, HW_SRC_IPI);
	ck_assert_int_eq(hw_lapic_next_vector(m, 0), 0x61);
	ck_assert_uint_eq(hw_lapic_accept(m, 0, 3), 0x61);
	ck_assert_int_eq(hw_lapic_eoi(m, 0, 4), 0x61);
	ck_assert_int_eq(hw_lapic_eoi(m, 0, 5), 0x5f);
	ck_assert_uint_eq(hw_lapic_accept(m, 0, 6), 0x52);
	ck_assert_int_eq(hw_lapic_eoi(m, 0, 7), 0x52);
	ck_assert_uint_eq(hw_lapic_accept(m, 0, 8), 0x41);
	ck_assert_int_eq(hw_lapic_eoi(m, 0, 9), 0x41);
	ck_assert_int_eq(hw_lapic_eoi(m, 0, 10), HW_VEC_NONE);
	struct hw_lapic_stats st;
	hw_lapic_stats(m, 0, &st);
	ck_assert_uint_eq(st.accepted, 4);
	ck_assert_uint_eq(st.eoi, 4);
	ck_assert_uint_eq(st.eoi_empty, 1);
	hwt_free(x);
}
END_TEST

START_TEST(irr_coalesces_a_second_delivery)
{
	struct hwt *x = hwt_new(1);
	hw_lapic_deliver(x->m, 0, 0, 0x40, false, HW_SRC_IPI);
	hw_lapic_deliver(x->m, 0, 0, 0x40, false, HW_SRC_IPI);
	struct hw_lapic_stats st;
	hw_lapic_stats(x->m, 0, &st);
	ck_assert_uint_eq(st.delivered, 1);
	ck_assert_uint_eq(st.coalesced, 1);
	ck_assert_uint_eq(hwt_count(x, HW_TRACE_IRR_COALESCE), 1);
	ck_assert_uint_eq(hw_lapic_accept(x->m, 0, 0), 0x40);
	ck_assert_uint_eq(hw_lapic_accept(x->m, 0, 0), 0xff); /* nothing left: spurious */
	hwt_free(x);
}
END_TEST

START_TEST(tpr_blocks_and_spurious_vector)
{
	struct hwt *x = hwt_new(1);
	struct hw_machine *m = x->m;
	hw_lapic_set_tpr(m, 0, 0, 0x50);
	hw_lapic_deliver(m, 0, 0, 0x55, false, HW_SRC_IPI);
	ck_assert_uint_eq(x->wakes[0], 0); /* not deliverable: no wake */
	ck_assert_int_eq(hw_lapic_next_vector(m, 0), HW_VEC_NONE);
	hw_lapic_set_spurious(m, 0, 0xef);
	ck_assert_uint_eq(hw_lapic_accept(m, 0, 0), 0xef);
	ck_assert(!hw_lapic_isr(m, 0, 0xef));
	struct hw_lapic_stats st;
	hw_lapic_stats(m, 0, &st);
	ck_assert_uint_eq(st.spurious, 1);
	hw_lapic_set_tpr(m, 0, 1, 0x40);
	ck_assert_uint_eq(x->wakes[0], 1); /* lowering the TPR made 0x55 deliverable */
	ck_assert_uint_eq(hw_lapic_accept(m, 0, 2), 0x55);
	ck_assert_uint_eq(hw_lapic_read(m, 0, 2, HW_LAPIC_PPR), 0x50);
	hwt_free(x);
}
END_TEST

START_TEST(illegal_vectors)
{
	struct hwt *x = hwt_new(2);
	hw_lapic_deliver(x->m, 1, 0, 7, false, HW_SRC_MSI);
	ck_assert(!hw_lapic_irr(x->m, 1, 7));
	ck_assert_uint_eq(hw_lapic_read(x->m, 1, 0, HW_LAPIC_ESR) & HW_ESR_RECV_ILLEGAL,
			  HW_ESR_RECV_ILLEGAL);
	ck_assert_int_eq(hw_lapic_send_ipi(x->m, 0, 0, HW_IPI_DEST, 1, 3), HW_EINVAL);
	ck_assert_uint_eq(hw_lapic_read(x->m, 0, 0, HW_LAPIC_ESR) & HW_ESR_SEND_ILLEGAL,
			  HW_ESR_SEND_ILLEGAL);
	/* the edges: 15 is still illegal both ways, 16 is the first legal vector */
	hw_lapic_write(x->m, 0, 1, HW_LAPIC_ESR, 0);
	hw_lapic_write(x->m, 1, 1, HW_LAPIC_ESR, 0);
	ck_assert_int_eq(hw_lapic_send_ipi(x->m, 0, 1, HW_IPI_DEST, 1, 15), HW_EINVAL);
	ck_assert(!hw_lapic_irr(x->m, 1, 15));
	ck_assert_uint_eq(hw_lapic_read(x->m, 0, 1, HW_LAPIC_ESR), HW_ESR_SEND_ILLEGAL);
	hw_lapic_deliver(x->m, 1, 1, 15, false, HW_SRC_MSI);
	ck_assert(!hw_lapic_irr(x->m, 1, 15));
	ck_assert_uint_eq(hw_lapic_read(x->m, 1, 1, HW_LAPIC_ESR), HW_ESR_RECV_ILLEGAL);
	hw_lapic_write(x->m, 0, 2, HW_LAPIC_ESR, 0);
	ck_assert_int_eq(hw_lapic_send_ipi(x->m, 0, 2, HW_IPI_DEST, 1, 16), HW_OK);
	ck_assert(hw_lapic_irr(x->m, 1, 16));
	ck_assert_uint_eq(hw_lapic_read(x->m, 0, 2, HW_LAPIC_ESR), 0);
	/* 255 is the last vector; a CPU or shorthand that does not exist is refused */
	hw_lapic_deliver(x->m, 1, 3, 255, false, HW_SRC_MSI);
	ck_assert(hw_lapic_irr(x->m, 1, 255));
	ck_assert_int_eq(hw_lapic_send_ipi(x->m, 0, 3, HW_IPI_DEST, 2, 0x40), HW_EINVAL);
	ck_assert_int_eq(hw_lapic_send_ipi(x->m, 0, 3, (enum hw_ipi_dest)4, 0, 0x40), HW_EINVAL);
	ck_assert_int_eq(hw_lapic_send_ipi(x->m, 2, 3, HW_IPI_DEST, 0, 0x40), HW_EINVAL);
	ck_assert(!hw_lapic_irr(x->m, 0, 0x40) && !hw_lapic_irr(x->m, 1, 0x40));
	hwt_free(x);
}
END_TEST

START_TEST(software_disabled_lapic_refuses_interrupts)
{
	struct hwt *x = hwt_new(2);
	uint32_t svr = hw_lapic_read(x->m, 1, 0, HW_LAPIC_SVR);
	ck_assert(svr & HW_LAPIC_SVR_ENABLE);
	ck_assert_uint_eq(svr & 0xff, 0xff);
	hw_lapic_write(x->m, 1, 0, HW_LAPIC_SVR, svr & ~HW_LAPIC_SVR_ENABLE);
	hw_lapic_send_ipi(x->m, 0, 1, HW_IPI_DEST, 1, 0xf0);
	ck_assert(!hw_lapic_irr(x->m, 1, 0xf0));
	ck_assert_uint_eq(hwt_last(x, HW_TRACE_DROP)->c, HW_DROP_APIC_OFF);
	hw_lapic_write(x->m, 1, 2, HW_LAPIC_SVR, svr);
	hw_lapic_send_ipi(x->m, 0, 3, HW_IPI_DEST, 1, 0xf0);
	ck_assert(hw_lapic_irr(x->m, 1, 0xf0));
	hwt_free(x);
}
END_TEST

START_TEST(ipis_fixed_all_but_self_self)
{
	struct hwt *x = hwt_new(4);
	struct hw_machine *m = x->m;
	ck_assert_int_eq(hw_lapic_send_ipi(m, 0, 10, HW_IPI_DEST, 2, 0xf0), HW_OK);
	ck_assert(hw_lapic_irr(m, 2, 0xf0));
	ck_assert(!hw_lapic_irr(m, 1, 0xf0));
	ck_assert_uint_eq(x->wakes[2], 1);
	ck_assert_int_eq(hw_lapic_send_ipi(m, 1, 11, HW_IPI_ALL_BUT_SELF, 0, 0xf1), HW_OK);
	ck_assert(hw_lapic_irr(m, 0, 0xf1) && hw_lapic_irr(m, 2, 0xf1) && hw_lapic_irr(m, 3, 0xf1));
	ck_assert(!hw_lapic_irr(m, 1, 0xf1));
	ck_assert_int_eq(hw_lapic_send_ipi(m, 3, 12, HW_IPI_SELF, 0, 0xf2), HW_OK);
	ck_assert(hw_lapic_irr(m, 3, 0xf2));
	ck_assert(!hw_lapic_irr(m, 0, 0xf2));
	ck_assert_int_eq(hw_lapic_send_ipi(m, 0, 13, HW_IPI_DEST, 9, 0xf0), HW_EINVAL);
	/* Through the ICR registers. */
	hw_lapic_write(m, 0, 14, HW_LAPIC_ICR_HI, 1u << 24);
	hw_lapic_write(m, 0, 14, HW_LAPIC_ICR_LO, 0xf3);
	ck_assert(hw_lapic_irr(m, 1, 0xf3));
	const struct hwt_ev *ev = hwt_last(x, HW_TRACE_IPI);
	ck_assert_uint_eq(ev->cpu, 0);
	ck_assert_uint_eq(ev->a, 1);
	ck_assert_uint_eq(ev->b, 0xf3);
	hwt_free(x);
}
END_TEST

START_TEST(timer_oneshot_and_periodic)
{
	struct hwt *x = hwt_new(1);
	struct hw_machine *m = x->m;
	ck_assert_int_eq(hw_lapic_timer_oneshot(m, 0, 100, 0xfd, 1000), HW_OK);
	ck_assert_uint_eq(hw_lapic_timer_due(m, 0), 1100);
	hw_evq_run_until(&x->q, 1099);
	ck_assert(!hw_lapic_irr(m, 0, 0xfd));
	hw_evq_run_until(&x->q, 1100);
	ck_assert(hw_lapic_irr(m, 0, 0xfd));
	ck_assert_uint_eq(hw_lapic_timer_due(m, 0), HW_TIME_NEVER);
	hw_lapic_accept(m, 0, 1200);
	hw_lapic_eoi(m, 0, 1200);
	ck_assert_int_eq(hw_lapic_timer_periodic(m, 0, 2000, 0xfd, 500), HW_OK);
	unsigned fired = 0;
	for (uint64_t t = 2000; t <= 4000; t += 50) {
		hw_evq_run_until(&x->q, t);
		if (hw_lapic_irr(m, 0, 0xfd)) {
			fired++;
			hw_lapic_accept(m, 0, t);
			hw_lapic_eoi(m, 0, t);
		}
	}
	ck_assert_uint_eq(fired, 4); /* 2500, 3000, 3500, 4000 */
	hw_lapic_timer_stop(m, 0, 4000);
	ck_assert_uint_eq(hw_lapic_timer_due(m, 0), HW_TIME_NEVER);
	/* A deadline in the past fires at once. */
	ck_assert_int_eq(hw_lapic_timer_deadline(m, 0, 5000, 0xfd, 10), HW_OK);
	ck_assert_uint_eq(hw_lapic_timer_due(m, 0), 5000);
	ck_assert_int_eq(hw_lapic_timer_oneshot(m, 0, 0, 5, 10), HW_EINVAL);
	hwt_free(x);
}
END_TEST

START_TEST(timer_registers)
{
	struct hwt *x = hwt_new(1);
	struct hw_machine *m = x->m;
	hw_lapic_write(m, 0, 0, HW_LAPIC_TIMER_DIV, 0x3); /* divide by 16 */
	hw_lapic_write(m, 0, 0, HW_LAPIC_LVT_TIMER, 0xfd | HW_LVT_TIMER_ONESHOT);
	hw_lapic_write(m, 0, 0, HW_LAPIC_TIMER_INIT, 100); /* 1600 ns */
	ck_assert_uint_eq(hw_lapic_timer_due(m, 0), 1600);
	ck_assert_uint_eq(hw_lapic_read(m, 0, 800, HW_LAPIC_TIMER_CUR), 50);
	/* Masked: fires, but delivers nothing. */
	hw_lapic_write(m, 0, 0, HW_LAPIC_LVT_TIMER, 0xfd | HW_LVT_MASKED);
	hw_evq_run_until(&x->q, 2000);
	ck_assert(!hw_lapic_irr(m, 0, 0xfd));
	const struct hwt_ev *ev = hwt_last(x, HW_TRACE_TIMER);
	ck_assert_ptr_nonnull(ev);
	ck_assert_uint_eq(ev->b, 1);
	hwt_free(x);
}
END_TEST

/* Corners of the register interface: a timer stopped by an initial count
 * of 0, the ISR and TMR windows, the error register (an unknown register
 * sets bit 7, a write clears it), a delivery mode that is not modelled
 * (dropped, and said so), and a CPU that does not exist. */
START_TEST(register_corners)
{
	struct hwt *x = hwt_new(2);
	struct hw_machine *m = x->m;

	hw_lapic_write(m, 0, 0, HW_LAPIC_LVT_TIMER, 0xfd | HW_LVT_TIMER_ONESHOT);
	hw_lapic_write(m, 0, 0, HW_LAPIC_TIMER_INIT, 100);
	ck_assert_uint_ne(hw_lapic_timer_due(m, 0), HW_TIME_NEVER);
	hw_lapic_write(m, 0, 10, HW_LAPIC_TIMER_INIT, 0);
	ck_assert_uint_eq(hw_lapic_timer_due(m, 0), HW_TIME_NEVER);
	hw_evq_run_until(&x->q, 100000);
	ck_assert(!hw_lapic_irr(m, 0, 0xfd));

	/* 0x41, level: its TMR bit, then its ISR bit once accepted (word 2, bit 1) */
	hw_lapic_deliver(m, 1, 0, 0x41, true, 0);
	ck_assert_uint_eq(hw_lapic_read(m, 1, 0, HW_LAPIC_TMR + 0x20), 1u << 1);
	ck_assert_uint_eq(hw_lapic_read(m, 1, 0, HW_LAPIC_ISR + 0x20), 0);
	ck_assert_uint_eq(hw_lapic_accept(m, 1, 1), 0x41);
	ck_assert_uint_eq(hw_lapic_read(m, 1, 1, HW_LAPIC_ISR + 0x20), 1u << 1);
	ck_assert_uint_eq(hw_lapic_read(m, 1, 1, HW_LAPIC_ISR + 0x10), 0);
	ck_assert_uint_eq(hw_lapic_read(m, 1, 1, HW_LAPIC_IRR + 0x20), 0);

	ck_assert_uint_eq(hw_lapic_read(m, 0, 0, HW_LAPIC_ESR), 0);
	hw_lapic_write(m, 0, 0, 0x3f0, 1); /* no register there */
	ck_assert_uint_eq(hw_lapic_read(m, 0, 0, HW_LAPIC_ESR), 1u << 7);
	hw_lapic_write(m, 0, 0, HW_LAPIC_ESR, 0);
	ck_assert_uint_eq(hw_lapic_read(m, 0, 0, HW_LAPIC_ESR), 0);

	/* NMI delivery mode (4): not modelled, dropped with a trace */
	hw_lapic_write(m, 0, 20, HW_LAPIC_ICR_HI, 1u << 24);
	hw_lapic_write(m, 0, 20, HW_LAPIC_ICR_LO, (4u << 8) | 0xf4);
	ck_assert(!hw_lapic_irr(m, 1, 0xf4));
	const struct hwt_ev *ev = hwt_last(x, HW_TRACE_DROP);
	ck_assert_ptr_nonnull(ev);
	ck_assert_uint_eq(ev->cpu, 0);
	ck_assert_uint_eq(ev->c, HW_DROP_UNSUPPORTED);

	/* lowest-priority delivery (1) is not modelled either */
	hw_lapic_write(m, 0, 21, HW_LAPIC_ICR_LO, (1u << 8) | 0xf5);
	ck_assert(!hw_lapic_irr(m, 1, 0xf5));
	/* the destination shorthand, bits 18-19: self (1) */
	hw_lapic_write(m, 0, 22, HW_LAPIC_ICR_LO, (1u << 18) | 0xf6);
	ck_assert(hw_lapic_irr(m, 0, 0xf6));
	ck_assert(!hw_lapic_irr(m, 1, 0xf6));
	ck_assert_uint_eq(hw_lapic_read(m, 0, 22, HW_LAPIC_ICR_LO), 0); /* delivery status idle */
	ck_assert_uint_eq(hw_lapic_read(m, 0, 22, HW_LAPIC_EOI), 0);    /* write-only */
	/* the IRR window, word 7 (vectors 224..255) */
	ck_assert_uint_eq(hw_lapic_read(m, 0, 22, HW_LAPIC_IRR + 0x70), 1u << (0xf6 - 0xe0));
	ck_assert_uint_eq(hw_lapic_read(m, 1, 22, HW_LAPIC_IRR + 0x70), 0);
	/* word 0 (vectors 0..31) of each window: vector 0x1f, level */
	hw_lapic_deliver(m, 1, 23, 0x1f, true, 0);
	ck_assert_uint_eq(hw_lapic_read(m, 1, 23, HW_LAPIC_IRR), 1u << 31);
	ck_assert_uint_eq(hw_lapic_read(m, 1, 23, HW_LAPIC_TMR), 1u << 31);

	/* Register bits kept on write: all 8 vector bits, the timer modes */
	hw_lapic_write(m, 1, 24, HW_LAPIC_SVR, 0x1ff | HW_LAPIC_SVR_ENABLE);
	ck_assert_uint_eq(hw_lapic_read(m, 1, 24, HW_LAPIC_SVR), 0xff | HW_LAPIC_SVR_ENABLE);
	hw_lapic_write(m, 1, 24, HW_LAPIC_LVT_TIMER, 0xff | HW_LVT_TIMER_PERIODIC);
	ck_assert_uint_eq(hw_lapic_read(m, 1, 24, HW_LAPIC_LVT_TIMER), 0xff | HW_LVT_TIMER_PERIODIC);
	hw_lapic_write(m, 1, 24, HW_LAPIC_LVT_TIMER, 0xfd | (2u << 17) | HW_LVT_MASKED);
	ck_assert_uint_eq(hw_lapic_read(m, 1, 24, HW_LAPIC_LVT_TIMER), 0xfd | (2u << 17) | HW_LVT_MASKED);
	/* periodic mode counts down like one-shot; TSC-deadline mode (2) ignores the count */
	hw_lapic_write(m, 1, 25, HW_LAPIC_LVT_TIMER, 0xfd | HW_LVT_TIMER_PERIODIC);
	hw_lapic_write(m, 1, 25, HW_LAPIC_TIMER_INIT, 100);
	uint64_t due = hw_lapic_timer_due(m, 1);
	ck_assert_uint_ne(due, HW_TIME_NEVER);
	/* it fires, says it is periodic, and is due again one period later */
	hw_evq_run_until(&x->q, due);
	ck_assert(hw_lapic_irr(m, 1, 0xfd));
	ck_assert_uint_eq(hwt_last(x, HW_TRACE_TIMER)->c, 1);
	ck_assert_uint_eq(hw_lapic_timer_due(m, 1), due + (due - 25));
	ck_assert_uint_eq(hw_lapic_accept(m, 1, due), 0xfd);
	hw_lapic_eoi(m, 1, due);
	/* one-shot: fires once, not periodic */
	hw_lapic_write(m, 0, due, HW_LAPIC_LVT_TIMER, 0xfc | HW_LVT_TIMER_ONESHOT);
	hw_lapic_write(m, 0, due, HW_LAPIC_TIMER_INIT, 10);
	uint64_t once = hw_lapic_timer_due(m, 0);
	hw_evq_run_until(&x->q, once);
	ck_assert(hw_lapic_irr(m, 0, 0xfc));
	ck_assert_uint_eq(hwt_last(x, HW_TRACE_TIMER)->c, 0);
	ck_assert_uint_eq(hw_lapic_timer_due(m, 0), HW_TIME_NEVER);
	ck_assert_uint_eq(hw_lapic_accept(m, 0, once), 0xfc);
	hw_lapic_eoi(m, 0, once);
	hw_lapic_write(m, 1, 26, HW_LAPIC_TIMER_INIT, 0);
	hw_lapic_write(m, 1, 26, HW_LAPIC_LVT_TIMER, 0xfd | (2u << 17));
	hw_lapic_write(m, 1, 26, HW_LAPIC_TIMER_INIT, 100);
	ck_assert_uint_eq(hw_lapic_timer_due(m, 1), HW_TIME_NEVER);

	/* Word 0 of the ISR once 0x41 is done and 0x1f accepted; an offset
	 * inside a register reads that register (0x7c and 0x7f: word 7). */
	unsigned eois = hwt_count(x, HW_TRACE_EOI);
	hw_lapic_eoi(m, 1, 27);
	ck_assert_uint_eq(hwt_count(x, HW_TRACE_EOI), eois + 1); /* traced, with its vector */
	ck_assert_uint_eq(hwt_last(x, HW_TRACE_EOI)->a, 0x41);
	ck_assert_uint_eq(hw_lapic_accept(m, 1, 27), 0x1f);
	ck_assert_uint_eq(hw_lapic_read(m, 1, 27, HW_LAPIC_ISR), 1u << 31);
	ck_assert_uint_eq(hw_lapic_accept(m, 0, 28), 0xf6);
	hw_lapic_deliver(m, 0, 28, 0xe1, true, 0);
	ck_assert_uint_eq(hw_lapic_read(m, 0, 28, HW_LAPIC_ISR + 0x7c), 1u << (0xf6 - 0xe0));
	ck_assert_uint_eq(hw_lapic_read(m, 0, 28, HW_LAPIC_TMR + 0x7c), 1u << 1);
	ck_assert_uint_eq(hw_lapic_read(m, 0, 28, HW_LAPIC_IRR + 0x7c), 1u << 1);
	ck_assert_uint_eq(hw_lapic_read(m, 0, 28, HW_LAPIC_ISR + 0x7f), 1u << (0xf6 - 0xe0));
	ck_assert_uint_eq(hw_lapic_read(m, 0, 28, HW_LAPIC_TMR + 0x7f), 1u << 1);
	ck_assert_uint_eq(hw_lapic_read(m, 0, 28, HW_LAPIC_IRR + 0x7f), 1u << 1);

	/* CPU 2 of 2 does not exist */
	ck_assert_uint_eq(hw_lapic_read(m, 2, 0, HW_LAPIC_ID), 0);
	ck_assert_uint_eq(hw_lapic_accept(m, 2, 0), 0xff);
	hwt_free(x);
}
END_TEST

/* Every register's power-on value, on each CPU, and again after a machine
 * reset of a LAPIC whose registers were all written. */
static void check_power_on(struct hw_machine *m, unsigned cpu)
{
	ck_assert_uint_eq(hw_lapic_read(m, cpu, 0, HW_LAPIC_ID), cpu << 24);
	ck_assert_uint_eq(hw_lapic_read(m, cpu, 0, HW_LAPIC_VERSION), 0x01050014u);
	ck_assert_uint_eq(hw_lapic_read(m, cpu, 0, HW_LAPIC_TPR), 0);
	ck_assert_uint_eq(hw_lapic_read(m, cpu, 0, HW_LAPIC_PPR), 0);
	ck_assert_uint_eq(hw_lapic_read(m, cpu, 0, HW_LAPIC_SVR), 0xff | HW_LAPIC_SVR_ENABLE);
	ck_assert_uint_eq(hw_lapic_read(m, cpu, 0, HW_LAPIC_ESR), 0);
	ck_assert_uint_eq(hw_lapic_read(m, cpu, 0, HW_LAPIC_ICR_HI), 0);
	ck_assert_uint_eq(hw_lapic_read(m, cpu, 0, HW_LAPIC_LVT_TIMER), HW_LVT_MASKED);
	ck_assert_uint_eq(hw_lapic_read(m, cpu, 0, HW_LAPIC_TIMER_INIT), 0);
	ck_assert_uint_eq(hw_lapic_read(m, cpu, 0, HW_LAPIC_TIMER_CUR), 0);
	ck_assert_uint_eq(hw_lapic_read(m, cpu, 0, HW_LAPIC_TIMER_DIV), 0);
	ck_assert_int_lt(hw_lapic_next_vector(m, cpu), 0);
}

START_TEST(power_on_and_reset_values)
{
	struct hwt *x = hwt_new(2);
	struct hw_machine *m = x->m;
	for (unsigned c = 0; c < 2; c++)
		check_power_on(m, c);
	hw_lapic_write(m, 1, 0, HW_LAPIC_TPR, 0x20);
	hw_lapic_write(m, 1, 0, HW_LAPIC_SVR, 0x3f);
	hw_lapic_write(m, 1, 0, HW_LAPIC_ICR_HI, 1u << 24);
	hw_lapic_write(m, 1, 0, HW_LAPIC_TIMER_DIV, 0x3);
	hw_lapic_write(m, 1, 0, HW_LAPIC_LVT_TIMER, 0xfd | HW_LVT_TIMER_ONESHOT);
	hw_lapic_write(m, 1, 0, HW_LAPIC_TIMER_INIT, 100);
	hw_lapic_deliver(m, 1, 0, 0x80, false, HW_SRC_MSI);
	hw_lapic_deliver(m, 1, 0, 7, false, HW_SRC_MSI); /* ESR: illegal vector */
	ck_assert_uint_ne(hw_lapic_read(m, 1, 0, HW_LAPIC_ESR), 0);
	hw_machine_reset(m, 0);
	check_power_on(m, 1);
	ck_assert_uint_eq(hw_lapic_timer_due(m, 1), HW_TIME_NEVER);
	/* A read of a register that does not exist gives 0 and sets ESR bit 7. */
	ck_assert_uint_eq(hw_lapic_read(m, 0, 0, 0x3f0), 0);
	ck_assert_uint_eq(hw_lapic_read(m, 0, 0, HW_LAPIC_ESR), 1u << 7);
	hwt_free(x);
}
END_TEST

/* The processor priority at equal classes: when the TPR's class equals the
 * class in service, the PPR is the TPR itself, low bits included (SDM
 * 11.8.3.1); only a higher class in service replaces it. */
START_TEST(ppr_keeps_the_tpr_at_equal_class)
{
	struct hwt *x = hwt_new(1);
	struct hw_machine *m = x->m;
	hw_lapic_deliver(m, 0, 0, 0x58, false, HW_SRC_IPI);
	ck_assert_uint_eq(hw_lapic_accept(m, 0, 0), 0x58);
	hw_lapic_set_tpr(m, 0, 1, 0x53);
	ck_assert_uint_eq(hw_lapic_read(m, 0, 1, HW_LAPIC_PPR), 0x53);
	hw_lapic_set_tpr(m, 0, 2, 0x4f);
	ck_assert_uint_eq(hw_lapic_read(m, 0, 2, HW_LAPIC_PPR), 0x50);
	hw_lapic_set_tpr(m, 0, 3, 0x61);
	ck_assert_uint_eq(hw_lapic_read(m, 0, 3, HW_LAPIC_PPR), 0x61);
	hwt_free(x);
}
END_TEST

/* What the trace says: an illegal vector (ESR bits, vector, 0), a coalesced
 * delivery (vector, source, 0) and a spurious accept (the spurious vector,
 * 0, 0). */
START_TEST(trace_records_of_errors_coalescing_and_spurious)
{
	struct hwt *x = hwt_new(1);
	struct hw_machine *m = x->m;
	hw_lapic_deliver(m, 0, 5, 9, false, HW_SRC_MSI);
	ck_assert_uint_eq(hwt_count(x, HW_TRACE_APIC_ERROR), 1);
	const struct hwt_ev *ev = hwt_last(x, HW_TRACE_APIC_ERROR);
	ck_assert_uint_eq(ev->t, 5);
	ck_assert_uint_eq(ev->cpu, 0);
	ck_assert_uint_eq(ev->a, HW_ESR_RECV_ILLEGAL);
	ck_assert_uint_eq(ev->b, 9);
	ck_assert_uint_eq(ev->c, 0);

	hw_lapic_deliver(m, 0, 6, 0x70, false, HW_SRC_MSI);
	hw_lapic_deliver(m, 0, 7, 0x70, false, HW_SRC_TIMER);
	ck_assert_uint_eq(hwt_count(x, HW_TRACE_IRR_COALESCE), 1);
	ev = hwt_last(x, HW_TRACE_IRR_COALESCE);
	ck_assert_uint_eq(ev->a, 0x70);
	ck_assert_uint_eq(ev->b, HW_SRC_TIMER);
	ck_assert_uint_eq(ev->c, 0);

	hw_lapic_set_tpr(m, 0, 8, 0xf0); /* 0x70 held: the accept is spurious */
	hw_lapic_set_spurious(m, 0, 0x3f);
	ck_assert_uint_eq(hw_lapic_accept(m, 0, 9), 0x3f);
	ck_assert_uint_eq(hwt_count(x, HW_TRACE_SPURIOUS), 1);
	ev = hwt_last(x, HW_TRACE_SPURIOUS);
	ck_assert_uint_eq(ev->a, 0x3f);
	ck_assert_uint_eq(ev->b, 0);
	ck_assert_uint_eq(ev->c, 0);
	hwt_free(x);
}
END_TEST

/* The TMR follows the trigger of the latest message, even one coalesced
 * into a set IRR bit: an edge after a level clears it. */
START_TEST(tmr_follows_the_latest_trigger)
{
	struct hwt *x = hwt_new(1);
	struct hw_machine *m = x->m;
	hw_lapic_deliver(m, 0, 0, 0x41, true, HW_SRC_IOAPIC);
	ck_assert(hw_lapic_tmr(m, 0, 0x41));
	hw_lapic_deliver(m, 0, 1, 0x41, false, HW_SRC_MSI);
	ck_assert(!hw_lapic_tmr(m, 0, 0x41));
	ck_assert_uint_eq(hw_lapic_accept(m, 0, 2), 0x41);
	hw_lapic_deliver(m, 0, 3, 0x41, true, HW_SRC_IOAPIC);
	ck_assert(hw_lapic_tmr(m, 0, 0x41));
	hw_lapic_deliver(m, 0, 4, 0x42, false, HW_SRC_MSI);
	ck_assert(hw_lapic_tmr(m, 0, 0x41));
	ck_assert(!hw_lapic_tmr(m, 0, 0x42));
	hwt_free(x);
}
END_TEST

/* A delivery to a CPU that does not exist, or of a vector past 255, does
 * nothing at all: no state, no trace, no wake-up. */
START_TEST(delivery_out_of_range_does_nothing)
{
	struct hwt *x = hwt_new(2);
	struct hw_machine *m = x->m;
	hw_lapic_deliver(m, 2, 0, 0x40, false, HW_SRC_MSI);
	hw_lapic_deliver(m, 2, 0, 7, false, HW_SRC_MSI);
	hw_lapic_deliver(m, 0, 0, 256, false, HW_SRC_MSI);
	hw_lapic_deliver(m, 0, 0, 256 + 0x40, true, HW_SRC_MSI);
	ck_assert_uint_eq(x->nev, 0);
	ck_assert_uint_eq(x->wakes[0] + x->wakes[1] + x->wakes[2], 0);
	for (unsigned v = 0; v < 256; v++)
		ck_assert(!hw_lapic_irr(m, 0, v) && !hw_lapic_isr(m, 0, v) && !hw_lapic_tmr(m, 0, v));
	ck_assert_uint_eq(hw_lapic_tpr(m, 0), 0);
	struct hw_lapic_stats st;
	hw_lapic_stats(m, 0, &st);
	ck_assert_uint_eq(st.delivered + st.illegal + st.dropped, 0);
	ck_assert_int_eq(hw_lapic_next_vector(m, 0), HW_VEC_NONE);
	hwt_free(x);
}
END_TEST

/* The trace of an accept (vector, 0, 0) and of an EOI (vector, level, 0;
 * vector 0x100 when nothing was in service). */
START_TEST(trace_records_of_accept_and_eoi)
{
	struct hwt *x = hwt_new(1);
	struct hw_machine *m = x->m;
	hw_lapic_deliver(m, 0, 1, 0x61, true, HW_SRC_IOAPIC);
	ck_assert_uint_eq(hw_lapic_accept(m, 0, 2), 0x61);
	ck_assert_uint_eq(hwt_count(x, HW_TRACE_ACCEPT), 1);
	const struct hwt_ev *ev = hwt_last(x, HW_TRACE_ACCEPT);
	ck_assert_uint_eq(ev->t, 2);
	ck_assert_uint_eq(ev->a, 0x61);
	ck_assert_uint_eq(ev->b, 0);
	ck_assert_uint_eq(ev->c, 0);
	ck_assert_int_eq(hw_lapic_eoi(m, 0, 3), 0x61);
	ck_assert_uint_eq(hwt_count(x, HW_TRACE_EOI), 1);
	ev = hwt_last(x, HW_TRACE_EOI);
	ck_assert_uint_eq(ev->t, 3);
	ck_assert_uint_eq(ev->a, 0x61);
	ck_assert_uint_eq(ev->b, 1);
	ck_assert_uint_eq(ev->c, 0);
	/* an edge vector's EOI says level 0 */
	hw_lapic_deliver(m, 0, 4, 0x62, false, HW_SRC_MSI);
	ck_assert_uint_eq(hw_lapic_accept(m, 0, 4), 0x62);
	ck_assert_int_eq(hw_lapic_eoi(m, 0, 5), 0x62);
	ev = hwt_last(x, HW_TRACE_EOI);
	ck_assert_uint_eq(ev->a, 0x62);
	ck_assert_uint_eq(ev->b, 0);
	/* nothing in service */
	ck_assert_int_eq(hw_lapic_eoi(m, 0, 6), HW_VEC_NONE);
	ck_assert_uint_eq(hwt_count(x, HW_TRACE_EOI), 3);
	ev = hwt_last(x, HW_TRACE_EOI);
	ck_assert_uint_eq(ev->t, 6);
	ck_assert_uint_eq(ev->a, 0x100);
	ck_assert_uint_eq(ev->b, 0);
	ck_assert_uint_eq(ev->c, 0);
	hwt_free(x);
}
END_TEST

/* An EOI that uncovers a held vector wakes the CPU; one that uncovers
 * nothing does not. Setting the TPR is traced (new TPR, 0, 0). */
START_TEST(eoi_and_tpr_wake_only_for_a_newly_deliverable_vector)
{
	struct hwt *x = hwt_new(1);
	struct hw_machine *m = x->m;
	hw_lapic_deliver(m, 0, 0, 0x51, false, HW_SRC_MSI);
	ck_assert_uint_eq(x->wakes[0], 1);
	ck_assert_uint_eq(hw_lapic_accept(m, 0, 1), 0x51);
	hw_lapic_deliver(m, 0, 2, 0x52, false, HW_SRC_MSI); /* held behind 0x51 */
	ck_assert_uint_eq(x->wakes[0], 1);
	ck_assert_int_eq(hw_lapic_eoi(m, 0, 3), 0x51);
	ck_assert_uint_eq(x->wakes[0], 2);
	ck_assert_uint_eq(hw_lapic_accept(m, 0, 4), 0x52);
	ck_assert_int_eq(hw_lapic_eoi(m, 0, 5), 0x52);
	ck_assert_uint_eq(x->wakes[0], 2);

	hw_lapic_set_tpr(m, 0, 6, 0x9a);
	const struct hwt_ev *ev = hwt_last(x, HW_TRACE_TPR);
	ck_assert_ptr_nonnull(ev);
	ck_assert_uint_eq(ev->t, 6);
	ck_assert_uint_eq(ev->a, 0x9a);
	ck_assert_uint_eq(ev->b, 0);
	ck_assert_uint_eq(ev->c, 0);
	ck_assert_uint_eq(hw_lapic_tpr(m, 0), 0x9a);
	/* deliverable before and after a TPR change: no second wake */
	hw_lapic_set_tpr(m, 0, 7, 0);
	hw_lapic_deliver(m, 0, 8, 0x70, false, HW_SRC_MSI);
	ck_assert_uint_eq(x->wakes[0], 3);
	hw_lapic_set_tpr(m, 0, 9, 0x20);
	ck_assert_uint_eq(x->wakes[0], 3);
	hwt_free(x);
}
END_TEST

/* The spurious vector replaces all 8 low bits of the SVR and nothing else;
 * vector 255, the last one, shows in the ISR and the TMR. */
START_TEST(spurious_vector_bits_and_vector_255)
{
	struct hwt *x = hwt_new(1);
	struct hw_machine *m = x->m;
	hw_lapic_set_spurious(m, 0, 0x3e);
	ck_assert_uint_eq(hw_lapic_read(m, 0, 0, HW_LAPIC_SVR), 0x3e | HW_LAPIC_SVR_ENABLE);
	hw_lapic_set_spurious(m, 0, 0xc1);
	ck_assert_uint_eq(hw_lapic_read(m, 0, 0, HW_LAPIC_SVR), 0xc1 | HW_LAPIC_SVR_ENABLE);
	hw_lapic_deliver(m, 0, 0, 255, true, HW_SRC_IOAPIC);
	ck_assert(hw_lapic_irr(m, 0, 255));
	ck_assert(hw_lapic_tmr(m, 0, 255));
	ck_assert_uint_eq(hw_lapic_accept(m, 0, 1), 255);
	ck_assert(hw_lapic_isr(m, 0, 255));
	ck_assert(!hw_lapic_irr(m, 0, 255));
	hwt_free(x);
}
END_TEST

/* The divide configuration register (bits 0, 1 and 3): 2, 4, ... 128, and
 * 0xb divides by 1. An initial count of 100 then lasts 100 ticks. */
START_TEST(timer_divide_values)
{
	static const struct {
		uint32_t div;
		uint64_t tick;
	} cases[] = {{0x0, 2}, {0x1, 4}, {0x2, 8}, {0x3, 16}, {0x8, 32},
		     {0x9, 64}, {0xa, 128}, {0xb, 1}};
	struct hwt *x = hwt_new(1);
	struct hw_machine *m = x->m;
	hw_lapic_write(m, 0, 0, HW_LAPIC_LVT_TIMER, 0xfd | HW_LVT_TIMER_ONESHOT);
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		hw_lapic_write(m, 0, 0, HW_LAPIC_TIMER_DIV, cases[i].div);
		ck_assert_uint_eq(hw_lapic_read(m, 0, 0, HW_LAPIC_TIMER_DIV), cases[i].div);
		hw_lapic_write(m, 0, 1000, HW_LAPIC_TIMER_INIT, 100);
		ck_assert_uint_eq(hw_lapic_timer_due(m, 0), 1000 + 100 * cases[i].tick);
		ck_assert_uint_eq(hw_lapic_read(m, 0, 1000, HW_LAPIC_TIMER_CUR), 100);
	}
	hw_lapic_write(m, 0, 0, HW_LAPIC_TIMER_DIV, 0x4); /* bit 2 is not a divide bit */
	ck_assert_uint_eq(hw_lapic_read(m, 0, 0, HW_LAPIC_TIMER_DIV), 0);
	hwt_free(x);
}
END_TEST

/* The current count: 0 once the time is past (even before the event ran),
 * 0 in TSC-deadline mode, counted in the reserved mode 3 (armed as
 * one-shot) and in periodic mode; the timer trace names the vector. */
START_TEST(timer_current_count_by_mode)
{
	struct hwt *x = hwt_new(1);
	struct hw_machine *m = x->m;
	hw_lapic_write(m, 0, 0, HW_LAPIC_TIMER_DIV, 0xb); /* 1 ns ticks */
	hw_lapic_write(m, 0, 0, HW_LAPIC_LVT_TIMER, 0xfd | HW_LVT_TIMER_ONESHOT);
	hw_lapic_write(m, 0, 0, HW_LAPIC_TIMER_INIT, 10);
	ck_assert_uint_eq(hw_lapic_read(m, 0, 4, HW_LAPIC_TIMER_CUR), 6);
	ck_assert_uint_eq(hw_lapic_read(m, 0, 10, HW_LAPIC_TIMER_CUR), 0);
	ck_assert_uint_eq(hw_lapic_read(m, 0, 50, HW_LAPIC_TIMER_CUR), 0); /* not yet run */
	hw_evq_run_until(&x->q, 50);
	const struct hwt_ev *ev = hwt_last(x, HW_TRACE_TIMER);
	ck_assert_ptr_nonnull(ev);
	ck_assert_uint_eq(ev->a, 0xfd);
	ck_assert_uint_eq(ev->b, 0);
	ck_assert_uint_eq(ev->c, 0);
	ck_assert_uint_eq(hw_lapic_accept(m, 0, 50), 0xfd);
	hw_lapic_eoi(m, 0, 50);

	hw_lapic_write(m, 0, 100, HW_LAPIC_LVT_TIMER, 0xfd | HW_LVT_TIMER_PERIODIC);
	hw_lapic_write(m, 0, 100, HW_LAPIC_TIMER_INIT, 10);
	ck_assert_uint_eq(hw_lapic_read(m, 0, 103, HW_LAPIC_TIMER_CUR), 7);
	hw_lapic_timer_stop(m, 0, 104);
	ck_assert_uint_eq(hw_lapic_read(m, 0, 104, HW_LAPIC_TIMER_INIT), 0);
	ck_assert_uint_eq(hw_lapic_read(m, 0, 104, HW_LAPIC_TIMER_CUR), 0);

	hw_lapic_write(m, 0, 200, HW_LAPIC_LVT_TIMER, 0xfd | (3u << 17));
	hw_lapic_write(m, 0, 200, HW_LAPIC_TIMER_INIT, 10);
	ck_assert_uint_eq(hw_lapic_read(m, 0, 202, HW_LAPIC_TIMER_CUR), 8);
	hw_lapic_timer_stop(m, 0, 203);

	ck_assert_int_eq(hw_lapic_timer_deadline(m, 0, 300, 0xfc, 400), HW_OK);
	ck_assert_uint_eq(hw_lapic_timer_due(m, 0), 400);
	ck_assert_uint_eq(hw_lapic_read(m, 0, 300, HW_LAPIC_TIMER_CUR), 0);
	hw_evq_run_until(&x->q, 400);
	ck_assert(hw_lapic_irr(m, 0, 0xfc));
	ck_assert_uint_eq(hwt_last(x, HW_TRACE_TIMER)->c, 0); /* not periodic */
	ck_assert_uint_eq(hw_lapic_timer_due(m, 0), HW_TIME_NEVER);
	hwt_free(x);
}
END_TEST

/* The vectors a timer takes: 16 to 255; anything above 255 is refused even
 * when its low byte is a legal vector; a period must not be 0. */
START_TEST(timer_vector_and_period_range)
{
	struct hwt *x = hwt_new(1);
	struct hw_machine *m = x->m;
	ck_assert_int_eq(hw_lapic_timer_oneshot(m, 0, 0, 15, 10), HW_EINVAL);
	ck_assert_int_eq(hw_lapic_timer_oneshot(m, 0, 0, 16, 10), HW_OK);
	ck_assert_int_eq(hw_lapic_timer_oneshot(m, 0, 0, 255, 10), HW_OK);
	ck_assert_int_eq(hw_lapic_timer_oneshot(m, 0, 0, 0x140, 10), HW_EINVAL);
	ck_assert_int_eq(hw_lapic_timer_periodic(m, 0, 0, 255, 10), HW_OK);
	ck_assert_int_eq(hw_lapic_timer_periodic(m, 0, 0, 0x140, 10), HW_EINVAL);
	ck_assert_int_eq(hw_lapic_timer_periodic(m, 0, 0, 0x40, 0), HW_EINVAL);
	ck_assert_int_eq(hw_lapic_timer_periodic(m, 0, 0, 0x40, 1), HW_OK);
	ck_assert_int_eq(hw_lapic_timer_deadline(m, 0, 0, 255, 10), HW_OK);
	ck_assert_int_eq(hw_lapic_timer_deadline(m, 0, 0, 0x140, 10), HW_EINVAL);
	ck_assert_uint_eq(hw_lapic_read(m, 0, 0, HW_LAPIC_LVT_TIMER), 0xff | HW_LVT_TIMER_DEADLINE);
	hwt_free(x);
}
END_TEST

/* IPIs: vector 255 goes out; a shorthand ignores the destination field;
 * "all" sends exactly one IPI per CPU; an unsupported delivery mode's drop
 * is traced as (0, 0, HW_DROP_UNSUPPORTED). */
START_TEST(ipi_edges)
{
	struct hwt *x = hwt_new(2);
	struct hw_machine *m = x->m;
	ck_assert_int_eq(hw_lapic_send_ipi(m, 0, 0, HW_IPI_DEST, 1, 255), HW_OK);
	ck_assert(hw_lapic_irr(m, 1, 255));
	ck_assert_int_eq(hw_lapic_send_ipi(m, 0, 0, HW_IPI_SELF, 9, 0x40), HW_OK);
	ck_assert(hw_lapic_irr(m, 0, 0x40));
	unsigned ipis = hwt_count(x, HW_TRACE_IPI);
	ck_assert_int_eq(hw_lapic_send_ipi(m, 1, 0, HW_IPI_ALL, 0, 0x50), HW_OK);
	ck_assert_uint_eq(hwt_count(x, HW_TRACE_IPI), ipis + 2);
	ck_assert(hw_lapic_irr(m, 0, 0x50) && hw_lapic_irr(m, 1, 0x50));
	struct hw_lapic_stats st;
	hw_lapic_stats(m, 1, &st);
	ck_assert_uint_eq(st.ipis_sent, 2);
	hw_lapic_write(m, 0, 1, HW_LAPIC_ICR_LO, (5u << 8) | 0x60); /* INIT */
	const struct hwt_ev *ev = hwt_last(x, HW_TRACE_DROP);
	ck_assert_ptr_nonnull(ev);
	ck_assert_uint_eq(ev->a, 0);
	ck_assert_uint_eq(ev->b, 0);
	ck_assert_uint_eq(ev->c, HW_DROP_UNSUPPORTED);
	hwt_free(x);
}
END_TEST

/* A machine reset empties all four words of IRR, ISR and TMR. */
START_TEST(reset_clears_every_vector_word)
{
	struct hwt *x = hwt_new(1);
	struct hw_machine *m = x->m;
	static const unsigned v[] = {0x20, 0x60, 0xa0, 0xf0};
	for (unsigned i = 0; i < 4; i++) {
		hw_lapic_deliver(m, 0, 0, v[i], true, HW_SRC_IOAPIC);
		ck_assert_uint_eq(hw_lapic_accept(m, 0, 0), v[i]);
		hw_lapic_deliver(m, 0, 0, v[i] + 1, true, HW_SRC_IOAPIC);
	}
	hw_machine_reset(m, 1);
	for (unsigned i = 0; i < 4; i++)
		for (unsigned k = 0; k < 2; k++)
			ck_assert(!hw_lapic_irr(m, 0, v[i] + k) && !hw_lapic_isr(m, 0, v[i] + k) &&
				  !hw_lapic_tmr(m, 0, v[i] + k));
	hwt_free(x);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hwmodel-lapic");
	TCase *tc = tcase_create("lapic");
	tcase_add_test(tc, priority_classes_and_accept_order);
	tcase_add_test(tc, irr_coalesces_a_second_delivery);
	tcase_add_test(tc, tpr_blocks_and_spurious_vector);
	tcase_add_test(tc, illegal_vectors);
	tcase_add_test(tc, software_disabled_lapic_refuses_interrupts);
	tcase_add_test(tc, ipis_fixed_all_but_self_self);
	tcase_add_test(tc, timer_oneshot_and_periodic);
	tcase_add_test(tc, timer_registers);
	tcase_add_test(tc, register_corners);
	tcase_add_test(tc, power_on_and_reset_values);
	tcase_add_test(tc, ppr_keeps_the_tpr_at_equal_class);
	tcase_add_test(tc, trace_records_of_errors_coalescing_and_spurious);
	tcase_add_test(tc, tmr_follows_the_latest_trigger);
	tcase_add_test(tc, delivery_out_of_range_does_nothing);
	tcase_add_test(tc, trace_records_of_accept_and_eoi);
	tcase_add_test(tc, eoi_and_tpr_wake_only_for_a_newly_deliverable_vector);
	tcase_add_test(tc, spurious_vector_bits_and_vector_255);
	tcase_add_test(tc, timer_divide_values);
	tcase_add_test(tc, timer_current_count_by_mode);
	tcase_add_test(tc, timer_vector_and_period_range);
	tcase_add_test(tc, ipi_edges);
	tcase_add_test(tc, reset_clears_every_vector_word);
	suite_add_tcase(s, tc);
	return hwt_run(s);
}
