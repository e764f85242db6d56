"""The main window: assembles the panels, menus and shortcuts, and routes their signals."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QDockWidget,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gui.controllers.builder_controller import BuilderController
from gui.controllers.data_controller import DataController
from gui.controllers.evaluation_controller import EvaluationController
from gui.controllers.file_controller import FileController
from gui.controllers.stack_controller import StackController
from gui.controllers.template_controller import TemplateController
from gui.controllers.training_controller import TrainingController
from gui.panels.code_pane import CodePane
from gui.panels.compile_panel import CompilePanel
from gui.panels.data_panel import DataPanel
from gui.panels.evaluation_panel import EvaluationPanel
from gui.panels.inspector import LayerInspector
from gui.panels.palette import LayerPalette
from gui.panels.predict_panel import PredictPanel
from gui.panels.stack_view import LayerStackView
from gui.panels.summary_panel import SummaryPanel
from gui.panels.training_panel import TrainingPanel
from gui.panels.vertical_scroll_area import VerticalScrollArea
from gui.stack.layer_spec import LayerSpec
from gui.stack.stack_model import LayerStackModel

DEFAULT_STACK = [LayerSpec("Flatten"), LayerSpec("Dense", {"units": 64, "activation": "relu"}),
                 LayerSpec("Dense", {"units": 10, "activation": "softmax"})]


class MainWindow(QMainWindow):
    def __init__(self, data_sources=None, pretrained=None) -> None:
        super().__init__()
        self.setWindowTitle("Hornbook")
        self.resize(1360, 820)
        self.undo_stack = QUndoStack(self)
        self.stack = LayerStackModel([s.copy() for s in DEFAULT_STACK], self)
        self.palette_panel = LayerPalette()
        self.stack_view = LayerStackView()
        self.stack_view.setModel(self.stack)
        self.inspector = LayerInspector()
        self.summary = SummaryPanel(self.stack)
        self.code_pane = CodePane()
        self.compile_panel = CompilePanel()
        self.data_panel = DataPanel(data_sources)
        self.training = TrainingPanel()
        self.evaluation = EvaluationPanel()
        self.predict = PredictPanel()
        self._layout()
        self.training_controller = TrainingController(self)
        self.evaluation_controller = EvaluationController(self)
        self.stack_controller = StackController(self)
        self.builder_controller = BuilderController(self)
        self.template_controller = TemplateController(self)
        self.file_controller = FileController(self)
        self.data_controller = DataController(self)
        self._menus()
        self.file_controller.restore_session()
        self.data_panel.datasetChanged.connect(self._on_dataset)
        self.data_panel.failed.connect(self.show_error)
        self.data_panel.load_current()
        self.predict.set_model(pretrained)
        self.training_controller.update_enabled()

    # --- assembly ---------------------------------------------------------------------------
    def _layout(self) -> None:
        builder = QSplitter(Qt.Orientation.Horizontal)
        builder.addWidget(self.stack_view)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.inspector)
        self.builder_tabs = QTabWidget(objectName="builderTabs")
        self.builder_tabs.addTab(self.summary, "&Summary")
        self.builder_tabs.addTab(self.code_pane, "&Keras code")
        right.addWidget(self.builder_tabs)
        builder.addWidget(right)
        builder.setSizes([520, 420])
        self.tabs = QTabWidget(objectName="mainTabs")
        self.tabs.addTab(builder, "&Model")
        self.tabs.addTab(self.training, "Tra&ining")
        self.tabs.addTab(self.evaluation, "Evaluatio&n")
        self.tabs.addTab(self.predict, "&Predict")
        self.setCentralWidget(self.tabs)
        self._dock("Layers", self.palette_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        side = QWidget()
        column = QVBoxLayout(side)
        column.addWidget(self.data_panel)
        column.addWidget(self.compile_panel)
        column.addStretch(1)
        # Scrolls rather than squashes the panels when the download row and a fix note show at once.
        self._dock("Data and compile", VerticalScrollArea(side), Qt.DockWidgetArea.RightDockWidgetArea)
        self.statusBar().showMessage("Ready. Build a model, then press Train (F5).")

    def _dock(self, title: str, widget: QWidget, area) -> None:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{widget.objectName() or title}")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(area, dock)

    def _menus(self) -> None:
        bar = self.menuBar()
        for controller in (self.file_controller, self.stack_controller, self.training_controller,
                           self.template_controller, self.data_controller):
            controller.install_menu(bar)

    def _on_dataset(self, data) -> None:
        self.stack.set_vocabulary_size(data.text.vocabulary_size if data.is_text else None)
        self.stack.set_data_shape(data.input_shape, data.num_classes)

    # Shortcuts kept for tests and scripts that drive the window directly.
    def add_layer(self, class_name: str, row: int | None = None) -> None:
        self.stack_controller.add_layer(class_name, row)

    def remove_layers(self, rows: list[int]) -> None:
        self.stack_controller.remove_layers(rows)

    def select_row(self, row: int) -> None:
        self.stack_controller.select_row(row)

    def start_training(self) -> None:
        self.training_controller.start()

    @property
    def thread(self):
        return self.training_controller.thread

    @property
    def worker(self):
        return self.training_controller.worker

    def show_error(self, message: str) -> None:
        self.statusBar().showMessage(message, 15000)
        box = QMessageBox(QMessageBox.Icon.Warning, "Hornbook", message, parent=self)
        box.setObjectName("errorBox")
        box.open()

    def closeEvent(self, event) -> None:
        if not self.file_controller.may_close():
            event.ignore()
            return
        self.file_controller.end_session()
        self.training_controller.shutdown()
        self.evaluation_controller.shutdown()
        self.data_controller.shutdown()
        super().closeEvent(event)
