# Reproducer for torch.linalg.matrix_power (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.linalg.matrix_power#110: boundary value n: int:-9223372036854775808; out: scalar.
# Expected outcome: no result within the time limit (10.0525 s)
# Run: python e2d2b966bf.py
import torch
torch.manual_seed(668795741)
A_ = torch.randn([2, 4, 4], dtype=torch.float32)
n_ = -9223372036854775808
out_ = torch.randn([], dtype=torch.float32)
result = torch.linalg.matrix_power(A_, n_, out=out_)
