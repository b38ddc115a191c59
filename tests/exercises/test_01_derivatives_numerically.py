"""Wrong answers to 01's exercises that their visible tests must reject."""

from tests.exercises.wrong_answers import Wrong, WrongAnswerTests

CUBIC = "central_difference(x^3, 2, h=0.1)"


class TestWrongAnswers(WrongAnswerTests):
    notebook = "01_derivatives_numerically"
    wrong = {
        "01-rational-grad": [
            Wrong("drops the square of the denominator", "return 2 * x / (1 + x**2)", "gradcheck FAILED"),
            Wrong("drops the factor 2", "return x / (1 + x**2) ** 2", "gradcheck FAILED"),
            Wrong("sign slip", "return -2 * x / (1 + x**2) ** 2", "gradcheck FAILED"),
            Wrong(
                "quotient rule with + instead of -",
                "return (2 * x * (1 + x**2) + x**2 * 2 * x) / (1 + x**2) ** 2",
                "gradcheck FAILED",
            ),
            Wrong("abs of x", "return 2 * np.abs(x) / (1 + x**2) ** 2", "gradcheck FAILED"),
            Wrong(
                "sums the entries into one number",
                "return np.sum(2 * x / (1 + x**2) ** 2)",
                "grad must have the shape of x",
                error=ValueError,
            ),
        ],
        "01-central-difference": [
            Wrong("a forward difference", "return (f(x + h) - f(x)) / h", "central_difference(x^2, 3, h=0.5)"),
            Wrong("divides by h, not 2h", "return (f(x + h) - f(x - h)) / h", "central_difference(x^2, 3, h=0.5)"),
            Wrong("sign slip", "return (f(x - h) - f(x + h)) / (2 * h)", "central_difference(x^2, 3, h=0.5)"),
            Wrong("ignores h: always a step of 1e-5", "return (f(x + 1e-5) - f(x - 1e-5)) / 2e-5", CUBIC),
            Wrong("steps by 2h each way", "return (f(x + 2 * h) - f(x - 2 * h)) / (2 * h)", "central_difference(x^2, 3, h=0.5)"),
            Wrong("averages into one number", "return np.mean((f(x + h) - f(x - h)) / (2 * h))", "has shape ()"),
        ],
        "01-complex-step": [
            Wrong("abs of the imaginary part", "return np.abs(np.imag(f(x + 1j * h))) / h", "complex_step(sin, [-1, 0.5, 2])"),
            Wrong("the real part", "return np.real(f(x + 1j * h)) / h", "complex_step(exp, [-1, 0.5, 2])"),
            Wrong("forgets to divide by h", "return np.imag(f(x + 1j * h))", "complex_step(exp, [-1, 0.5, 2])"),
            Wrong("forgets the i: a real step", "return np.imag(f(x + h)) / h", "complex_step(exp, [-1, 0.5, 2])"),
            Wrong("ignores h: always 1e-20", "return np.imag(f(x + 1e-20j)) / 1e-20", "complex_step(x^3, 2, h=1e-3)"),
            Wrong("a central difference with the tiny h", "return (f(x + h) - f(x - h)) / (2 * h)", "complex_step(exp, [-1, 0.5, 2])"),
        ],
    }
