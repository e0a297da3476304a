/* SPDX-License-Identifier: MIT */
/*
 * Trace exporters and names.
 *
 *   Chrome/Perfetto trace-event JSON (open in ui.perfetto.dev or
 *   chrome://tracing): one track per CPU with the threads it ran and the
 *   interrupts it took, IRQ service episodes as async slices per pin, IPC
 *   calls as flows from caller to server, and counters (interrupt lines,
 *   threads ready to run).
 *
 *   VCD (GTKWave): per interrupt pin its line level, mask bit, remote IRR
 *   and in-service flag, and each sink's sequence number.
 *
 * Both read the records of a run's struct sim_trace (kept with a
 * trace_limit). Records are ordered by virtual time first (CPUs' clocks
 * interleave), stably, so equal times keep their order of emission.
 */
#ifndef SIM_EXPORT_H
#define SIM_EXPORT_H

#include <stdio.h>

#include <sim/trace.h>

/* A short name for a trace kind ("irq.begin", "hw.line", "core.switch"),
 * or NULL for a kind nobody named. */
const char *sim_trace_kind_name(uint16_t kind);

/* One line in plain words for a record (for stories and logs). */
void sim_trace_describe(const struct sim_trace_rec *r, char *buf, size_t len);

/* Write the trace. Return 0, or -1 with errno set when writing fails. */
int sim_export_chrome(const struct sim_trace *t, unsigned ncpus, const char *title, FILE *out);
int sim_export_vcd(const struct sim_trace *t, const char *title, FILE *out);

/* Write `s` (NULL: "") as a JSON string, with its quotes. The result is
 * always valid UTF-8: a byte that does not start a well-formed UTF-8
 * sequence is written as \ufffd (U+FFFD); control characters are escaped.
 * Every JSON writer of sim and uksim uses it. */
void sim_json_string(FILE *f, const char *s);

/* The records sorted by time (stable); caller frees. NULL when empty or out
 * of memory (with *n = 0). */
struct sim_trace_rec *sim_trace_sorted(const struct sim_trace *t, size_t *n);

#endif /* SIM_EXPORT_H */
