# Reproducer for torch.combinations (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.combinations#137: boundary value r: int:1048576 (on accepted input torch.combinations#17).
# Expected outcome: no result within the time limit (10.18 s)
# Run: python f9f75b6256.py
import torch
torch.manual_seed(1242296953)
input_ = torch.randn([1], dtype=torch.float32)
r_ = 1048576
with_replacement_ = False
result = torch.combinations(input_, r_, with_replacement_)
