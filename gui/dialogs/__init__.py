"""Dialogs; each is shown through `migready.gui.interaction`, never by the core or a worker."""
