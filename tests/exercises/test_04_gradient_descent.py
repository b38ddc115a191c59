"""Wrong answers to 04's exercises that their visible tests must reject."""

from tests.exercises.wrong_answers import Wrong, WrongAnswerTests, edit

ITERATES = "your 6 iterates (lr=0.1, momentum=0.9)"


class TestWrongAnswers(WrongAnswerTests):
    notebook = "04_gradient_descent"
    wrong = {
        "04-ridge-grad": [
            Wrong("drops the 2 of lam w^2", edit("+ 2 * lam * theta[0]", "+ lam * theta[0]"), "gradcheck FAILED"),
            Wrong("penalises the bias too", edit("np.mean(2 * residual)])", "np.mean(2 * residual) + 2 * lam * theta[1]])"), "gradcheck FAILED"),
            Wrong("sums instead of averaging", "residual = theta[0] * x + theta[1] - y\nreturn np.array([np.sum(2 * residual * x) + 2 * lam * theta[0], np.sum(2 * residual)])", "gradcheck FAILED"),
            Wrong("sign slip in the residual", edit("residual = theta[0] * x + theta[1] - y", "residual = y - theta[0] * x - theta[1]"), "gradcheck FAILED"),
            Wrong("forgets dpred/dw = x", edit("np.mean(2 * residual * x)", "np.mean(2 * residual)"), "gradcheck FAILED"),
        ],
        "04-momentum-descent": [
            Wrong("damps the gradient: v = mu v + (1 - mu) g", edit("v = momentum * v + grad(w)", "v = momentum * v + (1 - momentum) * grad(w)"), ITERATES),
            Wrong("no momentum at all", edit("v = momentum * v + grad(w)", "v = grad(w)"), ITERATES),
            Wrong("steps before updating v", edit("v = momentum * v + grad(w)\n        w = w - lr * v", "w = w - lr * v\n        v = momentum * v + grad(w)"), ITERATES),
            Wrong("stores the same array every step", edit("w = w - lr * v\n        points.append(w.copy())", "w -= lr * v\n        points.append(w)"), ITERATES),
            Wrong("leaves out the start", edit("points = [w.copy()]", "points = []"), "has shape (5, 2), expected (6, 2)"),
            Wrong("adds the velocity", edit("w = w - lr * v", "w = w + lr * v"), ITERATES),
        ],
    }
