import sys

from sosgen.cli import main

sys.exit(main())
