#!/bin/sh
# SPDX-License-Identifier: MIT
# Mutation testing of libukern and hwmodel: scripts/mutate.sh --help,
# docs/testing.md ("Mutation testing"). The engine is scripts/mutate.py.
exec python3 "$(dirname "$0")/mutate.py" "$@"
