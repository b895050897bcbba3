# Reproducer for torch.special.legendre_polynomial_p (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.special.legendre_polynomial_p#291: boundary value n: int_extreme; out: huge; input: high_rank.
# Expected outcome: no result within the time limit (10.0212 s)
# Run: python 6d9bcdcbbc.py
import torch
torch.manual_seed(745780790)
input_ = torch.randn([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 4], dtype=torch.float32)
n_ = torch.full([2, 2, 4], 4294967296, dtype=torch.int64).to(torch.float32)
out_ = torch.full([2, 2, 4], 1e+30).to(torch.float32)
result = torch.special.legendre_polynomial_p(input_, n_, out=out_)
