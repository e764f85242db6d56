"""Setup shared by every test folder."""

import os

# load_data() downloads a missing data set, as Keras does. No test may reach the internet: with
# this set, a missing set raises DatasetNotFoundError instead (download tests use 127.0.0.1).
os.environ["HORNBOOK_OFFLINE"] = "1"
