# Reproducer for torch.linalg.eigvalsh (crash), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.linalg.eigvalsh#284: boundary value A: None (on accepted input torch.linalg.eigvalsh#5).
# Expected outcome: killed by SIGABRT corrupted size vs. prev_size
# Run: python 12555a888a.py
import torch
torch.manual_seed(1480325867)
A_ = None
out_ = torch.full([1, 4, 4], float('inf')).to(torch.float32)
result = torch.linalg.eigvalsh(A_, out=out_)
