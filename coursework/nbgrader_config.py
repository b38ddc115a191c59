# nbgrader configuration of the lossviz course (nbgrader 0.9.6).
#
# Layout: every notebook notebooks/NN_topic.ipynb is one nbgrader assignment "NN_topic"
# whose only notebook is NN_topic.ipynb. This folder is the course directory:
#   source/NN_topic/NN_topic.ipynb                copied from notebooks/ by tools/coursework.py
#   release/NN_topic/NN_topic.ipynb               the student version (no solutions, no hidden tests)
#   submitted/<student>/NN_topic/NN_topic.ipynb   a student's work (tools/coursework.py collect)
#   autograded/, feedback/, gradebook.db          made by autograde / feedback
# All of these are git-ignored working folders; use tools/coursework.py (see README),
# or run plain `nbgrader ...` commands from inside this folder.

import os

c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))

# Autograding runs every cell of a submission with a time limit per cell. A cell that is
# still running after `timeout` seconds (an answer with `while True: pass`, say) is
# interrupted and recorded as an error, so its tests score zero and the rest of the
# notebook, and every other notebook, is still graded. 60 s is far above what any cell of
# the course needs (the slowest take a few seconds) even on a busy grading machine.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True
# A kernel that dies (os._exit in an answer) fails only that notebook; never re-run it.
c.Execute.execute_retries = 0

# The student version keeps the signature and docstring and replaces the solution region.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
