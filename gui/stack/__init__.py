"""The layer stack the user builds: specs, the Qt model over them, undo commands, validation."""
