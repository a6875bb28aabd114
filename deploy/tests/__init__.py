"""Tests of the deployment as deploy/ describes it, run outside pytest (`make cluster-test`)."""
