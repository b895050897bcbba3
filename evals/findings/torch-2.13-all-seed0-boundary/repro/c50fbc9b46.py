# Reproducer for torch.linalg.eigvals (crash), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.linalg.eigvals#233: boundary value A: inf (on accepted input torch.linalg.eigvals#22).
# Expected outcome: killed by SIGSEGV
# Run: python c50fbc9b46.py
import torch
torch.manual_seed(114768600)
A_ = torch.full([4, 4], float('inf')).to(torch.float32)
result = torch.linalg.eigvals(A_)
