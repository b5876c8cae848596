"""Generate test/fixtures/numpy/oracle.json: reference draws from numpy itself, for the
numpy-compatible generators in src/wirings/numpy-random/ (paths the ncps golden file does not
reach: the tail-shuffle branch of Generator.choice, large bounded ranges, multi-word seeds), and
two large wirings drawn with numpy's real generators following docs/wirings.md.

Run: python3 tools/gen_numpy_oracle.py > test/fixtures/numpy/oracle.json
(numpy only; no ncps or torch import.)
"""
import json
import numpy as np


def choice_cases():
    out = []
    for seed, pop, k in [(3, 20000, 500), (3, 20000, 100), (11, 10000, 9000), (12, 10001, 201), (13, 10001, 200), (5, 5, 5), (6, 1, 1), (7, 7, 0)]:
        g = np.random.default_rng(seed)
        idx = g.choice(pop, size=k, replace=False)
        after = int(g.integers(0, 1000))  # generator position after the call
        out.append({"seed": seed, "pop": pop, "k": k, "indices": [int(v) for v in idx], "next_integers_1000": after})
    return out


def bounded_cases():
    out = []
    for seed, high in [(1, 2**32 - 1), (2, 2**31 + 12345), (3, 3), (4, 1), (5, 1000003)]:
        g = np.random.default_rng(seed)
        out.append({"seed": seed, "high": high, "values": [int(g.integers(0, high)) for _ in range(40)]})
    return out


def legacy_cases():
    out = []
    for seed, high in [(0, 3000000000), (4294967295, 2**32), (17, 5), (18, 1)]:
        rs = np.random.RandomState(seed)
        out.append({"seed": seed, "high": high, "randint": [int(rs.randint(0, high)) for _ in range(30)]})
    rs = np.random.RandomState(99)
    perm = rs.permutation(1000)
    return {"randint": out, "permutation_seed_99_n_1000": [int(v) for v in perm]}


def raw_cases():
    out = []
    for seed in [0, 1, 2**32, 2**40 + 7, 2**53 - 1]:
        out.append({"seed": seed, "uint64": [str(v) for v in np.random.PCG64(seed).random_raw(6)],
                    "seedsequence_8_uint32": [int(v) for v in np.random.SeedSequence(seed).generate_state(8)]})
    return out


def random_wiring(units, output_dim, sparsity, seed, input_dim):
    """ncps Random (docs/wirings.md §3) with numpy's own Generator."""
    rng = np.random.default_rng(seed)
    a = np.zeros((units, units), dtype=int)
    n = int(np.round(units * units * (1 - sparsity)))
    pairs = [(s, d) for s in range(units) for d in range(units)]
    for s, d in rng.choice(pairs, size=n, replace=False):
        a[s, d] = rng.choice([-1, 1, 1])
    sm = np.zeros((input_dim, units), dtype=int)
    ns = int(np.round(input_dim * units * (1 - sparsity)))
    spairs = [(s, d) for s in range(input_dim) for d in range(units)]
    for s, d in rng.choice(spairs, size=ns, replace=False):
        sm[s, d] = rng.choice([-1, 1, 1])
        sm[s, d] = rng.choice([-1, 1, 1])
    return {"ctor": {"class": "Random", "units": units, "output_dim": output_dim, "sparsity_level": sparsity, "random_seed": seed},
            "build_input_dim": input_dim,
            "adjacency_matrix": {"shape": [units, units], "data": a.ravel().tolist()},
            "sensory_adjacency_matrix": {"shape": [input_dim, units], "data": sm.ravel().tolist()}}


def auto_ncp(units, output_size, sparsity, seed, input_dim):
    """ncps AutoNCP/NCP (docs/wirings.md §4, §5) with numpy's legacy RandomState."""
    d = 1.0 - sparsity
    ic = units - output_size
    c = max(int(0.4 * ic), 1)
    i = ic - c
    sf, inf_, rec, mf = max(int(i * d), 1), max(int(c * d), 1), max(int(c * d * 2), 1), max(int(c * d), 1)
    m = output_size
    rng = np.random.RandomState(seed)
    motor = list(range(m))
    command = list(range(m, m + c))
    inter = list(range(m + c, m + c + i))
    sensory = list(range(input_dim))
    a = np.zeros((units, units), dtype=int)
    s = np.zeros((input_dim, units), dtype=int)
    unreached = list(inter)
    for src in sensory:
        for dst in rng.choice(inter, size=sf, replace=False):
            if dst in unreached:
                unreached.remove(dst)
            s[src, dst] = rng.choice([-1, 1])
    fan = int(np.clip(int(input_dim * sf / i), 1, input_dim))
    for dst in unreached:
        for src in rng.choice(sensory, size=fan, replace=False):
            s[src, dst] = rng.choice([-1, 1])
    unreached = list(command)
    for src in inter:
        for dst in rng.choice(command, size=inf_, replace=False):
            if dst in unreached:
                unreached.remove(dst)
            a[src, dst] = rng.choice([-1, 1])
    fan = int(np.clip(int(i * inf_ / c), 1, c))
    for dst in unreached:
        for src in rng.choice(inter, size=fan, replace=False):
            a[src, dst] = rng.choice([-1, 1])
    for _ in range(rec):
        src = rng.choice(command)
        dst = rng.choice(command)
        a[src, dst] = rng.choice([-1, 1])
    unreached = list(command)
    for dst in motor:
        for src in rng.choice(command, size=mf, replace=False):
            if src in unreached:
                unreached.remove(src)
            a[src, dst] = rng.choice([-1, 1])
    fan = int(np.clip(int(m * mf / c), 1, m))
    for src in unreached:
        for dst in rng.choice(motor, size=fan, replace=False):
            a[src, dst] = rng.choice([-1, 1])
    return {"ctor": {"class": "AutoNCP", "units": units, "output_size": output_size, "sparsity_level": sparsity, "seed": seed},
            "build_input_dim": input_dim,
            "adjacency_matrix": {"shape": [units, units], "data": a.ravel().tolist()},
            "sensory_adjacency_matrix": {"shape": [input_dim, units], "data": s.ravel().tolist()}}


doc = {
    "format": "liquidwave-numpy-oracle/1",
    "numpy_version": np.__version__,
    "generator_choice_without_replacement": choice_cases(),
    "generator_integers": bounded_cases(),
    "legacy": legacy_cases(),
    "raw": raw_cases(),
    "wirings": [random_wiring(128, 8, 0.5, 9, 40), auto_ncp(128, 16, 0.3, 7, 40)],
}
print(json.dumps(doc, separators=(",", ":")))
