"""The manager's review window (issue 7, item 4)."""
from dispatch_app.ui.review.window import ReviewWindow

__all__ = ["ReviewWindow"]
