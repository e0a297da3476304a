/* SPDX-License-Identifier: MIT */
#include <ukern/err.h>

/* Fixed-width names, not pointers: the table needs no relocation, so it
 * stays in read-only data even in position-independent builds. */
static const char err_names[][16] = {
	"UK_OK",      "UK_EINVAL",   "UK_ENOMEM",  "UK_EPERM",    "UK_EBADH",
	"UK_EFAULT",  "UK_EAGAIN",   "UK_ESTALE",  "UK_EFUTURE",  "UK_EBUSY",
	"UK_EDEADLK", "UK_ENOENT",   "UK_ESRCH",   "UK_ETIMEDOUT", "UK_ENOSYS",
	"UK_ERANGE",  "UK_EEXIST",   "UK_EALREADY", "UK_EOVERRUN", "UK_EKILLED",
};

const char *uk_err_name(int err)
{
	unsigned idx = (unsigned)(-err);
	if (err > 0 || idx >= sizeof(err_names) / sizeof(err_names[0]))
		return "UK_E?";
	return err_names[idx];
}
