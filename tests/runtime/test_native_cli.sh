#!/bin/sh
# SPDX-License-Identifier: MIT
# `native-driver`: resolves to the driver the line's IRQ model names (the
# machine's model, or a line block's), and says why not, at the program's
# file:line:col with exit 2, when the device has no line, the model names
# no driver, or the driver is not registered.
# Usage: test_native_cli.sh UKSIM
set -u
UKSIM=$1
. "$(dirname "$0")/cli_lib.sh"

# scenario FILE MACHINE-LINE EXTRA-LINE: one level device, a native driver.
scenario() {
	cat >"$tmp/$1" <<EOS
machine { cpus 1 $2 }
device nic0 { kind scripted; irq ioapic 9 level high; status write-1-to-clear }
device quiet { kind scripted }
$3
timeline { at 10us assert nic0 }
expect { handled nic0 at least 1 }
process drv { thread main program native-driver(device = $4, work = 1us) prio 100; caps irq(nic0), mmio(nic0) }
EOS
}

# The sequence protocol's native driver is irq-driver: the run handles nic0.
scenario ok.uks "" "" nic0
expect 0 "managarm: native-driver runs irq-driver" -- "$UKSIM" run "$tmp/ok.uks"
expect 0 "check accepts native-driver" -- "$UKSIM" check "$tmp/ok.uks"

# A device with no interrupt line.
scenario noline.uks "" "" quiet
expect 2 "a device with no line" -- "$UKSIM" run "$tmp/noline.uks"
contains err "noline.uks:7:35: error: native-driver: device 'quiet' has no interrupt line" \
	"no-line error at the program's position"
expect 2 "check: a device with no line" -- "$UKSIM" check "$tmp/noline.uks"
contains err "has no interrupt line" "check says it too"

# A model that names no native driver (the known-bad msi-no-retry design),
# by the machine and by a line block: the line's model wins.
scenario none.uks "irq-model msi-no-retry" "" nic0
expect 2 "a model with no native driver" -- "$UKSIM" run "$tmp/none.uks"
contains err "native-driver: IRQ model 'msi-no-retry' names no native driver" "no-driver error"
scenario line.uks "irq-model msi-no-retry" "line ioapic 9 { model managarm }" nic0
expect 0 "the line block's model decides" -- "$UKSIM" run "$tmp/line.uks"
scenario line2.uks "" "line ioapic 9 { model msi-no-retry }" nic0
expect 2 "a line block's model with no driver" -- "$UKSIM" run "$tmp/line2.uks"
contains err "IRQ model 'msi-no-retry' names no native driver" "line block's model named"

echo "$fails failed"
[ "$fails" -eq 0 ]
