# Reproducer for torch.linalg.matrix_power (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.linalg.matrix_power#51: boundary value n: int:-9223372036854775808.
# Expected outcome: no result within the time limit (10.08 s)
# Run: python e2d2b966bf.py
import torch
torch.manual_seed(1193261504)
A_ = torch.randn([2, 2], dtype=torch.float32)
n_ = -9223372036854775808
result = torch.linalg.matrix_power(A_, n_)
