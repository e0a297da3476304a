/* SPDX-License-Identifier: MIT */
/*
 * Check tests of device memory objects (ukern/devmem.h) on the simulated
 * machine: a driver maps its device's window and reaches the device model
 * through the mapping with the ordinary user-memory accessors; an access
 * past the window, into another device or without the right fails; the
 * PCI-config call reaches the driver's own function and only its command
 * register is writable; interrupt controllers, RAM and windows shared with
 * another device never become objects.
 */
#include <check.h>

#include "suites.h"
#include <stdio.h>
#include <string.h>

#include <hwmodel/dev.h>
#include <hwmodel/machine.h>
#include <hwmodel/pci.h>
#include <sim/machine.h>
#include <ukern/devmem.h>
#include <ukern/user.h>

#define DEV_BASE(i) (0xc0000000ull + (uint64_t)(i) * 0x10000)
#define ALL (UK_RIGHT_READ | UK_RIGHT_WRITE | UK_RIGHT_MAP | UK_RIGHT_GRANT)
#define RW (UK_PROT_READ | UK_PROT_WRITE)

/* What the driver did, call by call. */
struct seen {
	uint32_t h0, h1;          /* dev0 (PCI 0:3.0), dev1 (a platform device, window 0x400) */
	long map, map_again, control0, control1, count, size0, size1;
	long past_end, past_window, other_dev, bad_handle, wrong_type;
	long ro_map_w, ro_map, ro_write, ro_read, nomap_map, exec_map;
	long protect, unmap, after_unmap, wide;
	long vendor, cfg_platform, cfg_bar, cfg_cmd, cfg_size, cfg_off, noread_cfg, cfg_wrong_type;
	long cfg_mmio_only;
	uint32_t h0_mmio; /* dev0 again, made without its PCI function (caps mmio(D)) */
	unsigned faults;
};

static unsigned fault_runs; /* the handler's runs (a test's own counter) */

static void on_fault(struct uk_user *u, uint64_t info)
{
	(void)u;
	(void)info; /* the accessor then returns UK_EFAULT */
	fault_runs++;
}

static void driver(struct uk_user *u, uint64_t arg)
{
	struct seen *s = (struct seen *)(uintptr_t)arg;
	uk_vaddr_t r0 = UK_DEVMEM_VA(0), r1 = UK_DEVMEM_VA(1), r2 = UK_DEVMEM_VA(2);
	int fh = (int)s->faults; /* the fault handler's program number, passed in */

	s->faults = 0;
	ck_assert_int_eq(uk_sys_thread_set_fault_handler(u, UK_HANDLE_THREAD_INITIAL, (unsigned)fh),
			 0);
	s->map = uk_devmem_map(u, s->h0, r0, RW);
	s->map_again = uk_devmem_map(u, s->h0, r0, RW);
	s->size0 = uk_devmem_size(u, s->h0);
	s->size1 = uk_devmem_size(u, s->h1);
	/* Registers through the mapping reach the device model. */
	uk_reg_write32(u, r0 + HW_SCRIPT_CONTROL, 0);
	s->control0 = uk_reg_read32(u, r0 + HW_SCRIPT_CONTROL);
	uk_reg_write32(u, r0 + HW_SCRIPT_CONTROL, 1);
	s->control1 = uk_reg_read32(u, r0 + HW_SCRIPT_CONTROL);
	s->count = uk_reg_read32(u, r0 + HW_SCRIPT_COUNT);
	/* Outside the window: the next page, which nothing maps. */
	s->past_end = uk_reg_read32(u, r0 + 0x1000);
	/* Another device: its window is not mapped here, and no handle of
	 * this process names it. */
	s->other_dev = uk_reg_read32(u, r2 + HW_SCRIPT_STATUS);
	s->bad_handle = uk_devmem_map(u, 0x7777, r2, RW);
	s->wrong_type = uk_devmem_map(u, UK_HANDLE_PROCESS_SELF, r2, RW);
	/* dev1's window is 0x400 long in a page of its own: the rest of the
	 * page decodes to nothing. */
	ck_assert_int_eq(uk_devmem_map(u, s->h1, r1, RW), 0);
	s->past_window = uk_reg_read32(u, r1 + 0x800);
	/* A 16-byte copy is no register access. */
	char wide[16];
	s->wide = uk_user_read(u, r0, wide, sizeof(wide));
	/* Rights. */
	long ro = uk_sys_handle_dup(u, s->h0, UK_RIGHT_READ | UK_RIGHT_MAP);
	long nomap = uk_sys_handle_dup(u, s->h0, UK_RIGHT_READ | UK_RIGHT_WRITE);
	long noread = uk_sys_handle_dup(u, s->h0, UK_RIGHT_MAP | UK_RIGHT_WRITE);
	ck_assert_int_gt(ro, 0);
	ck_assert_int_gt(nomap, 0);
	ck_assert_int_gt(noread, 0);
	s->ro_map_w = uk_devmem_map(u, (uint32_t)ro, r2, RW);
	s->ro_map = uk_devmem_map(u, (uint32_t)ro, r2, UK_PROT_READ);
	s->ro_write = uk_reg_write32(u, r2 + HW_SCRIPT_CONTROL, 0);
	s->ro_read = uk_reg_read32(u, r2 + HW_SCRIPT_CONTROL);
	s->nomap_map = uk_devmem_map(u, (uint32_t)nomap, UK_DEVMEM_VA(3), UK_PROT_READ);
	s->exec_map = uk_devmem_map(u, s->h0, UK_DEVMEM_VA(4), UK_PROT_READ | UK_PROT_EXEC);
	/* The mapping's rights came with the handle: no vm_protect on it. */
	s->protect = uk_sys_vm_protect(u, UK_HANDLE_PROCESS_SELF, r2, UK_PAGE_SIZE, RW);
	/* PCI configuration space: the own function only. */
	s->vendor = uk_pci_cfg_read(u, s->h0, HW_PCI_VENDOR, 2);
	s->cfg_platform = uk_pci_cfg_read(u, s->h1, HW_PCI_VENDOR, 2);
	s->cfg_bar = uk_pci_cfg_write(u, s->h0, HW_PCI_BAR0, 4, (uint32_t)HW_IOAPIC_BASE);
	s->cfg_cmd = uk_pci_cfg_write(u, s->h0, HW_PCI_COMMAND, 2, 0x6);
	s->cfg_size = uk_pci_cfg_read(u, s->h0, HW_PCI_VENDOR, 3);
	s->cfg_off = uk_pci_cfg_read(u, s->h0, 4096, 4);
	s->noread_cfg = uk_pci_cfg_read(u, (uint32_t)noread, HW_PCI_VENDOR, 2);
	s->cfg_wrong_type = uk_pci_cfg_read(u, UK_HANDLE_PROCESS_SELF, HW_PCI_VENDOR, 2);
	s->cfg_mmio_only = uk_pci_cfg_read(u, s->h0_mmio, HW_PCI_VENDOR, 2);
	/* Unmapped, the window is gone (and no frame was freed for it). */
	s->unmap = uk_sys_vm_unmap(u, UK_HANDLE_PROCESS_SELF, r0, UK_PAGE_SIZE);
	s->after_unmap = uk_reg_read32(u, r0 + HW_SCRIPT_CONTROL);
}


static struct sim_machine *machine(void)
{
	char err[256];
	struct sim_machine *sm;
	struct sim_machine_config cfg = {.cpus = 1, .plic_sources = 4};
	ck_assert_int_eq(sim_machine_create(&cfg, &sm, err, sizeof(err)), 0);
	struct hw_dev_desc d0 = {.kind = HW_DEV_SCRIPT, .name = "dev0", .pci = true, .slot = 3,
				 .mmio_base = DEV_BASE(0), .mmio_size = 0x1000,
				 .status_mode = HW_STATUS_W1C};
	struct hw_dev_desc d1 = {.kind = HW_DEV_HPET, .name = "dev1", .mmio_base = DEV_BASE(1),
				 .mmio_size = 0x400};
	struct hw_dev_desc d2 = {.kind = HW_DEV_SCRIPT, .name = "dev2", .mmio_base = DEV_BASE(2),
				 .mmio_size = 0x1000, .status_mode = HW_STATUS_W1C};
	ck_assert_int_ge(hw_machine_add_device(sm->hw, &d0, err, sizeof(err)), 0);
	ck_assert_int_ge(hw_machine_add_device(sm->hw, &d1, err, sizeof(err)), 0);
	ck_assert_int_ge(hw_machine_add_device(sm->hw, &d2, err, sizeof(err)), 0);
	return sm;
}

START_TEST(map_access_rights_pci)
{
	struct sim_machine *sm = machine();
	struct seen s = {0};
	int prog = uk_kernel_register_program(sm->k, "driver", driver);
	int fh = uk_kernel_register_program(sm->k, "on-fault", on_fault);
	ck_assert_int_ge(prog, 0);
	ck_assert_int_ge(fh, 0);
	struct uk_spawn sp = {.program = (unsigned)prog, .arg = (uint64_t)(uintptr_t)&s,
			      .prio = 100, .max_prio = 100, .name = "driver"};
	uint64_t tid;
	ck_assert_int_eq(uk_kernel_spawn(sm->k, &sp, &tid), 0);
	int h0 = uk_kernel_devmem_create(sm->k, tid, DEV_BASE(0), 0x1000, 3u << 3, ALL);
	int h1 = uk_kernel_devmem_create(sm->k, tid, DEV_BASE(1), 0x400, UK_DEVMEM_NO_PCI, ALL);
	ck_assert_int_gt(h0, 0);
	ck_assert_int_gt(h1, 0);
	int h0m = uk_kernel_devmem_create(sm->k, tid, DEV_BASE(0), 0x1000, UK_DEVMEM_NO_PCI, ALL);
	ck_assert_int_gt(h0m, 0);
	s.h0_mmio = (uint32_t)h0m;
	s.h0 = (uint32_t)h0;
	s.h1 = (uint32_t)h1;
	s.faults = (unsigned)fh;
	uint32_t bar_before = 0, vendor = 0;
	ck_assert_int_eq(hw_pci_cfg_read(sm->hw, 0, 3, 0, HW_PCI_BAR0, 4, &bar_before), 0);
	ck_assert_int_eq(hw_pci_cfg_read(sm->hw, 0, 3, 0, HW_PCI_VENDOR, 2, &vendor), 0);
	sim_machine_run(sm);

	ck_assert_int_eq(s.map, 0);
	ck_assert_int_eq(s.map_again, UK_EEXIST);
	ck_assert_int_eq(s.size0, 0x1000);
	ck_assert_int_eq(s.size1, 0x400);
	ck_assert_int_eq(s.control0, 0);
	ck_assert_int_eq(s.control1, 1);
	ck_assert_int_eq(s.count, 0);
	ck_assert_int_eq(s.past_end, UK_EFAULT);
	ck_assert_int_eq(s.past_window, UK_EFAULT);
	ck_assert_int_eq(s.wide, UK_EFAULT);
	ck_assert_int_eq(s.other_dev, UK_EFAULT);
	ck_assert_int_eq(s.bad_handle, UK_EBADH);
	ck_assert_int_eq(s.wrong_type, UK_EBADH);
	ck_assert_int_eq(s.ro_map_w, UK_EPERM);
	ck_assert_int_eq(s.ro_map, 0);
	ck_assert_int_eq(s.ro_write, UK_EFAULT);
	ck_assert_int_eq(s.ro_read, 1); /* the read-only view still reads dev0 */
	ck_assert_int_eq(s.nomap_map, UK_EPERM);
	ck_assert_int_eq(s.exec_map, UK_EINVAL);
	ck_assert_int_eq(s.protect, UK_EPERM);
	ck_assert_int_eq(s.vendor, (long)vendor);
	ck_assert_int_eq(s.cfg_platform, UK_ENOENT);
	ck_assert_int_eq(s.cfg_bar, UK_EPERM);
	ck_assert_int_eq(s.cfg_cmd, 0);
	ck_assert_int_eq(s.cfg_size, UK_EINVAL);
	ck_assert_int_eq(s.cfg_off, UK_EINVAL);
	ck_assert_int_eq(s.noread_cfg, UK_EPERM);
	ck_assert_int_eq(s.cfg_wrong_type, UK_EBADH);
	ck_assert_int_eq(s.cfg_mmio_only, UK_ENOENT);
	ck_assert_int_eq(s.unmap, 0);
	ck_assert_int_eq(s.after_unmap, UK_EFAULT);
	/* Each bad access went to the fault handler, as a bad pointer would:
	 * past_end, other_dev, past_window, wide, ro_write, after_unmap. */
	ck_assert_uint_eq(fault_runs, 6);
	/* The BAR did not move; the command register did change. */
	uint32_t bar_after = 0, cmd = 0;
	ck_assert_int_eq(hw_pci_cfg_read(sm->hw, 0, 3, 0, HW_PCI_BAR0, 4, &bar_after), 0);
	ck_assert_uint_eq(bar_after, bar_before);
	ck_assert_int_eq(hw_pci_cfg_read(sm->hw, 0, 3, 0, HW_PCI_COMMAND, 2, &cmd), 0);
	ck_assert_uint_eq(cmd & 0x6, 0x6);
	sim_machine_destroy(sm);
}
END_TEST

/* Only one device's window, alone in its pages, becomes an object. */
START_TEST(never_grantable)
{
	struct sim_machine *sm = machine();
	int prog = uk_kernel_register_program(sm->k, "driver", on_fault);
	struct uk_spawn sp = {.program = (unsigned)prog, .prio = 100, .max_prio = 100};
	uint64_t tid;
	ck_assert_int_eq(uk_kernel_spawn(sm->k, &sp, &tid), 0);
	const struct { uint64_t base, size; } no[] = {
		{HW_IOAPIC_BASE, 0x1000},                  /* IOAPIC */
		{HW_LAPIC_BASE, 0x1000},                   /* LAPIC, MSI doorbells */
		{HW_PLIC_BASE, 0x1000},                    /* PLIC priorities */
		{HW_PLIC_BASE + 0x2000, 0x1000},           /* PLIC enables */
		{0x100000, 0x1000},                        /* RAM */
		{DEV_BASE(0), 0x20000},                    /* dev0 and dev1 */
		{DEV_BASE(0) + 0x1000, 0x1000},            /* nothing there */
		{DEV_BASE(3), 0x1000},                     /* no device */
	};
	for (unsigned i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		ck_assert_msg(uk_kernel_devmem_create(sm->k, tid, no[i].base, no[i].size,
						      UK_DEVMEM_NO_PCI, ALL) == UK_EPERM,
			      "0x%llx + 0x%llx was granted", (unsigned long long)no[i].base,
			      (unsigned long long)no[i].size);
	ck_assert_int_eq(uk_kernel_devmem_create(sm->k, tid, DEV_BASE(0) + 8, 8, UK_DEVMEM_NO_PCI,
						 ALL),
			 UK_EINVAL); /* not page-aligned */
	ck_assert_int_eq(uk_kernel_devmem_create(sm->k, tid, DEV_BASE(0), 0x1000, UK_DEVMEM_NO_PCI,
						 1u << 7),
			 UK_EINVAL); /* a right device memory has no use for */
	ck_assert_int_eq(uk_kernel_devmem_create(sm->k, 999999, DEV_BASE(0), 0x1000,
						 UK_DEVMEM_NO_PCI, ALL),
			 UK_ESRCH);
	ck_assert_int_gt(uk_kernel_devmem_create(sm->k, tid, DEV_BASE(2), 0x1000, UK_DEVMEM_NO_PCI,
						 ALL),
			 0);
	sim_machine_destroy(sm);
}
END_TEST

int main(void)
{
	SRunner *sr = srunner_create(NULL);
	SIM_SUITE(sr, "devmem", 60, map_access_rights_pci, never_grantable);
	return sim_run_suites(sr);
}
