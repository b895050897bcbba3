# Reproducer for torch.qr (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.qr#101: boundary value input: empty_huge.
# Expected outcome: no result within the time limit (10.028 s)
# Run: python 211f2e8472.py
import torch
torch.manual_seed(222796668)
input_ = torch.randn([2147483648, 2, 0, 1], dtype=torch.float32)
result = torch.qr(input_)
