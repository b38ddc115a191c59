"""Wrong-answer tables: plausible mistakes that each graded exercise's visible tests must reject.

One file per notebook with graded exercises, ``tests/exercises/test_<notebook stem>.py``;
the format and the runner are in ``wrong_answers.py``.
"""
