"""The `training_config` attribute: what `compile()` was given, in Keras 3's legacy-h5 form.

Keras 3 writes {"loss", "loss_weights", "metrics", "weighted_metrics", "run_eagerly",
"steps_per_execution", "jit_compile", "optimizer_config": {"class_name", "config"}}. A loss or metric
given by name stays a name; an object becomes {"class_name", "config"}. Reading also accepts
tf.keras 2.x: "lr" for learning_rate, "decay", "is_legacy_optimizer", "reduction": "auto",
MeanMetricWrapper metrics and per-output nesting of a single output.
"""

from __future__ import annotations

import warnings

from engine import losses, metrics, optimizers
from engine.saving.config import construct
from engine.saving.errors import ModelFileError

# The config keys Keras 3 optimizers take (base class first). An optimizer class not listed here
# keeps all of its get_config() keys.
_KERAS_OPTIMIZER_BASE = {"name", "learning_rate", "weight_decay", "clipnorm", "global_clipnorm",
                         "clipvalue", "use_ema", "ema_momentum", "ema_overwrite_frequency",
                         "loss_scale_factor", "gradient_accumulation_steps"}
KERAS_OPTIMIZER_KEYS = {
    "SGD": {"momentum", "nesterov"},
    "Adam": {"beta_1", "beta_2", "epsilon", "amsgrad"},
    "AdamW": {"beta_1", "beta_2", "epsilon", "amsgrad"},
    "RMSprop": {"rho", "momentum", "epsilon", "centered"},
    "Adagrad": {"initial_accumulator_value", "epsilon"},
    "Adadelta": {"rho", "epsilon"},
    "Adamax": {"beta_1", "beta_2", "epsilon"},
    "Nadam": {"beta_1", "beta_2", "epsilon"},
}


# --- writing ------------------------------------------------------------------------------------
def optimizer_config(optimizer) -> dict:
    class_name = type(optimizer).__name__
    config = dict(optimizer.get_config())
    if class_name in KERAS_OPTIMIZER_KEYS:
        allowed = _KERAS_OPTIMIZER_BASE | KERAS_OPTIMIZER_KEYS[class_name]
        config = {k: v for k, v in config.items() if k in allowed}
    return {"class_name": class_name, "config": config}


def _object_or_name(obj):
    """A name when `obj` is its class with default settings (as compile() was likely given)."""
    try:
        default = type(obj)()
    except TypeError:
        default = None
    if default is not None and default.get_config() == obj.get_config():
        return default.name
    return {"class_name": type(obj).__name__, "config": obj.get_config()}


def training_config(model) -> dict | None:
    if getattr(model, "optimizer", None) is None or getattr(model, "loss", None) is None:
        return None
    loss = _object_or_name(model.loss) if hasattr(model.loss, "get_config") else model.loss
    specs = getattr(model, "_metric_specs", None)
    if specs is None:
        specs = [m.name for m in getattr(model, "compiled_metrics", [])]
    metric_list = [m if isinstance(m, str) else
                   {"class_name": type(m).__name__, "config": m.get_config()} for m in specs]
    return {"loss": loss, "loss_weights": getattr(model, "loss_weights", None),
            "metrics": metric_list or None, "weighted_metrics": None, "run_eagerly": False,
            "steps_per_execution": 1, "jit_compile": False,
            "optimizer_config": optimizer_config(model.optimizer)}


# --- reading ------------------------------------------------------------------------------------
def compile_from_training_config(model, config: dict) -> None:
    """compile() `model` as the file says; raises ModelFileError naming what cannot be used."""
    if not isinstance(config, dict) or "optimizer_config" not in config:
        raise ModelFileError("The training_config has no optimizer_config. Load with "
                             "compile=False and compile the model yourself.")
    optimizer = optimizer_from_config(config["optimizer_config"])
    loss = _single_output(config.get("loss"), "loss")
    try:
        loss = _loss_from_config(loss) if loss is not None else None
    except (TypeError, ValueError) as exc:
        raise ModelFileError(f"The file's loss cannot be used here: {exc} Load with "
                             "compile=False and compile the model yourself.") from exc
    metric_specs = [m for m in (_metric_from_config(c) for c in
                                _flatten(_single_output(config.get("metrics"), "metrics")))
                    if m is not None]
    if config.get("weighted_metrics"):
        warnings.warn("The file's weighted_metrics are not restored.", stacklevel=3)
    model.compile(optimizer=optimizer, loss=loss, metrics=metric_specs or None,
                  loss_weights=_single_output(config.get("loss_weights"), "loss_weights"))


def optimizer_from_config(config: dict):
    if not isinstance(config, dict) or "class_name" not in config:
        raise ModelFileError(f"The optimizer_config is not understood: {config!r}")
    class_name = config["class_name"].split(">")[-1]  # tf.keras 2.11+ may write "Custom>Adam"
    try:
        cls = type(optimizers.get(class_name))
    except ValueError as exc:
        raise ModelFileError(f"The file's optimizer cannot be used here: {exc}") from exc
    inner = dict(config.get("config") or {})
    if inner.get("decay") in (0, 0.0):  # Keras 2's "no decay"; a real decay warns in the engine
        inner.pop("decay")
    try:
        # from_config takes Keras 2's "lr" and schedule dicts; construct drops unknown keys.
        return construct(cls.from_config, cls, inner, f"optimizer {class_name}")
    except (TypeError, ValueError) as exc:
        raise ModelFileError(f"The file's optimizer {class_name} cannot be used here: {exc}") \
            from exc


def _single_output(value, what: str):
    """This engine has one output: unwrap [x] and {"output_name": x}."""
    if isinstance(value, dict) and "class_name" not in value:
        if len(value) != 1:
            raise ModelFileError(f"The training_config gives {what} for {len(value)} outputs; "
                                 "the model has one.")
        return next(iter(value.values()))
    if what != "metrics" and isinstance(value, list) and len(value) == 1:
        return value[0]
    return value


def _flatten(value) -> list:
    if value is None:
        return []
    if isinstance(value, list):
        return [item for sub in value for item in _flatten(sub)]
    return [value]


def _loss_from_config(config):
    if isinstance(config, str) or not (isinstance(config, dict) and "class_name" in config):
        return losses.get(config)
    if config["class_name"] in ("function", "LossFunctionWrapper"):  # Keras 3 .keras files
        return losses.deserialize(config)
    inner = dict(config.get("config") or {})
    if inner.get("reduction") == "auto":  # tf.keras 2.x's default means Keras 3's default
        inner["reduction"] = "sum_over_batch_size"
    cls = type(losses.get(config["class_name"]))
    return construct(cls.from_config, cls, inner, f"loss {config['class_name']}")


def _metric_from_config(config):
    """A metric name or Metric for compile(); None (with a warning) when not available here."""
    if isinstance(config, dict) and config.get("class_name") == "MeanMetricWrapper":
        inner = config.get("config") or {}  # tf.keras 2.x wrapped a function under its name
        fn = inner.get("fn")
        config = inner.get("name") if inner.get("name") in ("accuracy", "acc") or fn is None \
            else (fn.get("config") if isinstance(fn, dict) else fn)
    try:
        if isinstance(config, str):
            metrics.get(config, "", (None, 2), (None, 2))  # check the name; compile resolves it
            return config
        return metrics.get(config)
    except (TypeError, ValueError, KeyError) as exc:
        warnings.warn(f"Metric {config!r} from the file is left out: {exc}", stacklevel=4)
        return None
