"""“Include my N drawn digits”: the data panel's switch that adds the drawings corrected with
“Wrong? It's a …” in the Predict tab to a digit set's training part (gui/user_samples)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox

from gui import user_samples
from gui.user_samples import UserSampleStore

WHAT = ("Your drawings kept with “Wrong? It's a …” on the Predict tab join the training part "
        "(at its start, so the validation split never holds them out); the test part stays as it is.")


class UserSamplesOption(QCheckBox):
    def __init__(self, store: UserSampleStore | None = None, parent=None) -> None:
        super().__init__("Include my drawn digits", parent)
        self.setObjectName("includeUserSamples")
        self.store = store or UserSampleStore()
        self.count = 0
        self.problem: str | None = None  # why the stored file can't be read
        self.setEnabled(False)

    def refresh(self, dataset) -> None:
        """Count the stored samples and say whether they can join `dataset` (the loaded set)."""
        try:
            self.count, self.problem = len(self.store.load()[1]), None
        except ValueError as exc:  # a damaged file: say so, leave it for the user to rescue
            self.count, self.problem = 0, str(exc)
        fits = dataset is not None and user_samples.fits(dataset)
        n = self.count
        self.setText(f"Include my {n:,} drawn digit{'s' * (n != 1)}" if n else
                     "Include my drawn digits (none kept yet)")
        self.setEnabled(fits and n > 0)
        if self.problem:
            why = self.problem
        elif not fits:
            name = dataset.name if dataset is not None else "this set"
            why = f"Only for 28×28 digit sets with ten classes, such as MNIST; {name} holds other data."
        elif n == 0:
            why = "None kept yet: draw a digit on the Predict tab and, when the model gets it wrong, " \
                  "click the right digit under “Wrong? It's a …”."
        else:
            why = f"{n:,} drawing{'s' * (n != 1)} kept in {self.store.path}."
        self.setToolTip(f"{WHAT}\n\n{why}")

    def included(self) -> bool:
        return self.isEnabled() and self.isChecked()

    def apply_to(self, dataset):
        """(the set training gets, a message or None): `dataset` with the stored drawings at the
        start of its training part when included. A damaged file unchecks the box and says why."""
        self.refresh(dataset)
        problem = self.problem if self.isChecked() else None
        if self.included():
            try:
                return user_samples.include_in(dataset, *self.store.load()), None
            except ValueError as exc:  # damaged since it was counted
                problem = str(exc)
        if problem:
            blocked = self.blockSignals(True)
            self.setChecked(False)
            self.blockSignals(blocked)
        return dataset, problem
