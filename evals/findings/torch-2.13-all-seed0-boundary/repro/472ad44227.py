# Reproducer for torch.round (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.round#90: boundary value input: meta_device; decimals: int:2147483648; out: meta_device (on accepted input torch.round#14).
# Expected outcome: no result within the time limit (10.0859 s)
# Run: python 472ad44227.py
import torch
torch.manual_seed(43806382)
input_ = torch.empty([1], dtype=torch.float32, device='meta')
decimals_ = 2147483648
out_ = torch.empty([2, 4, 3], dtype=torch.float32, device='meta')
result = torch.round(input_, decimals=decimals_, out=out_)
