/* SPDX-License-Identifier: MIT */
/*
 * Check test of the must-hold case of issue 15: a user program that writes
 * an IOAPIC redirection entry or a PLIC enable register gets UK_EPERM, and
 * the controller is left as it was. Interrupt-controller registers are
 * nobody's to touch from user space: the retired physical-address calls
 * (UK_SYS_DEV_READ/WRITE, 38 and 39) refuse every address.
 *
 * The program uses the raw system call numbers only, so the same test
 * builds against a kernel that still had those calls (where it fails: the
 * write lands and masks the pin).
 */
#include <check.h>

#include "suites.h"
#include <stdio.h>
#include <string.h>

#include <hwmodel/intc.h>
#include <hwmodel/machine.h>
#include <sim/machine.h>
#include <ukern/irq_sys.h>
#include <ukern/user.h>

#define PIN 3u
#define PLIC_SRC 2u

struct probe {
	long ioapic_sel, ioapic_win, plic_enable, lapic_read;
};

static void hostile(struct uk_user *u, uint64_t arg)
{
	struct probe *p = (struct probe *)(uintptr_t)arg;
	/* Select the low word of pin PIN's redirection entry, then write it
	 * with the mask bit set: what a driver masking "its" line would do. */
	p->ioapic_sel = uk_syscall6(u, UK_SYS_DEV_WRITE, HW_IOAPIC_BASE + HW_IOAPIC_REGSEL, 4,
				    HW_IOAPIC_REG_RTE + 2 * PIN, 0, 0, 0);
	p->ioapic_win = uk_syscall6(u, UK_SYS_DEV_WRITE, HW_IOAPIC_BASE + HW_IOAPIC_WIN, 4,
				    1u << 16, 0, 0, 0);
	/* Disable every source of PLIC context 0. */
	p->plic_enable = uk_syscall6(u, UK_SYS_DEV_WRITE, HW_PLIC_BASE + HW_PLIC_ENABLE, 4, 0, 0, 0,
				     0);
	p->lapic_read = uk_syscall6(u, UK_SYS_DEV_READ, HW_LAPIC_BASE + 0x20, 4, 0, 0, 0, 0);
}

START_TEST(intc_registers_refused)
{
	char err[256];
	struct sim_machine *sm;
	struct sim_machine_config cfg = {.cpus = 1, .plic_sources = 8};
	ck_assert_int_eq(sim_machine_create(&cfg, &sm, err, sizeof(err)), 0);
	/* The kernel's own set-up: pin PIN routed and unmasked, PLIC source
	 * PLIC_SRC enabled for context 0. */
	ck_assert_int_eq(hw_intc_route(sm->hw, 0, PIN, 60, 0, HW_TRIGGER_LEVEL, HW_POLARITY_HIGH, 0),
			 0);
	ck_assert_int_eq(hw_intc_mask(sm->hw, 0, PIN, false, 0), 0);
	ck_assert_int_eq(hw_plic_set_enable(sm->hw, 0, PLIC_SRC, true, 0), 0);
	uint64_t plic_before = 0;
	ck_assert_int_eq(hw_mmio_read(sm->hw, 0, 0, HW_PLIC_BASE + HW_PLIC_ENABLE, 4, &plic_before),
			 0);
	ck_assert_uint_ne(plic_before, 0);

	struct probe p = {0};
	int prog = uk_kernel_register_program(sm->k, "hostile", hostile);
	ck_assert_int_ge(prog, 0);
	struct uk_spawn s = {.program = (unsigned)prog, .arg = (uint64_t)(uintptr_t)&p,
			     .prio = 100, .max_prio = 100, .name = "hostile"};
	uint64_t tid;
	ck_assert_int_eq(uk_kernel_spawn(sm->k, &s, &tid), 0);
	sim_machine_run(sm);

	ck_assert_int_eq(p.ioapic_sel, UK_EPERM);
	ck_assert_int_eq(p.ioapic_win, UK_EPERM);
	ck_assert_int_eq(p.plic_enable, UK_EPERM);
	ck_assert_int_eq(p.lapic_read, UK_EPERM);
	/* And nothing changed behind the error. */
	ck_assert(!hw_intc_masked(sm->hw, 0, PIN));
	uint64_t plic_after = 0;
	ck_assert_int_eq(hw_mmio_read(sm->hw, 0, 0, HW_PLIC_BASE + HW_PLIC_ENABLE, 4, &plic_after), 0);
	ck_assert_uint_eq(plic_after, plic_before);
	sim_machine_destroy(sm);
}
END_TEST

int main(void)
{
	SRunner *sr = srunner_create(NULL);
	SIM_SUITE(sr, "isolation", 60, intc_registers_refused);
	return sim_run_suites(sr);
}
