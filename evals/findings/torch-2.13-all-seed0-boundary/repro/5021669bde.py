# Reproducer for torch.Tensor.apply_ (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.Tensor.apply_#156: boundary value self: empty_huge.
# Expected outcome: no result within the time limit (10.067 s)
# Run: python 5021669bde.py
import torch
torch.manual_seed(587307002)
self_ = torch.randn([1, 1099511627776, 0], dtype=torch.float32)
callable_ = torch.randn([1, 2, 2], dtype=torch.float32)
result = torch.Tensor.apply_(self_, callable_)
