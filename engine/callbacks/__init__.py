"""Callbacks with Keras 3's names, arguments and defaults: `engine.callbacks.EarlyStopping(...)`.

`fit`, `evaluate` and `predict` report only through these hooks (see `Callback`).
"""

from engine.callbacks.callback import Callback, CallbackList
from engine.callbacks.csv_logger import CSVLogger
from engine.callbacks.early_stopping import EarlyStopping
from engine.callbacks.history import History
from engine.callbacks.lambda_callback import LambdaCallback
from engine.callbacks.learning_rate_scheduler import LearningRateScheduler
from engine.callbacks.model_checkpoint import ModelCheckpoint
from engine.callbacks.progbar_logger import ProgbarLogger
from engine.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
from engine.callbacks.terminate_on_nan import TerminateOnNaN

__all__ = [
    "CSVLogger", "Callback", "CallbackList", "EarlyStopping", "History", "LambdaCallback",
    "LearningRateScheduler", "ModelCheckpoint", "ProgbarLogger", "ReduceLROnPlateau",
    "TerminateOnNaN",
]
