# Reproducer for torch.linalg.qr (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.linalg.qr#245: boundary value A: empty_huge (on accepted input torch.linalg.qr#3).
# Expected outcome: no result within the time limit (10.0182 s)
# Run: python 12345548df.py
import torch
torch.manual_seed(843601262)
A_ = torch.randn([1099511627776, 0, 3], dtype=torch.float64)
mode_ = 'r'
result = torch.linalg.qr(A_, mode_)
