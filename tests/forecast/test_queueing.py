"""Queueing arithmetic against NHSRwaitinglist's published test values and Erlang-B oracles."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special, stats

from pks.forecast import queueing as q

# R's expect_equal uses a relative tolerance of sqrt(.Machine$double.eps) ≈ 1.5e-8;
# the published values are rounded to 8 significant digits, hence 1e-7 here.
REL = 1e-7


class TestNHSRwaitinglist:
    """Values from nhs-r-community/NHSRwaitinglist tests/testthat/test-calc_*.R."""

    def test_target_queue_size(self) -> None:
        assert q.target_queue_size(30, 52, 4) == pytest.approx(390, rel=REL)
        assert q.target_queue_size(30, 52) == pytest.approx(390, rel=REL)  # factor default 4

    def test_relief_capacity(self) -> None:
        assert q.relief_capacity(30, 1200, 390, 26) == pytest.approx(61.153846, rel=REL)
        assert q.relief_capacity(30, 1200, 390, 26) == pytest.approx(30 + (1200 - 390) / 26)
        got = [q.relief_capacity(d, s, t, n) for d, s, t, n in
               [(30, 1200, 390, 26), (33, 800, 200, 30), (35, 250, 100, 15)]]
        assert got == pytest.approx([61.153846, 53, 45], rel=REL)

    def test_relief_capacity_inflates_estimated_demand(self) -> None:
        # demand / (1 - 2·demand·cv/sqrt(n)) when the estimate is uncertain
        d = 30 / (1 - 2 * 30 * 0.1 / math.sqrt(10000))
        assert q.relief_capacity(30, 1200, 390, 26, 10000, 0.1) == pytest.approx(
            d + 810 / 26)

    def test_waiting_list_pressure(self) -> None:
        assert q.waiting_list_pressure(63, 52) == pytest.approx(2.4230769, rel=REL)

    def test_target_capacity(self) -> None:
        # calc_target_capacity(30, 52, 3, 1.1, 1.2): demand, target_wait, factor, cv_d, cv_c
        assert q.target_capacity(30, 52, 3, 1.1, 1.2) == pytest.approx(30.076442, rel=REL)
        assert q.target_capacity(30, 52, 3, 1.1, 1.2) == pytest.approx(
            30 + ((1.1**2 + 1.2**2) / 2) * (3 / 52))

    def test_target_mean_wait_and_queue_load(self) -> None:
        assert q.target_mean_wait(52, 4) == 13
        assert q.target_mean_wait(52, 6) == pytest.approx(8.6666667)
        assert q.queue_load(30, 27) == pytest.approx(30 / 27)

    def test_bad_input_is_rejected(self) -> None:
        with pytest.raises(ValueError):
            q.target_mean_wait(0, 4)
        with pytest.raises(ValueError):
            q.queue_load(1, 0)


class TestCareGuarantee:
    def test_share_within_limit_is_met_exactly(self) -> None:
        m = q.guarantee_mean_wait(90, 0.9)
        assert q.share_within_limit(m, 90) == pytest.approx(0.9)
        # exponential-wait check by scipy: P(W ≤ 90) for mean m
        assert stats.expon(scale=m).cdf(90) == pytest.approx(0.9)

    def test_factor_4_rule_is_98_percent(self) -> None:
        # NHSRwaitinglist's factor 4 means P(W > target) = e^-4 ≈ 1.8 %
        assert q.share_within_limit(q.target_mean_wait(52, 4), 52) == pytest.approx(
            1 - math.exp(-4))
        assert q.guarantee_factor(1 - math.exp(-4)) == pytest.approx(4)

    def test_nhs_columns_default_to_the_one_rules_factor(self) -> None:
        from pks.rules import guarantee as rg

        # one home: the NHS waiting-list defaults are the rule's fallback factor, not a copy
        assert q.target_mean_wait(52) == pytest.approx(52 / rg.DEFAULT_WAIT_FACTOR)
        assert q.target_queue_size(30, 52) == pytest.approx(
            30 * 52 / 7 * 7 / rg.DEFAULT_WAIT_FACTOR)
        assert q.guarantee_factor(0.9) == rg.wait_factor(0.9) == pytest.approx(math.log(10))

    def test_higher_share_needs_shorter_mean_wait(self) -> None:
        assert q.guarantee_mean_wait(90, 0.95) < q.guarantee_mean_wait(90, 0.9)


def erlang_b_closed_form(c: int, a: float) -> float:
    """Independent oracle: (a^c / c!) / Σ_k a^k / k!, in logs via scipy.special.gammaln."""
    k = np.arange(c + 1)
    logs = k * math.log(a) - special.gammaln(k + 1)
    return float(math.exp(logs[-1] - special.logsumexp(logs)))


def erlang_b_poisson(c: int, a: float) -> float:
    """Second oracle: B = P(N = c) / P(N ≤ c) for N ~ Poisson(a) (truncated Poisson)."""
    return float(stats.poisson.pmf(c, a) / stats.poisson.cdf(c, a))


class TestErlangB:
    @pytest.mark.parametrize("c,a", [(1, 0.5), (5, 3.0), (10, 5.0), (25, 20.0), (60, 48.0),
                                     (120, 100.0), (3, 10.0)])
    def test_matches_independent_closed_forms(self, c: int, a: float) -> None:
        assert q.erlang_b(c, a) == pytest.approx(erlang_b_closed_form(c, a), rel=1e-10)
        assert q.erlang_b(c, a) == pytest.approx(erlang_b_poisson(c, a), rel=1e-9)

    def test_single_server(self) -> None:
        # B(1, a) = a / (1 + a)
        assert q.erlang_b(1, 3.0) == pytest.approx(0.75)

    @pytest.mark.parametrize("c,p,a_table", [(5, 0.01, 1.36), (10, 0.01, 4.46),
                                             (10, 0.02, 5.08), (20, 0.01, 12.03),
                                             (50, 0.01, 37.90)])
    def test_published_erlang_b_table(self, c: int, p: float, a_table: float) -> None:
        # standard Erlang-B traffic tables (offered erlangs for c servers at blocking p)
        assert q.max_offered_load(c, p) == pytest.approx(a_table, abs=0.006)

    def test_beds_for_refusal_is_smallest(self) -> None:
        for lam, los, p in [(2.0, 5.0, 0.05), (0.7, 3.2, 0.01), (9.0, 4.4, 0.02)]:
            c = q.beds_for_refusal(lam, los, p)
            assert q.erlang_b(c, lam * los) <= p
            assert q.erlang_b(c - 1, lam * los) > p

    def test_sustainable_occupancy_grows_with_ward_size(self) -> None:
        occ = [q.sustainable_occupancy(c, 0.05) for c in range(5, 61)]
        assert all(b > a for a, b in zip(occ, occ[1:], strict=False))
        # de Bruin et al. 2010: small wards cannot run at 85 %
        assert q.sustainable_occupancy(10, 0.05) < 0.85
        assert q.sustainable_occupancy(10, 0.01) < 0.5

    def test_occupancy_definition(self) -> None:
        c, a = 12, 9.0
        assert q.occupancy(c, a) == pytest.approx(a * (1 - erlang_b_closed_form(c, a)) / c)
