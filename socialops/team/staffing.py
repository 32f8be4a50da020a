"""Compute staffing with Erlang C (M/M/n) and Erlang A (M/M/n+M), in floats.

Pure arithmetic (gettext only for error messages). Both models start
from the Erlang B recursion B(0) = 1, B(n) = A·B(n-1) / (n + A·B(n-1)), which
stays in [0, 1] for any traffic, so large offered loads (thousands of Erlangs)
never overflow the way factorial formulas do. The Erlang A queue tail is summed
in logs for the same reason. docs/staffing.md explains formulas and limits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.translation import gettext as _

# Erlang A: stop summing the queue tail once terms fall below this share of the largest.
_TAIL_EPSILON = 1e-16
# Erlang A service level: Poisson weights below this are ignored (uniformization).
_POISSON_EPSILON = 1e-14


class StaffingInputError(ValueError):
    """Raise when a staffing input is outside its domain (message says which)."""


@dataclass(frozen=True)
class ErlangCResult:
    """The staffing an Erlang C computation recommends, with its performance."""

    agents: int
    service_level: float
    p_wait: float
    asa_s: float
    occupancy: float
    staff_with_shrinkage: int

    def as_dict(self, digits: int = 3) -> dict[str, float | int]:
        """Return the result as JSON-ready numbers rounded to `digits` decimals."""
        return {"agents": self.agents, "service_level": round(self.service_level, digits),
                "p_wait": round(self.p_wait, digits), "asa_s": round(self.asa_s, digits),
                "occupancy": round(self.occupancy, digits),
                "staff_with_shrinkage": self.staff_with_shrinkage}


@dataclass(frozen=True)
class ErlangAResult:
    """The performance of n agents facing impatient customers (Erlang A)."""

    p_wait: float
    p_abandon: float
    service_level: float

    def as_dict(self, digits: int = 3) -> dict[str, float]:
        """Return the result as JSON-ready numbers rounded to `digits` decimals."""
        return {"p_wait": round(self.p_wait, digits), "p_abandon": round(self.p_abandon, digits),
                "service_level": round(self.service_level, digits)}


def offered_load(arrivals: float, period_s: float, aht_s: float) -> float:
    """Return the traffic in Erlangs: arrivals per second times mean handling time."""
    _positive(period_s=period_s, aht_s=aht_s)
    if not math.isfinite(arrivals) or arrivals < 0:
        raise StaffingInputError(_("arrivals must be a finite number ≥ 0"))
    return arrivals / period_s * aht_s


def erlang_b(agents: int, load: float) -> float:
    """Return the Erlang B blocking probability of `agents` servers under `load` Erlangs."""
    if agents < 0:
        raise StaffingInputError(_("agents must be ≥ 0"))
    b = 1.0
    for n in range(1, agents + 1):
        b = load * b / (n + load * b)
    return b


def _erlang_c_from_b(agents: int, load: float, b: float) -> float:
    """Return the probability of waiting in M/M/n given Erlang B for the same n."""
    if load >= agents:
        return 1.0
    return agents * b / (agents - load + load * b)


def erlang_c(agents: int, load: float) -> float:
    """Return the probability that a conversation waits (Erlang C); 1 when overloaded."""
    return _erlang_c_from_b(agents, load, erlang_b(agents, load))


def _c_service_level(agents: int, load: float, p_wait: float, aht_s: float,
                     target_s: float) -> float:
    if load >= agents:
        return 0.0
    return 1.0 - p_wait * math.exp(-(agents - load) * target_s / aht_s)


def erlang_c_performance(agents: int, load: float, aht_s: float,
                         target_s: float) -> tuple[float, float, float]:
    """Return (service level, p_wait, ASA in seconds) of `agents` under `load` Erlangs."""
    p_wait = erlang_c(agents, load)
    if load >= agents:
        return 0.0, 1.0, math.inf
    return (_c_service_level(agents, load, p_wait, aht_s, target_s), p_wait,
            p_wait * aht_s / (agents - load))


def erlang_c_staffing(*, arrivals: float, period_s: float, aht_s: float, target_s: float,
                      service_level: float, max_occupancy: float = 1.0,
                      shrinkage: float = 0.0) -> ErlangCResult:
    """Return the fewest agents meeting the service level and the occupancy cap.

    The service level is the share of conversations answered within `target_s`;
    occupancy is load / agents; staff with shrinkage is agents / (1 - shrinkage),
    rounded up (people on leave, in meetings or training are not answering).
    """
    _non_negative(target_s=target_s)
    if not 0 < service_level < 1:
        raise StaffingInputError(_("service level must be between 0 and 1 (exclusive)"))
    if not 0 < max_occupancy <= 1:
        raise StaffingInputError(_("max occupancy must be in (0, 1]"))
    if not 0 <= shrinkage < 1:
        raise StaffingInputError(_("shrinkage must be in [0, 1)"))
    load = offered_load(arrivals, period_s, aht_s)
    if load == 0:
        return ErlangCResult(0, 1.0, 0.0, 0.0, 0.0, 0)
    # Start at the occupancy floor (and above the load), carrying Erlang B along.
    start = max(1, math.floor(load) + 1, math.ceil(load / max_occupancy - 1e-12))
    b = erlang_b(start - 1, load)
    agents = start - 1
    while True:
        agents += 1
        b = load * b / (agents + load * b)
        p_wait = _erlang_c_from_b(agents, load, b)
        level = _c_service_level(agents, load, p_wait, aht_s, target_s)
        if level >= service_level and load / agents <= max_occupancy + 1e-12:
            asa = p_wait * aht_s / (agents - load)
            staff = math.ceil(agents / (1 - shrinkage) - 1e-9)
            return ErlangCResult(agents, level, p_wait, asa, load / agents, staff)


def erlang_a(*, arrivals: float, period_s: float, aht_s: float, patience_s: float,
             agents: int, target_s: float = 20.0) -> ErlangAResult:
    """Return p_wait, p_abandon and the service level of M/M/n+M (exponential patience).

    The service level is the share of all arriving conversations answered within
    `target_s` (a conversation abandoned before being answered counts as missed).
    """
    _positive(patience_s=patience_s)
    if agents < 1:
        raise StaffingInputError(_("agents must be ≥ 1"))
    _non_negative(target_s=target_s)
    load = offered_load(arrivals, period_s, aht_s)
    if load == 0:
        return ErlangAResult(0.0, 0.0, 1.0)
    mu, theta = 1.0 / aht_s, 1.0 / patience_s
    lam = load * mu
    b = erlang_b(agents, load)
    # Queue tail relative to the state "all agents busy, nobody waiting":
    # w_j = Π_{i=1..j} λ / (nμ + iθ), summed in logs then rescaled.
    log_w = [0.0]
    top = 0.0
    j = 0
    while True:
        j += 1
        log_w.append(log_w[-1] + math.log(lam / (agents * mu + j * theta)))
        top = max(top, log_w[-1])
        # Terms shrink for good once nμ + jθ exceeds λ.
        if agents * mu + j * theta > lam and log_w[-1] < top + math.log(_TAIL_EPSILON):
            break
    scaled = [math.exp(x - top) for x in log_w]  # w_j · e^(-top)
    tail = sum(scaled)
    # Probability of the state n (all busy, no queue), relative to the others:
    # states below n weigh (1 - B)/B times π_n; exp(-top) keeps the scale consistent.
    below = (1 - b) / b * math.exp(-top) if b > 0 else math.inf
    norm = below + tail
    p_wait = tail / norm
    p_abandon = sum(w * i * theta for i, w in enumerate(scaled)) / lam / norm
    # An arrival finding j others waiting is answered within T if, before T and before
    # its own patience runs out, the j ahead leave and an agent frees up.
    answered = _answered_within(agents * mu, theta, len(scaled) - 1, target_s)
    level = below / norm + sum(w * answered[i] for i, w in enumerate(scaled)) / norm
    return ErlangAResult(p_wait, min(p_abandon, 1.0), min(level, 1.0))


def _answered_within(service_rate: float, theta: float, max_ahead: int,
                     target_s: float) -> list[float]:
    """Return, for j = 0..max_ahead waiting ahead, P(answered within target_s).

    A tagged waiting conversation with m ahead moves to m - 1 at rate nμ + mθ
    (an agent frees up or someone ahead abandons) and abandons itself at rate θ;
    from m = 0 the next agent answers it. The transient probability is computed by
    uniformization (Poisson-weighted powers of a sub-stochastic step), which is
    stable for any size.
    """
    size = max_ahead + 1
    if target_s == 0:
        return [0.0] * size
    rates = [service_rate + m * theta for m in range(size)]
    uniform = rates[-1] + theta
    mean = uniform * target_s
    # u[m] = P(answered within k uniformized steps | m ahead), for increasing k.
    u = [0.0] * size
    result = [0.0] * size
    log_mean = math.log(mean)
    k = 0
    cumulative = 0.0
    while True:
        weight = math.exp(-mean + k * log_mean - math.lgamma(k + 1))
        cumulative += weight
        if k > 0:
            for m in range(size):
                result[m] += weight * u[m]
        if k > mean and (1.0 - cumulative < _POISSON_EPSILON or weight < _POISSON_EPSILON):
            break
        stay = [1.0 - (rates[m] + theta) / uniform for m in range(size)]
        u = [rates[m] / uniform * (u[m - 1] if m else 1.0) + stay[m] * u[m]
             for m in range(size)]
        k += 1
    return result


def _non_negative(**values: float) -> None:
    for name, value in values.items():
        if not math.isfinite(value) or value < 0:
            raise StaffingInputError(_("%(name)s must be a finite number ≥ 0")
                                     % {"name": name.replace("_", "-")})


def _positive(**values: float) -> None:
    for name, value in values.items():
        if not math.isfinite(value) or value <= 0:
            raise StaffingInputError(_("%(name)s must be a finite number > 0")
                                     % {"name": name.replace("_", "-")})
