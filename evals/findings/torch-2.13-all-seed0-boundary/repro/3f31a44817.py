# Reproducer for torch.special.laguerre_polynomial_l (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.special.laguerre_polynomial_l#143: boundary value input: noncontiguous; n: int_extreme; out: noncontiguous (on accepted input torch.special.laguerre_polynomial_l#17).
# Expected outcome: no result within the time limit (10.0565 s)
# Run: python 3f31a44817.py
import torch
torch.manual_seed(1294089251)
input_ = torch.randint(0, 2, [1, 8]).to(torch.uint16)[..., ::2]
n_ = torch.full([1, 4], 4294967296, dtype=torch.int64).to(torch.float32)
out_ = torch.randn([4, 3, 8], dtype=torch.float32)[..., ::2]
result = torch.special.laguerre_polynomial_l(input_, n_, out=out_)
