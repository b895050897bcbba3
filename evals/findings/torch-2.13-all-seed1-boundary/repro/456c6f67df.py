# Reproducer for torch.Tensor.qr (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.Tensor.qr#170: boundary value self: empty_huge (on accepted input torch.Tensor.qr#7).
# Expected outcome: no result within the time limit (10.1887 s)
# Run: python 456c6f67df.py
import torch
torch.manual_seed(1118897133)
self_ = torch.randn([1099511627776, 1, 0], dtype=torch.float64)
result = torch.Tensor.qr(self_)
