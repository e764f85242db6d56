"""CIFAR-100 like `keras.datasets.cifar100.load_data(label_mode)`: 100 fine or 20 coarse classes.

Found as `cifar-100-python/`, Keras 3's `cifar-100-python-target/cifar-100-python/` or the
official `cifar-100-python.tar.gz`; otherwise downloaded, verified and extracted.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.datasets import _paths, cifar_files
from engine.datasets.download import TIMEOUT, RemoteFile, fetch_all
from engine.datasets.errors import DatasetNotFoundError


def _words(text: str) -> list[str]:
    return text.split()


FINE_CLASS_NAMES = _words(
    "apple aquarium_fish baby bear beaver bed bee beetle bicycle bottle bowl boy bridge bus butterfly "
    "camel can castle caterpillar cattle chair chimpanzee clock cloud cockroach couch crab crocodile cup "
    "dinosaur dolphin elephant flatfish forest fox girl hamster house kangaroo keyboard lamp lawn_mower "
    "leopard lion lizard lobster man maple_tree motorcycle mountain mouse mushroom oak_tree orange "
    "orchid otter palm_tree pear pickup_truck pine_tree plain plate poppy porcupine possum rabbit "
    "raccoon ray road rocket rose sea seal shark shrew skunk skyscraper snail snake spider squirrel "
    "streetcar sunflower sweet_pepper table tank telephone television tiger tractor train trout tulip "
    "turtle wardrobe whale willow_tree wolf woman worm")
COARSE_CLASS_NAMES = _words(
    "aquatic_mammals fish flowers food_containers fruit_and_vegetables household_electrical_devices "
    "household_furniture insects large_carnivores large_man-made_outdoor_things "
    "large_natural_outdoor_scenes large_omnivores_and_herbivores medium_mammals "
    "non-insect_invertebrates people reptiles small_mammals trees vehicles_1 vehicles_2")
CLASS_NAMES = FINE_CLASS_NAMES
FOLDER = cifar_files.CIFAR100_FOLDER
ARCHIVE = "cifar-100-python.tar.gz"
REMOTES = (RemoteFile(ARCHIVE, "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz",
                      "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"),)


def find_files() -> Path:
    dirs = _paths.search_dirs()
    for path in cifar_files.candidates(dirs, FOLDER, ARCHIVE):
        if cifar_files.usable(path, cifar_files.CIFAR100_FILES[0]):
            return path
    where = _paths.where_to_put([ARCHIVE, FOLDER + "/"], dirs)
    raise DatasetNotFoundError(f"CIFAR-100 was not found. {where}")


def download(progress=None, *, remotes=None, folder: str | Path | None = None, cancelled=None,
             timeout: float = TIMEOUT) -> Path:
    """Fetch, verify and extract into `cifar-100-python/` in Hornbook's cache (or `folder`)."""
    archive = fetch_all(remotes or REMOTES, folder or _paths.user_cache_dir(), progress=progress,
                        cancelled=cancelled, timeout=timeout)[0]
    target = archive.parent / FOLDER
    if not target.is_dir():
        cifar_files.extract(archive, cifar_files.CIFAR100_FILES, FOLDER, ("meta",))
    archive.unlink(missing_ok=True)
    return target


def load_data(label_mode: str = "fine", *, progress=None, allow_download: bool = True
              ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """((x_train (50000, 32, 32, 3), y_train (50000, 1)), (x_test (10000, 32, 32, 3), y_test)),
    uint8; labels index FINE_CLASS_NAMES or COARSE_CLASS_NAMES."""
    if label_mode not in ("fine", "coarse"):
        raise ValueError(f'`label_mode` must be one of "fine", "coarse". Received: label_mode={label_mode}.')
    path = _paths.find_or_download("CIFAR-100", find_files, download, progress, allow_download)
    return cifar_files.read_cifar100(path, label_mode)
