"""New from template…: a dialog of starting models; loading one is a single undo step that replaces
the stack and the compile options, and picks the template's data set when this machine has it.

A text template keeps a text set the user already chose (their own sentences are the point) and
otherwise picks its own; its vocabulary, sequence length and classes come from that set."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QVBoxLayout

from gui.stack import commands
from gui.stack.templates import ALL_TEMPLATES, Template, matching_dataset


class TemplateDialog(QDialog):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("templateDialog")
        self.setWindowTitle("New from template")
        self.list = QListWidget(objectName="templateList")
        self.list.addItems([t.title for t in ALL_TEMPLATES])
        self.description = QLabel(wordWrap=True, objectName="templateDescription")
        self.description.setMinimumHeight(70)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Load")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Replace the model with a starting point (Undo brings yours back):"))
        layout.addWidget(self.list)
        layout.addWidget(self.description)
        layout.addWidget(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.list.currentRowChanged.connect(self._describe)
        self.list.itemDoubleClicked.connect(self.accept)
        self.list.setCurrentRow(0)

    def _describe(self, row: int) -> None:
        template = ALL_TEMPLATES[row]
        layers = " → ".join(name for name, _ in template.layers)
        data = f"{template.dataset} or another text set" if template.for_text else template.dataset
        self.description.setText(f"{template.description}\n\n{layers}\nData: {data}, "
                                 f"optimizer: {template.optimizer}")

    def chosen(self) -> Template:
        return ALL_TEMPLATES[max(0, self.list.currentRow())]


class TemplateController:
    # The File menu is the natural home, but its entries are pinned by the File menu's own test;
    # until that is settled the action lives in a Model menu of its own.
    in_file_menu = False

    def __init__(self, window) -> None:
        self.window = window
        self.action = QAction("New from &template…", window, shortcut=QKeySequence("Ctrl+Shift+N"))
        self.action.setObjectName("newFromTemplateAction")
        self.action.setToolTip("Start from a model of the Keras tutorials (MLP, LeNet CNN, CIFAR CNN, "
                               "text classifiers).")
        self.action.triggered.connect(self.choose)

    def install_menu(self, menu_bar) -> None:
        """Into the File menu after "New" (with in_file_menu and a File menu), else a Model menu."""
        file_menu = next((a.menu() for a in menu_bar.actions() if self.in_file_menu
                          and a.menu() and a.text().replace("&", "") == "File"), None)
        if file_menu is None:
            menu = menu_bar.addMenu("Mo&del")
            menu.addAction(self.action)
            return
        entries = file_menu.actions()
        file_menu.insertAction(entries[1] if len(entries) > 1 else None, self.action)

    def choose(self) -> None:
        dialog = TemplateDialog(self.window)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.load(dialog.chosen())

    def load(self, template: Template) -> None:
        note = self._select_dataset(template)
        window = self.window
        window.undo_stack.push(commands.CompositeCommand(f"Load template {template.title}", [
            commands.ResetStackCommand(window.stack, template.specs(window.data_panel.dataset), ""),
            commands.ChangeCompileOptionsCommand(window.compile_panel.model, template.compile_state(), "")]))
        window.stack_controller.select_row(0)
        message = f"Loaded the template {template.title}. Undo (Ctrl+Z) brings your model back."
        window.statusBar().showMessage(f"{message} {note}".strip(), 15000)

    def _select_dataset(self, template: Template) -> str:
        """Choose the template's data in the data panel; a note when this machine lacks it."""
        panel = self.window.data_panel
        if template.for_text and panel.dataset is not None and panel.dataset.is_text:
            return f"Sized for {panel.dataset.name}."
        names = [panel.combo.itemText(i) for i in range(panel.combo.count())]
        name = matching_dataset(template, names)
        if name is not None:
            panel.combo.setCurrentText(name)
        if template.for_text and (panel.dataset is None or not panel.dataset.is_text):
            return (f"Note: it is made for text, and {template.dataset} is not available here: "
                    "choose a text set in the Data panel, then load the template again so its "
                    "sizes fit that set.")
        if name is None:
            shape = "×".join(map(str, template.input_shape))
            return (f"Note: it is made for {template.dataset} ({shape} inputs), which is not "
                    "available here; choose data of that shape in the Data panel.")
        return ""
