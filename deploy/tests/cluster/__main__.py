"""`python -m deploy.tests.cluster` (`make cluster-test`): see deploy/tests/cluster/run.py."""

import sys

from deploy.tests.cluster.run import main

sys.exit(main())
