# Reproducer for torch.diff (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.diff#202: boundary value input: empty_huge; n: int:4294967296 (on accepted input torch.diff#7).
# Expected outcome: no result within the time limit (10.0196 s)
# Run: python 3057fb7e88.py
import torch
torch.manual_seed(1417654150)
input_ = torch.randn([1099511627776, 0], dtype=torch.float32)
n_ = 4294967296
dim_ = 0
result = torch.diff(input_, n_, dim_)
