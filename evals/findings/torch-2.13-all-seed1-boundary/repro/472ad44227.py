# Reproducer for torch.round (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.round#277: boundary value decimals: int:9223372036854775807; out: meta_device; input: meta_device (on accepted input torch.round#17).
# Expected outcome: no result within the time limit (10.0277 s)
# Run: python 472ad44227.py
import torch
torch.manual_seed(1662088285)
input_ = torch.empty([3, 4, 4], dtype=torch.float64, device='meta')
decimals_ = 9223372036854775807
out_ = torch.empty([4, 4], dtype=torch.float32, device='meta')
result = torch.round(input_, decimals=decimals_, out=out_)
