/* SPDX-License-Identifier: MIT */
/*
 * A researcher's driver, built apart from ukern as a shared object and
 * loaded with `uksim run --load ./mydriver.so` (or a scenario's `load`
 * line). It serves its device's interrupts like the seed's loop and counts
 * with the runtime's hooks. Built four ways by the tests: as is, without
 * the table (MYDRIVER_NO_TABLE), claiming a built-in's name
 * (MYDRIVER_DUPLICATE), rebuilt with a change (MYDRIVER_REBUILT, for
 * replay tokens, which must tell it from the first build), built for
 * another interface version (MYDRIVER_OLD_ABI) and saying none
 * (MYDRIVER_NO_ABI).
 */
#include <hwmodel/dev.h>
#include <sim/programs.h>
#include <ukern/devmem.h>
#include <ukern/irq_sys.h>

#ifdef MYDRIVER_OLD_ABI
const unsigned ukern_abi = UK_ABI_VERSION - 1;
#elif !defined(MYDRIVER_NO_ABI)
UKERN_PLUGIN;
#endif

#ifdef MYDRIVER_NO_TABLE
const int ukern_no_programs_here = 1;
#else

static void my_driver(struct uk_user *u)
{
	int dev = sim_prog_ref(u, "device");
	uint64_t count = sim_prog_num(u, "count", 0);
	struct sim_dev_info di;
	if (sim_prog_device_map(u, dev, &di) != 0 || !di.irq_cap)
		return;
	long irq = uk_irq_attach(u, di.src_kind, di.source, di.trigger, di.polarity);
	if (irq < 0)
		return;
	uint64_t seq = 0;
	for (uint64_t served = 0; !count || served < count;) {
		sim_prog_idle(u, true);
		long r = uk_irq_wait(u, irq, seq);
		sim_prog_idle(u, false);
		if (r <= 0)
			break;
		seq = (uint64_t)r;
		long st = uk_reg_read32(u, di.regs + HW_SCRIPT_STATUS);
		if (st > 0 && (st & HW_SCRIPT_STATUS_IRQ)) {
			sim_prog_note(u, SIM_NOTE_CLAIM, dev, 0);
			if (di.w1c)
				uk_reg_write32(u, di.regs + HW_SCRIPT_STATUS, HW_SCRIPT_STATUS_IRQ);
			if (uk_irq_ack(u, irq, seq) == 0)
				sim_prog_note(u, SIM_NOTE_ACK, dev, 0);
			served++;
		} else if (uk_irq_nak(u, irq, seq) == 0) {
			sim_prog_note(u, SIM_NOTE_NAK, dev, 0);
		}
	}
	uk_sys_handle_close(u, (uint32_t)irq);
}

static const struct uks_arg_spec my_args[] __attribute__((unused)) = {
	{"device", UKS_ARG_DEVICE, NULL, true, NULL, "the device it serves"},
	{"count", UKS_ARG_INT, NULL, false, "0", "interrupts to serve (0: for ever)"},
};

static const struct uks_cap_need my_needs[] __attribute__((unused)) = {
	{UKS_NEED_IRQ, "device"},
	{UKS_NEED_MMIO, "device"},
};

const struct sim_program ukern_programs[] = {
#ifdef MYDRIVER_BAD_SPEC
	/* Says it has needs and arguments but gives no tables. */
	{"my-driver", my_driver, NULL, 2, "a table with holes", NULL, 1},
#elif defined(MYDRIVER_DUPLICATE)
	{"irq-driver", my_driver, my_args, 2, "claims a built-in's name", my_needs, 2},
#elif defined(MYDRIVER_REBUILT)
	{"my-driver", my_driver, my_args, 2, "a driver from outside ukern, rebuilt", my_needs, 2},
#else
	{"my-driver", my_driver, my_args, 2, "a driver from outside ukern", my_needs, 2},
#endif
	{0},
};
#endif
