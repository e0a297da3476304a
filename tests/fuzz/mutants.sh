#!/bin/sh
# SPDX-License-Identifier: MIT
# Break one invariant at a time in a copy of libukern/irq/ and show which
# tests notice: the seven cmocka programs and 20,000 random fuzz inputs.
# Usage: tests/fuzz/mutants.sh   (from the repository root; needs gcc, cmocka)
set -u
root=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# name|file|sed expression
mutants='
I1 ACK does not count down owed answers|sink.c|/^static void sink_ack_locked/,/^}/{/pin->owed--;/d}
I2 episode end keeps sinks indefinite|pin.c|/Those who still owe/,/^\t}$/{/s->indefinite = false;/d;/pin->owed--;/d}
I3 handled episode forgets to unmask|pin.c|s/^\tirq_mask_set(pin, UK_IRQ_MASK_SERVICE | UK_IRQ_MASK_STALL, false, now);/\tpin->mask \&= 0;/
I6 stall arms no retry|stall.c|s/^\tpin->retry_ns = now + delay;/\tpin->retry_ns = UK_IRQ_NEVER;/
I8 mask written to the view only|chip.c|s/^\t\tpin->chip->ops->mask(pin->chip->ctx, pin, after);/\t\t;/
I9 sequence skips a number|pin.c|s/^\t\ts->seq++;/\t\ts->seq += 1 + (s->seq == 2);/
I10 raise without EOI|pin.c|/uk_irq_pin_raise(struct/,/^}/{/irq_eoi(pin, now_ns);/d}
I5 buffered raise never cleared|pin.c|s/^\tpin->buffered = false;/\t;/
'
printf '%s\n' "$mutants" | while IFS='|' read -r name file expr; do
	[ -z "$name" ] && continue
	rm -rf "$tmp/lib" && mkdir -p "$tmp/lib" && cp -r libukern/include libukern/lib "$tmp/lib/" &&
		cp -r libukern/irq "$tmp/lib/irq"
	sed -i "$expr" "$tmp/lib/irq/$file"
	if cmp -s "libukern/irq/$file" "$tmp/lib/irq/$file"; then
		echo "$name: MUTATION DID NOT APPLY"
		continue
	fi
	failed=""
	for t in protocol stall timeout invariants liveness models races; do
		gcc -std=gnu11 -O1 -DUK_CHECKING=1 -I"$tmp/lib/include" -I"$tmp/lib" \
			tests/unit/irq/test_$t.c tests/unit/irq/irq_fake.c "$tmp"/lib/irq/*.c \
			-lcmocka -o "$tmp/t" 2>/dev/null || { failed="$failed build"; break; }
		timeout 60 "$tmp/t" >/dev/null 2>&1 || failed="$failed irq-$t"
	done
	gcc -std=gnu11 -O1 -DUK_CHECKING=1 -I"$tmp/lib/include" -I"$tmp/lib" -Itests/fuzz \
		tests/fuzz/fuzz_irq.c tests/fuzz/irq_hw.c tests/fuzz/ref_managarm.c tests/fuzz/replay_irq.c \
		"$tmp"/lib/irq/*.c -o "$tmp/r" 2>/dev/null &&
		{ timeout 60 "$tmp/r" --random 20000 --seed 7 >/dev/null 2>&1 || failed="$failed irq-fuzz-random"; }
	echo "$name: caught by:${failed:- NOTHING}"
done
