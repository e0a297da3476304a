/* SPDX-License-Identifier: MIT */
/*
 * A hostile program for issue 15's isolation tests, loaded as a plug-in:
 * `dev-probe(device = D, other = E)` checks, from user space, what a
 * scenario's capabilities give it. It maps D's registers (its process holds
 * mmio(D) or pci(D)), then tries what it must not be able to do: reach E
 * (no capability for it), write an IOAPIC redirection entry and a PLIC
 * enable register through the retired physical-address call, read past
 * D's window. `pci = on` says the process holds pci(D) and so may read
 * D's configuration space; otherwise that read must fail.
 *
 * Each check that holds counts one ACK on D, each that fails one NAK, so a
 * scenario states the result as `count acks(D) == N` and `count naks(D) == 0`.
 */
#include <hwmodel/dev.h>
#include <hwmodel/intc.h>
#include <hwmodel/machine.h>
#include <hwmodel/pci.h>
#include <sim/programs.h>
#include <ukern/devmem.h>
#include <ukern/irq_sys.h>

UKERN_PLUGIN;

static void check(struct uk_user *u, int dev, bool ok)
{
	sim_prog_note(u, ok ? SIM_NOTE_ACK : SIM_NOTE_NAK, dev, 0);
}

static void ignore_fault(struct uk_user *u, uint64_t info)
{
	(void)u;
	(void)info;
}

static void dev_probe(struct uk_user *u)
{
	int dev = sim_prog_ref(u, "device"), other = sim_prog_ref(u, "other");
	bool pci = sim_prog_num(u, "pci", 0) != 0;
	struct sim_dev_info di, oi;
	(void)ignore_fault;
	/* 1: its own device maps, and its registers answer. */
	check(u, dev, sim_prog_device_map(u, dev, &di) == 0 && di.regs &&
			      uk_reg_read32(u, di.regs + HW_SCRIPT_CONTROL) == 1);
	/* 2: the other device: no handle, so nothing to map. */
	check(u, dev, sim_prog_device_map(u, other, &oi) == UK_EPERM && oi.regs_h == 0);
	/* 3, 4: interrupt-controller registers by physical address. */
	check(u, dev, uk_syscall6(u, UK_SYS_DEV_WRITE, HW_IOAPIC_BASE + HW_IOAPIC_REGSEL, 4,
				  HW_IOAPIC_REG_RTE + 2 * 10, 0, 0, 0) == UK_EPERM);
	check(u, dev, uk_syscall6(u, UK_SYS_DEV_WRITE, HW_PLIC_BASE + HW_PLIC_ENABLE, 4, 0, 0, 0,
				  0) == UK_EPERM);
	/* 5: its own configuration space with pci(D) only. */
	long v = uk_pci_cfg_read(u, di.regs_h, HW_PCI_VENDOR, 2);
	check(u, dev, pci ? v > 0 : v == UK_ENOENT);
	/* 6: the window's size is what the machine has. */
	check(u, dev, uk_devmem_size(u, di.regs_h) == (long)di.regs_size && di.regs_size > 0);
}

static const struct uks_arg_spec probe_args[] = {
	{"device", UKS_ARG_DEVICE, NULL, true, NULL, "the device it may drive"},
	{"other", UKS_ARG_DEVICE, NULL, true, NULL, "a device it holds nothing for"},
	{"pci", UKS_ARG_BOOL, NULL, false, "off", "whether its process holds pci(device)"},
};

static const struct uks_cap_need probe_needs[] = {{UKS_NEED_MMIO, "device"}};

const struct sim_program ukern_programs[] = {
	{"dev-probe", dev_probe, probe_args, 3, "probes what its capabilities give it",
	 probe_needs, 1},
	{0},
};
