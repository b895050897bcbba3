# Reproducer for torch.linalg.matrix_power (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.linalg.matrix_power#42: boundary value out: int_extreme; n: int:-9223372036854775808.
# Expected outcome: no result within the time limit (10.1111 s)
# Run: python e2d2b966bf.py
import torch
torch.manual_seed(407723425)
A_ = torch.randn([2, 1, 1, 1], dtype=torch.float64)
n_ = -9223372036854775808
out_ = torch.full([1, 1], -2147483648, dtype=torch.int64).to(torch.float64)
result = torch.linalg.matrix_power(A_, n_, out=out_)
