"""Wrong answers to 03's exercises that their visible tests must reject."""

from tests.exercises.wrong_answers import Wrong, WrongAnswerTests, edit

TWICE = "x * y + x: the gradients"  # x used twice
SHARED = "e = exp(x w); e * e + 2 e: the gradients"  # e feeds two later values


class TestWrongAnswers(WrongAnswerTests):
    notebook = "03_backpropagation"
    wrong = {
        "03-relu-mlp-grad-w1": [
            Wrong(
                "transposed: X^T delta1",
                edit("return delta1.T @ X", "return X.T @ delta1"),
                "grad must have the shape of x",
                error=ValueError,
            ),
            Wrong("drops the 1/N of the mean", edit("mse_loss.grad(Y_hat, Y)", "2 * (Y_hat - Y)"), "gradcheck FAILED"),
            Wrong(
                "forgets relu'",
                edit("relu.grad(Z1, grad_output=mse_loss.grad(Y_hat, Y) @ W2)", "mse_loss.grad(Y_hat, Y) @ W2"),
                "gradcheck FAILED",
            ),
            Wrong("tanh' in place of relu'", edit("relu.grad(Z1,", "tanh.grad(Z1,"), "gradcheck FAILED"),
            Wrong("sign slip", edit("return delta1.T @ X", "return -delta1.T @ X"), "gradcheck FAILED"),
        ],
        "03-linear-backward": [
            Wrong("dL/dW transposed", edit("grad_output.T @ X", "X.T @ grad_output"), "dL/dW has shape"),
            Wrong("dL/db as a mean over samples", edit("grad_output.sum(axis=0)", "grad_output.mean(axis=0)"), "dL/db is wrong"),
            Wrong("dL/db summed over the wrong axis", edit("grad_output.sum(axis=0)", "grad_output.sum(axis=1)"), "dL/db has shape"),
            Wrong("dL/dW as a mean over samples", edit("grad_output.T @ X", "grad_output.T @ X / len(X)"), "dL/dW is wrong"),
            Wrong(
                "returns a list",
                "return [grad_output @ W, grad_output.T @ X, grad_output.sum(axis=0)]",
                "return a tuple (dX, dW, db)",
            ),
        ],
        "03-scalar-autograd": [
            Wrong("= instead of +=", edit("child.grad += local", "child.grad = local"), TWICE),
            Wrong("forgets to seed the output's grad with 1", edit("self.grad = 1.0", "self.grad = 0.0"), TWICE),
            Wrong("walks the order forwards", edit("in reversed(order):", "in order:"), TWICE),
            Wrong("multiply gate without the swap", edit("(other.data, self.data)", "(self.data, other.data)"), TWICE),
            Wrong("tanh' as 1 - tanh", edit("(1 - t**2,)", "(1 - t,)"), "a neuron tanh(x1 w1 + x2 w2 + b): the gradients"),
            Wrong("exp' as 1", edit("(e,)", "(1.0,)"), SHARED),
            Wrong(
                "no topological order: pushes each gradient on as soon as it arrives",
                edit(
                    "        visit(self)\n        self.grad = 1.0\n        for value in reversed(order):\n"
                    "            for child, local in zip(value.children, value.local_grads):\n"
                    "                child.grad += local * value.grad",
                    "        def push(value):\n            for child, local in zip(value.children, value.local_grads):\n"
                    "                child.grad += local * value.grad\n                push(child)\n\n"
                    "        self.grad = 1.0\n        push(self)",
                ),
                SHARED,
            ),
        ],
    }
