/* SPDX-License-Identifier: MIT */
/*
 * Error values returned by libukern.
 *
 * Every failure a user program or a scenario can cause is reported as one of
 * these, never as an abort. Calls return 0 (UK_OK) or a negative uk_err.
 * New codes go at the end so that recorded traces keep their meaning.
 */
#ifndef UKERN_ERR_H
#define UKERN_ERR_H

enum uk_err {
	UK_OK = 0,
	UK_EINVAL = -1,    /* an argument is out of range or malformed */
	UK_ENOMEM = -2,    /* out of frames, objects or handle slots */
	UK_EPERM = -3,     /* the handle lacks a right the call needs */
	UK_EBADH = -4,     /* no such handle, or a handle of the wrong type */
	UK_EFAULT = -5,    /* a user pointer is not mapped with the access needed */
	UK_EAGAIN = -6,    /* nothing to take now; try again (polling calls) */
	UK_ESTALE = -7,    /* a sequence number or object generation is old */
	UK_EFUTURE = -8,   /* a sequence number is newer than any issued */
	UK_EBUSY = -9,     /* the object is in a state that forbids the call */
	UK_EDEADLK = -10,  /* the call would close a cycle of waiters */
	UK_ENOENT = -11,   /* no such object, name or mapping */
	UK_ESRCH = -12,    /* the peer (caller, owner) is gone */
	UK_ETIMEDOUT = -13,/* a deadline passed */
	UK_ENOSYS = -14,   /* no such call, or not built in this configuration */
	UK_ERANGE = -15,   /* a length or address range crosses a boundary */
	UK_EEXIST = -16,   /* the object or mapping already exists */
	UK_EALREADY = -17, /* the answer was already given (reply, ACK) */
	UK_EOVERRUN = -18, /* a declared budget was exceeded */
	UK_EKILLED = -19,  /* the calling thread was killed while it waited */
};

/* A short constant name for an error value ("UK_EPERM"), or "UK_E?" if unknown. */
const char *uk_err_name(int err);

#endif /* UKERN_ERR_H */
