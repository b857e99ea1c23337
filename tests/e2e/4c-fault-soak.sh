#!/bin/bash
# The fault soak, short: bench/soak with one cycle (SOAK_CYCLES) of its six
# faults under the daemon (ssh and pppd killed, a blackhole, sshd restarted, a move to the
# other uplink, reload with a changed route): the link is up and carries a ping after each;
# down and SIGTERM leave nothing. (The descriptors and RSS are compared from the first
# cycle to the last: with more than one cycle, as `make soak` runs it.)
SOAK_CYCLES=${SOAK_CYCLES:-1} SOAK_FAULTS=${SOAK_FAULTS:-ssh pppd blackhole sshd move reload} \
	exec bash bench/soak --in-testbed "$@"
