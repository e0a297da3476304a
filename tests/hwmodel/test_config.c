/* SPDX-License-Identifier: MIT */
/* Malformed configuration is rejected with a clear message, never an abort. */
#include "hwtest.h"

static void expect_machine_error(struct hw_machine_config cfg, int code, const char *needle)
{
	struct hw_evq q;
	hw_evq_init(&q, 4);
	if (cfg.evq == (struct hw_evq *)1)
		cfg.evq = NULL;
	else
		cfg.evq = &q;
	struct hw_machine *m = (struct hw_machine *)1;
	char err[200] = "";
	ck_assert_int_eq(hw_machine_create(&cfg, &m, err, sizeof(err)), code);
	ck_assert_ptr_null(m);
	ck_assert_msg(strstr(err, needle), "message '%s' lacks '%s'", err, needle);
	hw_evq_fini(&q);
}

START_TEST(bad_machines)
{
	expect_machine_error((struct hw_machine_config){.ncpus = 0, .ram_bytes = 1 << 20},
			     HW_EINVAL, "cpus 0 out of range");
	expect_machine_error((struct hw_machine_config){.ncpus = 65, .ram_bytes = 1 << 20},
			     HW_EINVAL, "cpus 65");
	expect_machine_error((struct hw_machine_config){.ncpus = 1, .ram_bytes = 12345},
			     HW_EINVAL, "multiple of 4096");
	expect_machine_error((struct hw_machine_config){.ncpus = 1, .ram_bytes = 0},
			     HW_EINVAL, "ram size 0");
	expect_machine_error((struct hw_machine_config){.ncpus = 1, .ram_bytes = 1 << 20,
							.tlb_entries = 6},
			     HW_EINVAL, "tlb size 6");
	expect_machine_error((struct hw_machine_config){.ncpus = 1, .ram_bytes = 1 << 20,
							.cost_preset = "pentium"},
			     HW_EINVAL, "unknown cost preset 'pentium'");
	expect_machine_error((struct hw_machine_config){.ncpus = 1, .ram_bytes = 1 << 20,
							.plic_sources = 5000},
			     HW_EINVAL, "plic sources 5000");
	expect_machine_error((struct hw_machine_config){.ncpus = 1, .ram_bytes = 1 << 20,
							.evq = (struct hw_evq *)1},
			     HW_EINVAL, "no event queue");
	/* A NULL message buffer is fine too. */
	struct hw_machine *m;
	struct hw_machine_config cfg = {.ncpus = 0};
	ck_assert_int_eq(hw_machine_create(&cfg, &m, NULL, 0), HW_EINVAL);
}
END_TEST

static void expect_dev_error(struct hwt *x, struct hw_dev_desc d, int code, const char *needle)
{
	unsigned before = hw_dev_count(x->m);
	x->err[0] = 0;
	ck_assert_int_eq(hw_machine_add_device(x->m, &d, x->err, sizeof(x->err)), code);
	ck_assert_msg(strstr(x->err, needle), "message '%s' lacks '%s'", x->err, needle);
	ck_assert_uint_eq(hw_dev_count(x->m), before); /* nothing half-added */
}

#define SCRIPT(...) ((struct hw_dev_desc){.kind = HW_DEV_SCRIPT, __VA_ARGS__})

START_TEST(bad_devices)
{
	struct hwt *x = hwt_new_cfg((struct hw_machine_config){.ncpus = 2, .plic_sources = 8});
	ck_assert_int_eq(hw_machine_add_device(x->m,
					       &SCRIPT(.name = "ok", .pci = true, .slot = 1,
						       .mmio_base = 0xc0000000, .irq_pin = 3,
						       .active_low = true),
					       x->err, sizeof(x->err)),
			 HW_OK);
	expect_dev_error(x, (struct hw_dev_desc){.kind = 99, .name = "z"}, HW_EINVAL,
			 "unknown device kind 99");
	expect_dev_error(x, SCRIPT(.name = "p", .mmio_base = 0xc0100000, .irq_pin = 24), HW_EINVAL,
			 "pin 24 out of range for the IOAPIC (0..23)");
	expect_dev_error(x, SCRIPT(.name = "p", .mmio_base = 0xc0100000, .irq_ctrl = 2,
				   .irq_pin = 0),
			 HW_EINVAL, "source 0 out of range for the PLIC (1..8)");
	expect_dev_error(x, SCRIPT(.name = "p", .mmio_base = 0xc0100000, .irq_ctrl = 1),
			 HW_EINVAL, "cannot take a wired interrupt");
	expect_dev_error(x, SCRIPT(.name = "v", .mmio_base = 0xc0100000, .irq_pin = 4,
				   .vector = 20),
			 HW_EINVAL, "vector 20 is outside 32..255");
	expect_dev_error(x, SCRIPT(.name = "v", .mmio_base = 0xc0100000, .irq_pin = 4,
				   .vector = 40, .cpu = 2),
			 HW_EINVAL, "cpu 2 does not exist");
	expect_dev_error(x, SCRIPT(.name = "o", .pci = true, .slot = 2, .mmio_base = 0xc0000000,
				   .irq_pin = 4),
			 HW_EEXIST, "overlaps 'ok'");
	expect_dev_error(x, SCRIPT(.name = "o", .pci = true, .slot = 2, .mmio_base = 0xc0000800,
				   .mmio_size = 0x800, .irq_pin = 4),
			 HW_EEXIST, "overlaps 'ok'");
	expect_dev_error(x, SCRIPT(.name = "o", .pci = true, .slot = 2, .mmio_base = 0xc0001800,
				   .irq_pin = 4),
			 HW_EINVAL, "not aligned");
	expect_dev_error(x, SCRIPT(.name = "o", .pci = true, .slot = 2, .mmio_base = 0xc0001000,
				   .mmio_size = 0x1800, .irq_pin = 4),
			 HW_EINVAL, "not a power of two");
	expect_dev_error(x, SCRIPT(.name = "o", .pci = true, .slot = 2, .mmio_base = 0x1000,
				   .irq_pin = 4),
			 HW_EINVAL, "outside the PCI MMIO hole");
	expect_dev_error(x, SCRIPT(.name = "o", .mmio_base = 0x1000, .irq_pin = 4), HW_EEXIST,
			 "overlaps RAM");
	expect_dev_error(x, SCRIPT(.name = "o", .mmio_base = 0xfec00000, .irq_pin = 4), HW_EEXIST,
			 "overlaps the IOAPIC");
	expect_dev_error(x, SCRIPT(.name = "o", .mmio_base = 0xf0001000, .irq_pin = 4), HW_EEXIST,
			 "overlaps the PLIC");
	expect_dev_error(x, SCRIPT(.name = "o", .irq_pin = 4), HW_EINVAL, "needs an mmio_base");
	expect_dev_error(x, SCRIPT(.name = "ok", .mmio_base = 0xc0100000, .irq_pin = 4), HW_EEXIST,
			 "already used");
	expect_dev_error(x, SCRIPT(.name = "q", .pci = true, .slot = 1, .mmio_base = 0xc0100000,
				   .irq_pin = 4),
			 HW_EEXIST, "is taken by 'ok'");
	expect_dev_error(x, SCRIPT(.name = "q", .pci = true, .slot = 32, .mmio_base = 0xc0100000),
			 HW_EINVAL, "out of range");
	expect_dev_error(x, SCRIPT(.name = "q", .mmio_base = 0xc0100000, .irq_pin = 3), HW_EINVAL,
			 "shared with 'ok' of the other polarity");
	expect_dev_error(x, SCRIPT(.name = "q", .mmio_base = 0xc0100000, .irq_mode = HW_IRQ_MSI),
			 HW_EINVAL, "MSI needs a PCI device");
	expect_dev_error(x, SCRIPT(.name = "q", .pci = true, .slot = 5, .mmio_base = 0xc0100000,
				   .irq_mode = HW_IRQ_MSI, .irq_pin = 32),
			 HW_EINVAL, "MSI source 32 out of range");
	expect_dev_error(x, SCRIPT(.name = "q", .mmio_base = 0xc0100000, .irq_mode = 7), HW_EINVAL,
			 "unknown interrupt mode 7");
	expect_dev_error(x, SCRIPT(.name = "q", .mmio_base = 0xc0100000, .status_mode = 5),
			 HW_EINVAL, "unknown status mode 5");
	expect_dev_error(x, (struct hw_dev_desc){.kind = HW_DEV_BLOCK, .name = "b",
						 .mmio_base = 0xc0100000, .disk_bytes = 1000},
			 HW_EINVAL, "not a multiple of 512");
	expect_dev_error(x, (struct hw_dev_desc){.kind = HW_DEV_HPET, .name = "h",
						 .hpet_route_cap = 1u << 24},
			 HW_EINVAL, "names a pin out of range");
	expect_dev_error(x, (struct hw_dev_desc){.kind = HW_DEV_HPET, .name = "h",
						 .hpet_timers = 9},
			 HW_EINVAL, "9 timers");
	expect_dev_error(x, (struct hw_dev_desc){.kind = HW_DEV_HPET, .name = "h", .pci = true,
						 .mmio_base = 0xc0100000, .mmio_size = 0x400},
			 HW_EINVAL, "platform device");
	ck_assert_int_eq(hw_machine_add_device(x->m, NULL, x->err, sizeof(x->err)), HW_EINVAL);
	ck_assert_uint_eq(hw_dev_count(x->m), 1);
	hwt_free(x);
}
END_TEST

START_TEST(bad_routes_and_pins)
{
	struct hwt *x = hwt_new(2);
	struct hw_machine *m = x->m;
	ck_assert_int_eq(hw_intc_route(m, 0, 24, 0x40, 0, HW_TRIGGER_EDGE, HW_POLARITY_HIGH, 0),
			 HW_EINVAL);
	ck_assert_int_eq(hw_intc_route(m, 0, 1, 31, 0, HW_TRIGGER_EDGE, HW_POLARITY_HIGH, 0),
			 HW_EINVAL);
	ck_assert_int_eq(hw_intc_route(m, 0, 1, 256, 0, HW_TRIGGER_EDGE, HW_POLARITY_HIGH, 0),
			 HW_EINVAL);
	ck_assert_int_eq(hw_intc_route(m, 0, 1, 0x40, 2, HW_TRIGGER_EDGE, HW_POLARITY_HIGH, 0),
			 HW_EINVAL);
	ck_assert_int_eq(hw_intc_route(m, 5, 1, 0x40, 0, HW_TRIGGER_EDGE, HW_POLARITY_HIGH, 0),
			 HW_EINVAL);
	ck_assert_int_eq(hw_intc_mask(m, 0, 99, true, 0), HW_EINVAL);
	ck_assert_int_eq(hw_intc_set_line(m, 0, 24, true, 0), HW_EINVAL);
	ck_assert_int_eq(hw_intc_eoi(m, 0, 24, 0), HW_EINVAL);
	ck_assert(!hw_intc_line(m, 0, 24));
	struct hw_intc_info info;
	ck_assert_int_eq(hw_intc_info(m, 2, &info), HW_ENOENT); /* no PLIC configured */
	ck_assert_int_eq(hw_intc_find(m, HW_INTC_PLIC), -1);
	ck_assert_int_eq(hw_ioapic_set_rte(m, 24, 0, 0), HW_EINVAL);
	uint64_t v;
	ck_assert_int_eq(hw_mmio_read(m, 0, 0, 0xc0000000, 3, &v), HW_EINVAL);
	ck_assert_int_eq(hw_mmio_read(m, 5, 0, 0xc0000000, 4, &v), HW_EINVAL);
	ck_assert_int_eq(hw_dev_action(m, NULL, 0, HW_ACT_ASSERT, 0), HW_EINVAL);
	ck_assert_int_eq(hw_dev_action_by_name(m, "nope", 0, HW_ACT_ASSERT, 0), HW_ENOENT);
	hwt_free(x);
}
END_TEST

START_TEST(unsupported_actions_are_errors)
{
	struct hwt *x = hwt_new(1);
	struct hw_dev_desc d = {.kind = HW_DEV_HPET, .name = "h"};
	ck_assert_int_eq(hw_machine_add_device(x->m, &d, x->err, sizeof(x->err)), HW_OK);
	ck_assert_int_eq(hw_dev_action_by_name(x->m, "h", 0, HW_ACT_ASSERT, 0), HW_EINVAL);
	ck_assert_int_eq(hw_dev_action_by_name(x->m, "h", 0, HW_ACT_RESET, 0), HW_OK);
	ck_assert_int_eq(hw_dev_action_by_name(x->m, "h", 0, (enum hw_dev_action)42, 0),
			 HW_EINVAL);
	hwt_free(x);
}
END_TEST

START_TEST(names_for_scenarios)
{
	ck_assert_int_eq(hw_dev_kind_lookup("script"), HW_DEV_SCRIPT);
	ck_assert_int_eq(hw_dev_kind_lookup("block"), HW_DEV_BLOCK);
	ck_assert_int_eq(hw_dev_kind_lookup("nic"), HW_EINVAL);
	ck_assert_int_eq(hw_dev_kind_lookup(NULL), HW_EINVAL);
	ck_assert_str_eq(hw_dev_kind_name(HW_DEV_HPET), "hpet");
	ck_assert_ptr_null(hw_dev_kind_name(0));
	ck_assert_ptr_null(hw_dev_kind_name(99));
	ck_assert_int_eq(hw_dev_action_lookup("pulse"), HW_ACT_PULSE);
	ck_assert_int_eq(hw_dev_action_lookup("complete"), HW_ACT_COMPLETE);
	ck_assert_int_eq(hw_dev_action_lookup("explode"), HW_EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hwmodel-config");
	TCase *tc = tcase_create("config");
	tcase_add_test(tc, bad_machines);
	tcase_add_test(tc, bad_devices);
	tcase_add_test(tc, bad_routes_and_pins);
	tcase_add_test(tc, unsupported_actions_are_errors);
	tcase_add_test(tc, names_for_scenarios);
	suite_add_tcase(s, tc);
	return hwt_run(s);
}
