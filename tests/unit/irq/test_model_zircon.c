/* SPDX-License-Identifier: MIT */
/*
 * The Zircon model (libukern/irq/models/zircon.c): the rules of
 * InterruptDispatcher, call by call, and every error path of its calls.
 * The calls are made as the kernel makes them, through
 * uk_irq_sink_model_call; the port itself (a kernel object) is the
 * kernel's, so here a "packet" is what UK_IRQ_CALL_PORT_TAKE hands out.
 */
#include "irq_fake.h"

#include <ukern/models/zircon.h>

static long zx(struct uk_irq_sink *s, unsigned op, uint64_t arg, uint64_t now)
{
	return uk_irq_sink_model_call(s, ALL, op, arg, now);
}

static void zx_level(struct fake *f, struct uk_irq_pin *pin, struct uk_irq_sink *s)
{
	fake_init(f);
	fake_pin(f, pin, 1, UK_INTC_IOAPIC, UK_TRIGGER_LEVEL, fake_model(f, "zircon"));
	fake_sink(pin, s, 1);
}

/* Without a port: the wait reports, the next wait re-arms (unmasks). */
static void test_wait_rearms_on_next_wait(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s;
	(void)state;

	zx_level(&f, &pin, &s);
	assert_int_equal(zx(&s, UK_ZX_OP_WAIT, 0, 0), UK_EAGAIN); /* IDLE: would block */
	uk_irq_pin_raise(&pin, 100);
	assert_int_equal(f.hwmask[1], 1); /* level: masked from the interrupt */
	assert_int_equal(zx(&s, UK_ZX_OP_WAIT, 0, 110), 100); /* TRIGGERED -> NEEDACK */
	assert_int_equal(f.hwmask[1], 1);                     /* still masked */
	assert_true(pin.in_service);
	assert_int_equal(zx(&s, UK_ZX_OP_ACK, 0, 120), UK_EBUSY); /* not bound: BAD_STATE */
	assert_int_equal(zx(&s, UK_ZX_OP_WAIT, 0, 130), UK_EAGAIN); /* re-arms, then blocks */
	assert_int_equal(f.hwmask[1], 0);
	assert_false(pin.in_service);
	fake_assert_clean(&f, 130);
}

/* An edge line is never masked; an interrupt in NEEDACK is pending (the
 * first timestamp wins) and the next wait returns it at once. */
static void test_edge_pending_returns_at_once(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s;
	(void)state;

	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, fake_model(&f, "zircon"));
	fake_sink(&pin, &s, 1);
	uk_irq_pin_raise(&pin, 10);
	assert_int_not_equal(f.hwmask[1], 1);
	assert_int_equal(zx(&s, UK_ZX_OP_WAIT, 0, 11), 10);
	uk_irq_pin_raise(&pin, 20);
	uk_irq_pin_raise(&pin, 30);
	assert_int_equal(zx(&s, UK_ZX_OP_WAIT, 0, 40), 20); /* pending, no block */
	assert_int_equal(zx(&s, UK_ZX_OP_WAIT, 0, 50), UK_EAGAIN);
	fake_assert_clean(&f, 50);
}

/* Bound to a port: the packet is due at the interrupt, ACK re-arms, the
 * wait is BAD_STATE; a pending interrupt queues the next packet at ACK. */
static void test_port_ack_rearms(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s;
	(void)state;

	zx_level(&f, &pin, &s);
	assert_int_equal(zx(&s, UK_IRQ_CALL_PORT_TAKE, 0, 0), UK_ENOENT); /* unbound */
	assert_int_equal(zx(&s, UK_IRQ_CALL_PORT_UNBIND, 0, 0), UK_ENOENT);
	assert_int_equal(zx(&s, UK_IRQ_CALL_PORT_BIND, 7, 0), 0);
	assert_int_equal(s.model_data[1], 7);
	assert_int_equal(zx(&s, UK_IRQ_CALL_PORT_BIND, 8, 0), UK_EEXIST); /* ALREADY_BOUND */
	assert_int_equal(zx(&s, UK_ZX_OP_WAIT, 0, 0), UK_EBUSY);         /* BAD_STATE */
	assert_int_equal(zx(&s, UK_ZX_OP_ACK, 0, 0), UK_OK);             /* IDLE: nothing */
	uk_irq_pin_raise(&pin, 100);
	assert_int_equal(zx(&s, UK_IRQ_CALL_PORT_TAKE, 0, 101), 100);
	assert_int_equal(zx(&s, UK_IRQ_CALL_PORT_TAKE, 0, 102), UK_ENOENT); /* one packet */
	assert_int_equal(f.hwmask[1], 1);
	assert_int_equal(zx(&s, UK_ZX_OP_ACK, 0, 110), UK_OK);
	assert_int_equal(f.hwmask[1], 0);
	assert_false(pin.in_service);
	fake_assert_clean(&f, 110);
}

static void test_port_edge_pending_packet_at_ack(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s;
	(void)state;

	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_MSI, UK_TRIGGER_EDGE, fake_model(&f, "zircon"));
	fake_sink(&pin, &s, 1);
	assert_int_equal(zx(&s, UK_IRQ_CALL_PORT_BIND, 1, 0), 0);
	uk_irq_pin_raise(&pin, 10);
	assert_int_equal(zx(&s, UK_IRQ_CALL_PORT_TAKE, 0, 11), 10);
	uk_irq_pin_raise(&pin, 20); /* NEEDACK: pending */
	assert_int_equal(zx(&s, UK_IRQ_CALL_PORT_TAKE, 0, 21), UK_ENOENT);
	assert_int_equal(zx(&s, UK_ZX_OP_ACK, 0, 30), UK_OK);
	assert_true(pin.in_service);                              /* the pending one */
	assert_int_equal(zx(&s, UK_IRQ_CALL_PORT_TAKE, 0, 31), 20); /* its packet */
	assert_int_equal(zx(&s, UK_ZX_OP_ACK, 0, 40), UK_OK);
	assert_false(pin.in_service);
	fake_assert_clean(&f, 40);
}

/* An ACK in NEEDACK with an interrupt pending while the last packet is
 * still on the port: the next packet cannot be queued, BAD_STATE, and
 * nothing changes; once the packet is taken the ACK goes through. */
static void test_port_ack_with_packet_queued(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s;
	(void)state;

	fake_init(&f);
	fake_pin(&f, &pin, 1, UK_INTC_MSI, UK_TRIGGER_EDGE, fake_model(&f, "zircon"));
	fake_sink(&pin, &s, 1);
	assert_int_equal(zx(&s, UK_IRQ_CALL_PORT_BIND, 1, 0), 0);
	uk_irq_pin_raise(&pin, 10); /* packet queued, NEEDACK */
	assert_int_equal(zx(&s, UK_ZX_OP_ACK, 0, 15), UK_OK); /* nothing pending: re-armed */
	uk_irq_pin_raise(&pin, 20);  /* a new packet queued, not taken */
	uk_irq_pin_raise(&pin, 25);  /* NEEDACK: pending */
	assert_int_equal(zx(&s, UK_ZX_OP_ACK, 0, 30), UK_EBUSY); /* BAD_STATE */
	assert_true(pin.in_service);
	assert_int_equal(zx(&s, UK_IRQ_CALL_PORT_TAKE, 0, 31), 20);
	assert_int_equal(zx(&s, UK_ZX_OP_ACK, 0, 40), UK_OK); /* the pending one's packet */
	assert_int_equal(zx(&s, UK_IRQ_CALL_PORT_TAKE, 0, 41), 25);
	assert_int_equal(zx(&s, UK_ZX_OP_ACK, 0, 50), UK_OK);
	assert_false(pin.in_service);
	fake_assert_clean(&f, 50);
}

/* Bind in TRIGGERED sends the packet at once; bind while a thread waits is
 * BAD_STATE; unbind takes the packet back and leaves NEEDACK, and a bind
 * in NEEDACK sends nothing: only an ACK re-arms (scenario rebind-no-ack). */
static void test_bind_unbind_states(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s;
	(void)state;

	zx_level(&f, &pin, &s);
	assert_int_equal(zx(&s, UK_IRQ_CALL_PORT_BIND, 1 | UK_IRQ_CALL_PORT_WAITING, 0), UK_EBUSY);
	uk_irq_pin_raise(&pin, 5);
	assert_int_equal(zx(&s, UK_IRQ_CALL_PORT_BIND, 1, 6), 1); /* TRIGGERED: packet now */
	assert_int_equal(zx(&s, UK_IRQ_CALL_PORT_UNBIND, 0, 7), UK_OK);
	assert_int_equal(zx(&s, UK_IRQ_CALL_PORT_BIND, 2, 8), 0); /* NEEDACK: nothing */
	assert_int_equal(zx(&s, UK_IRQ_CALL_PORT_TAKE, 0, 9), UK_ENOENT);
	assert_true(pin.in_service);
	assert_int_equal(f.hwmask[1], 1);
	assert_int_equal(zx(&s, UK_ZX_OP_ACK, 0, 10), UK_OK);
	assert_false(pin.in_service);
	fake_assert_clean(&f, 10);
}

/* Destroy: masks, every later call CANCELED; a wait too; NOT_FOUND when
 * bound in NEEDACK with the packet already taken. */
static void test_destroy(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s;
	(void)state;

	zx_level(&f, &pin, &s);
	assert_int_equal(zx(&s, UK_ZX_OP_DESTROY, 0, 0), UK_OK);
	assert_int_equal(f.hwmask[1], 1);
	assert_int_equal(zx(&s, UK_ZX_OP_WAIT, 0, 1), UK_ESRCH);
	assert_int_equal(zx(&s, UK_ZX_OP_ACK, 0, 1), UK_EBUSY); /* unbound first */
	assert_int_equal(zx(&s, UK_IRQ_CALL_PORT_BIND, 1, 1), UK_ESRCH);
	assert_int_equal(zx(&s, UK_ZX_OP_OPTIONS, 0, 1), UK_EBUSY);
	assert_int_equal(zx(&s, UK_ZX_OP_DESTROY, 0, 2), UK_OK); /* again: OK */
	uk_irq_pin_raise(&pin, 3); /* in flight: dropped */
	assert_false(pin.in_service);

	zx_level(&f, &pin, &s);
	assert_int_equal(zx(&s, UK_IRQ_CALL_PORT_BIND, 1, 0), 0);
	uk_irq_pin_raise(&pin, 3);
	assert_int_equal(zx(&s, UK_IRQ_CALL_PORT_TAKE, 0, 4), 3);
	assert_int_equal(zx(&s, UK_ZX_OP_DESTROY, 0, 5), UK_ENOENT);
	assert_int_equal(zx(&s, UK_ZX_OP_ACK, 0, 6), UK_ESRCH);
	assert_int_equal(zx(&s, UK_IRQ_CALL_PORT_UNBIND, 0, 6), UK_ESRCH);
	assert_int_equal(uk_irq_sink_detach(&s, 7), UK_OK); /* the last handle */
	assert_false(pin.in_service);

	/* Bound, the packet still queued: destroy takes it back, OK. */
	zx_level(&f, &pin, &s);
	assert_int_equal(zx(&s, UK_IRQ_CALL_PORT_BIND, 1, 0), 0);
	uk_irq_pin_raise(&pin, 3);
	assert_int_equal(zx(&s, UK_ZX_OP_DESTROY, 0, 5), UK_OK);
	assert_int_equal(zx(&s, UK_IRQ_CALL_PORT_TAKE, 0, 6), UK_ENOENT);
}

/* Trigger: virtual objects only; timestamps as given, the first pending
 * one wins; CANCELED after destroy. */
static void test_trigger_virtual(void **state)
{
	struct fake f;
	struct uk_irq_pin virt, hw;
	struct uk_irq_pin_config cfg = {.id = 2};
	struct uk_irq_sink s, t;
	(void)state;

	fake_init(&f);
	cfg.model = fake_model(&f, "zircon");
	assert_int_equal(uk_irq_pin_init(&virt, &f.host, NULL, &cfg), UK_OK);
	fake_pin(&f, &hw, 1, UK_INTC_IOAPIC, UK_TRIGGER_EDGE, fake_model(&f, "zircon"));
	fake_sink(&virt, &s, 1);
	fake_sink(&hw, &t, 2);
	assert_int_equal(zx(&t, UK_ZX_OP_TRIGGER, 5, 5), UK_EBUSY); /* not virtual */
	assert_int_equal(zx(&s, UK_ZX_OP_TRIGGER, 1234, 2000), UK_OK);
	assert_int_equal(zx(&s, UK_ZX_OP_WAIT, 0, 2001), 1234);
	assert_int_equal(zx(&s, UK_ZX_OP_TRIGGER, 3000, 3000), UK_OK);
	assert_int_equal(zx(&s, UK_ZX_OP_TRIGGER, 4000, 4000), UK_OK);
	assert_int_equal(zx(&s, UK_ZX_OP_WAIT, 0, 4001), 3000);
	assert_int_equal(zx(&s, UK_ZX_OP_WAIT, 0, 4002), UK_EAGAIN);
	assert_int_equal(zx(&s, UK_ZX_OP_DESTROY, 0, 4003), UK_OK);
	assert_int_equal(zx(&s, UK_ZX_OP_TRIGGER, 1, 4004), UK_ESRCH);
	assert_int_equal(zx(&s, 99, 0, 4004), UK_EINVAL);
	fake_assert_clean(&f, 4004);
}

/* Wake vectors: the create option sets the line's wake flag; destroy and
 * the last handle clear it; options once, known bits only. */
static void test_wake_vector(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s;
	(void)state;

	zx_level(&f, &pin, &s);
	assert_int_equal(zx(&s, UK_ZX_OP_OPTIONS, 0x1, 0), UK_EINVAL);
	assert_false(pin.flags & UK_IRQ_PIN_WAKE);
	assert_int_equal(zx(&s, UK_ZX_OP_OPTIONS, ZX_INTERRUPT_WAKE_VECTOR, 0), UK_OK);
	assert_true(pin.flags & UK_IRQ_PIN_WAKE);
	assert_int_equal(zx(&s, UK_ZX_OP_OPTIONS, ZX_INTERRUPT_WAKE_VECTOR, 0), UK_EBUSY);
	assert_int_equal(uk_irq_sink_detach(&s, 1), UK_OK);
	assert_false(pin.flags & UK_IRQ_PIN_WAKE);

	zx_level(&f, &pin, &s);
	assert_int_equal(zx(&s, UK_ZX_OP_OPTIONS, ZX_INTERRUPT_WAKE_VECTOR, 0), UK_OK);
	assert_int_equal(zx(&s, UK_ZX_OP_DESTROY, 0, 1), UK_OK);
	assert_false(pin.flags & UK_IRQ_PIN_WAKE);
}

/* Rights: a call needs SIGNAL, as every model call. */
static void test_rights(void **state)
{
	struct fake f;
	struct uk_irq_pin pin;
	struct uk_irq_sink s;
	(void)state;

	zx_level(&f, &pin, &s);
	assert_int_equal(uk_irq_sink_model_call(&s, UK_IRQ_RIGHT_WAIT, UK_ZX_OP_WAIT, 0, 0),
			 UK_EPERM);
	assert_int_equal(zx(&s, UK_ZX_OP_WAIT | UK_IRQ_CALL_BLOCKING, 0, 0), UK_EAGAIN);
	/* A wait that would not block takes the interrupt too: it needs
	 * WAIT as well (zx_interrupt_wait, ZX_RIGHT_WAIT). Without it the
	 * pending interrupt stays pending; with it the wait takes it. */
	uk_irq_pin_raise(&pin, 10);
	assert_int_equal(uk_irq_sink_model_call(&s, UK_IRQ_RIGHT_SIGNAL, UK_ZX_OP_WAIT, 0, 11),
			 UK_EPERM);
	assert_int_equal(uk_irq_sink_model_call(&s, UK_IRQ_RIGHT_SIGNAL | UK_IRQ_RIGHT_WAIT,
						UK_ZX_OP_WAIT, 0, 12),
			 10);
	/* The other calls need only SIGNAL: an ACK without a port is the
	 * model's BAD_STATE, not a refusal of rights. */
	assert_int_equal(uk_irq_sink_model_call(&s, UK_IRQ_RIGHT_SIGNAL, UK_ZX_OP_ACK, 0, 13),
			 UK_EBUSY);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wait_rearms_on_next_wait),
		cmocka_unit_test(test_edge_pending_returns_at_once),
		cmocka_unit_test(test_port_ack_rearms),
		cmocka_unit_test(test_port_edge_pending_packet_at_ack),
		cmocka_unit_test(test_port_ack_with_packet_queued),
		cmocka_unit_test(test_bind_unbind_states),
		cmocka_unit_test(test_destroy),
		cmocka_unit_test(test_trigger_virtual),
		cmocka_unit_test(test_wake_vector),
		cmocka_unit_test(test_rights),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
