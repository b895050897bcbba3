# Reproducer for torch.Tensor.geqrf (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.Tensor.geqrf#181: boundary value self: empty_huge (on accepted input torch.Tensor.geqrf#28).
# Expected outcome: no result within the time limit (10.0255 s)
# Run: python 3b4b5ea586.py
import torch
torch.manual_seed(2120548926)
self_ = torch.full([2147483648, 0, 1], float('nan')).to(torch.float64)
result = torch.Tensor.geqrf(self_)
