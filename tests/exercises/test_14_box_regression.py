"""Wrong answers to 14's exercises that their visible tests must reject."""

from tests.exercises.wrong_answers import Wrong, WrongAnswerTests, edit

START = "a, b = np.asarray(boxes1, dtype=float), np.asarray(boxes2, dtype=float)\n"
AREAS = """
area1 = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
area2 = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
return overlap / (area1 + area2 - overlap)
"""
NO_CLAMP = START + """
width = np.minimum(a[:, 2], b[:, 2]) - np.maximum(a[:, 0], b[:, 0])
height = np.minimum(a[:, 3], b[:, 3]) - np.maximum(a[:, 1], b[:, 1])
overlap = width * height
""" + AREAS
CLAMPED_PRODUCT = START + """
width = np.minimum(a[:, 2], b[:, 2]) - np.maximum(a[:, 0], b[:, 0])
height = np.minimum(a[:, 3], b[:, 3]) - np.maximum(a[:, 1], b[:, 1])
overlap = np.maximum(width * height, 0)
""" + AREAS
ENCLOSING = START + """
width = np.maximum(a[:, 2], b[:, 2]) - np.minimum(a[:, 0], b[:, 0])
height = np.maximum(a[:, 3], b[:, 3]) - np.minimum(a[:, 1], b[:, 1])
overlap = width * height
""" + AREAS
XYWH = START + """
width = np.clip(np.minimum(a[:, 0] + a[:, 2], b[:, 0] + b[:, 2]) - np.maximum(a[:, 0], b[:, 0]), 0, None)
height = np.clip(np.minimum(a[:, 1] + a[:, 3], b[:, 1] + b[:, 3]) - np.maximum(a[:, 1], b[:, 1]), 0, None)
overlap = width * height
return overlap / (a[:, 2] * a[:, 3] + b[:, 2] * b[:, 3] - overlap)
"""
NO_DENOMINATOR = START + """
w, h = a[:, 2] - a[:, 0], a[:, 3] - a[:, 1]
gap = np.arctan((b[:, 2] - b[:, 0]) / (b[:, 3] - b[:, 1])) - np.arctan(w / h)
dv_dw = -8 / np.pi**2 * gap * h
dv_dh = 8 / np.pi**2 * gap * w
return np.stack([-dv_dw, -dv_dh, dv_dw, dv_dh], axis=1)
"""
APART = "box_iou_values for boxes apart on both axes"
SIDE = "box_iou_values for boxes side by side"
OVERLAP = "box_iou_values for overlapping boxes"


class TestWrongAnswers(WrongAnswerTests):
    notebook = "14_box_regression"
    wrong = {
        "14-box-iou": [
            Wrong("no clamp: negative overlaps multiply", NO_CLAMP, APART),
            Wrong("clamps the product, not each side", CLAMPED_PRODUCT, APART),
            Wrong("the union without taking the overlap off", edit("(area1 + area2 - overlap)", "(area1 + area2)"), OVERLAP),
            Wrong("min and max swapped: the enclosing box", ENCLOSING, OVERLAP),
            Wrong("reads the boxes as (x, y, width, height)", XYWH, OVERLAP),
            Wrong("divides by the target's area", edit("(area1 + area2 - overlap)", "area2"), OVERLAP),
            Wrong("returns the loss 1 - IoU", edit("return overlap /", "return 1 - overlap /"), OVERLAP),
        ],
        "14-aspect-grad": [
            Wrong("the angle difference the wrong way round", edit("gap = np.arctan((b[:, 2] - b[:, 0]) / (b[:, 3] - b[:, 1])) - np.arctan(w / h)", "gap = np.arctan(w / h) - np.arctan((b[:, 2] - b[:, 0]) / (b[:, 3] - b[:, 1]))"), "gradcheck FAILED"),
            Wrong("drops the 2 of the square", edit("axis=1)", "axis=1) / 2"), "gradcheck FAILED"),
            Wrong("w, not h, in the slope along w", edit("gap * h / (w**2 + h**2)", "gap * w / (w**2 + h**2)"), "gradcheck FAILED"),
            Wrong("x1 with the sign of x2", edit("np.stack([-dv_dw, -dv_dh,", "np.stack([dv_dw, dv_dh,"), "gradcheck FAILED"),
            Wrong("drops the factor 1 / (w^2 + h^2)", NO_DENOMINATOR, "gradcheck FAILED"),
            Wrong("returns the slopes in w and h only", edit("np.stack([-dv_dw, -dv_dh, dv_dw, dv_dh], axis=1)", "np.stack([dv_dw, dv_dh], axis=1)"), "grad must have the shape of x", ValueError),
        ],
    }
