"""Wrong answers to 00's warm-up that its visible tests must reject."""

from tests.exercises.wrong_answers import Wrong, WrongAnswerTests


class TestWrongAnswers(WrongAnswerTests):
    notebook = "00_welcome"
    wrong = {
        "00-warmup": [
            Wrong("drops the 2 of the power rule", "return prediction - target", "gradcheck FAILED"),
            Wrong("sign slip: y - p", "return 2 * (target - prediction)", "gradcheck FAILED"),
            Wrong("abs of the signed error", "return 2 * np.abs(prediction - target)", "gradcheck FAILED"),
            Wrong("ignores the target", "return 2 * prediction", "gradcheck FAILED"),
            Wrong("returns the loss, not its derivative", "return (prediction - target) ** 2", "gradcheck FAILED"),
            Wrong(
                "divides by the number of entries, as a mean would",
                "return 2 * (prediction - target) / np.size(prediction)",
                "gradcheck FAILED",
            ),
            Wrong(
                "sums the entries into one number",
                "return np.sum(2 * (prediction - target))",
                "grad must have the shape of x",
                error=ValueError,
            ),
        ],
    }
