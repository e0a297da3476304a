/* SPDX-License-Identifier: MIT */
/*
 * IPC programs (VFS client and servers, the PCI server and its drivers).
 * Until the IPC system calls are in the kernel they refuse to run: each
 * notes a rejection and exits, so a scenario using them fails visibly
 * instead of passing vacuously.
 */
#include "rt_int.h"

static void not_yet(struct sim_prog_ctx *c)
{
	sim_prog_note(c, SIM_NOTE_REJECTED, -1, 0);
}

void rt_prog_vfs_client(struct uk_user *u, struct sim_prog_ctx *c) { (void)u; not_yet(c); }
void rt_prog_vfs_server(struct uk_user *u, struct sim_prog_ctx *c) { (void)u; not_yet(c); }
void rt_prog_fs_server(struct uk_user *u, struct sim_prog_ctx *c) { (void)u; not_yet(c); }
void rt_prog_pci_server(struct uk_user *u, struct sim_prog_ctx *c) { (void)u; not_yet(c); }
void rt_prog_pci_driver(struct uk_user *u, struct sim_prog_ctx *c) { (void)u; not_yet(c); }
