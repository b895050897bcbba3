# Reproducer for torch.qr (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.qr#238: boundary value input: empty_huge.
# Expected outcome: no result within the time limit (10.0898 s)
# Run: python 211f2e8472.py
import torch
torch.manual_seed(1855100870)
input_ = torch.randn([2147483648, 0, 3], dtype=torch.float64)
some_ = False
result = torch.qr(input_, some_)
