/* SPDX-License-Identifier: MIT */
/*
 * Example IPC programs (sim/programs/), registered so scenarios and tests can
 * run them. Each is `void prog(struct uk_user *u, uint64_t arg)` with `arg`
 * a pointer to its config struct, which the platform fills (handles given
 * with uk_kernel_ipc_endpoint / uk_kernel_give_handle) before the run and
 * the programs fill with results.
 *
 * They are kernel programs, not scenario programs (sim/programs.h): only
 * the host code that registers them can start them, and it owns the config
 * on both sides of the run (tests/sim/test_ipc.c reads the results back).
 * No scenario or plug-in can name them, so the pointer they take is never
 * one a program made; they keep that form (docs/running.md, section 7).
 */
#ifndef SIM_PROGRAMS_IPC_H
#define SIM_PROGRAMS_IPC_H

#include <stdint.h>

#include <ukern/ipc.h>

/* ---- ipc_vfs.c: open("/a/long/path/...") through a VFS and an FS server ----
 *
 * The client writes a path of `path_len` bytes at `path_va` in its own memory
 * (mapped lazily, so its pages are demand-zero until written) and calls
 * OPEN on the VFS endpoint. The VFS server copies the path out of the client
 * with uk_xfer (physmap/window) or, on a grant endpoint, through a grant the
 * client passes in the message; then it validates its own copy (never the
 * client's memory again: double-fetch safe), forwards a lookup to the FS
 * server and replies with the file descriptor the FS server chose. */
#define IPC_VFS_OPEN 1u
#define IPC_VFS_LOOKUP 2u
#define IPC_VFS_MAX_PATH 4096u
#define IPC_VFS_BUF_VA 0x20000000ull /* the VFS server's own path buffer */

struct ipc_vfs_config {
	/* set by the platform */
	uint32_t client_ep;   /* in the client: send right to the VFS endpoint */
	uint32_t vfs_ep;      /* in the VFS server: receive right */
	uint32_t vfs_fs_ep;   /* in the VFS server: send right to the FS endpoint */
	uint32_t fs_ep;       /* in the FS server: receive right */
	unsigned strategy;    /* of the VFS endpoint: UK_XFER_PHYSMAP, _WINDOW or _GRANT */
	uint64_t path_va;     /* where the client places the path */
	uint64_t path_len;    /* 1 .. IPC_VFS_MAX_PATH - 1 */
	unsigned opens;       /* open() calls the client makes (servers serve as many) */
	/* results */
	long client_rc;       /* last call's result */
	long fd;              /* last fd returned */
	long xfer_rc;         /* last transfer's result in the VFS server */
	unsigned served, rejected;
	uint64_t path_hash;   /* FNV-1a of the path the FS server was asked for */
};
void ipc_vfs_client(struct uk_user *u, uint64_t arg);
void ipc_vfs_server(struct uk_user *u, uint64_t arg);
void ipc_fs_server(struct uk_user *u, uint64_t arg);
/* The path the client writes (deterministic, "/a/long/path/..."). */
void ipc_vfs_make_path(char *buf, uint64_t len);

/* ---- ipc_pci.c: a PCI configuration server, a high- and a low-priority
 * driver and medium-priority load (the Mars Pathfinder shape) ----
 *
 * The server (low base priority) serves config-space reads; each read takes
 * `service_ns` of its computation. The low driver calls first; while it is
 * served, the load threads (priority between the drivers) become runnable,
 * and the high driver calls. With PI over calls the server runs at the
 * priority of its highest caller and the high driver's latency stays near
 * two service times; without it the load delays the server. */
#define IPC_PCI_READ 1u

struct ipc_pci_config {
	uint32_t server_ep;   /* in the server: receive right */
	uint32_t low_ep;      /* in the low driver: send right (badge 1) */
	uint32_t high_ep;     /* in the high driver: send right (badge 2) */
	unsigned reads;       /* reads per driver */
	uint64_t service_ns;  /* server computation per read */
	uint64_t load_ns;     /* computation of each load thread */
	uint64_t high_delay_ns; /* the high driver starts after this */
	/* results */
	uint64_t high_latency_max_ns, low_latency_max_ns;
	unsigned served, served_high;
	long last_rc;
};
void ipc_pci_server(struct uk_user *u, uint64_t arg);
void ipc_pci_driver_low(struct uk_user *u, uint64_t arg);
void ipc_pci_driver_high(struct uk_user *u, uint64_t arg);
void ipc_pci_load(struct uk_user *u, uint64_t arg);

#endif /* SIM_PROGRAMS_IPC_H */
