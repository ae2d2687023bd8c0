import sys

from opus_tui.cli import main

sys.exit(main())
