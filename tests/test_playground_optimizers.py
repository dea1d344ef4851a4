"""Each optimizer's first two steps against document 5's formula, computed by hand here.

The surface is the quadratic f = (x**2 + 4 y**2) / 2, whose gradient is (x, 4y); every
expected value below is scalar arithmetic on that gradient, independent of lrviz's update code.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lrviz.playground import optimizers, run, surfaces

C = 4.0  # condition: curvature of y
P0 = (1.5, -0.5)
LR = 0.1


def grad(p):
    return (p[0], C * p[1])


def quad():
    return surfaces.make("quadratic", condition=C)


def two_steps(name, **params):
    """Points after updates 1 and 2 from lrviz, at a constant lr."""
    out = run.simulate(quad(), optimizers.make(name, **params), np.full(2, LR), 2, P0)
    return out.path[1], out.path[2]


def expect(points, got):
    for want, have in zip(points, got):
        assert have == pytest.approx(want, rel=1e-12, abs=1e-15)


def test_sgd():
    p1 = tuple(p - LR * g for p, g in zip(P0, grad(P0)))
    p2 = tuple(p - LR * g for p, g in zip(p1, grad(p1)))
    expect([p1, p2], two_steps("sgd"))


def test_momentum_keeps_lr_inside_the_buffer():
    beta = 0.9
    m1 = [LR * g for g in grad(P0)]
    p1 = [p - m for p, m in zip(P0, m1)]
    m2 = [beta * m + LR * g for m, g in zip(m1, grad(p1))]
    p2 = [p - m for p, m in zip(p1, m2)]
    expect([p1, p2], two_steps("momentum"))


def test_nag_takes_the_gradient_ahead():
    beta = 0.9
    m1 = [LR * g for g in grad(P0)]  # m0 = 0, so the look-ahead point is p0
    p1 = [p - m for p, m in zip(P0, m1)]
    ahead = [p - beta * m for p, m in zip(p1, m1)]
    m2 = [beta * m + LR * g for m, g in zip(m1, grad(ahead))]
    p2 = [p - m for p, m in zip(p1, m2)]
    expect([p1, p2], two_steps("nag"))
    # and it is not plain momentum: the second step differs
    assert two_steps("nag")[1][1] != pytest.approx(two_steps("momentum")[1][1], rel=1e-6)


def test_adagrad():
    eps = 1e-7
    g1 = grad(P0)
    G1 = [g * g for g in g1]
    p1 = [p - LR * g / math.sqrt(G + eps) for p, g, G in zip(P0, g1, G1)]
    g2 = grad(p1)
    G2 = [G + g * g for G, g in zip(G1, g2)]
    p2 = [p - LR * g / math.sqrt(G + eps) for p, g, G in zip(p1, g2, G2)]
    expect([p1, p2], two_steps("adagrad"))


def test_adadelta():
    rho, eps = 0.95, 1e-6
    p, Eg, Ed, points = list(P0), [0.0, 0.0], [0.0, 0.0], []
    for _ in range(2):
        g = grad(p)
        Eg = [rho * e + (1 - rho) * gi * gi for e, gi in zip(Eg, g)]
        d = [math.sqrt(ed + eps) / math.sqrt(eg + eps) * gi for ed, eg, gi in zip(Ed, Eg, g)]
        Ed = [rho * e + (1 - rho) * di * di for e, di in zip(Ed, d)]
        p = [pi - LR * di for pi, di in zip(p, d)]
        points.append(p)
    expect(points, two_steps("adadelta"))


def test_rmsprop():
    beta, eps = 0.9, 1e-7
    p, G, points = list(P0), [0.0, 0.0], []
    for _ in range(2):
        g = grad(p)
        G = [beta * Gi + (1 - beta) * gi * gi for Gi, gi in zip(G, g)]
        p = [pi - LR * gi / math.sqrt(Gi + eps) for pi, gi, Gi in zip(p, g, G)]
        points.append(p)
    expect(points, two_steps("rmsprop"))


def adam_by_hand(wd_l2=0.0, wd_decoupled=0.0, b1=0.9, b2=0.999, eps=1e-8):
    p, m, n, points = list(P0), [0.0, 0.0], [0.0, 0.0], []
    for t in (1, 2):
        g = [gi + wd_l2 * pi for gi, pi in zip(grad(p), p)]
        m = [b1 * mi + (1 - b1) * gi for mi, gi in zip(m, g)]
        n = [b2 * ni + (1 - b2) * gi * gi for ni, gi in zip(n, g)]
        m_hat = [mi / (1 - b1 ** t) for mi in m]
        n_hat = [ni / (1 - b2 ** t) for ni in n]
        p = [pi - LR * mh / math.sqrt(nh + eps) - LR * wd_decoupled * pi for pi, mh, nh in zip(p, m_hat, n_hat)]
        points.append(p)
    return points


def test_adam():
    expect(adam_by_hand(), two_steps("adam"))


def test_adam_first_step_is_lr_times_sign_of_the_gradient():
    """Bias correction: m_hat = g and n_hat = g**2 at t = 1, so the step is lr * g / |g|."""
    out = run.simulate(quad(), optimizers.make("adam", eps=1e-300), np.full(1, LR), 1, P0)
    signs = [math.copysign(1.0, g) for g in grad(P0)]
    assert out.path[1] == pytest.approx([p - LR * s for p, s in zip(P0, signs)], rel=1e-15)
    # whatever the gradient's size: a 1000x steeper start moves just as far
    steep = run.simulate(surfaces.make("quadratic", condition=4000.0), optimizers.make("adam", eps=1e-300),
                         np.full(1, LR), 1, P0)
    assert steep.path[1] == pytest.approx(out.path[1], rel=1e-15)


def test_adamw_and_adam_l2_follow_their_formulas_and_differ():
    wd = 0.3
    expect(adam_by_hand(wd_decoupled=wd), two_steps("adamw", weight_decay=wd))
    expect(adam_by_hand(wd_l2=wd), two_steps("adam_l2", weight_decay=wd))
    decoupled, coupled = two_steps("adamw", weight_decay=wd)[1], two_steps("adam_l2", weight_decay=wd)[1]
    assert abs(decoupled[0] - coupled[0]) > 1e-3  # the decay is rescaled by Adam in one, not the other


def test_zero_weight_decay_is_adam():
    assert np.array_equal(np.array(two_steps("adamw", weight_decay=0.0)), np.array(two_steps("adam")))
    assert np.array_equal(np.array(two_steps("adam_l2", weight_decay=0.0)), np.array(two_steps("adam")))


def test_defaults_are_the_documented_ones():
    d = {name: optimizers.make(name).params for name in optimizers.names()}
    assert d["momentum"]["beta"] == 0.9 and d["nag"]["beta"] == 0.9
    assert (d["adam"]["beta1"], d["adam"]["beta2"], d["adam"]["eps"], d["adam"]["lr"]) == (0.9, 0.999, 1e-8, 0.001)
    assert d["rmsprop"]["beta"] == 0.9 and d["adadelta"]["rho"] == 0.95 and d["adadelta"]["lr"] == 1.0
    assert d["adamw"]["weight_decay"] == 0.01


def test_bad_hyperparameters_are_named():
    with pytest.raises(Exception, match=r"params.beta1: must be in \[0, 1\); got 1"):
        optimizers.make("adam", beta1=1.0)
    with pytest.raises(Exception, match="did you mean beta1"):
        optimizers.make("adam", bta1=0.9)
    with pytest.raises(Exception, match="did you mean adam"):
        optimizers.make("adm")
