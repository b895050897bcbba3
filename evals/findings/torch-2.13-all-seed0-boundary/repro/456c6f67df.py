# Reproducer for torch.Tensor.qr (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.Tensor.qr#72: boundary value self: empty_huge (on accepted input torch.Tensor.qr#20).
# Expected outcome: no result within the time limit (10.14 s)
# Run: python 456c6f67df.py
import torch
torch.manual_seed(923066901)
self_ = torch.randint(-32768, 32769, [4611686018427387904, 1, 0]).to(torch.float32)
some_ = True
result = torch.Tensor.qr(self_, some_)
