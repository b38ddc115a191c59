"""Wrong answers to 05's exercises that their visible tests must reject."""

from tests.exercises.wrong_answers import Wrong, WrongAnswerTests, edit

MEAN = "reduction='mean') for arrays of shape (5,) is wrong"
SUM = "reduction='sum') for arrays of shape (5,) is wrong"
MEAN_2D = "reduction='mean') for arrays of shape (2, 3) is wrong"
RMSE = "rmse_grad for arrays of shape (4,) is wrong"
RMSE_2D = "rmse_grad for arrays of shape (2, 3) is wrong"
PERFECT = "rmse_grad at a perfect fit (prediction == target) is wrong"


class TestWrongAnswers(WrongAnswerTests):
    notebook = "05_mse_rmse"
    wrong = {
        "05-mse-grad": [
            Wrong("drops the 2 of the square", edit("per_element = 2 * error", "per_element = error"), MEAN),
            Wrong("sign slip: target - prediction", edit("per_element = 2 * error", "per_element = -2 * error"), MEAN),
            Wrong("ignores the reduction: always the mean", edit(' if reduction == "mean" else per_element', ""), SUM),
            Wrong("ignores the reduction: always the sum", edit('per_element / error.size if reduction == "mean" else ', ""), MEAN),
            Wrong("the mean divides by len(), the rows, not the elements", edit("error.size", "len(error)"), MEAN_2D),
            Wrong("divides the sum by N as well", edit('per_element / error.size if reduction == "mean" else per_element', "per_element / error.size"), SUM),
            Wrong("the absolute error's gradient, 2 |d| / N", edit("per_element = 2 * error", "per_element = 2 * np.abs(error)"), MEAN),
            Wrong("divides by N squared", edit("per_element / error.size if", "per_element / error.size**2 if"), MEAN),
        ],
        "05-rmse-grad": [
            Wrong("keeps the 2 of the MSE: 2 d / (N RMSE)", edit("return error / (error.size * root)", "return 2 * error / (error.size * root)"), RMSE),
            Wrong("returns the MSE's gradient 2 d / N", edit("return error / (error.size * root)", "return 2 * error / error.size"), RMSE),
            Wrong("divides by the MSE instead of the RMSE", edit("return error / (error.size * root)", "return error / (error.size * root**2)"), RMSE),
            Wrong("forgets the 1/N", edit("return error / (error.size * root)", "return error / root"), RMSE),
            Wrong("sign slip: target - prediction", edit("return error / (error.size * root)", "return -error / (error.size * root)"), RMSE),
            Wrong("divides by sqrt(N) instead of N", edit("return error / (error.size * root)", "return error / (np.sqrt(error.size) * root)"), RMSE),
            Wrong("N from len(), the rows, not the elements", edit("return error / (error.size * root)", "return error / (len(error) * root)"), RMSE_2D),
            Wrong("no guard: 0/0 = NaN at a perfect fit", edit("    if root == 0:\n        return np.zeros_like(error)\n", ""), PERFECT),
        ],
    }
