"""Test only, on the PYTHONPATH of an app process the browser journey starts: the server's clock runs
``JUDGING_TEST_DAYS_LATER`` days ahead, as a server started after the objection window would see it.

Nothing in the package reads this variable; the journey needs a later day and the app has no date to type.
"""

import os
from datetime import timedelta

_DAYS = int(os.environ.get("JUDGING_TEST_DAYS_LATER", "0") or 0)
if _DAYS:
    from judging.store import publication as _publication

    _real_today = _publication.today
    _publication.today = lambda: _real_today() + timedelta(days=_DAYS)
