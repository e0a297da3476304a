/* SPDX-License-Identifier: MIT */
/*
 * Check integration tests of the IRQ objects on the simulated machine: the
 * nine races of issue 5, each with drivers written as user programs, devices
 * driven from a timeline of engine events, and assertions on the specific
 * report or invariant the race is about (kernel counters, the IRQ event
 * log, what the drivers saw), plus the liveness checker over the whole log.
 *
 * Each race is its own Check suite and meson test (CK_RUN_SUITE). The world
 * and drivers are irq_world.c's, shared with the kernel-object tests
 * (test_irq_kobj.c) and the abused model calls (test_irq_abuse.c).
 */
#include <check.h>

#include "irq_world.h"
#include "suites.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hwmodel/dev.h>
#include <hwmodel/evq.h>
#include <hwmodel/intc.h>
#include <hwmodel/lapic.h>
#include <sim/machine.h>
#include <ukern/irq.h>
#include <ukern/irq_log.h>
#include <ukern/ipc.h>
#include <ukern/devmem.h>
#include <ukern/irq_sys.h>
#include <ukern/irq_model.h>
#include <ukern/models/zircon.h>
#include <ukern/models/sel4.h>
#include <ukern/models/fiasco.h>
#include <ukern/user.h>

/* ------------------------------------------------------------------------ */
/* The races                                                                */
/* ------------------------------------------------------------------------ */

/* 1. A shared level line where one driver ACKs a stale sequence: the stale
 * ACK is rejected (UK_ESTALE) and changes nothing; the current one works. */
START_TEST(race1_shared_level_stale_ack)
{
	struct world *w = world_new(50 * MS);
	unsigned da = add_device(w, HW_IRQ_LEVEL, 5), db = add_device(w, HW_IRQ_LEVEL, 5);
	struct drv a = gsi_driver(5, UK_TRIGGER_LEVEL, da), b = gsi_driver(5, UK_TRIGGER_LEVEL, db);
	b.flags = DRV_STALE_ACK;
	spawn_driver(w, &a, "drv-a", 100);
	spawn_driver(w, &b, "drv-b", 100);
	at(w, 1 * MS, da, HW_ACT_ASSERT, 1);
	at(w, 5 * MS, db, HW_ACT_ASSERT, 2);
	at(w, 9 * MS, da, HW_ACT_ASSERT, 3);
	run(w);

	/* Three episodes, each seen by both sinks, each ACKed by its owner. */
	struct uk_kernel_stats st = stats(w);
	ck_assert_uint_eq(st.irq_episodes, 3);
	ck_assert_uint_eq(a.episodes, 3);
	ck_assert_uint_eq(b.episodes, 3);
	ck_assert(b.mine[1] && !b.mine[0] && !b.mine[2]);
	/* B's stale ACK (of episode 2's predecessor) is rejected... */
	ck_assert_int_eq(b.stale_rc, UK_ESTALE);
	/* ...and its real ACK of episode 2 is accepted. */
	ck_assert_int_eq(b.answer[1], 0);
	ck_assert_int_eq(a.answer[0], 0);
	ck_assert_int_eq(a.answer[2], 0);
	ck_assert_uint_eq(count_ev(w, UK_IRQ_EV_ACK, ANY, 0), 3);
	ck_assert_uint_eq(count_end(w, UK_IRQ_END_HANDLED), 3);
	ck_assert_uint_eq(st.irq_nobody_cared, 0);
	ck_assert(!hw_intc_masked(w->sm->hw, IOAPIC, 5));
	check_clean(w);
	world_free(w);
}
END_TEST

/* 2. An edge arriving after the driver cleared the device but before its
 * ACK: buffered during the episode and delivered again when it ends. */
START_TEST(race2_edge_between_clear_and_ack)
{
	struct world *w = world_new(20 * MS);
	unsigned dv = add_device(w, HW_IRQ_EDGE, 6);
	struct drv d = gsi_driver(6, UK_TRIGGER_EDGE, dv);
	d.gap_ns = 300 * US; /* clear ... 300 us of work ... ACK */
	spawn_driver(w, &d, "drv-edge", 100);
	at(w, 1 * MS, dv, HW_ACT_ASSERT, 1);
	at(w, 1 * MS + 150 * US, dv, HW_ACT_ASSERT, 2); /* inside the gap */
	run(w);

	ck_assert_uint_eq(d.episodes, 2);
	ck_assert(d.mine[0] && d.mine[1]);
	ck_assert_int_eq(d.answer[0], 0);
	ck_assert_int_eq(d.answer[1], 0);
	/* The second edge was buffered and re-delivered, not lost. */
	ck_assert_uint_eq(count_ev(w, UK_IRQ_EV_BEGIN, ANY, UK_IRQ_EVF_REDELIVER), 1);
	const struct uk_irq_event *r2 = nth_ev(w, UK_IRQ_EV_RAISE, 1);
	ck_assert_ptr_nonnull(r2);
	ck_assert_uint_eq(r2->arg, UK_IRQ_RAISE_BUFFERED);
	/* Both are hardware deliveries: no flag (not a trigger, not a redelivery). */
	ck_assert_uint_eq(r2->flags, 0);
	ck_assert_uint_eq(nth_ev(w, UK_IRQ_EV_RAISE, 0)->flags, 0);
	/* Delivered again only after the first ACK. */
	ck_assert_uint_ge(d.seq_t[1], d.seq_t[0] + 300 * US);
	ck_assert_uint_eq(stats(w).irq_nobody_cared, 0);
	check_clean(w);
	world_free(w);
}
END_TEST

/* 3. A level line ACKed before the device is cleared: it raises again at
 * once, nobody claims it, one "nobody cared" report, the line stays masked
 * 100 ms and is retried; the driver sees the next real episode. */
START_TEST(race3_level_ack_before_clear_stalls)
{
	struct world *w = world_new(400 * MS);
	unsigned dv = add_device(w, HW_IRQ_LEVEL, 7);
	struct drv d = gsi_driver(7, UK_TRIGGER_LEVEL, dv);
	d.flags = DRV_ACK_BEFORE_CLEAR_ONCE;
	spawn_driver(w, &d, "drv-buggy", 100);
	at(w, 1 * MS, dv, HW_ACT_ASSERT, 1);
	at(w, 300 * MS, dv, HW_ACT_ASSERT, 2);
	run(w);

	struct uk_kernel_stats st = stats(w);
	ck_assert_uint_eq(st.irq_nobody_cared, 1);
	ck_assert_uint_eq(count_ev(w, UK_IRQ_EV_NOBODY, ANY, 0), 1);
	/* Episodes: the real one, the spurious re-raise (NAKed), the real
	 * one at 300 ms. */
	ck_assert_uint_eq(d.episodes, 3);
	ck_assert(d.mine[0] && !d.mine[1] && d.mine[2]);
	ck_assert_int_eq(d.answer[1], 0); /* the NAK */
	ck_assert_int_eq(d.answer[2], 0);
	/* The stall: 100 ms, masked the whole time, then retried. */
	const struct uk_irq_event *stall = nth_ev(w, UK_IRQ_EV_STALL, 0);
	ck_assert_ptr_nonnull(stall);
	ck_assert_uint_eq(stall->arg, UK_IRQ_STALL_BASE_NS);
	ck_assert_ptr_null(nth_ev(w, UK_IRQ_EV_STALL, 1));
	ck_assert_uint_eq(count_end(w, UK_IRQ_END_RETRIED), 1);
	uint64_t masked_at = 0, unmasked_at = 0;
	for (size_t i = 0; i < w->log.len; i++) {
		const struct uk_irq_event *e = &w->log.ev[i];
		if (e->kind == UK_IRQ_EV_END && e->arg == UK_IRQ_END_RETRIED)
			unmasked_at = e->t;
		if (e->kind == UK_IRQ_EV_MASK && e->arg == 1 && e->t <= stall->t)
			masked_at = e->t;
	}
	ck_assert_uint_gt(masked_at, 0);
	/* Retried when the timer fires: at the deadline, plus the interrupt
	 * entry of a halted CPU. */
	ck_assert_uint_ge(unmasked_at, stall->t + UK_IRQ_STALL_BASE_NS);
	ck_assert_uint_lt(unmasked_at, stall->t + UK_IRQ_STALL_BASE_NS + 10 * US);
	/* The next real interrupt arrives after the retry and is handled. */
	ck_assert_uint_ge(d.seq_t[2], 300 * MS);
	ck_assert(!hw_intc_masked(w->sm->hw, IOAPIC, 7));
	check_clean(w);
	world_free(w);
}
END_TEST

/* 4. A device reset that leaves a spurious assertion: the driver NAKs, the
 * line stalls; once the driver has re-initialised the device it kicks,
 * which ends the stall long before the 100 ms retry. */
START_TEST(race4_reset_spurious_kick_recovers)
{
	struct world *w = world_new(100 * MS);
	unsigned dv = add_device(w, HW_IRQ_LEVEL, 8);
	struct drv d = gsi_driver(8, UK_TRIGGER_LEVEL, dv);
	d.flags = DRV_KICK_AFTER_NAK;
	d.kick_delay = 10 * MS;
	spawn_driver(w, &d, "drv-reset", 100);
	at(w, 1 * MS, dv, HW_ACT_RESET, 1);     /* leaves the line stuck */
	at(w, 8 * MS, dv, HW_ACT_DEASSERT, 0);  /* the re-initialisation clears it */
	at(w, 30 * MS, dv, HW_ACT_ASSERT, 7);   /* a real interrupt afterwards */
	run(w);

	struct uk_kernel_stats st = stats(w);
	ck_assert_uint_eq(st.irq_nobody_cared, 1);
	ck_assert_int_eq(d.kick_rc, 0);
	/* The kick ended the stalled episode as handled, at ~11 ms. */
	ck_assert_uint_eq(count_ev(w, UK_IRQ_EV_KICK, ANY, 0), 1);
	const struct uk_irq_event *k = nth_ev(w, UK_IRQ_EV_KICK, 0);
	ck_assert_uint_eq(k->arg, 1);
	ck_assert_uint_lt(k->t, 20 * MS);
	ck_assert_uint_eq(count_end(w, UK_IRQ_END_RETRIED), 0);
	/* Then the real interrupt is delivered and handled. */
	ck_assert_uint_eq(d.episodes, 2);
	ck_assert(!d.mine[0] && d.mine[1]);
	ck_assert_uint_ge(d.seq_t[1], 30 * MS);
	ck_assert_int_eq(d.answer[1], 0);
	ck_assert(!hw_intc_masked(w->sm->hw, IOAPIC, 8));
	check_clean(w);
	world_free(w);
}
END_TEST

/* 5. A sink attached during an episode stands by, joins the next one, and
 * answers it with kick|clear, which counts as its ACK. */
START_TEST(race5_attach_during_episode)
{
	struct world *w = world_new(30 * MS);
	unsigned da = add_device(w, HW_IRQ_LEVEL, 9), db = add_device(w, HW_IRQ_LEVEL, 9);
	struct drv a = gsi_driver(9, UK_TRIGGER_LEVEL, da), b = gsi_driver(9, UK_TRIGGER_LEVEL, db);
	a.work_first = 2 * MS;      /* episode 1 lasts from 1 ms to ~3 ms */
	b.attach_at = 2 * MS;       /* attaches in the middle of it */
	b.flags = DRV_KICK_CLEAR;
	spawn_driver(w, &a, "drv-a", 100);
	spawn_driver(w, &b, "drv-late", 100);
	at(w, 1 * MS, da, HW_ACT_ASSERT, 1);
	at(w, 10 * MS, db, HW_ACT_ASSERT, 2);
	run(w);

	ck_assert_int_ge(b.attach_rc, 0);
	/* The attach happened during episode 1 (it stood by). */
	const struct uk_irq_event *att = nth_ev(w, UK_IRQ_EV_ATTACH, 1);
	ck_assert_ptr_nonnull(att);
	ck_assert_uint_eq(att->arg, 1);
	uint32_t late = att->sink;
	/* B took no part in episode 1: its first sequence came with episode 2. */
	ck_assert_uint_eq(b.episodes, 1);
	ck_assert_uint_eq(b.seq[0], 1);
	ck_assert_uint_ge(b.seq_t[0], 10 * MS);
	ck_assert_uint_eq(count_ev(w, UK_IRQ_EV_SEQ, late, 0), 1);
	/* Its kick|clear was its answer: an ACK flagged KICK, ending episode 2. */
	ck_assert_int_eq(b.answer[0], 0);
	ck_assert_uint_eq(count_ev(w, UK_IRQ_EV_ACK, late, UK_IRQ_EVF_KICK), 1);
	ck_assert_uint_eq(count_end(w, UK_IRQ_END_HANDLED), 2);
	ck_assert_uint_eq(a.episodes, 2);
	ck_assert_int_eq(a.answer[0], 0);
	ck_assert_uint_eq(stats(w).irq_nobody_cared, 0);
	check_clean(w);
	world_free(w);
}
END_TEST

/* 6. A driver that dies while it owes an answer: its detach counts as a
 * NAK (with the other sink's NAK: nobody cared, stall), it never holds the
 * line, and the line recovers for the surviving sink. */
START_TEST(race6_driver_dies_owing)
{
	struct world *w = world_new(300 * MS);
	unsigned da = add_device(w, HW_IRQ_LEVEL, 10), db = add_device(w, HW_IRQ_LEVEL, 10);
	struct drv a = gsi_driver(10, UK_TRIGGER_LEVEL, da), b = gsi_driver(10, UK_TRIGGER_LEVEL, db);
	a.flags = DRV_EXIT_ON_FIRST;
	spawn_driver(w, &a, "drv-dies", 100);
	spawn_driver(w, &b, "drv-b", 100);
	at(w, 1 * MS, da, HW_ACT_ASSERT, 1);
	at(w, 50 * MS, da, HW_ACT_RESET, 0);    /* a supervisor resets the orphan */
	at(w, 150 * MS, db, HW_ACT_ASSERT, 2);
	run(w);

	ck_assert_uint_eq(a.episodes, 1);
	/* The dead sink's obligation became a NAK by detach. */
	ck_assert_uint_eq(count_ev(w, UK_IRQ_EV_NAK, ANY, UK_IRQ_EVF_DETACH), 1);
	ck_assert_uint_eq(count_ev(w, UK_IRQ_EV_DETACH, ANY, 0), 1);
	ck_assert_uint_eq(nth_ev(w, UK_IRQ_EV_DETACH, 0)->arg, 1);
	struct uk_kernel_stats st = stats(w);
	ck_assert_uint_eq(st.irq_nobody_cared, 1);
	ck_assert_uint_eq(count_end(w, UK_IRQ_END_RETRIED), 1);
	/* B saw episode 1 (NAK) and episode 2 (its own, ACKed). */
	ck_assert_uint_eq(b.episodes, 2);
	ck_assert(!b.mine[0] && b.mine[1]);
	ck_assert_int_eq(b.answer[1], 0);
	ck_assert_uint_ge(b.seq_t[1], 150 * MS);
	ck_assert(!hw_intc_masked(w->sm->hw, IOAPIC, 10));
	check_clean(w); /* L6: a dead sink never holds the line */
	world_free(w);
}
END_TEST

/* 7. A non-maskable MSI that every sink NAKs: reported, stalled without a
 * mask, retried after 100 ms; real MSIs that came meanwhile and after are
 * delivered. */
START_TEST(race7_msi_all_nak_recovers)
{
	/* MSI source 4 is free-standing (its messages are sent by the
	 * timeline); the drivers' status registers are scripted devices
	 * without an interrupt line of their own. */
	struct world *w = world_new(300 * MS);
	unsigned dv = add_device(w, HW_IRQ_NONE, 0), dn = add_device(w, HW_IRQ_NONE, 0);
	struct drv a = {.src = UK_IRQ_SRC_MSI, .source = 4, .trig = UK_TRIGGER_EDGE, .dev = dv};
	struct drv b = a;
	b.dev = dn; /* B's device never has anything */
	spawn_driver(w, &a, "drv-msi-a", 100);
	spawn_driver(w, &b, "drv-msi-b", 100);
	msi_at(w, 1 * MS, 4);                   /* a stray message: nobody's */
	at(w, 50 * MS, dv, HW_ACT_ASSERT, 1);   /* real, during the stall */
	msi_at(w, 50 * MS, 4);
	at(w, 200 * MS, dv, HW_ACT_ASSERT, 2);  /* real, after */
	msi_at(w, 200 * MS, 4);
	run(w);

	struct uk_kernel_stats st = stats(w);
	if (getenv("IRQ_TEST_DUMP"))
		dump_log(w);
	ck_assert_uint_eq(st.irq_nobody_cared, 1);
	ck_assert_uint_eq(count_ev(w, UK_IRQ_EV_STALL, ANY, 0), 1);
	ck_assert_uint_eq(count_end(w, UK_IRQ_END_RETRIED), 1);
	ck_assert_uint_eq(count_ev(w, UK_IRQ_EV_MASK, ANY, 0), 0); /* MSI: never masked */
	/* The MSI during the stall was kept and delivered at the retry. */
	ck_assert_uint_eq(a.episodes, 3);
	ck_assert(!a.mine[0] && a.mine[1] && a.mine[2]);
	ck_assert_uint_ge(a.seq_t[1], 101 * MS);
	ck_assert_uint_lt(a.seq_t[1], 110 * MS);
	ck_assert_int_eq(a.answer[1], 0);
	ck_assert_int_eq(a.answer[2], 0);
	ck_assert_uint_ge(a.seq_t[2], 200 * MS);
	check_clean(w);
	world_free(w);
}
END_TEST

/* 8. A wait with a sequence from the future is an error (UK_EFUTURE), as
 * are other misuses; none of them asserts or changes the sink. */
START_TEST(race8_future_sequence)
{
	struct world *w = world_new(10 * MS);
	unsigned dv = add_device(w, HW_IRQ_LEVEL, 11);
	struct drv d = gsi_driver(11, UK_TRIGGER_LEVEL, dv);
	d.flags = DRV_FUTURE;
	spawn_driver(w, &d, "drv-future", 100);
	at(w, 1 * MS, dv, HW_ACT_ASSERT, 1);
	run(w);

	ck_assert_int_eq(d.misuse[0], UK_EFUTURE);
	ck_assert_int_eq(d.misuse[1], UK_EFUTURE);
	ck_assert_int_eq(d.misuse[2], UK_ESTALE);
	ck_assert_int_eq(d.misuse[3], UK_EPERM);
	ck_assert_int_eq(d.misuse[4], UK_EPERM);
	ck_assert_int_eq(d.misuse[5], UK_EBADH);
	ck_assert_int_eq(d.misuse[6], UK_EINVAL);
	ck_assert_int_eq(d.misuse[7], UK_EINVAL);
	/* The sink works normally afterwards. */
	ck_assert_uint_eq(d.episodes, 1);
	ck_assert_uint_eq(d.seq[0], 1);
	ck_assert_int_eq(d.answer[0], 0);
	ck_assert_uint_eq(stats(w).irq_episodes, 1);
	check_clean(w);
	world_free(w);
}
END_TEST

/* 9. An asserted level line with no sink attached: nobody cared at every
 * retry, the stall backs off 100, 200, 400, 800 ms; a driver attached
 * during the stall gets the line at the next retry and clears it. */
START_TEST(race9_level_without_sink)
{
	struct world *w = world_new(1600 * MS);
	unsigned dv = add_device(w, HW_IRQ_LEVEL, 12);
	struct drv gone = gsi_driver(12, UK_TRIGGER_LEVEL, dv), late = gone;
	gone.flags = DRV_CLOSE_AFTER_ATTACH; /* sets the line up, then leaves */
	late.attach_at = 1000 * MS;
	spawn_driver(w, &gone, "drv-gone", 100);
	spawn_driver(w, &late, "drv-late", 100);
	at(w, 1 * MS, dv, HW_ACT_ASSERT, 1);
	run(w);

	/* Stalls at ~1, 101, 301, 701 ms, each reported once. */
	ck_assert_uint_eq(count_ev(w, UK_IRQ_EV_STALL, ANY, 0), 4);
	for (unsigned i = 0; i < 4; i++)
		ck_assert_uint_eq(nth_ev(w, UK_IRQ_EV_STALL, i)->arg, UK_IRQ_STALL_BASE_NS << i);
	ck_assert_uint_eq(stats(w).irq_nobody_cared, 4);
	ck_assert_uint_eq(count_ev(w, UK_IRQ_EV_NOBODY, ANY, 0), 4);
	/* The late sink attached during the 4th stall and got the retry at
	 * ~1501 ms, cleared the device and ACKed: the line is open again. */
	ck_assert_uint_eq(late.episodes, 1);
	ck_assert(late.mine[0]);
	ck_assert_uint_ge(late.seq_t[0], 1501 * MS);
	ck_assert_int_eq(late.answer[0], 0);
	ck_assert_uint_eq(count_end(w, UK_IRQ_END_HANDLED), 1);
	ck_assert(!hw_intc_masked(w->sm->hw, IOAPIC, 12));
	check_clean(w);
	world_free(w);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Beyond the nine: ACK timeout, the PLIC                                   */
/* ------------------------------------------------------------------------ */

/* A driver that hangs owing an answer is reported once after the ACK
 * timeout (1 s), naming its sink; with NAK-on-behalf the kernel NAKs for
 * it, the line stalls and is retried; the hung driver's late ACK is stale. */
START_TEST(ack_timeout_nak_on_behalf)
{
	struct world *w = world_new(2500 * MS);
	unsigned dv = add_device(w, HW_IRQ_EDGE, 13);
	struct drv d = gsi_driver(13, UK_TRIGGER_EDGE, dv);
	d.flags = DRV_SILENT_FIRST;
	ck_assert_int_eq(uk_kernel_irq_set_policy(w->sm->k, UK_IRQ_ACK_TIMEOUT_NS, true), 0);
	spawn_driver(w, &d, "drv-hung", 100);
	at(w, 1 * MS, dv, HW_ACT_ASSERT, 1);
	run(w);

	struct uk_kernel_stats st = stats(w);
	ck_assert_uint_eq(st.irq_ack_timeouts, 1);
	const struct uk_irq_event *to = nth_ev(w, UK_IRQ_EV_TIMEOUT, 0);
	ck_assert_ptr_nonnull(to);
	ck_assert_uint_ge(to->t, 1 * MS + UK_IRQ_ACK_TIMEOUT_NS);
	ck_assert_uint_lt(to->t, 1 * MS + UK_IRQ_ACK_TIMEOUT_NS + 100 * US);
	ck_assert_uint_eq(count_ev(w, UK_IRQ_EV_NAK, ANY, UK_IRQ_EVF_BEHALF), 1);
	ck_assert_uint_eq(st.irq_nobody_cared, 1);
	ck_assert_int_eq(d.late_rc, UK_EALREADY); /* the kernel answered for it */
	check_clean(w);
	world_free(w);
}
END_TEST

/* A PLIC source: the kernel claims it, the driver clears and ACKs, the
 * completion (end of service) re-enables it for the next one. */
START_TEST(plic_claim_complete)
{
	struct world *w = world_new_cfg(20 * MS, 8);
	int plic = hw_intc_find(w->sm->hw, HW_INTC_PLIC);
	ck_assert_int_ge(plic, 0);
	unsigned dv = add_device_on(w, HW_IRQ_LEVEL, (unsigned)plic, 3);
	struct drv d = {.src = UK_IRQ_SRC_PLIC, .source = 3, .trig = UK_TRIGGER_LEVEL, .dev = dv};
	spawn_driver(w, &d, "drv-plic", 100);
	at(w, 1 * MS, dv, HW_ACT_ASSERT, 1);
	at(w, 5 * MS, dv, HW_ACT_ASSERT, 2);
	run(w);

	ck_assert_uint_eq(d.episodes, 2);
	ck_assert(d.mine[0] && d.mine[1]);
	ck_assert_int_eq(d.answer[0], 0);
	ck_assert_int_eq(d.answer[1], 0);
	ck_assert_uint_eq(count_ev(w, UK_IRQ_EV_EOS, ANY, 0), 2);
	ck_assert_uint_eq(stats(w).irq_unrouted, 0);
	check_clean(w);
	world_free(w);
}
END_TEST

/* Two CPUs, a shared level line and a shared edge line, each driver on its
 * own CPU, explored with the random chooser over several seeds: whatever
 * the interleaving, every interrupt is handled by its owner, nothing is
 * reported, no invariant breaks and the log is live. */
START_TEST(two_cpus_random_schedules)
{
	const char *env = getenv("IRQ_SMP_SEEDS"); /* more for a longer sweep */
	uint64_t nseeds = env ? strtoull(env, NULL, 10) : 12;
	for (uint64_t seed = 1; seed <= nseeds; seed++) {
		struct sim_machine_config cfg = {.cpus = 2, .trace_limit = 1 << 16, .seed = seed,
						 .chooser = "random", .race_window_ns = 20 * US};
		struct world *w = world_new_machine(40 * MS, &cfg);
		unsigned da = add_device(w, HW_IRQ_LEVEL, 14), db = add_device(w, HW_IRQ_LEVEL, 14);
		unsigned ea = add_device(w, HW_IRQ_EDGE, 15), eb = add_device(w, HW_IRQ_EDGE, 15);
		struct drv a = gsi_driver(14, UK_TRIGGER_LEVEL, da), b = gsi_driver(14, UK_TRIGGER_LEVEL, db);
		struct drv c = gsi_driver(15, UK_TRIGGER_EDGE, ea), d = gsi_driver(15, UK_TRIGGER_EDGE, eb);
		spawn_driver_on(w, &a, "lvl-a", 100, 1);
		spawn_driver_on(w, &b, "lvl-b", 100, 2);
		spawn_driver_on(w, &c, "edge-a", 90, 2);
		spawn_driver_on(w, &d, "edge-b", 90, 1);
		for (unsigned i = 0; i < 3; i++) {
			uint64_t t = (1 + 10 * i) * MS;
			at(w, t, da, HW_ACT_ASSERT, i);
			at(w, t + 3 * MS, db, HW_ACT_ASSERT, i);
			at(w, t + 1 * US, ea, HW_ACT_ASSERT, i); /* races with the level one */
			at(w, t + 5 * MS, eb, HW_ACT_ASSERT, i);
		}
		run(w);
		unsigned acks[4] = {0};
		struct drv *all[4] = {&a, &b, &c, &d};
		for (unsigned k = 0; k < 4; k++)
			for (unsigned i = 0; i < all[k]->episodes && i < MAX_EPISODES; i++)
				acks[k] += all[k]->mine[i] && all[k]->answer[i] == 0;
		for (unsigned k = 0; k < 4; k++)
			ck_assert_msg(acks[k] == 3, "seed %llu: driver %u ACKed %u of 3",
				      (unsigned long long)seed, k, acks[k]);
		ck_assert_uint_eq(stats(w).irq_nobody_cared, 0);
		check_clean(w);
		world_free(w);
	}
}
END_TEST

/* A handle closed by another thread while a thread waits on it: the waiter
 * keeps the sink alive, gets the episode, and the sink is detached when the
 * wait returns (its owed answer counts as a NAK); the handle is gone. */
struct closing {
	int closer_prog;
	long irq, wait_rc, close_rc, ack_rc;
};

static void closer(struct uk_user *u, uint64_t arg)
{
	struct closing *c = (struct closing *)(uintptr_t)arg;
	uk_sys_sleep(u, 500 * US); /* the waiter is blocked by now */
	c->close_rc = uk_sys_handle_close(u, (uint32_t)c->irq);
}

static void waiter(struct uk_user *u, uint64_t arg)
{
	struct closing *c = (struct closing *)(uintptr_t)arg;
	c->irq = uk_irq_attach_gsi(u, 16, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH);
	long th = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, (unsigned)c->closer_prog, arg, 100, 0);
	ck_assert_int_gt(th, 0);
	ck_assert_int_eq(uk_sys_thread_start(u, (uint32_t)th), 0);
	c->wait_rc = uk_irq_wait(u, c->irq, 0);
	c->ack_rc = uk_irq_ack(u, c->irq, 1);
}

START_TEST(close_while_waiting)
{
	struct world *w = world_new(20 * MS);
	unsigned dv = add_device(w, HW_IRQ_LEVEL, 16);
	struct closing c = {0};
	uint64_t tid;
	c.closer_prog = uk_kernel_register_program(w->sm->k, "closer", closer);
	int prog = uk_kernel_register_program(w->sm->k, "waiter", waiter);
	struct uk_spawn sp = {.program = (unsigned)prog, .arg = (uint64_t)(uintptr_t)&c,
			      .prio = 100, .max_prio = 255};
	ck_assert_int_eq(uk_kernel_spawn(w->sm->k, &sp, &tid), 0);
	spawned(w, tid);
	at(w, 1 * MS, dv, HW_ACT_ASSERT, 1);
	run(w);

	ck_assert_int_eq(c.close_rc, 0);
	ck_assert_int_eq(c.wait_rc, 1);      /* the waiter still got the episode */
	ck_assert_int_eq(c.ack_rc, UK_EBADH); /* but its handle is gone */
	ck_assert_uint_eq(count_ev(w, UK_IRQ_EV_NAK, ANY, UK_IRQ_EVF_DETACH), 1);
	ck_assert_uint_eq(stats(w).irq_nobody_cared, 1);
	check_clean(w);
	world_free(w);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Kernel timers, seen from user programs                                   */
/* ------------------------------------------------------------------------ */

static void sleeper(struct uk_user *u, uint64_t arg)
{
	uint64_t *out = (uint64_t *)(uintptr_t)arg;
	uint64_t t0 = now_ns(u);
	ck_assert_int_eq(uk_sys_sleep(u, 5 * MS), 0);
	out[0] = now_ns(u) - t0;
	ck_assert_int_eq(uk_sys_sleep_until(u, 20 * MS), 0);
	out[1] = now_ns(u);
	ck_assert_int_eq(uk_sys_sleep_until(u, 1 * MS), 0); /* past: at once */
	t0 = now_ns(u);
	uk_user_work(u, 3 * MS); /* preemptible computation */
	out[2] = now_ns(u) - t0;
}

START_TEST(sleep_and_work)
{
	struct world *w = world_new(100 * MS);
	uint64_t out[3] = {0};
	int prog = uk_kernel_register_program(w->sm->k, "sleeper", sleeper);
	uint64_t tid;
	struct uk_spawn s = {.program = (unsigned)prog, .arg = (uint64_t)(uintptr_t)out,
			     .prio = 10, .max_prio = 255};
	ck_assert_int_eq(uk_kernel_spawn(w->sm->k, &s, &tid), 0);
	spawned(w, tid);
	run(w);
	ck_assert_uint_ge(out[0], 5 * MS);
	ck_assert_uint_lt(out[0], 5 * MS + 50 * US);
	ck_assert_uint_ge(out[1], 20 * MS);
	ck_assert_uint_lt(out[1], 20 * MS + 50 * US);
	ck_assert_uint_ge(out[2], 3 * MS);
	ck_assert_uint_ge(stats(w).sleeps, 3);
	world_free(w);
}
END_TEST

/* uk_user_work is preemptible: a high-priority sleeper wakes on time and
 * runs while a low-priority thread computes on the only CPU. */
struct preempt_probe {
	uint64_t woke_at, work_done_at;
};

static void worker_prog(struct uk_user *u, uint64_t arg)
{
	struct preempt_probe *p = (struct preempt_probe *)(uintptr_t)arg;
	uk_user_work(u, 10 * MS);
	p->work_done_at = now_ns(u);
}

static void urgent_prog(struct uk_user *u, uint64_t arg)
{
	struct preempt_probe *p = (struct preempt_probe *)(uintptr_t)arg;
	uk_sys_sleep_until(u, 2 * MS);
	p->woke_at = now_ns(u);
}

START_TEST(work_is_preemptible)
{
	struct world *w = world_new(50 * MS);
	struct preempt_probe p = {0};
	uint64_t tid;
	int wp = uk_kernel_register_program(w->sm->k, "worker", worker_prog);
	int up = uk_kernel_register_program(w->sm->k, "urgent", urgent_prog);
	struct uk_spawn lo = {.program = (unsigned)wp, .arg = (uint64_t)(uintptr_t)&p, .prio = 10,
			      .max_prio = 255};
	struct uk_spawn hi = {.program = (unsigned)up, .arg = (uint64_t)(uintptr_t)&p, .prio = 200,
			      .max_prio = 255};
	ck_assert_int_eq(uk_kernel_spawn(w->sm->k, &lo, &tid), 0);
	spawned(w, tid);
	ck_assert_int_eq(uk_kernel_spawn(w->sm->k, &hi, &tid), 0);
	spawned(w, tid);
	run(w);
	ck_assert_uint_ge(p.woke_at, 2 * MS);
	ck_assert_uint_lt(p.woke_at, 2 * MS + 20 * US); /* not after the 10 ms of work */
	ck_assert_uint_ge(p.work_done_at, 10 * MS);
	world_free(w);
}
END_TEST

/* ------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------ */
/* An IRQ sink bound to a notification                                      */
/* ------------------------------------------------------------------------ */

#define BIT_REQUEST 1u
#define BIT_IRQ 2u

struct ntfn_drv {
	struct world *w;
	unsigned dev;
	long ntfn, irq, bind_rc, bad_bits_rc, bad_handle_rc;
	unsigned requests, irqs, rounds;
	uint64_t last_seq;
};

/* One wait serves both: requests from a client and interrupts. */
static void ntfn_driver(struct uk_user *u, uint64_t arg)
{
	struct ntfn_drv *d = (struct ntfn_drv *)(uintptr_t)arg;
	d->irq = uk_irq_attach_gsi(u, 9, UK_TRIGGER_LEVEL, UK_POLARITY_HIGH);
	d->bind_rc = uk_ntfn_bind_irq(u, (uint32_t)d->ntfn, d->irq, BIT_IRQ);
	d->bad_bits_rc = uk_ntfn_bind_irq(u, (uint32_t)d->ntfn, d->irq, 0x80000000u);
	d->bad_handle_rc = uk_ntfn_bind_irq(u, (uint32_t)d->ntfn, 0x7777, BIT_IRQ);
	while (d->requests < 2 || d->irqs < 2) {
		long bits = uk_ntfn_wait(u, (uint32_t)d->ntfn);
		ck_assert_int_gt(bits, 0);
		d->rounds++;
		if (bits & BIT_REQUEST)
			d->requests++;
		if (bits & BIT_IRQ) {
			/* The notification said so: the wait returns at once. */
			long seq = uk_irq_wait(u, d->irq, d->last_seq);
			ck_assert_int_gt(seq, (long)d->last_seq);
			d->last_seq = (uint64_t)seq;
			ck_assert_int_eq(uk_reg_write32(u, UK_DEVMEM_VA(d->dev) + HW_SCRIPT_STATUS,
							HW_SCRIPT_STATUS_IRQ), 0);
			ck_assert_int_eq(uk_irq_ack(u, d->irq, d->last_seq), 0);
			d->irqs++;
		}
	}
	/* Unbinding is binding with no bits. */
	ck_assert_int_eq(uk_ntfn_bind_irq(u, (uint32_t)d->ntfn, d->irq, 0), 0);
}

static void ntfn_client(struct uk_user *u, uint64_t arg)
{
	struct ntfn_drv *d = (struct ntfn_drv *)(uintptr_t)arg;
	uk_sys_sleep_until(u, 2 * MS);
	ck_assert_int_eq(uk_ntfn_signal(u, (uint32_t)d->ntfn, BIT_REQUEST), 0);
	uk_sys_sleep_until(u, 6 * MS);
	ck_assert_int_eq(uk_ntfn_signal(u, (uint32_t)d->ntfn, BIT_REQUEST), 0);
}

/* The driver and its client are threads of one process: the client is
 * started by the driver's process with the notification handle. */
static void ntfn_main(struct uk_user *u, uint64_t arg)
{
	struct ntfn_drv *d = (struct ntfn_drv *)(uintptr_t)arg;
	d->ntfn = uk_ntfn_create(u);
	ck_assert_int_gt(d->ntfn, 0);
	long t = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, 1, arg, 90, 0);
	ck_assert_int_gt(t, 0);
	ck_assert_int_eq(uk_sys_thread_start(u, (uint32_t)t), 0);
	ntfn_driver(u, arg);
}

START_TEST(irq_sink_bound_to_a_notification)
{
	struct world *w = world_new(20 * MS);
	struct ntfn_drv d = {.w = w};
	d.dev = add_device(w, HW_IRQ_LEVEL, 9);
	at(w, 4 * MS, d.dev, HW_ACT_ASSERT, 1);
	at(w, 8 * MS, d.dev, HW_ACT_ASSERT, 2);
	int main_prog = uk_kernel_register_program(w->sm->k, "ntfn-driver", ntfn_main);
	int client_prog = uk_kernel_register_program(w->sm->k, "ntfn-client", ntfn_client);
	ck_assert_int_eq(main_prog, 0);
	ck_assert_int_eq(client_prog, 1);
	struct uk_spawn sp = {.program = 0, .arg = (uint64_t)(uintptr_t)&d, .prio = 100,
			      .max_prio = 200, .name = "ntfn-driver"};
	uint64_t tid;
	ck_assert_int_eq(uk_kernel_spawn(w->sm->k, &sp, &tid), 0);
	spawned(w, tid);
	run(w);
	ck_assert_int_eq(d.bind_rc, 0);
	ck_assert_int_eq(d.bad_bits_rc, UK_EINVAL);
	ck_assert_int_eq(d.bad_handle_rc, UK_EBADH);
	ck_assert_uint_eq(d.requests, 2);
	ck_assert_uint_eq(d.irqs, 2);
	ck_assert_uint_eq(d.rounds, 4); /* nothing coalesced: they came 2 ms apart */
	world_free(w);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Zircon's interrupt objects and ports, through the kernel                 */
/* ------------------------------------------------------------------------ */

#define ZX_PKT_VA 0x40000000ull

struct zx_test {
	struct world *w;
	unsigned dev;
	long port, port_nobind, irq, virt;
	long bad_port, wrong_type, bound, again, wait_bound, kernel_op, unbind_other, unbind,
		ack_unbound;
	uint64_t keys[2], ts[2], type[2];
	long acks[2];
	long vwait[3], vtrig_after, vdestroy;
	uint64_t vts;
};

static void zx_virtual_waiter(struct uk_user *u, uint64_t arg)
{
	struct zx_test *z = (struct zx_test *)(uintptr_t)arg;
	z->vwait[0] = zx_interrupt_wait(u, z->virt, &z->vts);
	z->vwait[1] = zx_interrupt_wait(u, z->virt, NULL); /* blocks until destroyed */
	z->vwait[2] = zx_interrupt_wait(u, z->virt, NULL);
}

static void zx_main(struct uk_user *u, uint64_t arg)
{
	struct zx_test *z = (struct zx_test *)(uintptr_t)arg;
	zx_port_packet_t pkt;

	z->bad_port = zx_port_create(u, 2);
	z->port = zx_port_create(u, ZX_PORT_BIND_TO_INTERRUPT);
	z->port_nobind = zx_port_create(u, 0);
	z->irq = zx_interrupt_create(u, UK_IRQ_SRC_GSI, 9,
				     ZX_INTERRUPT_MODE_LEVEL_HIGH | ZX_INTERRUPT_WAKE_VECTOR);
	z->wrong_type = zx_interrupt_bind(u, z->irq, z->port_nobind, 5, ZX_INTERRUPT_BIND);
	z->bound = zx_interrupt_bind(u, z->irq, z->port, 5, ZX_INTERRUPT_BIND);
	z->again = zx_interrupt_bind(u, z->irq, z->port, 6, ZX_INTERRUPT_BIND);
	z->wait_bound = zx_interrupt_wait(u, z->irq, NULL);
	z->kernel_op = uk_irq_model_call(u, z->irq, UK_IRQ_CALL_PORT_TAKE, 0);
	ck_assert_int_eq(uk_sys_vm_map(u, UK_HANDLE_PROCESS_SELF, ZX_PKT_VA, UK_PAGE_SIZE,
				       UK_PROT_READ | UK_PROT_WRITE, UK_VM_LAZY), 0);
	for (int i = 0; i < 2; i++) {
		long key = zx_port_wait(u, z->port, ZX_PKT_VA);
		ck_assert_int_ge(key, 0);
		ck_assert_int_eq(uk_user_read(u, ZX_PKT_VA, &pkt, sizeof(pkt)), 0);
		z->keys[i] = pkt.key;
		z->ts[i] = pkt.timestamp;
		z->type[i] = pkt.type;
		device_clear_dev(u, z->dev);
		z->acks[i] = zx_interrupt_ack(u, z->irq);
	}
	z->unbind_other = zx_interrupt_bind(u, z->irq, z->port_nobind, 0, ZX_INTERRUPT_UNBIND);
	z->unbind = zx_interrupt_bind(u, z->irq, z->port, 0, ZX_INTERRUPT_UNBIND);
	z->ack_unbound = zx_interrupt_ack(u, z->irq);

	/* A virtual interrupt, waited on by another thread, then destroyed. */
	z->virt = zx_interrupt_create(u, 0, 3, ZX_INTERRUPT_VIRTUAL);
	ck_assert_int_gt(z->virt, 0);
	long t = uk_sys_thread_create(u, UK_HANDLE_PROCESS_SELF, 1, arg, 100, 0);
	ck_assert_int_gt(t, 0);
	ck_assert_int_eq(uk_sys_thread_start(u, (uint32_t)t), 0);
	uk_sys_sleep(u, 1 * MS);
	ck_assert_int_eq(zx_interrupt_trigger(u, z->virt, 0, 1234), 0);
	uk_sys_sleep(u, 1 * MS);
	z->vdestroy = zx_interrupt_destroy(u, z->virt);
	uk_sys_sleep(u, 1 * MS);
	z->vtrig_after = zx_interrupt_trigger(u, z->virt, 0, 5);
	ck_assert_int_eq(uk_sys_thread_wait(u, (uint32_t)t, 0), 0);
}

START_TEST(zircon_ports_and_virtual_interrupts)
{
	static struct uk_irq_builtins b; /* test code: one run at a time */
	struct world *w = world_new(20 * MS);
	struct zx_test z = {.w = w};
	uint64_t tid;

	uk_irq_builtins_init(&b);
	ck_assert_int_eq(uk_kernel_irq_set_model(w->sm->k, uk_irq_model_find(&b, "zircon")), 0);
	z.dev = add_device(w, HW_IRQ_LEVEL, 9);
	at(w, 2 * MS, z.dev, HW_ACT_ASSERT, 1);
	at(w, 4 * MS, z.dev, HW_ACT_ASSERT, 2);
	ck_assert_int_eq(uk_kernel_register_program(w->sm->k, "zx-main", zx_main), 0);
	ck_assert_int_eq(uk_kernel_register_program(w->sm->k, "zx-waiter", zx_virtual_waiter), 1);
	struct uk_spawn sp = {.program = 0, .arg = (uint64_t)(uintptr_t)&z, .prio = 100,
			      .max_prio = 200, .name = "zx-main"};
	struct uk_kernel_stats before, after;
	uk_kernel_get_stats(w->sm->k, &before);
	ck_assert_int_eq(uk_kernel_spawn(w->sm->k, &sp, &tid), 0);
	spawned(w, tid);
	run(w);
	/* Ports, interrupts and the process are all gone with their last
	 * reference (an unbind gives back the sink's hold on its port). */
	uk_kernel_get_stats(w->sm->k, &after);
	ck_assert_uint_eq(after.kobjs_live, before.kobjs_live);
	ck_assert_int_eq(z.bad_port, UK_EINVAL);
	ck_assert_int_gt(z.irq, 0);
	ck_assert_int_eq(z.wrong_type, UK_EBADH);
	ck_assert_int_eq(z.bound, 0);
	ck_assert_int_eq(z.again, UK_EEXIST);
	ck_assert_int_eq(z.wait_bound, UK_EBUSY);
	ck_assert_int_eq(z.kernel_op, UK_EINVAL);
	for (int i = 0; i < 2; i++) {
		ck_assert_uint_eq(z.keys[i], 5);
		ck_assert_uint_eq(z.type[i], ZX_PKT_TYPE_INTERRUPT);
		ck_assert_int_eq(z.acks[i], 0);
	}
	ck_assert_uint_ge(z.ts[0], 2 * MS);
	ck_assert_uint_ge(z.ts[1], 4 * MS);
	ck_assert_int_eq(z.unbind_other, UK_ENOENT);
	ck_assert_int_eq(z.unbind, 0);
	ck_assert_int_eq(z.ack_unbound, UK_EBUSY);
	ck_assert_int_eq(z.vwait[0], 0);
	ck_assert_uint_eq(z.vts, 1234);
	ck_assert_int_eq(z.vdestroy, 0);
	ck_assert_int_eq(z.vwait[1], UK_ESRCH); /* CANCELED while blocked */
	ck_assert_int_eq(z.vwait[2], UK_ESRCH);
	ck_assert_int_eq(z.vtrig_after, UK_ESRCH);
	check_clean(w);
	world_free(w);
}
END_TEST

int main(void)
{
	SRunner *sr = srunner_create(NULL);
	SIM_SUITE(sr, "race1", 120, race1_shared_level_stale_ack);
	SIM_SUITE(sr, "race2", 120, race2_edge_between_clear_and_ack);
	SIM_SUITE(sr, "race3", 120, race3_level_ack_before_clear_stalls);
	SIM_SUITE(sr, "race4", 120, race4_reset_spurious_kick_recovers);
	SIM_SUITE(sr, "race5", 120, race5_attach_during_episode);
	SIM_SUITE(sr, "race6", 120, race6_driver_dies_owing);
	SIM_SUITE(sr, "race7", 120, race7_msi_all_nak_recovers);
	SIM_SUITE(sr, "race8", 120, race8_future_sequence);
	SIM_SUITE(sr, "race9", 120, race9_level_without_sink);
	SIM_SUITE(sr, "ack-timeout", 120, ack_timeout_nak_on_behalf);
	SIM_SUITE(sr, "plic", 120, plic_claim_complete);
	SIM_SUITE(sr, "smp", 120, two_cpus_random_schedules);
	SIM_SUITE(sr, "close-while-waiting", 120, close_while_waiting);
	SIM_SUITE(sr, "timers", 120, sleep_and_work, work_is_preemptible);
	SIM_SUITE(sr, "ntfn", 120, irq_sink_bound_to_a_notification);
	SIM_SUITE(sr, "zircon", 120, zircon_ports_and_virtual_interrupts);
	return sim_run_suites(sr);
}
