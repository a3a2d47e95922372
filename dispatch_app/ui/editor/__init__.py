"""The lead tech's environment editor (issue 7, item 1): see :mod:`.window`."""
from dispatch_app.ui.editor.window import EditorWindow

__all__ = ["EditorWindow"]
