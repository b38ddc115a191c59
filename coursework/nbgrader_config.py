# nbgrader configuration of the lossviz course (nbgrader 0.9.6).
#
# Layout: every notebook notebooks/NN_topic.ipynb is one nbgrader assignment "NN_topic"
# whose only notebook is NN_topic.ipynb. This folder is the course directory:
#   source/NN_topic/NN_topic.ipynb                copied from notebooks/ by `lossviz-course generate`
#   release/NN_topic/NN_topic.ipynb               the student version (no solutions, no hidden tests)
#   submitted/<student>/NN_topic/NN_topic.ipynb   a student's work (`lossviz-course collect`)
#   autograded/, feedback/, gradebook.db          made by autograde / feedback
#   grading/status.json, grading/backups/         how each grading went; the gradebook before each run
# All of these are git-ignored working folders; use `lossviz-course` (see the README), or
# run plain `nbgrader ...` commands from inside this folder.
#
# The settings live in the package (lossviz.coursework.nbgrader_steps.configure), so that
# `lossviz-course` and plain `nbgrader` agree: autograding runs each submission's code in a
# sandbox and every test in the grader, and feedback never shows hidden tests.

import os

from lossviz.coursework.nbgrader_steps import configure

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)
configure(c, os.path.dirname(os.path.abspath(__file__)))

# Limits of autograding (see `lossviz-course autograde --help`): a cell, or one call of a
# learner's function, may run this many seconds before it is stopped and its test scores zero.
c.SandboxedExecute.timeout = 60
c.SandboxedExecute.memory = "2G"
