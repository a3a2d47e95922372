"""The console's controllers: each owns one concern of the main window and its commands.

The window (:mod:`dispatch_app.ui.main_window`) lays out the panes and hosts the controllers;
app.py builds each with the widgets and services it needs. Controllers talk to each other only
through :class:`dispatch_app.ui.events.AppEvents` and read the shared :class:`~.desk.Desk`;
none imports another's module. The commands they handle are declared in :mod:`.command_table`.
"""
