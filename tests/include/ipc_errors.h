/* SPDX-License-Identifier: MIT */
/*
 * The errors ukern/ipc.h documents for each IPC call, as a bit set (E(err)),
 * for the random-syscall tests of the core and of IPC: one table, so the
 * two cannot drift apart.
 */
#ifndef TESTS_IPC_ERRORS_H
#define TESTS_IPC_ERRORS_H

#include <stdint.h>
#include <ukern/err.h>
#include <ukern/ipc.h>

#ifndef E
#define E(x) (1u << (unsigned)(-(x)))
#endif

/* The errors ukern/ipc.h documents for each call (plus EKILLED). */
static inline uint32_t ipc_allowed(unsigned nr)
{
	uint32_t recv = E(UK_EBADH) | E(UK_EPERM) | E(UK_EBUSY) | E(UK_ERANGE) | E(UK_EFAULT) |
			E(UK_ENOMEM);
	uint32_t reply = E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL) | E(UK_EALREADY) | E(UK_ESRCH) |
			 E(UK_ENOENT);
	switch (nr) {
	case UK_SYS_EP_CREATE: return E(UK_EINVAL) | E(UK_ENOMEM);
	case UK_SYS_EP_MINT: return E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL) | E(UK_EBUSY) | E(UK_ENOMEM);
	case UK_SYS_CALL:
		return E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL) | E(UK_ERANGE) | E(UK_EDEADLK) |
		       E(UK_ESRCH) | E(UK_EFAULT) | E(UK_ENOMEM);
	case UK_SYS_RECV: return recv;
	case UK_SYS_REPLY: return reply;
	case UK_SYS_REPLY_RECV: return recv | reply;
	case UK_SYS_REPLY_CREATE:
	case UK_SYS_NTFN_CREATE: return E(UK_ENOMEM);
	case UK_SYS_NTFN_SIGNAL: return E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL);
	case UK_SYS_NTFN_WAIT:
	case UK_SYS_NTFN_POLL: return E(UK_EBADH) | E(UK_EPERM);
	case UK_SYS_XFER:
		return reply | E(UK_ERANGE) | E(UK_EFAULT) | E(UK_ENOMEM);
	case UK_SYS_GRANT_CREATE: return E(UK_EINVAL) | E(UK_ERANGE) | E(UK_ENOMEM);
	case UK_SYS_GRANT_REVOKE: return E(UK_EBADH) | E(UK_EPERM) | E(UK_EALREADY);
	case UK_SYS_XFER_GRANT:
		return E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL) | E(UK_ESTALE) | E(UK_ERANGE) |
		       E(UK_ESRCH) | E(UK_EFAULT);
	case UK_SYS_NTFN_BIND_IRQ: return E(UK_EBADH) | E(UK_EPERM) | E(UK_EINVAL);
	default: return E(UK_ENOSYS);
	}
}

#endif /* TESTS_IPC_ERRORS_H */
