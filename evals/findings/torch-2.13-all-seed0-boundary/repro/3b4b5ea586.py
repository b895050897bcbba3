# Reproducer for torch.Tensor.geqrf (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.Tensor.geqrf#34: boundary value self: empty_huge.
# Expected outcome: no result within the time limit (10.2617 s)
# Run: python 3b4b5ea586.py
import torch
torch.manual_seed(329539042)
self_ = torch.randn([4611686018427387904, 3, 0], dtype=torch.float32)
result = torch.Tensor.geqrf(self_)
