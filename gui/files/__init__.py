"""Model files, crash recovery and recent files: the parts of the File menu that are not widgets."""
