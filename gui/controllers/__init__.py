"""Controllers hold the window's behaviour, one area each; main_window.py only assembles them.

Each controller gets the window, connects the panels it needs and may add its own menu with
`install_menu(menu_bar)`, so a feature lives in one file and the window stays a list of parts.
"""
