import sys

from oncocsr.cli import main

sys.exit(main())
