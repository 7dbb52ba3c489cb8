"""Hidden checks of numerical-gradient-001."""

import numpy as np

from dlbench.quiz.harness import check


@check("the gradient of sum(x²) is 2x", task=1)
def quadratic(t):
    x = np.array([3.0, -4.0, 0.5])
    t.expect_close(t.call("numerical_gradient", lambda a: float(np.sum(a ** 2)), x),
                   [6.0, -8.0, 1.0], "grad", rtol=1e-6)


@check("a 2-D x gives a 2-D gradient", task=1)
def two_d(t):
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    grad = t.call("numerical_gradient", lambda a: float(np.sum(a[0] * a[1])), x)
    t.expect_close(grad, [[3.0, 4.0], [1.0, 2.0]], "grad", rtol=1e-6)


@check("central, not forward, differences: d(x³)/dx at 1 within 1e-6 of 3", task=1)
def central(t):
    grad = t.call("numerical_gradient", lambda a: float(np.sum(a ** 3)), np.array([1.0]))
    t.expect_close(grad, [3.0], "grad", rtol=0, atol=1e-6)


@check("x is unchanged afterwards", task=2)
def restored(t):
    x = np.array([0.1, 0.2, 0.3])
    t.call("numerical_gradient", lambda a: float(np.sum(np.sin(a))), x)
    t.expect_close(x, [0.1, 0.2, 0.3], "x after the call", rtol=0, atol=0)


@check("agrees with the analytic gradient of a smooth function (float64)", task=1)
def analytic(t):
    for seed in t.seeds:
        x = t.rng(seed).standard_normal((2, 3))
        want = 2 * x * np.cos(x ** 2)  # d/dx of sin(x²)
        grad = t.call("numerical_gradient", lambda a: float(np.sum(np.sin(a ** 2))), x.copy())
        t.expect_close(grad, want, "grad", rtol=1e-5, atol=1e-7)
