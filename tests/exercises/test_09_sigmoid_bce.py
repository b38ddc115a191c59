"""Wrong answers to 09's exercises that their visible tests must reject."""

from tests.exercises.wrong_answers import Wrong, WrongAnswerTests, edit

POS_WEIGHT_4 = "wrong for pos_weight = 4.0"
POS_WEIGHT_1 = "wrong for pos_weight = 1.0"
NOT_FINITE = "is not finite at z = "


class TestWrongAnswers(WrongAnswerTests):
    notebook = "09_sigmoid_bce"
    wrong = {
        "09-pos-weight-grad": [
            Wrong("ignores pos_weight: p - y", "return sigmoid(z) - y", POS_WEIGHT_4),
            Wrong("sign slip: y - p", "p = sigmoid(z)\nreturn pos_weight * y - (pos_weight * y + 1 - y) * p", POS_WEIGHT_1),
            Wrong("pos_weight on the negative term", "p = sigmoid(z)\nreturn (y + pos_weight * (1 - y)) * p - y", POS_WEIGHT_4),
            Wrong("pos_weight times the whole gradient", "return pos_weight * (sigmoid(z) - y)", POS_WEIGHT_4),
            Wrong("the mean, not the sum: divided by N", "p = sigmoid(z)\nreturn ((pos_weight * y + 1 - y) * p - pos_weight * y) / z.size", POS_WEIGHT_1),
            Wrong("keeps the sigmoid's slope p (1 - p)", "p = sigmoid(z)\nreturn ((pos_weight * y + 1 - y) * p - pos_weight * y) * p * (1 - p)", POS_WEIGHT_1),
            Wrong("forgets the sigmoid: z - y", "return (pos_weight * y + 1 - y) * z - pos_weight * y", POS_WEIGHT_1),
            Wrong("a summed scalar instead of one entry per logit", "p = sigmoid(z)\nreturn np.sum((pos_weight * y + 1 - y) * p - pos_weight * y)", "has shape ()"),
        ],
        "09-stable-bce": [
            Wrong(
                "the definition with a computed probability",
                "p = 1 / (1 + np.exp(-z))\nreturn -(y * np.log(p) + (1 - y) * np.log(1 - p))",
                NOT_FINITE,
            ),
            Wrong(
                "softplus as log(1 + e^u): overflows",
                "return y * np.log(1 + np.exp(-z)) + (1 - y) * np.log(1 + np.exp(z))",
                NOT_FINITE,
            ),
            Wrong("drops the |.| in the exponent", edit("np.exp(-np.abs(z))", "np.exp(-z)"), "stable_bce_with_logits (moderate logits) is wrong"),
            Wrong(
                "log instead of log1p: tiny losses become 0",
                edit("np.log1p(np.exp(-np.abs(z)))", "np.log(1 + np.exp(-np.abs(z)))"),
                "stable_bce_with_logits (large |z|, right) is wrong",
            ),
            Wrong(
                "torch's arrangement (1 - y) z - log sigmoid(z): tiny losses lose their digits",
                "return (1 - y) * z - (np.minimum(z, 0) - np.log1p(np.exp(-np.abs(z))))",
                "stable_bce_with_logits (large |z|, right) is wrong",
            ),
            Wrong("sign slip: + y z", edit("- y * z", "+ y * z"), "stable_bce_with_logits (moderate logits) is wrong"),
            Wrong("forgets max(z, 0)", edit("np.maximum(z, 0) - y * z", "-y * z"), "stable_bce_with_logits (moderate logits) is wrong"),
            Wrong(
                "the mean instead of one loss per element",
                "return np.mean(np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z))))",
                "has shape ()",
            ),
        ],
    }
