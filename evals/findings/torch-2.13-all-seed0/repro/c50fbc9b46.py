# Reproducer for torch.linalg.eigvals (crash), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.linalg.eigvals#3: boundary value A: neg_inf.
# Expected outcome: killed by SIGSEGV
# Run: python c50fbc9b46.py
import torch
torch.manual_seed(1886025343)
A_ = torch.full([3, 3], float('-inf')).to(torch.complex64)
result = torch.linalg.eigvals(A_)
