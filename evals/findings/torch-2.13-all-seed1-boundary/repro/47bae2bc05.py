# Reproducer for torch.Tensor.diff (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.Tensor.diff#61: boundary value n: int:4294967296; dim: int:-2; self: empty_huge (on accepted input torch.Tensor.diff#5).
# Expected outcome: no result within the time limit (10.0303 s)
# Run: python 47bae2bc05.py
import torch
torch.manual_seed(1063490637)
self_ = torch.randn([3, 4611686018427387904, 0], dtype=torch.float32)
n_ = 4294967296
dim_ = -2
result = torch.Tensor.diff(self_, n_, dim_)
