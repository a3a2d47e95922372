"""Runbooks that stay true (issue 7, item 2): the lead's care window (:mod:`.window`) and the
dispatcher's stale marks (:mod:`.stale_marks`). Nothing is imported here, so the console's
start loads only the marks."""
