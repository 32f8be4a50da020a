"""Erlang C and Erlang A: golden cases, a seeded simulation, huge traffic, bad input."""

from __future__ import annotations

import heapq
import json
import math
import random
from dataclasses import dataclass

import pytest

from socialops.cli import main
from socialops.team.staffing import (
    StaffingInputError,
    erlang_a,
    erlang_b,
    erlang_c_performance,
    erlang_c_staffing,
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_erlang_c_golden_case_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(capsys, "staffing", "erlang-c", "--arrivals", "100", "--period-s",
                          "1800", "--aht-s", "180", "--target-s", "20", "--service-level", "0.8",
                          "--max-occupancy", "0.85", "--shrinkage", "0.3")
    assert code == 0
    assert json.loads(out) == {"agents": 14, "service_level": 0.888, "p_wait": 0.174,
                               "asa_s": 7.836, "occupancy": 0.714, "staff_with_shrinkage": 20}


def test_erlang_a_golden_case_from_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    # A = 100 conversations x 180 s / 1800 s = 10 Erlangs; patience equal to the
    # handling time makes the queue a Poisson(10) law, checked independently below.
    code, out, _err = run(capsys, "staffing", "erlang-a", "--arrivals", "100", "--period-s",
                          "1800", "--aht-s", "180", "--patience-s", "180", "--agents", "11")
    assert code == 0
    result = json.loads(out)
    assert result["p_wait"] == 0.417
    assert result["p_abandon"] == 0.083
    assert set(result) == {"p_wait", "p_abandon", "service_level"}


def test_erlang_a_golden_case_matches_the_poisson_closed_form() -> None:
    # With θ = μ, the number in system is Poisson(A): P(wait) = P(K ≥ n) and
    # P(abandon) = E[(K - n)+] / A.
    load, agents = 10.0, 11
    pk = [math.exp(-load + k * math.log(load) - math.lgamma(k + 1)) for k in range(200)]
    result = erlang_a(arrivals=100, period_s=1800, aht_s=180, patience_s=180, agents=agents)
    assert result.p_wait == pytest.approx(sum(pk[agents:]), abs=1e-9)
    assert result.p_abandon == pytest.approx(
        sum(p * (k - agents) for k, p in enumerate(pk) if k > agents) / load, abs=1e-9)


def test_erlang_b_recursion_matches_the_textbook_formula_for_small_cases() -> None:
    load, agents = 7.0, 9
    terms = [load ** k / math.factorial(k) for k in range(agents + 1)]
    assert erlang_b(agents, load) == pytest.approx(terms[-1] / sum(terms), rel=1e-12)


def test_erlang_c_respects_the_occupancy_cap() -> None:
    # 10 Erlangs at 60 % maximum occupancy needs 17 agents even though 14 meet the level.
    result = erlang_c_staffing(arrivals=100, period_s=1800, aht_s=180, target_s=20,
                               service_level=0.8, max_occupancy=0.6)
    assert result.agents == 17
    assert result.occupancy <= 0.6


@dataclass
class Simulated:
    p_wait: float
    p_abandon: float
    service_level: float


def simulate(*, load: float, agents: int, aht_s: float, target_s: float,
             patience_s: float | None, customers: int, seed: int) -> Simulated:
    """Simulate a first-come-first-served M/M/n(+M) queue and measure it."""
    rng = random.Random(seed)
    arrival_rate = load / aht_s
    free_at = [0.0] * agents  # when each agent is next free, as a heap
    now = waited = abandoned = answered_in_time = 0
    clock = 0.0
    warmup = customers // 10
    for i in range(customers + warmup):
        clock += rng.expovariate(arrival_rate)
        start = max(clock, free_at[0])
        wait = start - clock
        patience = rng.expovariate(1 / patience_s) if patience_s else math.inf
        gives_up = wait > patience
        if not gives_up:
            heapq.heapreplace(free_at, start + rng.expovariate(1 / aht_s))
        if i < warmup:
            continue
        now += 1
        waited += wait > 0
        abandoned += gives_up
        answered_in_time += (not gives_up) and wait <= target_s
    return Simulated(waited / now, abandoned / now, answered_in_time / now)


# Queues near full load are strongly autocorrelated, so 150 000 simulated
# conversations estimate a proportion with a standard deviation of about 0.012
# (Erlang C case) and 0.005 (Erlang A case), measured over ten seeds. The
# tolerances are about three of those standard deviations; the seed is fixed.
C_TOLERANCE = 0.035
A_TOLERANCE = 0.02


def test_erlang_c_agrees_with_a_simulation_of_larger_traffic() -> None:
    load, agents, aht_s, target_s = 50.0, 56, 240.0, 30.0
    level, p_wait, _asa = erlang_c_performance(agents, load, aht_s, target_s)
    measured = simulate(load=load, agents=agents, aht_s=aht_s, target_s=target_s,
                        patience_s=None, customers=150_000, seed=1)
    assert measured.p_wait == pytest.approx(p_wait, abs=C_TOLERANCE)
    assert measured.service_level == pytest.approx(level, abs=C_TOLERANCE)


def test_erlang_a_agrees_with_a_simulation_of_larger_traffic() -> None:
    load, agents, aht_s, target_s, patience_s = 50.0, 52, 240.0, 30.0, 200.0
    result = erlang_a(arrivals=load * 3600 / aht_s, period_s=3600, aht_s=aht_s,
                      patience_s=patience_s, agents=agents, target_s=target_s)
    measured = simulate(load=load, agents=agents, aht_s=aht_s, target_s=target_s,
                        patience_s=patience_s, customers=150_000, seed=1)
    assert measured.p_wait == pytest.approx(result.p_wait, abs=A_TOLERANCE)
    assert measured.p_abandon == pytest.approx(result.p_abandon, abs=A_TOLERANCE)
    assert measured.service_level == pytest.approx(result.service_level, abs=A_TOLERANCE)


def test_huge_traffic_finishes_with_finite_figures() -> None:
    arrivals = 5000 * 3600 / 180  # 5000 Erlangs
    c = erlang_c_staffing(arrivals=arrivals, period_s=3600, aht_s=180, target_s=20,
                          service_level=0.8, max_occupancy=0.9, shrinkage=0.3)
    assert 5000 < c.agents < 5600
    assert all(math.isfinite(x) for x in (c.service_level, c.p_wait, c.asa_s, c.occupancy))
    for agents in (4500, 5000, 5100):
        a = erlang_a(arrivals=arrivals, period_s=3600, aht_s=180, patience_s=300,
                     agents=agents)
        values = (a.p_wait, a.p_abandon, a.service_level)
        assert all(math.isfinite(x) and 0 <= x <= 1 for x in values)
    # Overloaded by 500 Erlangs: about 500/5000 of the conversations must be abandoned.
    overloaded = erlang_a(arrivals=arrivals, period_s=3600, aht_s=180, patience_s=300,
                          agents=4500)
    assert overloaded.p_abandon == pytest.approx(0.1, abs=0.005)


@pytest.mark.parametrize("kwargs", [
    {"service_level": 1.2}, {"service_level": 0.0}, {"max_occupancy": 0.0},
    {"shrinkage": 1.0}, {"aht_s": 0.0}, {"period_s": -5.0}, {"arrivals": -1.0},
    {"target_s": -1.0}, {"aht_s": math.nan},
])
def test_erlang_c_rejects_bad_input(kwargs: dict[str, float]) -> None:
    args: dict[str, float] = {"arrivals": 100, "period_s": 1800, "aht_s": 180, "target_s": 20,
                              "service_level": 0.8, **kwargs}
    with pytest.raises(StaffingInputError):
        erlang_c_staffing(**args)


def test_bad_input_on_the_command_line_exits_2_with_a_message(
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "staffing", "erlang-c", "--arrivals", "100", "--period-s",
                         "1800", "--aht-s", "180", "--target-s", "20",
                         "--service-level", "80")
    assert (code, out) == (2, "")
    assert "service level must be between 0 and 1" in err
    code, out, err = run(capsys, "staffing", "erlang-a", "--arrivals", "100", "--period-s",
                         "1800", "--aht-s", "180", "--patience-s", "0", "--agents", "11")
    assert (code, out) == (2, "")
    assert "patience-s must be a finite number > 0" in err
