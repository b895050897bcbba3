# Reproducer for torch.linalg.eigvals (crash), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.linalg.eigvals#139: boundary value A: nan (on accepted input torch.linalg.eigvals#18).
# Expected outcome: killed by SIGSEGV
# Run: python c50fbc9b46.py
import torch
torch.manual_seed(1920011257)
A_ = torch.full([2, 2], float('nan')).to(torch.float32)
result = torch.linalg.eigvals(A_)
