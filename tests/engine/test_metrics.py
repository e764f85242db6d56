"""Metrics on hand-made arrays: every expected value is worked out in the comments beside it."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine import metrics
from engine.layers import Dense
from engine.models import Sequential

Y4 = np.eye(3)[[0, 1, 2, 1]]
P4 = np.array([[0.8, 0.1, 0.1],    # argmax 0 = label 0 ✓
               [0.2, 0.3, 0.5],    # argmax 2 ≠ label 1 ✗
               [0.1, 0.2, 0.7],    # argmax 2 = label 2 ✓
               [0.3, 0.6, 0.1]])   # argmax 1 = label 1 ✓


# --- accuracies -----------------------------------------------------------------------------------
def test_categorical_and_sparse_accuracy():
    for metric, y in ((metrics.CategoricalAccuracy(), Y4),
                      (metrics.SparseCategoricalAccuracy(), np.array([0, 1, 2, 1])),
                      (metrics.SparseCategoricalAccuracy(), np.array([[0], [1], [2], [1]]))):
        metric.update_state(y, P4)
        assert metric.result() == 0.75


def test_sample_weights_weight_the_mean():
    m = metrics.CategoricalAccuracy()
    m.update_state(Y4, P4, sample_weight=[1, 2, 3, 4])  # hits 1,0,1,1 → (1 + 3 + 4) / 10
    assert m.result() == pytest.approx(0.8)


def test_running_mean_over_batches_and_reset():
    m = metrics.CategoricalAccuracy()
    m.update_state(Y4, P4)            # 3 of 4
    m.update_state(Y4[:2], P4[:2])    # 1 of 2
    assert m.result() == pytest.approx(4 / 6)
    m.reset_state()
    assert m.result() == 0.0


def test_binary_accuracy_thresholds_and_per_sample_mean():
    y, p = np.array([[1], [0], [1], [0]]), np.array([[0.7], [0.6], [0.4], [0.2]])
    m = metrics.BinaryAccuracy()
    m.update_state(y, p)  # predictions 1,1,0,0 against 1,0,1,0: hits 1,0,0,1
    assert m.result() == 0.5
    low = metrics.BinaryAccuracy(threshold=0.3)
    low.update_state(y[:, 0], p)  # (n,) labels against (n, 1) outputs; predictions 1,1,1,0
    assert low.result() == 0.75
    multi = metrics.BinaryAccuracy()
    multi.update_state(np.array([[1, 0], [1, 1]]), np.array([[0.9, 0.8], [0.6, 0.1]]))
    # Row 0 hits 1,0 → ½; row 1 hits 1,0 → ½; two samples.
    assert multi.result() == 0.5 and multi.count == 2


def test_top_k_accuracy_counts_ties_as_in():
    y = np.array([2, 0, 1])
    p = np.array([[0.5, 0.3, 0.2],    # label 2 is third: out of the top 2
                  [0.3, 0.5, 0.2],    # label 0 is second: in
                  [0.4, 0.3, 0.3]])   # label 1 ties for second: in
    sparse = metrics.SparseTopKCategoricalAccuracy(k=2)
    sparse.update_state(y, p)
    assert sparse.result() == pytest.approx(2 / 3)
    dense = metrics.TopKCategoricalAccuracy(k=2)
    dense.update_state(np.eye(3)[y], p)
    assert dense.result() == pytest.approx(2 / 3)
    assert metrics.TopKCategoricalAccuracy().k == 5
    everything = metrics.get("top_k_categorical_accuracy")  # k = 5 ≥ 3 classes: always in
    everything.update_state(np.eye(3)[y], p)
    assert everything.result() == 1.0
    ids = metrics.SparseTopKCategoricalAccuracy(k=1, from_sorted_ids=True)
    ids.update_state(np.array([4, 7]), np.array([[4, 1, 2], [1, 7, 3]]))  # first ids 4 ✓, 1 ✗
    assert ids.result() == 0.5


# --- 'accuracy' resolution, names in logs ---------------------------------------------------------
@pytest.mark.parametrize(("loss", "y_shape", "out_shape", "expected"), [
    ("categorical_crossentropy", (8, 10), (None, 10), metrics.CategoricalAccuracy),
    ("sparse_categorical_crossentropy", (8,), (None, 10), metrics.SparseCategoricalAccuracy),
    ("sparse_categorical_crossentropy", (8, 1), (None, 10), metrics.SparseCategoricalAccuracy),
    ("binary_crossentropy", (8, 1), (None, 1), metrics.BinaryAccuracy),
    ("binary_crossentropy", (8,), (None, 1), metrics.BinaryAccuracy),
    ("mse", (8, 1), (None, 1), metrics.BinaryAccuracy),
    # Keras 3 decides by shapes only: multi-label binary cross-entropy gets categorical accuracy.
    ("binary_crossentropy", (8, 3), (None, 3), metrics.CategoricalAccuracy),
])
def test_accuracy_is_chosen_from_shapes_like_keras3(loss, y_shape, out_shape, expected):
    for name in ("accuracy", "acc"):
        metric = metrics.get(name, loss, y_shape, out_shape)
        assert type(metric) is expected and metric.name == name


@pytest.mark.parametrize(("name", "cls"), [
    ("mae", metrics.MeanAbsoluteError), ("mse", metrics.MeanSquaredError),
    ("mean_absolute_error", metrics.MeanAbsoluteError),
    ("mean_squared_error", metrics.MeanSquaredError), ("precision", metrics.Precision),
    ("recall", metrics.Recall), ("auc", metrics.AUC), ("AUC", metrics.AUC),
    ("top_k_categorical_accuracy", metrics.TopKCategoricalAccuracy),
    ("sparse_top_k_categorical_accuracy", metrics.SparseTopKCategoricalAccuracy),
    ("root_mean_squared_error", metrics.RootMeanSquaredError),
    ("binary_crossentropy", metrics.BinaryCrossentropy),
])
def test_a_metric_from_a_string_is_logged_under_that_string(name, cls):
    metric = metrics.get(name)
    assert type(metric) is cls and metric.name == name


def test_unknown_metric_lists_the_valid_ones():
    with pytest.raises(ValueError, match="Valid metrics: .*precision.*recall"):
        metrics.get("f1")
    names = metrics.names()
    assert names[0] == "accuracy" and names.count("accuracy") == 1
    assert {"mae", "mse"}.isdisjoint(names)  # aliases stay out of the menu
    assert {"precision", "recall", "auc", "mean_absolute_error",
            "top_k_categorical_accuracy"} <= set(names)


def test_default_names_follow_keras():
    assert metrics.MeanAbsoluteError().name == "mean_absolute_error"
    assert metrics.LogCoshError().name == "logcosh"
    assert metrics.Precision().name.startswith("precision")
    assert metrics.AUC().name.startswith("auc")


# --- regression means ------------------------------------------------------------------------------
def test_mae_mse_rmse():
    y = np.array([[1.0, 2.0], [3.0, 5.0]])
    p = np.array([[2.0, 2.0], [1.0, 5.0]])   # errors 1, 0 | −2, 0
    mae, mse, rmse = metrics.get("mae"), metrics.get("mse"), metrics.RootMeanSquaredError()
    for m in (mae, mse, rmse):
        m.update_state(y, p)
    assert mae.result() == pytest.approx((0.5 + 1.0) / 2)     # per-sample means ½ and 1
    assert mse.result() == pytest.approx((0.5 + 2.0) / 2)     # per-sample means ½ and 2
    assert rmse.result() == pytest.approx(math.sqrt(1.25))
    weighted = metrics.MeanAbsoluteError()
    weighted.update_state(y, p, sample_weight=[3.0, 1.0])     # (3·½ + 1·1) / 4
    assert weighted.result() == pytest.approx(2.5 / 4)


def test_cosine_similarity_metric_is_positive_for_aligned_vectors():
    m = metrics.CosineSimilarity()
    m.update_state(np.array([[1.0, 0.0], [1.0, 1.0]]), np.array([[2.0, 0.0], [-1.0, -1.0]]))
    assert m.result() == pytest.approx((1.0 - 1.0) / 2)


# --- confusion-matrix metrics --------------------------------------------------------------------------
Y6 = np.array([1, 0, 1, 1, 0, 0])
P6 = np.array([0.9, 0.8, 0.3, 0.6, 0.1, 0.55])
# At 0.5 the predictions are 1,1,0,1,0,1: tp = 2 (#0, #3), fp = 2 (#1, #5), fn = 1 (#2), tn = 1 (#4).


def test_precision_and_recall_at_the_default_threshold():
    p, r = metrics.Precision(), metrics.Recall()
    for m in (p, r):
        m.update_state(Y6, P6)
    assert p.result() == pytest.approx(2 / 4)
    assert r.result() == pytest.approx(2 / 3)


def test_confusion_counts():
    expected = {metrics.TruePositives: 2, metrics.FalsePositives: 2, metrics.FalseNegatives: 1,
                metrics.TrueNegatives: 1}
    for cls, count in expected.items():
        m = cls()
        m.update_state(Y6, P6)
        assert m.result() == count


def test_precision_recall_accumulate_counts_not_batch_means():
    p = metrics.Precision()
    p.update_state(Y6[:2], P6[:2])   # tp 1, fp 1
    p.update_state(Y6[2:], P6[2:])   # tp 1, fp 1 (#5)
    assert p.result() == pytest.approx(0.5)
    # Both batch precisions are ½ there, so a mean of batches would pass too; split unevenly:
    q = metrics.Precision()
    q.update_state(Y6[:1], P6[:1])   # tp 1 → batch precision 1
    q.update_state(Y6[1:], P6[1:])   # tp 1, fp 2 → batch precision ⅓
    assert q.result() == pytest.approx(2 / 4)


def test_several_thresholds_and_sample_weights():
    p = metrics.Precision(thresholds=[0.25, 0.5, 0.85])
    r = metrics.Recall(thresholds=[0.25, 0.5, 0.85])
    for m in (p, r):
        m.update_state(Y6, P6)
    # 0.25: predicted 1,1,1,1,0,1 → tp 3, fp 2;  0.85: predicted only #0 → tp 1, fp 0.
    np.testing.assert_allclose(p.result(), [3 / 5, 2 / 4, 1.0])
    np.testing.assert_allclose(r.result(), [3 / 3, 2 / 3, 1 / 3])
    w = metrics.Precision()
    w.update_state(Y6, P6, sample_weight=[1, 2, 1, 1, 1, 3])  # tp 1 + 1, fp 2 + 3
    assert w.result() == pytest.approx(2 / 7)


def test_precision_with_no_predicted_positive_is_zero():
    m = metrics.Precision()
    m.update_state([1, 0], [0.1, 0.2])
    assert m.result() == 0.0


def test_class_id_and_top_k():
    m = metrics.Recall(class_id=1)
    m.update_state(Y4, P4)  # column 1: labels 0,1,0,1, scores .1 .3 .2 .6 → only #3 above ½
    assert m.result() == pytest.approx(1 / 2)
    top = metrics.Precision(top_k=1)
    top.update_state(Y4, P4)  # each row's argmax counts as predicted: 3 of 4 rows are right
    assert top.result() == pytest.approx(3 / 4)


def test_auc_roc_trapezoid_by_hand():
    m = metrics.AUC(num_thresholds=3)
    m.update_state([0, 0, 1, 1], [0.0, 0.5, 0.3, 0.9])
    # Thresholds −ε, ½, 1+ε: (fpr, tpr) = (1, 1), (0, ½), (0, 0) → area (1 − 0)·(1 + ½)/2 = ¾.
    assert m.result() == pytest.approx(0.75)


def test_auc_with_many_thresholds_approaches_the_rank_statistic():
    y = np.array([0, 0, 1, 1, 0, 1])
    p = np.array([0.12, 0.41, 0.35, 0.83, 0.66, 0.91])
    # Of the 9 (positive, negative) pairs the positive scores higher in 7: 0.35 loses to 0.41, 0.66.
    m = metrics.AUC(num_thresholds=1001)
    m.update_state(y, p)
    assert m.result() == pytest.approx(7 / 9, abs=1e-9)


def test_auc_pr_summation_methods_by_hand():
    y, p = [0, 0, 1, 1], [0.0, 0.5, 0.3, 0.9]
    # Counts at −ε, ½, 1+ε: tp 2,1,0; fp 2,0,0; fn 0,1,2 → recall 1,½,0; precision ½,1,0.
    results = {}
    for method in ("minoring", "majoring", "interpolation"):
        m = metrics.AUC(num_thresholds=3, curve="PR", summation_method=method)
        m.update_state(y, p)
        results[method] = m.result()
    assert results["minoring"] == pytest.approx(0.5 * 0.5 + 0.5 * 0.0)
    assert results["majoring"] == pytest.approx(0.5 * 1.0 + 0.5 * 1.0)
    # Interpolated: slopes dtp/dp = 1/3, 1; intercepts tp_B − slope·p_B = 2/3, 0; P ratios 4, 1;
    # increments slope·(dtp + intercept·ln ratio)/(tp_B + fn_B) = (1 + ⅔ ln 4)/6 and 1/2.
    assert results["interpolation"] == pytest.approx((1 + 2 / 3 * math.log(4)) / 6 + 0.5)


def test_auc_multi_label_averages_the_labels_and_reads_logits():
    y = np.array([[0, 1], [0, 0], [1, 1], [1, 0]])
    p = np.array([[0.0, 0.9], [0.5, 0.2], [0.3, 0.8], [0.9, 0.1]])
    multi = metrics.AUC(num_thresholds=3, multi_label=True)
    multi.update_state(y, p)
    # Label 0 is the worked example above (¾); label 1 is perfectly separated at ½ (1).
    assert multi.result() == pytest.approx((0.75 + 1.0) / 2)
    logits = metrics.AUC(num_thresholds=3, from_logits=True)
    logits.update_state([0, 0, 1, 1], np.log(np.array([0.01, 0.5, 0.3, 0.9]) /
                                             (1 - np.array([0.01, 0.5, 0.3, 0.9]))))
    assert logits.result() == pytest.approx(0.75)


# --- configs -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("metric", [
    metrics.BinaryAccuracy(threshold=0.7), metrics.TopKCategoricalAccuracy(k=3),
    metrics.Precision(thresholds=[0.3, 0.6], class_id=2), metrics.Recall(top_k=2),
    metrics.AUC(num_thresholds=50, curve="PR"), metrics.MeanAbsoluteError(),
    metrics.CategoricalCrossentropy(from_logits=True),
])
def test_config_round_trip(metric):
    again = metrics.get(metrics.serialize(metric))
    assert type(again) is type(metric) and again.get_config() == metric.get_config()
    assert {"name", "dtype"} <= set(metric.get_config())


# --- through a model -------------------------------------------------------------------------------
def test_model_logs_use_keras_names():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 3)).astype(np.float32)
    y = (x[:, :1] > 0).astype(np.float32)
    model = Sequential([Dense(1, activation="sigmoid", input_shape=(3,))])
    model.compile(optimizer="adam", loss="binary_crossentropy",
                  metrics=["accuracy", "mae", "precision", "recall"])
    history = model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    assert {"loss", "accuracy", "mae", "precision", "recall"} <= set(history.history)
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert {"loss", "accuracy", "mae", "precision", "recall"} <= set(logs)
    predicted = model.predict(x, verbose=0) > 0.5
    tp = float(np.sum(predicted & (y > 0)))
    assert logs["precision"] == pytest.approx(tp / max(predicted.sum(), 1))
