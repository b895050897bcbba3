# Reproducer for torch.arange (hang), found by repowright fuzz.
# torch 2.13.0+cpu; input torch.arange#16: boundary value end: int:2147483647.
# Expected outcome: no result within the time limit (10.8244 s)
# Run: python 8c225d495b.py
import torch
torch.manual_seed(1150516021)
start_ = 0
end_ = 2147483647
step_ = 4
dtype_ = torch.float32
layout_ = torch.strided
device_ = 'cpu'
result = torch.arange(start_, end_, step_, dtype=dtype_, layout=layout_, device=device_)
