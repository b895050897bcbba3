# Reproducer for torch.special.laguerre_polynomial_l (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.special.laguerre_polynomial_l#22: boundary value n: python_scalar; out: nan.
# Expected outcome: no result within the time limit (10.0916 s)
# Run: python 3f31a44817.py
import torch
torch.manual_seed(1301936813)
input_ = torch.randn([4], dtype=torch.float64)
n_ = 2147483647
out_ = torch.full([4], float('nan')).to(torch.float64)
result = torch.special.laguerre_polynomial_l(input_, n_, out=out_)
