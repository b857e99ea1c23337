#!/bin/bash
# (issue 23, 5) The fault soak, short: bench/soak with two cycles (SOAK_CYCLES) of its six
# faults under the daemon (ssh and pppd killed, a blackhole, sshd restarted, a move to the
# other uplink and back, reload with a changed route): the link is up and carries a ping
# after each; afterwards the daemon's descriptors are those after the first cycle, its RSS
# grew by at most SOAK_RSS_KIB, and down and SIGTERM leave nothing.
SOAK_CYCLES=${SOAK_CYCLES:-2} exec bash bench/soak --in-testbed "$@"
