# Reproducer for torch.special.legendre_polynomial_p (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.special.legendre_polynomial_p#57: boundary value n: int_extreme (on accepted input torch.special.legendre_polynomial_p#11).
# Expected outcome: no result within the time limit (10.1518 s)
# Run: python 6d9bcdcbbc.py
import torch
torch.manual_seed(1812106535)
input_ = torch.randn([2], dtype=torch.float32)
n_ = torch.full([2], 2147483648, dtype=torch.int64).to(torch.float64)
result = torch.special.legendre_polynomial_p(input_, n_)
